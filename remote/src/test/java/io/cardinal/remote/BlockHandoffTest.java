package io.cardinal.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.storage.block.BlockMeta;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Completed blocks staged for a Thanos-style uploader: hard links, a thanos section, once each. */
class BlockHandoffTest {
  @TempDir Path dir;

  /** Writes 5 hours of data and compacts: level-1 blocks in dir/data. */
  private List<BlockMeta> blocks() throws Exception {
    try (Cardinal db = Cardinal.open(dir.resolve("data"), CardinalOptions.defaults())) {
      Appender app = db.appender();
      long t0 = 1_700_000_000_000L / 7_200_000L * 7_200_000L;
      for (int i = 0; i < 300; i++) {
        for (int s = 0; s < 5; s++) {
          app.append(
              0,
              Labels.of("__name__", "handoff_metric", "s", Integer.toString(s)),
              t0 + i * 60_000L,
              i);
        }
        app.commit();
      }
      assertTrue(db.compact() > 0);
      return db.blocks();
    }
  }

  @Test
  void stagesCompleteBlocksOnceWithExternalLabels() throws Exception {
    List<BlockMeta> metas = blocks();
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve("01ARZ3NDEKTSV4RRFFQ69G5FAV.tmp-for-creation"));
    BlockHandoff h =
        new BlockHandoff(
            data, dir.resolve("staging"), Labels.of("cluster", "eu-1", "replica", "a"), false);
    List<Path> staged = h.stage();
    assertEquals(metas.size(), staged.size());
    for (Path p : staged) {
      String ulid = p.getFileName().toString();
      Path original = data.resolve(ulid);
      String meta = Files.readString(p.resolve("meta.json"));
      assertTrue(
          meta.contains(
              "\"thanos\": {\"labels\":{\"cluster\":\"eu-1\",\"replica\":\"a\"},\"downsample\":"
                  + "{\"resolution\":0},\"source\":\"sidecar\",\"segment_files\":[\"000001\"],\"files\":[{\"rel_path\":"
                  + "\"chunks/000001\",\"size_bytes\":"),
          meta);
      // The staged meta.json is still a block meta.json that storage reads, with the section
      // preserved.
      BlockMeta m = BlockMeta.read(p);
      assertEquals(ulid, m.ulid);
      assertEquals("eu-1", m.extra("thanos").get("labels").get("cluster").asText());
      // The database's own block is untouched; the data files are the same inodes.
      assertFalse(Files.readString(original.resolve("meta.json")).contains("thanos"));
      assertTrue(Files.isSameFile(original.resolve("index"), p.resolve("index")));
      assertTrue(Files.isSameFile(original.resolve("chunks/000001"), p.resolve("chunks/000001")));
    }
    // Once only.
    assertEquals(List.of(), h.stage());
    assertTrue(
        Files.readString(dir.resolve("staging/handoff.json"))
            .contains(staged.get(0).getFileName().toString()));
    // The database deleting a block (retention) leaves the staged copy whole.
    Path first = staged.get(0);
    long indexSize = Files.size(first.resolve("index"));
    try (Stream<Path> s = Files.walk(data.resolve(first.getFileName().toString()))) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
    assertEquals(indexSize, Files.size(first.resolve("index")));
  }

  @Test
  void promtoolReadsTheStagedBlocks() throws Exception {
    Path promtool = io.cardinal.testing.Interop.requireBinary("promtool");
    blocks();
    List<Path> staged =
        new BlockHandoff(
                dir.resolve("data"), dir.resolve("staging"), Labels.of("cluster", "eu-1"), false)
            .stage();
    Files.delete(dir.resolve("staging/handoff.json"));
    Process p =
        new ProcessBuilder(promtool.toString(), "tsdb", "list", dir.resolve("staging").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    for (Path s : staged) {
      assertTrue(out.contains(s.getFileName().toString()), out);
    }
  }
}
