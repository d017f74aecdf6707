package io.cardinal.web.query;

import io.cardinal.web.Formats;
import java.util.Arrays;

/**
 * A Prometheus summary with quantiles over a sliding window, like client_golang's default (10
 * minutes in 5 age buckets): each bucket keeps up to {@link #CAPACITY} observations (a uniform
 * reservoir beyond that), the quantiles are read from the buckets not older than the window. {@code
 * _sum} and {@code _count} cover the whole life of the process. Thread-safe; observations take a
 * short lock.
 */
final class Summary {
  static final int CAPACITY = 2048;
  private static final int BUCKETS = 5;
  private static final double[] QUANTILES = {0.5, 0.9, 0.99};

  private final long bucketMs;
  private final double[][] values = new double[BUCKETS][CAPACITY];
  private final int[] sizes = new int[BUCKETS];
  private final long[] seen = new long[BUCKETS];
  private final long[] bucketStart = new long[BUCKETS];
  private long count;
  private double sum;
  private long rnd = 0x9E3779B97F4A7C15L;

  public Summary() {
    this(10 * 60_000L);
  }

  public Summary(long windowMs) {
    this.bucketMs = Math.max(1, windowMs / BUCKETS);
    Arrays.fill(bucketStart, Long.MIN_VALUE);
  }

  public void observe(double v) {
    observe(v, System.currentTimeMillis());
  }

  synchronized void observe(double v, long nowMs) {
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

  /** The quantiles 0.5, 0.9, 0.99 (NaN without observations in the window), then sum and count. */
  synchronized double[] snapshot(long nowMs) {
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
    double[] out = new double[QUANTILES.length + 2];
    for (int i = 0; i < QUANTILES.length; i++) {
      out[i] = n == 0 ? Double.NaN : all[(int) Math.max(0, Math.ceil(QUANTILES[i] * n) - 1)];
    }
    out[QUANTILES.length] = sum;
    out[QUANTILES.length + 1] = count;
    return out;
  }

  /**
   * Appends this summary's samples with one extra label pair ({@code labelName="labelValue"})
   * before quantile.
   */
  public void write(StringBuilder sb, String name, String labelName, String labelValue) {
    double[] s = snapshot(System.currentTimeMillis());
    String lp = labelName == null ? "" : labelName + "=\"" + labelValue + "\"";
    for (int i = 0; i < QUANTILES.length; i++) {
      sb.append(name)
          .append('{')
          .append(lp)
          .append(lp.isEmpty() ? "" : ",")
          .append("quantile=\"")
          .append(Formats.formatFloat(QUANTILES[i]))
          .append("\"} ")
          .append(Formats.formatFloat(s[i]))
          .append('\n');
    }
    String braces = lp.isEmpty() ? "" : "{" + lp + "}";
    sb.append(name)
        .append("_sum")
        .append(braces)
        .append(' ')
        .append(Formats.formatFloat(s[QUANTILES.length]))
        .append('\n');
    sb.append(name)
        .append("_count")
        .append(braces)
        .append(' ')
        .append(Formats.formatFloat(s[QUANTILES.length + 1]))
        .append('\n');
  }
}
