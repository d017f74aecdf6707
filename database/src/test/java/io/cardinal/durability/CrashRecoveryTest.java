package io.cardinal.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cardinal.Cardinal;
import io.cardinal.testing.Seeds;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writer JVM ({@link CrashChild}, {@link io.cardinal.storage.head.SyncPolicy#PER_COMMIT})
 * with SIGKILL at random points, again and again on the same data directory, and after each kill
 * reopens the directory and checks that every acknowledged sample is there exactly once with its
 * value, that nothing else is there, and that every chunk reads without error. Set {@code
 * -Dcardinal.seed=N} to replay a run; the seed is printed.
 */
class CrashRecoveryTest {
  static final int MIN_KILLS = 50;
  static final int MAX_KILLS = 150;
  static final long BUDGET_MS = 45_000;

  @TempDir Path tmp;

  @Test
  @Timeout(value = 170, unit = TimeUnit.SECONDS)
  void everyAcknowledgedSampleSurvivesSigkill() throws Exception {
    run("truncate", MIN_KILLS, BUDGET_MS);
  }

  /** Kills during head cutting, block writing and block merging: nothing lost, nothing twice. */
  @Test
  @Timeout(value = 170, unit = TimeUnit.SECONDS)
  void everyAcknowledgedSampleSurvivesSigkillDuringCompaction() throws Exception {
    run("compact", 30, 30_000);
  }

  /**
   * Kills while series idle for a few steps are written to blocks and leave the head (stale-series
   * eviction), between compactions: nothing lost, nothing twice, and evicted series stay out of the
   * head after a restart.
   */
  @Test
  @Timeout(value = 170, unit = TimeUnit.SECONDS)
  void everyAcknowledgedSampleSurvivesSigkillDuringStaleSeriesEviction() throws Exception {
    run("evict", 30, 30_000);
  }

  private void run(String mode, int minKills, long budgetMs) throws Exception {
    long seed = Seeds.seed("CrashRecoveryTest " + mode);
    Random rnd = new Random(seed);
    Path data = tmp.resolve("data-" + mode);
    Path log = tmp.resolve("child-stderr.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");

    BitSet acked = new BitSet();
    long truncMint = Long.MIN_VALUE;
    long verified = 0;
    int kills = 0;
    int repairs = 0;
    long evicted = 0;
    long start = System.nanoTime();
    try {
      while (kills < MAX_KILLS && (kills < minKills || ms(start) < budgetMs)) {
        if (ms(start) > 150_000) {
          fail("only " + kills + " kills in 150 s" + Seeds.at(seed));
        }
        ProcessBuilder pb =
            new ProcessBuilder(
                java,
                "-Xmx96m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                "-cp",
                cp,
                CrashChild.class.getName(),
                data.toString(),
                mode);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        int killAfter = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(160);
        int acks = 0;
        try (BufferedReader r =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          boolean killed = false;
          while ((line = r.readLine()) != null) {
            switch (line.charAt(0)) {
              case 'A' -> {
                acked.set(Math.toIntExact(Long.parseLong(line.substring(2))));
                acks++;
              }
              case 'T' -> truncMint = Math.max(truncMint, Long.parseLong(line.substring(2)));
              case 'V' -> evicted += Long.parseLong(line.substring(2));
              case 'S', 'C' -> {}
              default -> fail("child says: " + line + Seeds.at(seed));
            }
            if (!killed && acks >= killAfter && line.charAt(0) != 'S'
                || !killed && killAfter == 0) {
              if (rnd.nextBoolean()) {
                Thread.sleep(rnd.nextInt(5));
              }
              // SIGKILL through the handle: Process.destroyForcibly would also close our end of the
              // pipe,
              // and lines the child printed before dying are acknowledgements we must still read.
              p.toHandle().destroyForcibly();
              killed = true;
            }
          }
        }
        p.waitFor();
        kills++;
        long[] check = verify(data, acked, truncMint, seed, mode);
        verified += check[0];
        repairs += (int) check[1];
      }
    } catch (AssertionError | Exception e) {
      if (Files.exists(log)) {
        List<String> lines = Files.readAllLines(log);
        System.out.println(
            "child stderr (last lines):\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
      }
      throw e;
    }
    long wall = ms(start);
    System.out.printf(
        "CrashRecoveryTest["
            + mode
            + "]: %d kills, %d acknowledged batches, %d acknowledged samples checked "
            + "over all reopens, %d repairs reported, %d series evicted, %d ms [seed=%d]%n",
        kills,
        acked.cardinality(),
        verified,
        repairs,
        evicted,
        wall,
        seed);
    assertTrue(kills >= minKills);
    if (mode.equals("evict")) {
      assertTrue(evicted > 0, "the children evicted series" + Seeds.at(seed));
    }
  }

  static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** Reopens, checks, closes; returns {samples checked, repairs reported}. */
  static long[] verify(Path data, BitSet acked, long truncMint, long seed, String mode)
      throws IOException {
    Map<Long, long[]> byId = new HashMap<>();
    long repairs;
    try (Cardinal db = Cardinal.open(data, CrashChild.options(mode))) {
      repairs = db.replayStats().warnings().size();
      if (mode.equals("evict")) {
        // Evicted series do not come back into memory at replay: at most the live window, the
        // series idle less than IDLE, and those a kill caught between block and WAL deletion.
        long max = db.headStats().maxTime();
        if (max != Long.MIN_VALUE) {
          long newest = (max - CrashChild.T0) / CrashChild.STEP;
          long oldestLive = CrashChild.firstId(newest - CrashChild.IDLE / CrashChild.STEP - 10);
          long bound = CrashChild.firstId(newest) + CrashChild.WIDTH - Math.max(0, oldestLive);
          assertTrue(
              db.headSeries() <= bound + 3,
              "head holds "
                  + db.headSeries()
                  + " series, expected at most ~"
                  + bound
                  + Seeds.at(seed));
        }
      }
      try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
        SeriesSet set =
            q.select(true, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.equal("__name__", "crash"));
        SampleIterator it = null;
        while (set.next()) {
          long id = Long.parseLong(set.at().labels().get("id"));
          it = set.at().iterator(it);
          List<Long> ts = new ArrayList<>();
          long prev = Long.MIN_VALUE;
          while (it.next()) {
            long t = it.timestamp();
            long step = (t - CrashChild.T0) / CrashChild.STEP;
            String where = " [series=" + id + ", t=" + t + "]" + Seeds.at(seed);
            assertTrue(t > prev, "timestamps must strictly increase (a sample twice?)" + where);
            assertEquals(
                CrashChild.T0 + step * CrashChild.STEP, t, "timestamp off the grid" + where);
            long first = CrashChild.firstId(step);
            assertTrue(
                id >= first && id < first + CrashChild.WIDTH, "series not in that batch" + where);
            assertEquals(CrashChild.value(id, step), it.value(), "value" + where);
            prev = t;
            ts.add(t);
          }
          assertNull(it.error(), "chunk error for series " + id + Seeds.at(seed));
          long[] arr = ts.stream().mapToLong(Long::longValue).toArray();
          if (byId.put(id, arr) != null) {
            fail("series " + id + " appears twice" + Seeds.at(seed));
          }
        }
      }
    }
    long checked = 0;
    for (int step = acked.nextSetBit(0); step >= 0; step = acked.nextSetBit(step + 1)) {
      long t = CrashChild.T0 + step * CrashChild.STEP;
      if (t < truncMint) {
        continue; // legitimately truncated away (or about to be)
      }
      long first = CrashChild.firstId(step);
      for (long id = first; id < first + CrashChild.WIDTH; id++) {
        long[] ts = byId.get(id);
        if (ts == null || Arrays.binarySearch(ts, t) < 0) {
          fail(
              "acknowledged sample lost [series="
                  + id
                  + ", step="
                  + step
                  + ", t="
                  + t
                  + "]"
                  + Seeds.at(seed));
        }
        checked++;
      }
    }
    return new long[] {checked, repairs};
  }
}
