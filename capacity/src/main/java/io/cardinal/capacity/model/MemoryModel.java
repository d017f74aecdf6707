package io.cardinal.capacity.model;

import java.util.Locale;

/**
 * How a memory budget turns into series (docs/capacity.md explains each number): {@code cardinal
 * capacity} plans with it, and the server's limits page ({@code /api/v1/status/limits}) gives its
 * headroom with it. A budget or measurement that makes no sense is an {@link
 * IllegalArgumentException} naming what is wrong.
 *
 * <p>The budget is what the process may use: a container limit, a machine's share. Fixed fractions
 * of it are reserved before any series is counted:
 *
 * <ul>
 *   <li>{@link #jvm} (10%): memory the JVM uses outside the Java heap: metaspace, JIT code cache,
 *       thread stacks, GC remembered sets and card tables, NIO buffers. Skipped when the budget is
 *       itself a heap size ({@code -Xmx}, or a server's {@code jvm_memory_max_bytes}).
 *   <li>{@link #gc} (20%): free heap the collector needs. With the live set above ~80% of the heap,
 *       G1 and Parallel GC collect back to back and pauses grow; Prometheus's rule of thumb (twice
 *       the live heap for Go's GC) is the same idea, the JVM needs less.
 *   <li>{@link #queries} (15%): query evaluation: decoded samples, intermediate vectors, result
 *       JSON. Bounded per query by {@code --query.max-samples} (16 bytes a sample), several queries
 *       at once.
 *   <li>{@link #compaction} (5%): cutting the head into a block: the index writer's postings and
 *       symbol table for a block range, chunk buffers.
 * </ul>
 *
 * What is left is usable for series: each costs the measured heap bytes plus its chunk bytes (full
 * chunks live in memory-mapped files: page cache, part of the process's memory). The head's fixed
 * cost comes off first. Series that churn stay in the head until they leave it: without
 * stale-series eviction until the next head truncation, up to {@link #CHURN_LINGER_HOURS} hours
 * (Prometheus's behaviour), so churn/h × 3 of the budget's series are dead series, not live ones;
 * with {@code --storage.tsdb.head.stale-series-idle} only for the idle time plus one check ({@link
 * #STALE_CHECK_SECONDS}), the worst case of a series that gets no staleness marker.
 */
public record MemoryModel(double jvm, double gc, double queries, double compaction) {
  public static final MemoryModel DEFAULT = new MemoryModel(0.10, 0.20, 0.15, 0.05);

  /**
   * A removed series stays in the head until head truncation: at most the head's span of 3 hours.
   */
  public static final int CHURN_LINGER_HOURS = 3;

  /** How often the server looks for stale series to evict (Cardinal's stale-series check). */
  public static final long STALE_CHECK_SECONDS = 30;

  /**
   * Seconds a series that stopped receiving samples stays in the head: without stale-series
   * eviction ({@code idleSeconds == 0}) the head's span; with it, a pushed series (no staleness
   * marker) the idle time plus one check, and a scraped one one scrape interval (its marker comes
   * with the next scrape) plus one check, or the idle time if that is shorter.
   */
  public static long lingerSeconds(long idleSeconds, long scrapeSeconds, boolean pushed) {
    if (idleSeconds <= 0) {
      return CHURN_LINGER_HOURS * 3600L;
    }
    long until = pushed ? idleSeconds : Math.min(idleSeconds, scrapeSeconds);
    return until + STALE_CHECK_SECONDS;
  }

  public MemoryModel {
    for (double f : new double[] {jvm, gc, queries, compaction}) {
      if (!(f >= 0 && f < 1)) {
        throw new IllegalArgumentException("reserve fractions must be in [0, 1)");
      }
    }
    if (jvm + gc + queries + compaction >= 0.95) {
      throw new IllegalArgumentException(
          "reserves add up to "
              + Math.round((jvm + gc + queries + compaction) * 100)
              + "%: nothing would be left for series");
    }
  }

  /** Reserved fraction of a budget; {@code heapOnly} budgets have no non-heap part to reserve. */
  public double reserved(boolean heapOnly) {
    // rounded so that 0.1 + 0.2 + 0.15 + 0.05 is exactly one half, not 0.5000000000000001
    return Math.round(((heapOnly ? 0 : jvm) + gc + queries + compaction) * 1e9) / 1e9;
  }

  private static String gib(double bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (1L << 30));
  }

  /** The result of a plan. */
  public record Plan(
      long budgetBytes,
      boolean heapOnly,
      double reservedFraction,
      long usableBytes,
      double bytesPerSeries,
      long fixedBytes,
      long churnPerHour,
      long lingerSeconds,
      long lingeringSeries,
      long seriesThatFit) {}

  /**
   * Series that fit in {@code budget} bytes at {@code bytesPerSeries} each (heap + chunks, or heap
   * only for a heap budget), after the reserves, the fixed cost and the series churn leaves behind.
   */
  public Plan plan(
      long budget, boolean heapOnly, double bytesPerSeries, long fixedBytes, long churnPerHour) {
    return plan(
        budget, heapOnly, bytesPerSeries, fixedBytes, churnPerHour, lingerSeconds(0, 0, false));
  }

  /** As above, with removed series staying {@code lingerSeconds} (see {@link #lingerSeconds}). */
  public Plan plan(
      long budget,
      boolean heapOnly,
      double bytesPerSeries,
      long fixedBytes,
      long churnPerHour,
      long lingerSeconds) {
    if (budget <= 0) {
      throw new IllegalArgumentException("the memory budget must be positive");
    }
    if (!(bytesPerSeries > 0)) {
      throw new IllegalArgumentException(
          "measured bytes per series is not positive ("
              + bytesPerSeries
              + "): the measurement failed");
    }
    if (churnPerHour < 0) {
      throw new IllegalArgumentException("churn per hour must not be negative");
    }
    double reserved = reserved(heapOnly);
    long usable = (long) Math.floor(budget * (1 - reserved));
    long forSeries = usable - fixedBytes;
    if (forSeries <= 0) {
      throw new IllegalArgumentException(
          "a budget of "
              + gib(budget)
              + " leaves "
              + gib(usable)
              + " after the reserves, less than the head's fixed "
              + gib(fixedBytes)
              + ": not a usable budget");
    }
    long total = (long) Math.floor(forSeries / bytesPerSeries);
    long lingering = (long) Math.ceil(churnPerHour * (double) lingerSeconds / 3600);
    return new Plan(
        budget,
        heapOnly,
        reserved,
        usable,
        bytesPerSeries,
        fixedBytes,
        churnPerHour,
        lingerSeconds,
        lingering,
        Math.max(0, total - lingering));
  }
}
