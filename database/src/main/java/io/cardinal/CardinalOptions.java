package io.cardinal;

import io.cardinal.promql.engine.EngineOptions;
import io.cardinal.storage.head.DurableOptions;
import io.cardinal.storage.head.SyncPolicy;
import io.cardinal.tsdb.head.HeadOptions;
import java.time.Duration;

/**
 * Options for {@link Cardinal}: immutable, Prometheus's defaults unless changed. Start from {@link
 * #defaults()} and change what you need with the {@code withX} methods, each returning a copy:
 *
 * <pre>{@code
 * CardinalOptions opts = CardinalOptions.defaults()
 *     .withMaxSeries(1_000_000)
 *     .withRetention(Duration.ofDays(30))
 *     .withSyncPolicy(SyncPolicy.PER_COMMIT);
 * }</pre>
 *
 * @param maxSeries the global series limit ({@code --storage.tsdb.head.max-series}); 0 means none
 * @param chunkRange the head chunk and block range (2h)
 * @param retention time-based retention ({@code --storage.tsdb.retention.time}, 15d)
 * @param retentionBytes size-based retention ({@code --storage.tsdb.retention.size}) over blocks,
 *     WAL and head chunks; 0 means none
 * @param compactionInterval how often the background task cuts the head into blocks, compacts and
 *     applies retention (1m, as Prometheus); zero disables it and leaves {@link Cardinal#compact()}
 *     to the caller
 * @param durable how an opened database writes its WAL and chunk files (sync policy and interval,
 *     segment and chunk file sizes, WAL compression); unused in memory
 * @param queryLookbackDelta how far back an instant selector looks for a sample (5m, {@code
 *     --query.lookback-delta})
 * @param queryTimeout the longest a {@link Cardinal#query} or {@link Cardinal#queryRange} may run
 *     (2m)
 * @param queryMaxSamples the most samples one query may hold in memory (50,000,000)
 * @param maxFuture how far ahead of the clock a sample may be (10m, {@code
 *     --storage.tsdb.too-far-in-future.time-window}); later ones are refused as {@code
 *     TOO_FAR_IN_FUTURE}, so one bad timestamp cannot stop ingestion; zero accepts any time
 * @param staleSeriesCompactionThreshold Prometheus's {@code
 *     storage.tsdb.stale_series_compaction_threshold}: when the series whose newest sample is a
 *     staleness marker reach this share of the head (0 to 1), they are written to a block and leave
 *     the head; 0 (the default) turns the ratio trigger off
 * @param staleSeriesIdle Cardinal's time trigger ({@code --storage.tsdb.head.stale-series-idle}): a
 *     series with no sample for this long, and a series whose newest sample is a staleness marker,
 *     is written to a block and leaves the head at the next check; zero (the default) turns it off.
 *     Either trigger needs a database opened on a directory, and checks run every 30 seconds (or
 *     every compaction interval, if shorter)
 */
