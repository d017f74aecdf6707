package io.cardinal;

/**
 * Counts of the database's background work since it was opened, as Prometheus's {@code
 * prometheus_tsdb_*} compaction and retention metrics report them.
 *
 * @param compactions head cuts and block merges ({@code prometheus_tsdb_compactions_total})
 * @param compactionsFailed failed compactions ({@code prometheus_tsdb_compactions_failed_total})
 * @param verticalCompactions merges of overlapping blocks ({@code
 *     prometheus_tsdb_vertical_compactions_total})
 * @param timeRetentions times blocks were deleted past the time retention
 * @param sizeRetentions times blocks were deleted past the size retention
 * @param compactedSamples samples written by compactions
 */
public record CompactionStats(
    long compactions,
    long compactionsFailed,
    long verticalCompactions,
    long timeRetentions,
    long sizeRetentions,
    long compactedSamples) {}
