package io.cardinal;

import io.cardinal.tsdb.AppendStatus;
import java.util.Map;

/**
 * A snapshot of the head (the in-memory part of the database) and of its counters since the
 * database was opened, as Prometheus's {@code prometheus_tsdb_head_*} metrics report them.
 *
 * @param series series in the head now
 * @param minTime oldest sample time in the head (ms), {@link Long#MAX_VALUE} when the head is empty
 * @param maxTime newest sample time in the head (ms), {@link Long#MIN_VALUE} when the head is empty
 * @param chunksBytes bytes of the head's full chunks: the {@code chunks_head/} files of an opened
 *     database, the heap they take in memory
 * @param seriesCreated series ever created
 * @param seriesRemoved series ever removed by head truncation
 * @param chunksCreated chunks ever created
 * @param chunksRemoved chunks ever removed
 * @param truncations head truncations
 * @param samples samples ever given each append status (APPENDED, OUT_OF_ORDER, ...)
 */
public record HeadStats(
    long series,
    long minTime,
    long maxTime,
    long chunksBytes,
    long seriesCreated,
    long seriesRemoved,
    long chunksCreated,
    long chunksRemoved,
    long truncations,
    Map<AppendStatus, Long> samples) {
  public HeadStats {
    samples = Map.copyOf(samples);
  }

  /**
   * True when the head holds no sample (then {@link #minTime()} and {@link #maxTime()} mean
   * nothing).
   */
  public boolean isEmpty() {
    return maxTime == Long.MIN_VALUE;
  }

  /** Samples ever given {@code status}. */
  public long samples(AppendStatus status) {
    return samples.getOrDefault(status, 0L);
  }
}
