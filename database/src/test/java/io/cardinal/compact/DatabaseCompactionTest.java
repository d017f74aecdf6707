package io.cardinal.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.storage.block.BlockMeta;
import io.cardinal.storage.block.BlockWriter;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database's background work, driven by sample time (no wall clock), so days run in seconds.
 */
class DatabaseCompactionTest {
  static final long H = 3_600_000L;
  static final long STEP = 15_000L;

  @TempDir Path dir;

  static CardinalOptions opts() {
    return CardinalOptions.defaults().withCompactionInterval(java.time.Duration.ZERO);
  }

  /** Appends series s0..s(n-1) every 15s over [from, to); value = t / 1000 + s. */
  static void fill(Cardinal db, int n, long from, long to, String gen) {
    Appender app = db.appender();
    long[] refs = new long[n];
    for (long t = from; t < to; t += STEP) {
      for (int s = 0; s < n; s++) {
        refs[s] =
            app.append(
                refs[s], Labels.of("__name__", "m", "s", "" + s, "gen", gen), t, t / 1000.0 + s);
      }
      app.commit();
    }
  }

  static Map<String, List<Long>> read(Cardinal db, long mint, long maxt) {
    Map<String, List<Long>> out = new TreeMap<>();
    try (Querier q = db.querier(mint, maxt)) {
      SeriesSet set = q.select(true, mint, maxt, Matcher.equal("__name__", "m"));
      SampleIterator it = null;
      while (set.next()) {
        it = set.at().iterator(it);
        List<Long> ts = new ArrayList<>();
        while (it.next()) {
          ts.add(it.timestamp());
          assertEquals(
              it.timestamp() / 1000.0 + Integer.parseInt(set.at().labels().get("s")), it.value());
        }
        out.put(set.at().labels().toString(), ts);
      }
    }
    return out;
  }

  static void assertContiguous(Map<String, List<Long>> got, long from, long to) {
    for (Map.Entry<String, List<Long>> e : got.entrySet()) {
      List<Long> ts = e.getValue();
      assertEquals((to - from) / STEP, ts.size(), e.getKey() + ": every sample exactly once");
      for (int i = 0; i < ts.size(); i++) {
        assertEquals(from + i * STEP, ts.get(i), e.getKey());
      }
    }
  }

  @Test
  void headIsCutIntoTwoHourBlocksAndQueriesSeeEverySampleOnce() throws Exception {
    try (Cardinal db = Cardinal.open(dir, opts())) {
      fill(db, 20, 0, 7 * H, "a");
      assertEquals(2, db.compact());
      List<BlockMeta> blocks = db.blocks();
      assertEquals(2, blocks.size());
      assertEquals(0, blocks.get(0).minTime);
      assertEquals(2 * H, blocks.get(0).maxTime);
      assertEquals(2 * H, blocks.get(1).minTime);
      assertEquals(4 * H, blocks.get(1).maxTime);
      assertEquals(20, blocks.get(0).numSeries);
      assertEquals(20L * 2 * H / STEP, blocks.get(0).numSamples);
      assertTrue(db.headStats().minTime() >= 4 * H, "head truncated to the cut");
      assertContiguous(read(db, 0, 7 * H), 0, 7 * H);
      assertEquals(2, db.compactionStats().compactions());
    }
    // And after a restart: blocks plus the replayed head, still exactly once.
    try (Cardinal db = Cardinal.open(dir, opts())) {
      assertEquals(2, db.blocks().size());
      assertContiguous(read(db, 0, 7 * H), 0, 7 * H);
    }
  }

  @Test
  void churnedSeriesAreRemovedAndTheirMemoryGivenBack() throws Exception {
    // Small head chunk files so whole files fall behind the cut and are deleted.
    CardinalOptions o =
        opts()
            .withDurable(
                io.cardinal.storage.head.DurableOptions.of(
                        io.cardinal.storage.head.SyncPolicy.PERIODIC)
                    .withChunkFileSize(64 * 1024));
    try (Cardinal db = Cardinal.open(dir, o)) {
      // A build_info-style churn: every 2h a new generation of 500 series replaces the last.
      for (int g = 0; g < 4; g++) {
        fill(db, 500, g * 2 * H, (g + 1) * 2 * H, "g" + g);
      }
      long seriesBefore = db.headSeries();
      long chunkBytesBefore = db.headStats().chunksBytes();
      long heapBefore = usedHeap();
      db.compact();
      long seriesAfter = db.headSeries();
      long heapAfter = usedHeap();
      System.out.printf(
          "churn: head series %d -> %d, head chunk bytes %d -> %d, heap %d -> %d%n",
          seriesBefore,
          seriesAfter,
          chunkBytesBefore,
          db.headStats().chunksBytes(),
          heapBefore,
          heapAfter);
      assertEquals(2000, seriesBefore);
      assertTrue(seriesAfter <= 1000, "orphaned generations removed: " + seriesAfter);
      assertTrue(db.headStats().chunksBytes() < chunkBytesBefore, "head chunk files released");
      assertTrue(heapAfter < heapBefore, "heap given back: " + heapBefore + " -> " + heapAfter);
      // Nothing lost: the blocks hold what the head let go.
      assertEquals(2000, read(db, 0, 8 * H).size());
    }
  }

