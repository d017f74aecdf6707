package io.cardinal.streaming;

import io.cardinal.Cardinal;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random scraped data: counters with resets, gauges with NaNs, gaps, stale markers, series that
 * start late and stop, appended tick by tick through an appender.
 */
final class SimData {
  static final double STALE = Double.longBitsToDouble(0x7ff0000000000002L);

  static final class Sim {
    final Labels labels;
    final boolean counter;
    final long interval;
    final long start;
    final long end;
    final boolean staleAtEnd;
    long next;
    double value;
    boolean ended;
    long ref;

    Sim(Labels labels, boolean counter, long interval, long start, long end, boolean staleAtEnd) {
      this.labels = labels;
      this.counter = counter;
      this.interval = interval;
      this.start = start;
      this.end = end;
      this.staleAtEnd = staleAtEnd;
      this.next = start;
    }
  }

  final Random rnd;
  final List<Sim> sims = new ArrayList<>();

  SimData(Random rnd, long t0, long duration) {
    this.rnd = rnd;
    String[] jobs = {"x", "y", "z"};
    for (String metric : new String[] {"req_total", "err_total", "temp", "mem", "other_total"}) {
      boolean counter = metric.endsWith("_total");
      int n = 3 + rnd.nextInt(5);
      for (int i = 0; i < n; i++) {
        Labels.Builder b =
            Labels.builder()
                .set(Labels.METRIC_NAME, metric)
                .set("job", jobs[rnd.nextInt(jobs.length)])
                .set("inst", String.valueOf(1 + rnd.nextInt(4)));
        if (rnd.nextInt(3) == 0) {
          b.set("k", "v" + rnd.nextInt(2));
        }
        long interval = new long[] {10_000, 15_000, 15_000, 30_000}[rnd.nextInt(4)];
        long start = t0 + (rnd.nextBoolean() ? 5_000L * rnd.nextInt(4) : rnd.nextInt(20_000));
        if (rnd.nextInt(4) == 0) {
          start += rnd.nextInt((int) (duration / 2)); // a late series
        }
        long end = t0 + duration + 1;
        if (rnd.nextInt(3) == 0) {
          end = start + 60_000 + rnd.nextInt((int) (duration / 2)); // one that disappears
        }
        sims.add(new Sim(b.build(), counter, interval, start, end, rnd.nextBoolean()));
      }
    }
  }

  /** Appends every sample due at or before {@code t} (split over a few batches). */
  void appendUntil(Cardinal db, Appender app, long t) {
    int inBatch = 0;
    for (Sim s : sims) {
      while (!s.ended && s.next <= t) {
        long ts = s.next;
        if (ts >= s.end) {
          if (s.staleAtEnd) {
            add(app, s, ts, STALE);
          }
          s.ended = true;
          break;
        }
        s.next += s.interval + (rnd.nextInt(10) == 0 ? s.interval * rnd.nextInt(5) : 0);
        if (rnd.nextInt(80) == 0) {
          s.next += 6 * 60_000L; // a gap longer than the lookback delta
        }
        double v;
        if (s.counter) {
          if (rnd.nextInt(40) == 0) {
            s.value = rnd.nextInt(3); // a reset
          } else {
            s.value += rnd.nextInt(20) + (rnd.nextInt(5) == 0 ? rnd.nextDouble() : 0);
          }
          v = s.value;
        } else {
          int r = rnd.nextInt(60);
          v =
              r == 0
                  ? Double.NaN
                  : r == 1 ? STALE : Math.round(rnd.nextGaussian() * 100) / (r < 30 ? 1.0 : 7.0);
        }
        add(app, s, ts, v);
        if (++inBatch % 7 == 0) {
          app.commit();
        }
      }
    }
    app.commit();
  }

  private static void add(Appender app, Sim s, long ts, double v) {
    long ref = app.append(s.ref, s.labels, ts, v);
    if (ref > 0) {
      s.ref = ref;
    }
  }
}
