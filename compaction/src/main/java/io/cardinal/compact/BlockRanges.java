package io.cardinal.compact;

import java.util.ArrayList;
import java.util.List;

/**
 * Prometheus's block ranges for leveled compaction: 2h, 6h, 18h, 54h, ... (each three times the
 * last), capped at the maximum block duration, min(31d, retention / 10).
 */
public final class BlockRanges {
  public static final long HOUR = 3_600_000L;
  public static final long DAY = 24 * HOUR;

  private BlockRanges() {}

  public static long[] exponential(long min, int steps, int factor) {
    long[] r = new long[steps];
    long v = min;
    for (int i = 0; i < steps; i++) {
      r[i] = v;
      v *= factor;
    }
    return r;
  }

  /** Maximum block duration: min(31d, retention/10), never below the minimum range. */
  public static long maxBlockDuration(long minRange, long retentionMs) {
    long max = Math.min(31 * DAY, retentionMs / 10);
    return Math.max(max, minRange);
  }

  /** The compaction ranges for a head chunk range (2h) and a retention. */
  public static long[] forRetention(long minRange, long retentionMs) {
    long cap = maxBlockDuration(minRange, retentionMs);
    List<Long> out = new ArrayList<>();
    for (long r : exponential(minRange, 10, 3)) {
      if (r > cap) {
        break;
      }
      out.add(r);
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }
}
