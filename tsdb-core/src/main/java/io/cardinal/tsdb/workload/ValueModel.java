package io.cardinal.tsdb.workload;

import java.util.SplittableRandom;

/**
 * Synthetic sample values shaped like a production scrape, for benchmarks, the capacity calibration
 * run and compression tests. The mix follows what a Prometheus server typically holds: series
 * counts are dominated by histogram buckets and request counters (integer counters, often unchanged
 * between scrapes) and by series that barely change (info metrics, limits, {@code up}); a minority
 * are float counters (CPU seconds) and noisy float gauges, which compress worst (about 6.5 bytes
 * per sample against 0.4 for a stable gauge). docs/benchmarks.md lists the per-model figures so the
 * mix can be re-weighted for another estate.
 */
public enum ValueModel {
  /** Changes about once an hour: build info, limits, {@code up}. */
  STABLE_GAUGE(45),
  /** Integer counter, often unchanged between scrapes: request and error totals. */
  SLOW_COUNTER(35),
  /** Small integer gauge wandering by a few units: goroutines, open file descriptors. */
  INT_GAUGE(12),
  /** Float counter with two decimals: CPU seconds. */
  FLOAT_COUNTER(4),
  /** Float gauge with noise: temperatures, ratios, latencies. */
  FLOAT_GAUGE(4);

  /** Percentage of series in the mix. */
  public final int share;

  ValueModel(int share) {
    this.share = share;
  }

  /** The model of series number {@code i} in a mix with the shares above. */
  public static ValueModel forSeries(long i) {
    int slot = (int) Math.floorMod(i * 37, 100);
    int acc = 0;
    for (ValueModel m : values()) {
      acc += m.share;
      if (slot < acc) {
        return m;
      }
    }
    return STABLE_GAUGE;
  }

  /** Initial value for a series. */
  public double initial(SplittableRandom r) {
    switch (this) {
      case STABLE_GAUGE:
        return r.nextInt(4) == 0 ? 1 : r.nextInt(1 << 20);
      case SLOW_COUNTER:
        return r.nextInt(100_000);
      case INT_GAUGE:
        return 10 + r.nextInt(500);
      case FLOAT_COUNTER:
        return Math.round(r.nextDouble() * 1e7) / 100.0;
      default:
        return Math.round(r.nextDouble() * 10_000) / 100.0;
    }
  }

  /** The next value after {@code v}, one scrape later. */
  public double next(double v, SplittableRandom r) {
    switch (this) {
      case STABLE_GAUGE:
        return r.nextInt(240) == 0 ? v + 1 : v;
      case SLOW_COUNTER:
        return r.nextInt(10) < 4 ? v : v + 1 + r.nextInt(r.nextInt(10) == 0 ? 200 : 5);
      case INT_GAUGE:
        return Math.max(0, v + r.nextInt(7) - 3);
      case FLOAT_COUNTER:
        return Math.round(v * 100 + 1 + r.nextInt(1500)) / 100.0;
      default:
        return Math.round((v + r.nextDouble() * 2 - 1) * 100) / 100.0;
    }
  }
}
