package io.cardinal;

import io.cardinal.storage.head.DurableOptions;
import io.cardinal.storage.head.SyncPolicy;
import io.cardinal.tsdb.head.HeadOptions;

/** Options for {@link Cardinal}; Prometheus's defaults unless set. */
public final class CardinalOptions {
  long maxSeries;
  long chunkRangeMs = HeadOptions.DEFAULT_CHUNK_RANGE_MS;
  long retentionMs = 15L * 24 * 3600 * 1000;
  DurableOptions durable = DurableOptions.DEFAULT;

  public static CardinalOptions defaults() {
    return new CardinalOptions();
  }

  /** The global series limit ({@code --storage.tsdb.head.max-series}); 0 means none. */
  public CardinalOptions maxSeries(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("max series must be >= 0, got " + n);
    }
    this.maxSeries = n;
    return this;
  }

  /** The head chunk and block range (2h). Tests shorten it to run through days quickly. */
  public CardinalOptions chunkRangeMs(long ms) {
    if (ms <= 0) {
      throw new IllegalArgumentException("chunk range must be positive, got " + ms);
    }
    this.chunkRangeMs = ms;
    return this;
  }

  /** Time-based retention ({@code --storage.tsdb.retention.time}, 15d). */
  public CardinalOptions retentionMs(long ms) {
    if (ms <= 0) {
      throw new IllegalArgumentException("retention must be positive, got " + ms);
    }
    this.retentionMs = ms;
    return this;
  }

  /**
   * When {@link Cardinal#open} fsyncs the WAL, which decides what an acknowledged commit survives
   * (docs/durability.md): {@link SyncPolicy#PERIODIC} by default (every second; a process crash
   * loses nothing acknowledged), {@link SyncPolicy#PER_COMMIT} (a power loss loses nothing
   * acknowledged), or {@link SyncPolicy#NONE} (no WAL).
   */
  public CardinalOptions syncPolicy(SyncPolicy policy) {
    this.durable = durable.withSyncPolicy(policy);
    return this;
  }

  /** The fsync interval under {@link SyncPolicy#PERIODIC} (1s). */
  public CardinalOptions syncIntervalMs(long ms) {
    this.durable = durable.withSyncIntervalMs(ms);
    return this;
  }

  /** All storage settings at once (segment and chunk file sizes, WAL compression, sync policy). */
  public CardinalOptions durable(DurableOptions options) {
    if (options == null) {
      throw new IllegalArgumentException("durable options are null");
    }
    this.durable = options;
    return this;
  }

  public SyncPolicy syncPolicy() {
    return durable.syncPolicy();
  }

  public DurableOptions durable() {
    return durable;
  }

  public long maxSeries() {
    return maxSeries;
  }

  public long chunkRangeMs() {
    return chunkRangeMs;
  }

  public long retentionMs() {
    return retentionMs;
  }

  long retentionBytes;
  long compactionIntervalMs = 60_000;

  /** Size-based retention ({@code --storage.tsdb.retention.size}): blocks, WAL and head chunks; 0 = none. */
  public CardinalOptions retentionBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("retention size must be >= 0, got " + bytes);
    }
    this.retentionBytes = bytes;
    return this;
  }

  /**
   * How often the background task cuts the head into blocks, compacts and applies retention (1m,
   * as Prometheus); 0 disables it and leaves {@link Cardinal#compact()} to the caller (tests).
   */
  public CardinalOptions compactionIntervalMs(long ms) {
    if (ms < 0) {
      throw new IllegalArgumentException("compaction interval must be >= 0, got " + ms);
    }
    this.compactionIntervalMs = ms;
    return this;
  }

  public long retentionBytes() {
    return retentionBytes;
  }

  public long compactionIntervalMs() {
    return compactionIntervalMs;
  }

  HeadOptions headOptions() {
    return HeadOptions.defaults().maxSeries(maxSeries).chunkRange(chunkRangeMs);
  }
}
