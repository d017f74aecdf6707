package io.cardinal.compact;

import static io.cardinal.compact.DatabaseCompactionTest.H;
import static io.cardinal.compact.DatabaseCompactionTest.STEP;
import static io.cardinal.compact.DatabaseCompactionTest.fill;
import static io.cardinal.compact.DatabaseCompactionTest.opts;
import static io.cardinal.compact.DatabaseCompactionTest.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.storage.block.Block;
import io.cardinal.storage.block.BlockMeta;
import io.cardinal.tsdb.labels.Matcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeletionTest {
  @TempDir Path dir;

  static void assertNoneIn(List<Long> ts, long from, long to) {
    for (long t : ts) {
      assertTrue(t < from || t > to, "sample at " + t + " should be deleted");
    }
  }

  @Test
  void deleteHidesSamplesInBlocksAndHeadAndSurvivesRestartAndCompaction() throws Exception {
    try (Cardinal db = Cardinal.open(dir, opts())) {
      fill(db, 4, 0, 7 * H, "a");
      db.compact(); // blocks [0,2h) [2h,4h), head from 4h
      db.delete(H, 5 * H, Matcher.equal("s", "1"));
      Map<String, List<Long>> got = read(db, 0, 7 * H);
      List<Long> s1 = got.get("{__name__=\"m\", gen=\"a\", s=\"1\"}");
      assertNoneIn(s1, H, 5 * H);
      assertEquals((7 * H - 4 * H) / STEP - 1, s1.size(), "only samples outside [1h,5h] left");
      assertEquals(
          7 * H / STEP,
          got.get("{__name__=\"m\", gen=\"a\", s=\"0\"}").size(),
          "other series untouched");
    }
    try (Cardinal db = Cardinal.open(dir, opts())) {
      // Head deletions come back from the WAL, block deletions from tombstones files.
      assertNoneIn(read(db, 0, 7 * H).get("{__name__=\"m\", gen=\"a\", s=\"1\"}"), H, 5 * H);
      fill(db, 4, 7 * H, 9 * H, "a");
      db.compact(); // cuts [4h,6h) with the head deletion applied
      assertNoneIn(read(db, 0, 9 * H).get("{__name__=\"m\", gen=\"a\", s=\"1\"}"), H, 5 * H);
      assertEquals(
          9 * H / STEP, read(db, 0, 9 * H).get("{__name__=\"m\", gen=\"a\", s=\"0\"}").size());
    }
  }

  @Test
  void cleanTombstonesRewritesBlocksWithoutTheDeletedData() throws Exception {
    try (Cardinal db = Cardinal.open(dir, opts())) {
      fill(db, 4, 0, 5 * H, "a");
      db.compact();
      BlockMeta first = db.blocks().get(0);
      db.delete(0, 2 * H, Matcher.equal("s", "2"));
      assertEquals(1, db.cleanTombstones());
      BlockMeta rewritten = db.blocks().get(0);
      assertTrue(!rewritten.ulid.equals(first.ulid));
      assertEquals(3, rewritten.numSeries, "the deleted series is gone from the block");
      try (Block b = Block.open(dir.resolve(rewritten.ulid))) {
        assertTrue(b.tombstones().isEmpty());
      }
      assertTrue(!Files.exists(dir.resolve(first.ulid)), "old block deleted");
      // [0, 2h] is inclusive: the head's sample at exactly 2h goes too.
      assertEquals(
          5 * H / STEP - 2 * H / STEP - 1,
          read(db, 0, 5 * H).get("{__name__=\"m\", gen=\"a\", s=\"2\"}").size());
    }
  }

  @Test
  void snapshotHoldsBlocksAndHeadAsReadableBlocks() throws Exception {
    String name;
    try (Cardinal db = Cardinal.open(dir.resolve("data"), opts())) {
      fill(db, 3, 0, 5 * H, "a");
      db.compact();
      name = db.snapshot(dir.resolve("snapshots"), true);
    }
    Path snap = dir.resolve("snapshots").resolve(name);
    long samples = 0;
    try (Stream<Path> s = Files.list(snap)) {
      for (Path b : (Iterable<Path>) s::iterator) {
        try (Block block = Block.open(b)) {
          samples += block.meta().numSamples;
        }
      }
    }
    assertEquals(3 * 5 * H / STEP, samples, "every sample in the snapshot");
  }
}
