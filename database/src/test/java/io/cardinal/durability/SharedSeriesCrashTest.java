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
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several writers append to the same series ({@link SharedSeriesCrashChild}) while the process is
 * killed with SIGKILL again and again on one data directory. After each kill the directory is
 * reopened: every acknowledged batch must be there exactly once, no sample of a batch the database
 * rejected may be there (it must never be served after a restart when it was never served before),
 * and replay must drop nothing, which it only does when the WAL's order for a series differs from
 * the order the samples were applied in. {@code -Dcardinal.seed=N} replays a run; the seed is
 * printed.
 */
class SharedSeriesCrashTest {
  static final int MIN_KILLS = 100;
  static final int MAX_KILLS = 250;
  static final long BUDGET_MS = 60_000;

  @TempDir Path tmp;

  /** What the child said of one batch: 'A' acknowledged, 'N' rejected whole, 'P' partly. */
  private final Map<Long, Character> said = new HashMap<>();

  private static long key(int series, long ticket) {
    return ticket * SharedSeriesCrashChild.SERIES + series;
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void concurrentWritersOnSharedSeriesLoseNothingAcrossKills() throws Exception {
    long seed = Seeds.seed("SharedSeriesCrashTest");
    Random rnd = new Random(seed);
    Path data = tmp.resolve("data");
    Path log = tmp.resolve("child-stderr.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");

    int kills = 0;
    long acked = 0;
    long rejected = 0;
    long checked = 0;
    long nextTicket = 0;
    long start = System.nanoTime();
    try {
      while (kills < MAX_KILLS && (kills < MIN_KILLS || CrashRecoveryTest.ms(start) < BUDGET_MS)) {
        if (CrashRecoveryTest.ms(start) > 200_000) {
          fail("only " + kills + " kills in 200 s" + Seeds.at(seed));
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
                SharedSeriesCrashChild.class.getName(),
                data.toString(),
                Long.toString(nextTicket));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        int killAfter = rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(300);
        int lines = 0;
        try (BufferedReader r =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          boolean killed = false;
          while ((line = r.readLine()) != null) {
            String[] f = line.split(" ");
            switch (f[0]) {
              case "S" ->
                  assertEquals(
                      "0",
                      f[1],
                      "replay at start dropped samples [kill=" + kills + "]" + Seeds.at(seed));
              case "A", "N", "P" -> {
                int s = Integer.parseInt(f[1]);
                long k = Long.parseLong(f[2]);
                Character before = said.put(key(s, k), f[0].charAt(0));
                assertNull(
                    before,
                    "ticket used twice [series=" + s + ", ticket=" + k + "]" + Seeds.at(seed));
                nextTicket = Math.max(nextTicket, k + 1);
                acked += f[0].equals("A") ? 1 : 0;
                rejected += f[0].equals("N") ? 1 : 0;
                lines++;
              }
              default -> fail("child says: " + line + Seeds.at(seed));
            }
            if (!killed && (killAfter == 0 || lines >= killAfter)) {
              if (rnd.nextBoolean()) {
                Thread.sleep(rnd.nextInt(5));
              }
              // SIGKILL through the handle: lines printed before the death are still to be read.
              p.toHandle().destroyForcibly();
              killed = true;
            }
          }
        }
        p.waitFor();
        kills++;
        checked += verify(data, seed, kills);
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
    System.out.printf(
        "SharedSeriesCrashTest: %d kills, %d acknowledged batches (%d samples), %d rejected whole, "
            + "%d acknowledged samples checked over all reopens, %d ms [seed=%d]%n",
        kills,
        acked,
        acked * SharedSeriesCrashChild.BATCH,
        rejected,
        checked,
        CrashRecoveryTest.ms(start),
        seed);
    assertTrue(kills >= MIN_KILLS);
    assertTrue(
        rejected > 0,
        "the writers never raced for a series; the test proves nothing" + Seeds.at(seed));
  }

  /** Reopens and checks every series; returns the number of acknowledged samples found. */
  private long verify(Path data, long seed, int kill) throws Exception {
    int b = SharedSeriesCrashChild.BATCH;
    long found = 0;
    try (Cardinal db = Cardinal.open(data, SharedSeriesCrashChild.options())) {
      String at = " [kill=" + kill + "]" + Seeds.at(seed);
      assertEquals(
          0, db.replayStats().samplesDropped(), "replay dropped samples: " + db.replayStats() + at);
      Map<Integer, List<Long>> present = new HashMap<>();
      try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
        SeriesSet set =
            q.select(true, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.equal("__name__", "shared"));
        SampleIterator it = null;
        while (set.next()) {
          int s = Integer.parseInt(set.at().labels().get("s"));
          List<Long> steps = new ArrayList<>();
          it = set.at().iterator(it);
          long prev = Long.MIN_VALUE;
          while (it.next()) {
            long t = it.timestamp();
            String where = " [series=" + s + ", t=" + t + "]" + at;
            assertTrue(t > prev, "timestamps must strictly increase (a sample twice?)" + where);
            assertEquals(
                0,
                (t - SharedSeriesCrashChild.T0) % SharedSeriesCrashChild.STEP,
                "off the grid" + where);
            long step = (t - SharedSeriesCrashChild.T0) / SharedSeriesCrashChild.STEP;
            assertEquals(SharedSeriesCrashChild.value(s, step), it.value(), "value" + where);
            Character c = said.get(key(s, step / b));
            assertTrue(
                c == null || c != 'N',
                "a sample of a batch rejected whole is served after restart" + where);
            steps.add(step);
            prev = t;
          }
          assertNull(it.error(), "chunk error for series " + s + at);
          assertNull(present.put(s, steps), "series " + s + " appears twice" + at);
        }
      }
      for (Map.Entry<Long, Character> e : said.entrySet()) {
        if (e.getValue() != 'A') {
          continue;
        }
        int s = (int) (e.getKey() % SharedSeriesCrashChild.SERIES);
        long k = e.getKey() / SharedSeriesCrashChild.SERIES;
        List<Long> steps = present.getOrDefault(s, List.of());
        for (long step = k * b; step < (k + 1) * b; step++) {
          if (java.util.Collections.binarySearch(steps, step) < 0) {
            fail(
                "acknowledged sample lost [series="
                    + s
                    + ", batch="
                    + k
                    + ", step="
                    + step
                    + "]"
                    + at);
          }
          found++;
        }
      }
    }
    return found;
  }
}
