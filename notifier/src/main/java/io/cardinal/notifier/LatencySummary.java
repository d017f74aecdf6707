package io.cardinal.notifier;

import java.util.Arrays;

/**
 * A summary of request latencies with the 0.5, 0.9 and 0.99 quantiles over a sliding window of ten
 * minutes (as the Go client's summaries default to), computed exactly over the most recent {@link
 * #CAPACITY} observations in that window; {@code _sum} and {@code _count} cover the whole life of
 * the series. Without observations in the window the quantiles are NaN, as in Go. Thread-safe.
 */
final class LatencySummary {
  static final double[] QUANTILES = {0.5, 0.9, 0.99};
  static final int CAPACITY = 1024;
  static final long WINDOW_MS = 10 * 60_000L;

  private final long[] times = new long[CAPACITY];
  private final double[] values = new double[CAPACITY];
  private int next;
  private int size;
  private long count;
  private double sum;

  synchronized void observe(double seconds, long nowMs) {
    times[next] = nowMs;
    values[next] = seconds;
    next = (next + 1) % CAPACITY;
    size = Math.min(size + 1, CAPACITY);
    count++;
    sum += seconds;
  }

  /** The quantiles in {@link #QUANTILES} order, then the sum, then the count. */
  synchronized double[] snapshot(long nowMs) {
    double[] window = new double[size];
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (times[i] > nowMs - WINDOW_MS) {
        window[n++] = values[i];
      }
    }
    Arrays.sort(window, 0, n);
    double[] out = new double[QUANTILES.length + 2];
    for (int q = 0; q < QUANTILES.length; q++) {
      out[q] = n == 0 ? Double.NaN : window[(int) Math.max(0, Math.ceil(QUANTILES[q] * n) - 1)];
    }
    out[QUANTILES.length] = sum;
    out[QUANTILES.length + 1] = count;
    return out;
  }
}
