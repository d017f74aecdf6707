package io.cardinal.bench.compare;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.storage.block.BlockMeta;
import java.nio.file.Path;

/**
 * Opens a data directory of blocks, runs one round of compaction and prints what it did as one JSON
 * line: {@code {"seconds":…, "samples":…, "blocks_before":…, "blocks_after":…}}. The side-by-side
 * script runs Prometheus on a copy of the same blocks. With several directories (copies of the same
 * blocks) each is compacted in turn in the same JVM: the first is a cold JIT, the later ones show a
 * long-running server's compaction.
 */
public final class CompactOnce {
  public static void main(String[] args) throws Exception {
    for (String a : args) {
      compactOnce(Path.of(a));
    }
  }

  static void compactOnce(Path dir) throws Exception {
    try (Cardinal db =
        Cardinal.open(
            dir, CardinalOptions.defaults().withCompactionInterval(java.time.Duration.ZERO))) {
      int before = db.blocks().size();
      long t0 = System.nanoTime();
      int written = db.compact();
      double secs = (System.nanoTime() - t0) / 1e9;
      long samples = db.compactionStats().compactedSamples();
      int after = db.blocks().size();
      long maxLevel = db.blocks().stream().mapToLong(m -> m.level).max().orElse(0);
      System.out.printf(
          "{\"seconds\":%.3f,\"samples\":%d,\"blocks_written\":%d,\"blocks_before\":%d,\"blocks_after\":%d,\"max_level\":%d}%n",
          secs, samples, written, before, after, maxLevel);
      for (BlockMeta m : db.blocks()) {
        System.err.println(m);
      }
    }
  }
}