  static long usedHeap() {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Runtime r = Runtime.getRuntime();
      best = Math.min(best, r.totalMemory() - r.freeMemory());
    }
    return best;
  }

  @Test
  void twoHourBlocksAreCompactedIntoSixHourBlocks() throws Exception {
    try (Cardinal db = Cardinal.open(dir, opts())) {
      fill(db, 10, 0, 11 * H, "a");
      db.compact();
      List<BlockMeta> blocks = db.blocks();
      // Cuts at 2h..8h, then [0,6h) merged; [6h,8h) is the newest block and stays.
      assertEquals(2, blocks.size(), blocks.toString());
      assertEquals(0, blocks.get(0).minTime);
      assertEquals(6 * H, blocks.get(0).maxTime);
      assertEquals(2, blocks.get(0).level);
      assertEquals(3, blocks.get(0).parents.size());
      assertEquals(3, blocks.get(0).sources.size());
      assertContiguous(read(db, 0, 11 * H), 0, 11 * H);
      try (Stream<Path> s = Files.list(dir)) {
        long dirs = s.filter(p -> p.getFileName().toString().length() == 26).count();
        assertEquals(2, dirs, "input blocks deleted from disk");
      }
    }
  }

  @Test
  void overlappingBlocksAreMergedVerticallyWithoutDuplicates() throws Exception {
    // Two blocks written outside the database with overlapping ranges and a shared sample.
    writeBlock(dir, 0, 2 * H, 0, 2 * H);
    writeBlock(dir, H, 3 * H, H, 3 * H);
    try (Cardinal db = Cardinal.open(dir, opts())) {
      assertEquals(2, db.blocks().size());
      assertContiguous(read(db, 0, 3 * H), 0, 3 * H); // merged at query time already
      db.compact();
      assertEquals(1, db.blocks().size());
      assertEquals(0, db.blocks().get(0).minTime);
      assertEquals(3 * H, db.blocks().get(0).maxTime);
      assertEquals(1, db.compactionStats().verticalCompactions());
      assertContiguous(read(db, 0, 3 * H), 0, 3 * H);
    }
  }

  static BlockMeta writeBlock(Path dir, long mint, long maxt, long from, long to) throws Exception {
    Head h = Head.inMemory();
    Appender app = h.appender();
    for (long t = from; t < to; t += STEP) {
      for (int s = 0; s < 3; s++) {
        app.append(0, Labels.of("__name__", "m", "s", "" + s, "gen", "a"), t, t / 1000.0 + s);
      }
      app.commit();
    }
    return BlockWriter.write(
        dir, h.chunkSeries(mint, maxt - 1), h.symbols(), BlockWriter.Spec.fresh(mint, maxt));
  }

  @Test
  void timeRetentionDeletesOldBlocksOnlyWhenNoQueryHoldsThem() throws Exception {
    try (Cardinal db =
        Cardinal.open(dir, opts().withRetention(java.time.Duration.ofMillis(6 * H)))) {
      fill(db, 3, 0, 15 * H, "a");
      Querier held = db.querier(0, 2 * H);
      List<Path> before = blockDirs();
      db.compact();
      List<BlockMeta> blocks = db.blocks();
      long newest = blocks.get(blocks.size() - 1).maxTime;
      for (BlockMeta m : blocks) {
        assertTrue(newest - m.maxTime < 6 * H, "within retention: " + m);
      }
      assertTrue(db.compactionStats().timeRetentions() > 0);
      // The held querier still reads the blocks it opened with, so their directories stay...
      for (Path p : before) {
        assertTrue(Files.exists(p), "still held: " + p);
      }
      assertEquals(3, read(db, 0, 15 * H).size());
      held.close();
      // ...and go once it is closed.
      for (Path p : before) {
        boolean live = blocks.stream().anyMatch(m -> p.getFileName().toString().equals(m.ulid));
        assertEquals(live, Files.exists(p), p.toString());
      }
    }
  }

  private List<Path> blockDirs() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().length() == 26).toList();
    }
  }

  @Test
  void sizeRetentionDeletesOldestBlocks() throws Exception {
    try (Cardinal db = Cardinal.open(dir, opts())) {
      fill(db, 50, 0, 11 * H, "a");
      db.compact();
      assertTrue(db.blocks().size() >= 2);
    }
    long oneBlock;
    try (Cardinal db = Cardinal.open(dir, opts())) {
      oneBlock = BlockSet.dirSize(dir.resolve(db.blocks().get(db.blocks().size() - 1).ulid));
    }
    long budget =
        oneBlock
            + BlockSet.dirSize(dir.resolve("wal"))
            + BlockSet.dirSize(dir.resolve("chunks_head"))
            + 1024;
    try (Cardinal db = Cardinal.open(dir, opts().withRetentionBytes(budget))) {
      db.compact();
      assertEquals(1, db.blocks().size(), "only the newest block fits the size budget");
      assertEquals(1, db.compactionStats().sizeRetentions());
    }
  }

  @Test
  void retentionChangedAtRuntimeTakesEffectAtTheNextRound() throws Exception {
    try (Cardinal db = Cardinal.open(dir, opts())) {
      fill(db, 3, 0, 15 * H, "a");
      db.compact();
      int all = db.blocks().size();
      assertTrue(all >= 4, "blocks: " + db.blocks());
      assertEquals(opts().retentionBytes(), db.retentionBytes());
      // Zero disables time retention: nothing goes.
      db.setRetention(0, 0, 0);
      assertEquals(Long.MAX_VALUE, db.retentionMs());
      db.compact();
      assertEquals(all, db.blocks().size());
      // A shorter time: the old blocks go at the next round.
      db.setRetention(6 * H, 0, 0);
      db.compact();
      List<BlockMeta> blocks = db.blocks();
      long newest = blocks.get(blocks.size() - 1).maxTime;
      assertTrue(blocks.size() < all, blocks.toString());
      for (BlockMeta m : blocks) {
        assertTrue(newest - m.maxTime < 6 * H, "within the new retention: " + m);
      }
      // A one-byte size limit deletes blocks, oldest first, while the data is over it.
      db.setRetention(0, 1, 0);
      db.compact();
      assertTrue(db.blocks().size() < blocks.size(), db.blocks().toString());
      // A percentage of the file system is a size limit read from the volume.
      db.setRetention(0, 0, 100);
      long total = Files.getFileStore(dir).getTotalSpace();
      assertEquals(total / 100 * 100, db.retentionBytes());
      db.setRetention(0, 1 << 20, 100);
      assertEquals(Math.min(1 << 20, total), db.retentionBytes(), "the smaller limit wins");
      assertThrows(IllegalArgumentException.class, () -> db.setRetention(-1, 0, 0));
      assertThrows(IllegalArgumentException.class, () -> db.setRetention(0, 0, 101));
    }
  }

  @Test
  void corruptBlockIsSetAsideAndEverythingElseStaysQueryable() throws Exception {
    BlockMeta good = writeBlock(dir, 0, 2 * H, 0, 2 * H);
    BlockMeta bad = writeBlock(dir, 2 * H, 4 * H, 2 * H, 4 * H);
    Path index = dir.resolve(bad.ulid).resolve("index");
    byte[] b = Files.readAllBytes(index);
    Files.write(index, java.util.Arrays.copyOf(b, b.length / 2));
    try (Cardinal db = Cardinal.open(dir, opts())) {
      assertEquals(1, db.blocks().size());
      assertEquals(good.ulid, db.blocks().get(0).ulid);
      assertEquals(1, db.setAsideBlocks().size());
      assertTrue(db.setAsideBlocks().get(0).startsWith(bad.ulid), db.setAsideBlocks().toString());
      assertContiguous(read(db, 0, 2 * H), 0, 2 * H);
    }
  }

  @Test
  void interruptedCompactionLeavesNoVisibleBlockAndIsRedone() throws Exception {
    try (Cardinal db = Cardinal.open(dir, opts())) {
      fill(db, 5, 0, 11 * H, "a");
      db.compact();
    }
    // A compaction that died midway: a half-written temporary directory...
    Path tmp = dir.resolve(io.cardinal.storage.block.Ulid.next(1) + BlockWriter.TMP_SUFFIX);
    Files.createDirectories(tmp.resolve("chunks"));
    Files.writeString(tmp.resolve("index"), "partial");
    // ...and one that finished its block but died before deleting its inputs: copy an input back.
    try (Cardinal db = Cardinal.open(dir, opts())) {
      BlockMeta merged = db.blocks().get(0);
      assertEquals(2, merged.level);
    }
    Path resurrected = writeInputBack(dir);
    try (Cardinal db = Cardinal.open(dir, opts())) {
      assertFalse(Files.exists(tmp), "temporary directory removed");
      // The merge querier would hide a duplicate, so check the input itself is gone from disk.
      assertFalse(
          Files.exists(resurrected),
          "an input already compacted into a newer block is deleted at open");
      assertEquals(2, db.blocks().get(0).level);
      assertContiguous(read(db, 0, 11 * H), 0, 11 * H);
    }
  }

  /** Writes a copy of the first input of the merged block under its parent's ULID. */
  private static Path writeInputBack(Path dir) throws Exception {
    BlockMeta merged = null;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.getFileName().toString().length() == 26 && Files.exists(p.resolve("meta.json"))) {
          BlockMeta m = BlockMeta.read(p);
          if (m.level == 2) {
            merged = m;
          }
        }
      }
    }
    String parent = merged.parents.get(0);
    BlockMeta copy = writeBlock(dir, 0, 2 * H, 0, 2 * H);
    Path target = dir.resolve(parent);
    Files.move(dir.resolve(copy.ulid), target);
    // Rewrite its meta.json with the parent's ULID so it looks like the undeleted input.
    BlockMeta renamed =
        new BlockMeta(
            parent,
            copy.minTime,
            copy.maxTime,
            copy.numSamples,
            copy.numSeries,
            copy.numChunks,
            0,
            1,
            List.of(parent),
            List.of());
    renamed.write(target);
    return target;
  }
}
