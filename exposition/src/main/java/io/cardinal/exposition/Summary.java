package io.cardinal.exposition;

import io.cardinal.tsdb.text.GoFloat;
import java.util.Arrays;

/**
 * A Prometheus summary with quantiles over a sliding window, like client_golang's default (10
 * minutes in 5 age buckets): each bucket keeps up to {@link #CAPACITY} observations (a uniform
 * reservoir beyond that), the quantiles are read from the buckets not older than the window. {@code
 * _sum} and {@code _count} cover the whole life of the process. Thread-safe; observations take a
 * short lock. The one summary of every component's {@code /metrics} (query engine, notifier, rule
 * groups).
 */
public final class Summary {
  static final int CAPACITY = 2048;
  private static final int BUCKETS = 5;
  private final double[] quantiles;

  private final long bucketMs;
  private final double[][] values = new double[BUCKETS][CAPACITY];
  private final int[] sizes = new int[BUCKETS];
  private final long[] seen = new long[BUCKETS];
  private final long[] bucketStart = new long[BUCKETS];
  private long count;
  private double sum;
  private long rnd = 0x9E3779B97F4A7C15L;

  /** Quantiles 0.5, 0.9 and 0.99 over ten minutes, client_golang's usual objectives. */
  public Summary() {
    this(10 * 60_000L, 0.5, 0.9, 0.99);
  }

  public Summary(long windowMs, double... quantiles) {
    this.bucketMs = Math.max(1, windowMs / BUCKETS);
    this.quantiles = quantiles.clone();
    Arrays.fill(bucketStart, Long.MIN_VALUE);
  }

  /** The quantiles reported, in order. */
  public double[] quantiles() {
    return quantiles.clone();
  }

  public void observe(double v) {
    observe(v, System.currentTimeMillis());
  }

  public synchronized void observe(double v, long nowMs) {
    count++;
    sum += v;
    long start = nowMs - Math.floorMod(nowMs, bucketMs);
    int b = (int) Math.floorMod(start / bucketMs, (long) BUCKETS);
    if (bucketStart[b] != start) {
      bucketStart[b] = start;
      sizes[b] = 0;
      seen[b] = 0;
    }
    seen[b]++;
    if (sizes[b] < CAPACITY) {
      values[b][sizes[b]++] = v;
    } else {
      rnd ^= rnd << 13;
      rnd ^= rnd >>> 7;
      rnd ^= rnd << 17;
      long k = Math.floorMod(rnd, seen[b]);
      if (k < CAPACITY) {
        values[b][(int) k] = v;
      }
    }
  }

  /** The quantiles (NaN without observations in the window), then sum and count. */
  public synchronized double[] snapshot(long nowMs) {
    long oldest = nowMs - Math.floorMod(nowMs, bucketMs) - (BUCKETS - 1) * bucketMs;
    int n = 0;
    for (int b = 0; b < BUCKETS; b++) {
      if (bucketStart[b] >= oldest) {
        n += sizes[b];
      }
    }
    double[] all = new double[n];
    int k = 0;
    for (int b = 0; b < BUCKETS; b++) {
      if (bucketStart[b] >= oldest) {
        System.arraycopy(values[b], 0, all, k, sizes[b]);
        k += sizes[b];
      }
    }
    Arrays.sort(all);
    double[] out = new double[quantiles.length + 2];
    for (int i = 0; i < quantiles.length; i++) {
      out[i] = n == 0 ? Double.NaN : all[(int) Math.max(0, Math.ceil(quantiles[i] * n) - 1)];
    }
    out[quantiles.length] = sum;
    out[quantiles.length + 1] = count;
    return out;
  }

  /**
   * Appends this summary's samples with one extra label pair ({@code labelName="labelValue"})
   * before quantile.
   */
  public void write(StringBuilder sb, String name, String labelName, String labelValue) {
    double[] s = snapshot(System.currentTimeMillis());
    String lp = labelName == null ? "" : labelName + "=\"" + labelValue + "\"";
    for (int i = 0; i < quantiles.length; i++) {
      sb.append(name)
          .append('{')
          .append(lp)
          .append(lp.isEmpty() ? "" : ",")
          .append("quantile=\"")
          .append(GoFloat.formatG(quantiles[i]))
          .append("\"} ")
          .append(GoFloat.formatG(s[i]))
          .append('\n');
    }
    String braces = lp.isEmpty() ? "" : "{" + lp + "}";
    sb.append(name)
        .append("_sum")
        .append(braces)
        .append(' ')
        .append(GoFloat.formatG(s[quantiles.length]))
        .append('\n');
    sb.append(name)
        .append("_count")
        .append(braces)
        .append(' ')
        .append(GoFloat.formatG(s[quantiles.length + 1]))
        .append('\n');
  }
}
