package io.cardinal.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.StaleSeriesStats;
import io.cardinal.storage.block.BlockMeta;
import io.cardinal.tsdb.AppendStatus;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Series that stop receiving samples leave the head for blocks, and nothing is lost or doubled. */
class StaleSeriesEvictionTest {
  static final long STEP = 15_000L;
  static final long T0 = 1_700_000_000_000L / (2 * 3_600_000L) * (2 * 3_600_000L);
  static final double STALE = Double.longBitsToDouble(0x7ff0000000000002L);

  @TempDir Path dir;

  static CardinalOptions idle(Duration d) {
    return CardinalOptions.defaults()
        .withCompactionInterval(Duration.ZERO)
        .withStaleSeriesIdle(d)
        .withMaxFuture(Duration.ZERO);
  }

  static Labels series(String name, String version) {
    return Labels.of("__name__", name, "version", version);
  }

  /** Samples of every series named {@code name}: labels -> timestamps (values checked = t/1000). */
  static Map<String, List<Long>> read(Cardinal db, String name) {
    Map<String, List<Long>> out = new TreeMap<>();
    try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
      SeriesSet set =
          q.select(true, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.equal("__name__", name));
      SampleIterator it = null;
      while (set.next()) {
        it = set.at().iterator(it);
        List<Long> ts = new ArrayList<>();
        while (it.next()) {
          if (Double.doubleToRawLongBits(it.value()) != 0x7ff0000000000002L) {
            assertEquals(it.timestamp() / 1000.0, it.value(), "value at " + it.timestamp());
          }
          assertTrue(ts.isEmpty() || ts.get(ts.size() - 1) < it.timestamp(), "a sample twice");
          ts.add(it.timestamp());
        }
        assertTrue(out.put(set.at().labels().toString(), ts) == null, "series twice: " + set.at());
      }
    }
    return out;
  }

  static void append(Cardinal db, Labels l, long from, long to) {
    Appender app = db.appender();
    for (long t = from; t < to; t += STEP) {
      assertTrue(app.append(0, l, t, t / 1000.0) > 0, "appended at " + t);
    }
    app.commit();
  }

  static void staleMarker(Cardinal db, Labels l, long t) {
    Appender app = db.appender();
    app.append(0, l, t, STALE);
    app.commit();
  }

  @Test
  void staleAndIdleSeriesLeaveTheHeadForABlockAndQueriesSeeEverySampleOnce() throws Exception {
    try (Cardinal db = Cardinal.open(dir, idle(Duration.ofMinutes(5)))) {
      append(db, series("m", "steady"), T0, T0 + 30 * 60_000);
      append(db, series("m", "marked"), T0, T0 + 10 * 60_000);
      staleMarker(db, series("m", "marked"), T0 + 10 * 60_000);
      append(db, series("m", "idle"), T0, T0 + 20 * 60_000);
      append(db, series("m", "recent"), T0 + 20 * 60_000, T0 + 27 * 60_000);
      Map<String, List<Long>> before = read(db, "m");
      assertEquals(4, db.headSeries());

      assertEquals(2, db.evictStaleSeries(), "the marked one and the one idle for 10 minutes");
      assertEquals(2, db.headSeries());
      StaleSeriesStats st = db.staleSeriesStats();
      assertEquals(1, st.staleSeries());
      assertEquals(1, st.idleSeries());
      assertEquals(2, st.seriesEvicted());
      assertEquals(1, st.blocksWritten());
      assertTrue(st.bytesFreed() > 2 * 200, "bytes given back: " + st.bytesFreed());
      List<BlockMeta> blocks = db.blocks();
      assertEquals(1, blocks.size());
      assertTrue(blocks.get(0).hasHint(BlockMeta.HINT_STALE_SERIES));
      assertEquals(2, blocks.get(0).numSeries);
      assertEquals(before, read(db, "m"), "every sample still there, once");
      assertEquals(0, db.evictStaleSeries(), "nothing left to evict");

      // The marked series comes back: a new head series, queries see both runs as one series.
      append(db, series("m", "marked"), T0 + 29 * 60_000, T0 + 30 * 60_000);
      assertEquals(3, db.headSeries());
      Map<String, List<Long>> after = read(db, "m");
      List<Long> marked = after.get(series("m", "marked").toString());
      assertEquals(before.get(series("m", "marked").toString()).size() + 4, marked.size());
    }
    // After a restart the evicted series stay out of memory, and nothing is lost or doubled.
    try (Cardinal db = Cardinal.open(dir, idle(Duration.ofMinutes(5)))) {
      assertEquals(3, db.headSeries(), "steady, recent and the returned one");
      Map<String, List<Long>> got = read(db, "m");
      assertEquals(4, got.size());
      assertEquals(40 + 1 + 4, got.get(series("m", "marked").toString()).size());
      assertEquals(80, got.get(series("m", "idle").toString()).size());
      assertEquals(120, got.get(series("m", "steady").toString()).size());
    }
  }

  @Test
  void theRatioTriggerWaitsForItsShareOfStaleSeriesAndIgnoresIdleOnes() throws Exception {
    CardinalOptions o =
        CardinalOptions.defaults()
            .withCompactionInterval(Duration.ZERO)
            .withMaxFuture(Duration.ZERO)
            .withStaleSeriesCompactionThreshold(0.5);
    try (Cardinal db = Cardinal.open(dir, o)) {
      for (int i = 0; i < 4; i++) {
        append(db, series("r", "v" + i), T0, T0 + 5 * 60_000);
      }
      append(db, series("r", "later"), T0, T0 + 20 * 60_000);
      staleMarker(db, series("r", "v0"), T0 + 5 * 60_000);
      assertEquals(0, db.evictStaleSeries(), "1 of 5 marked stale is under the threshold");
      staleMarker(db, series("r", "v1"), T0 + 5 * 60_000);
      assertEquals(0, db.evictStaleSeries(), "2 of 5");
      staleMarker(db, series("r", "v2"), T0 + 5 * 60_000);
      assertEquals(3, db.evictStaleSeries(), "3 of 5: the marked ones go, the idle v3 stays");
      assertEquals(2, db.headSeries());
      assertEquals(5, read(db, "r").size());
    }
  }

  @Test
  void aFullSeriesLimitFreesUpForNewSeriesOnceStaleOnesAreEvicted() throws Exception {
    try (Cardinal db = Cardinal.open(dir, idle(Duration.ofMinutes(1)).withMaxSeries(4))) {
      for (int i = 0; i < 4; i++) {
        append(db, series("l", "old" + i), T0, T0 + 60_000);
        staleMarker(db, series("l", "old" + i), T0 + 60_000);
      }
      Appender app = db.appender();
      app.append(0, series("l", "new"), T0 + 75_000, 1);
      assertEquals(1, app.commit().count(AppendStatus.SKIPPED_SERIES_LIMIT));
      assertEquals(4, db.evictStaleSeries());
      append(db, series("l", "new0"), T0 + 90_000, T0 + 120_000);
      assertEquals(1, db.headSeries());
    }
  }

  @Test
  void blocksOfEvictedSeriesAreMergedInTiersAndWithTheHeadBlockOnceItIsCut() throws Exception {
    Duration range = Duration.ofMinutes(40);
    CardinalOptions o = idle(Duration.ofMinutes(1)).withChunkRange(range);
    try (Cardinal db = Cardinal.open(dir, o)) {
      long t = T0;
      // One short-lived series per minute, each evicted on its own: many small blocks.
      for (int i = 0; i < 20; i++) {
        append(db, series("c", "gen" + i), t, t + 60_000);
        append(db, series("c", "steady"), t, t + 60_000);
        staleMarker(db, series("c", "gen" + i), t + 60_000);
        assertEquals(1, db.evictStaleSeries());
        db.compact();
        t += 60_000;
        long stale =
            db.blocks().stream().filter(b -> b.hasHint(BlockMeta.HINT_STALE_SERIES)).count();
        assertTrue(stale < 8 * 2, "tiers keep the count down: " + stale + " stale blocks");
      }
      Map<String, List<Long>> before = read(db, "c");
      assertEquals(21, before.size());
      // Past 1.5 ranges the head's oldest range is cut, and that range's stale blocks merge in.
      append(db, series("c", "steady"), t, T0 + 70 * 60_000);
      db.compact();
      assertTrue(
          db.blocks().stream()
              .noneMatch(
                  b -> b.hasHint(BlockMeta.HINT_STALE_SERIES) && b.maxTime <= T0 + 40 * 60_000),
          "stale blocks of the cut range merged: " + db.blocks());
      Map<String, List<Long>> after = read(db, "c");
      for (Map.Entry<String, List<Long>> e : before.entrySet()) {
        List<Long> now = after.get(e.getKey());
        assertEquals(e.getValue(), now.subList(0, e.getValue().size()), e.getKey());
      }
    }
  }

  @Test
  void anInMemoryDatabaseRefusesEvictionItHasNoBlockToWriteTo() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Cardinal.inMemory(idle(Duration.ofMinutes(5))));
    assertTrue(e.getMessage().contains("directory"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> CardinalOptions.defaults().withStaleSeriesCompactionThreshold(1.5));
  }
}
