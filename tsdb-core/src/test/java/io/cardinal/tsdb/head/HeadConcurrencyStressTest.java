package io.cardinal.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * Appenders, head GC and queries run together. Writers churn their series (a new "generation" of
 * labels every so often, like a redeploy), GC truncates behind them, readers check every sample
 * they see is exactly what was written. Bounded: at most 4 s and a fixed number of rounds.
 */
class HeadConcurrencyStressTest {
  static final int WRITERS = 2;
  static final int SERIES_PER_WRITER = 200;
  static final int ROUNDS = 4000;
  static final int CHURN_EVERY = 500;
  static final long STEP = 15_000;

  static double expected(int writer, int series, long t) {
    return writer * 1_000_000 + series * 1000 + (t / STEP) % 997;
  }

  static Labels labels(int writer, int gen, int series) {
    return Labels.of("__name__", "stress", "w", "" + writer, "gen", "" + gen, "s", "" + series);
  }

  static long slowest(AtomicLongArray progress) {
    long m = Long.MAX_VALUE;
    for (int i = 0; i < progress.length(); i++) {
      m = Math.min(m, progress.get(i));
    }
    return m;
  }

  @Test
  void appendersGcAndQueriesTogether() throws Exception {
    Head head = new Head(HeadOptions.defaults().withStripeSize(64));
    AtomicBoolean stop = new AtomicBoolean();
    long deadline = System.nanoTime() + 4_000_000_000L;
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicLongArray progress = new AtomicLongArray(WRITERS); // last committed round per writer
    AtomicLong samplesChecked = new AtomicLong();
    AtomicLong truncations = new AtomicLong();

    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      final int writer = w;
      threads.add(
          new Thread(
              () -> {
                HeadAppender app = head.appender();
                long[] refs = new long[SERIES_PER_WRITER];
                for (int round = 0;
                    round < ROUNDS && !stop.get() && System.nanoTime() < deadline;
                    round++) {
                  // Stay within 100 rounds of the slowest writer: the head rejects samples older
                  // than
                  // maxt - 1h as out of bounds, exactly as Prometheus does.
                  while (round - slowest(progress) > 100
                      && !stop.get()
                      && System.nanoTime() < deadline) {
                    Thread.yield();
                  }
                  int gen = round / CHURN_EVERY;
                  if (round % CHURN_EVERY == 0) {
                    java.util.Arrays.fill(refs, 0);
                  }
                  long t = round * STEP;
                  for (int s = 0; s < SERIES_PER_WRITER; s++) {
                    long r = app.append(refs[s], labels(writer, gen, s), t, expected(writer, s, t));
                    if (r <= 0) {
                      failures.add(
                          "writer "
                              + writer
                              + " round "
                              + round
                              + ": "
                              + io.cardinal.tsdb.AppendStatus.of(r));
                      return;
                    }
                    refs[s] = r;
                  }
                  var res = app.commit();
                  if (res.appended() != SERIES_PER_WRITER) {
                    failures.add("commit " + res);
                  }
                  progress.set(writer, round);
                }
              },
              "writer-" + w));
    }
    threads.add(
        new Thread(
            () -> {
              while (!stop.get() && System.nanoTime() < deadline) {
                long minRound = Long.MAX_VALUE;
                for (int w = 0; w < WRITERS; w++) {
                  minRound = Math.min(minRound, progress.get(w));
                }
                // Keep the newest ~300 rounds; older generations become orphans and are removed.
                long cut = (minRound - 300) * STEP;
                if (cut > 0) {
                  head.truncate(cut);
                  truncations.incrementAndGet();
                }
                Thread.onSpinWait();
              }
            },
            "gc"));
    threads.add(
        new Thread(
            () -> {
              SampleIterator it = null;
              while (!stop.get() && System.nanoTime() < deadline) {
                SeriesSet set =
                    head.querier(Long.MIN_VALUE, Long.MAX_VALUE)
                        .select(
                            false,
                            Long.MIN_VALUE,
                            Long.MAX_VALUE,
                            Matcher.equal("__name__", "stress"));
                while (set.next()) {
                  Labels l = set.at().labels();
                  int w = Integer.parseInt(l.get("w"));
                  int s = Integer.parseInt(l.get("s"));
                  it = set.at().iterator(it);
                  long prev = Long.MIN_VALUE;
                  while (it.next()) {
                    long t = it.timestamp();
                    if (t <= prev || it.value() != expected(w, s, t)) {
                      failures.add(
                          "bad sample " + l + " t=" + t + " v=" + it.value() + " prev=" + prev);
                      return;
                    }
                    prev = t;
                    samplesChecked.incrementAndGet();
                  }
                  if (it.error() != null) {
                    failures.add("iterator error " + it.error());
                    return;
                  }
                }
              }
            },
            "reader"));
    threads.forEach(Thread::start);
    for (int i = 0; i < WRITERS; i++) {
      threads.get(i).join(10_000);
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join(10_000);
      assertTrue(!t.isAlive(), t.getName() + " stopped");
    }
    assertTrue(failures.isEmpty(), failures.toString());
    assertTrue(
        samplesChecked.get() > 0 && truncations.get() > 0,
        "readers checked " + samplesChecked + " samples, GC ran " + truncations + " times");

    // Nothing lost: every series of every writer's last generation holds every round since the
    // later of its generation start and the last truncation point.
    head.truncate(Long.MIN_VALUE + 1); // no-op truncation, settles minTime
    for (int w = 0; w < WRITERS; w++) {
      long last = progress.get(w);
      int gen = (int) (last / CHURN_EVERY);
      long genStart = (long) gen * CHURN_EVERY;
      long from = Math.max(genStart * STEP, head.minValidTime());
      Map<Labels, List<long[]>> got =
          HeadTestSupport.read(
              head,
              Long.MIN_VALUE,
              Long.MAX_VALUE,
              Matcher.equal("w", "" + w),
              Matcher.equal("gen", "" + gen));
      assertEquals(SERIES_PER_WRITER, got.size());
      for (List<long[]> samples : got.values()) {
        long fromRound = (samples.get(0)[0]) / STEP;
        assertTrue(fromRound * STEP <= Math.max(from, genStart * STEP) + CHURN_EVERY * STEP);
        assertEquals(
            last - fromRound + 1, samples.size(), "contiguous samples up to round " + last);
      }
    }
    // Orphaned generations were removed: only the current generation of each writer remains.
    assertEquals(
        WRITERS * SERIES_PER_WRITER,
        head.numSeries(),
        "series after GC (min progress " + Math.min(progress.get(0), progress.get(1)) + ")");
    System.out.printf(
        "stress: %d samples checked by readers, %d truncations, progress %s%n",
        samplesChecked.get(), truncations.get(), progress);
  }
}
