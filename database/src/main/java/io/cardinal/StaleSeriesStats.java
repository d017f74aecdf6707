package io.cardinal;

/**
 * What stale-series eviction has done since the database was opened (see {@link
 * CardinalOptions#staleSeriesCompactionThreshold} and {@link CardinalOptions#staleSeriesIdle}).
 *
 * @param staleSeries series whose newest sample is a staleness marker, at the last check ({@code
 *     prometheus_tsdb_head_stale_series})
 * @param idleSeries other series idle longer than the idle time, at the last check
 * @param evictions checks that wrote stale series to blocks and removed them from the head
 * @param seriesEvicted series removed from the head by those
 * @param bytesFreed estimated heap given back by those (series objects, chunk buffers, chunk lists,
 *     index entries)
 * @param blocksWritten blocks written by evictions
 * @param failures evictions that failed (nothing was removed from the head)
 */
public record StaleSeriesStats(
    long staleSeries,
    long idleSeries,
    long evictions,
    long seriesEvicted,
    long bytesFreed,
    long blocksWritten,
    long failures) {}