public record CardinalOptions(
    long maxSeries,
    Duration chunkRange,
    Duration retention,
    long retentionBytes,
    Duration compactionInterval,
    DurableOptions durable,
    Duration queryLookbackDelta,
    Duration queryTimeout,
    long queryMaxSamples,
    Duration maxFuture,
    double staleSeriesCompactionThreshold,
    Duration staleSeriesIdle) {

  private static final EngineOptions ENGINE_DEFAULTS = EngineOptions.defaults();

  private static final CardinalOptions DEFAULTS =
      new CardinalOptions(
          0,
          Duration.ofMillis(HeadOptions.DEFAULT_CHUNK_RANGE_MS),
          Duration.ofDays(15),
          0,
          Duration.ofMinutes(1),
          DurableOptions.DEFAULT,
          ENGINE_DEFAULTS.lookbackDelta(),
          ENGINE_DEFAULTS.timeout(),
          ENGINE_DEFAULTS.maxSamples(),
          Duration.ofMillis(HeadOptions.DEFAULT_MAX_FUTURE_MS),
          0,
          Duration.ZERO);

  public CardinalOptions {
    if (maxSeries < 0) {
      throw new IllegalArgumentException("max series must be >= 0, got " + maxSeries);
    }
    requirePositive("chunk range", chunkRange);
    requirePositive("retention", retention);
    if (retentionBytes < 0) {
      throw new IllegalArgumentException("retention size must be >= 0, got " + retentionBytes);
    }
    if (compactionInterval == null || compactionInterval.isNegative()) {
      throw new IllegalArgumentException(
          "compaction interval must be >= 0, got " + compactionInterval);
    }
    if (maxFuture == null || maxFuture.isNegative()) {
      throw new IllegalArgumentException("future window must be >= 0, got " + maxFuture);
    }
    if (durable == null) {
      throw new IllegalArgumentException("durable options are null");
    }
    if (!(staleSeriesCompactionThreshold >= 0 && staleSeriesCompactionThreshold <= 1)) {
      throw new IllegalArgumentException(
          "stale series compaction threshold must be between 0 and 1, got "
              + staleSeriesCompactionThreshold);
    }
    if (staleSeriesIdle == null || staleSeriesIdle.isNegative()) {
      throw new IllegalArgumentException(
          "stale series idle time must be >= 0, got " + staleSeriesIdle);
    }
    requirePositive("query lookback delta", queryLookbackDelta);
    requirePositive("query timeout", queryTimeout);
    if (queryMaxSamples <= 0) {
      throw new IllegalArgumentException(
          "query max samples must be positive, got " + queryMaxSamples);
    }
  }

  private static void requirePositive(String what, Duration d) {
    // Under a millisecond would round to zero wherever the database counts in milliseconds.
    if (d == null || d.toMillis() <= 0) {
      throw new IllegalArgumentException(what + " must be at least 1ms, got " + d);
    }
  }

  /** Prometheus's defaults: no series limit, 2h chunks, 15d retention, compaction every minute. */
  public static CardinalOptions defaults() {
    return DEFAULTS;
  }

  public CardinalOptions withMaxSeries(long n) {
    return with(c -> c.maxSeries = n);
  }

  /** Tests shorten it to run through days of data quickly. */
  public CardinalOptions withChunkRange(Duration d) {
    return with(c -> c.chunkRange = d);
  }

  public CardinalOptions withRetention(Duration d) {
    return with(c -> c.retention = d);
  }

  public CardinalOptions withRetentionBytes(long bytes) {
    return with(c -> c.retentionBytes = bytes);
  }

  /** {@link Duration#ZERO} turns the background task off. */
  public CardinalOptions withCompactionInterval(Duration d) {
    return with(c -> c.compactionInterval = d);
  }

  /** All storage settings at once (segment and chunk file sizes, WAL compression, sync policy). */
  public CardinalOptions withDurable(DurableOptions options) {
    return with(c -> c.durable = options);
  }

  /**
   * When {@link Cardinal#open} fsyncs the WAL, which decides what an acknowledged commit survives
   * (docs/durability.md): {@link SyncPolicy#PERIODIC} by default (every second; a process crash
   * loses nothing acknowledged), {@link SyncPolicy#PER_COMMIT} (a power loss loses nothing
   * acknowledged), or {@link SyncPolicy#NONE} (no WAL).
   */
  public CardinalOptions withSyncPolicy(SyncPolicy policy) {
    return withDurable(durable.withSyncPolicy(policy));
  }

  /** The fsync interval under {@link SyncPolicy#PERIODIC} (1s). */
  public CardinalOptions withSyncInterval(Duration d) {
    requirePositive("sync interval", d);
    return withDurable(durable.withSyncInterval(d));
  }

  /**
   * Whether {@link Cardinal#open} locks the directory ({@code lock}, on by default), so a second
   * process or a second open in this one fails instead of writing the same files. Off is
   * Prometheus's {@code --storage.tsdb.no-lockfile}.
   */
  public CardinalOptions withLockfile(boolean on) {
    return withDurable(durable.withLockfile(on));
  }

  public CardinalOptions withQueryLookbackDelta(Duration d) {
    return with(c -> c.queryLookbackDelta = d);
  }

  public CardinalOptions withQueryTimeout(Duration d) {
    return with(c -> c.queryTimeout = d);
  }

  public CardinalOptions withQueryMaxSamples(long n) {
    return with(c -> c.queryMaxSamples = n);
  }

  /** See {@code maxFuture} above. */
  public CardinalOptions withMaxFuture(Duration window) {
    return with(c -> c.maxFuture = window);
  }

  /** See {@code staleSeriesCompactionThreshold} above. */
  public CardinalOptions withStaleSeriesCompactionThreshold(double ratio) {
    return with(c -> c.staleSeriesCompactionThreshold = ratio);
  }

  /** See {@code staleSeriesIdle} above; {@link Duration#ZERO} turns the time trigger off. */
  public CardinalOptions withStaleSeriesIdle(Duration d) {
    return with(c -> c.staleSeriesIdle = d);
  }

  /** Whether either stale-series trigger is on. */
  public boolean evictsStaleSeries() {
    return staleSeriesCompactionThreshold > 0 || !staleSeriesIdle.isZero();
  }

  public SyncPolicy syncPolicy() {
    return durable.syncPolicy();
  }

  public Duration syncInterval() {
    return durable.syncInterval();
  }

  // The database counts time in milliseconds throughout.

  long chunkRangeMs() {
    return chunkRange.toMillis();
  }

  long retentionMs() {
    return retention.toMillis();
  }

  long compactionIntervalMs() {
    return compactionInterval.toMillis();
  }

  HeadOptions headOptions() {
    return HeadOptions.defaults()
        .withMaxSeries(maxSeries)
        .withChunkRange(java.time.Duration.ofMillis(chunkRangeMs()))
        .withMaxFuture(maxFuture);
  }

  EngineOptions engineOptions() {
    return ENGINE_DEFAULTS
        .withLookbackDelta(queryLookbackDelta)
        .withTimeout(queryTimeout)
        .withMaxSamples(queryMaxSamples);
  }

  /** Every wither is one field changed on a copy; the constructor validates the result. */
  private CardinalOptions with(java.util.function.Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  private static final class Copy {
    long maxSeries;
    Duration chunkRange;
    Duration retention;
    long retentionBytes;
    Duration compactionInterval;
    DurableOptions durable;
    Duration queryLookbackDelta;
    Duration queryTimeout;
    long queryMaxSamples;
    Duration maxFuture;
    double staleSeriesCompactionThreshold;
    Duration staleSeriesIdle;

    Copy(CardinalOptions o) {
      maxSeries = o.maxSeries;
      chunkRange = o.chunkRange;
      retention = o.retention;
      retentionBytes = o.retentionBytes;
      compactionInterval = o.compactionInterval;
      durable = o.durable;
      queryLookbackDelta = o.queryLookbackDelta;
      queryTimeout = o.queryTimeout;
      queryMaxSamples = o.queryMaxSamples;
      maxFuture = o.maxFuture;
      staleSeriesCompactionThreshold = o.staleSeriesCompactionThreshold;
      staleSeriesIdle = o.staleSeriesIdle;
    }

    CardinalOptions build() {
      return new CardinalOptions(
          maxSeries,
          chunkRange,
          retention,
          retentionBytes,
          compactionInterval,
          durable,
          queryLookbackDelta,
          queryTimeout,
          queryMaxSamples,
          maxFuture,
          staleSeriesCompactionThreshold,
          staleSeriesIdle);
    }
  }
}
