package io.cardinal.compact;

import java.util.concurrent.atomic.LongAdder;

/** Counters behind Prometheus's {@code prometheus_tsdb_*} compaction and retention metrics. */
public final class DbMetrics {
  /** prometheus_tsdb_compactions_total (head cuts and block merges). */
  public final LongAdder compactions = new LongAdder();

  /** prometheus_tsdb_compactions_failed_total */
  public final LongAdder compactionsFailed = new LongAdder();

  /** prometheus_tsdb_head_truncations_total */
  public final LongAdder headTruncations = new LongAdder();

  /** prometheus_tsdb_time_retentions_total */
  public final LongAdder timeRetentions = new LongAdder();

  /** prometheus_tsdb_size_retentions_total */
  public final LongAdder sizeRetentions = new LongAdder();

  /** prometheus_tsdb_vertical_compactions_total */
  public final LongAdder verticalCompactions = new LongAdder();

  /** Samples written by compactions (for throughput figures). */
  public final LongAdder compactedSamples = new LongAdder();
}
