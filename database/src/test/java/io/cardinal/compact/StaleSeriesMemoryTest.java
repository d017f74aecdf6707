package io.cardinal.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Churn leaves nothing behind: hundreds of thousands of series created, marked stale and evicted
 * leave the heap where it was (series, postings, symbols, reference pages, blocks' metadata).
 */
class StaleSeriesMemoryTest {
  static final int STEADY = 2_000;
  static final int CHURN = 2_000;
  static final int ROUNDS = 200;
  static final long STEP = 15_000L;
  static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;

  static long usedAfterGc() throws InterruptedException {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
      best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  @Test
  void evictedSeriesGiveTheirMemoryBack() throws Exception {
    CardinalOptions o =
        CardinalOptions.defaults()
            .withCompactionInterval(Duration.ZERO)
            .withMaxFuture(Duration.ZERO)
            .withStaleSeriesIdle(Duration.ofMinutes(5));
    double stale = Double.longBitsToDouble(0x7ff0000000000002L);
    long baseline = 0;
    long evicted = 0;
    try (Cardinal db = Cardinal.open(dir, o)) {
      Appender app = db.appender();
      long t = T0;
      for (int round = 0; round < ROUNDS; round++) {
        // Four scrapes of one version, then its series go stale and the next version starts.
        for (int scrape = 0; scrape < 4; scrape++, t += STEP) {
          for (int i = 0; i < STEADY; i++) {
            app.append(0, Labels.of("__name__", "steady", "i", "" + i), t, round);
          }
          for (int i = 0; i < CHURN; i++) {
            app.append(
                0,
                Labels.of("__name__", "app", "version", "v" + round, "worker", "" + i),
                t,
                scrape);
          }
          app.commit();
        }
        for (int i = 0; i < CHURN; i++) {
          app.append(
              0, Labels.of("__name__", "app", "version", "v" + round, "worker", "" + i), t, stale);
        }
        app.commit();
        evicted += db.evictStaleSeries();
        db.compact();
        if (round == ROUNDS / 4) {
          baseline = usedAfterGc();
        }
      }
      long end = usedAfterGc();
      assertEquals((long) CHURN * ROUNDS, evicted);
      assertEquals(STEADY, db.headSeries());
      long perSeries = (end - baseline) / ((long) CHURN * ROUNDS * 3 / 4);
      System.out.printf(
          "StaleSeriesMemoryTest: heap after GC %d KiB at round %d, %d KiB at round %d, %d"
              + " series evicted in between: %d bytes per evicted series, %d blocks%n",
          baseline >> 10,
          ROUNDS / 4,
          end >> 10,
          ROUNDS,
          CHURN * ROUNDS * 3 / 4,
          perSeries,
          db.blocks().size());
      // The steady series' chunks grow meanwhile (600 samples each, a few KiB in all); anything
      // near the cost of a series (hundreds of bytes) per evicted series would be a leak.
      assertTrue(perSeries < 16, perSeries + " bytes kept per evicted series");
    }
  }
}
