package io.cardinal.tsdb.head;

import java.util.List;

/**
 * Cardinality statistics in the shape of Prometheus's {@code /api/v1/status/tsdb}: head stats and
 * top-N lists of series per metric name, values per label name, bytes per label name and series per
 * label pair.
 */
public final class TsdbStatus {
  /** One {@code {"name": ..., "value": ...}} entry. */
  public record Stat(String name, long value) {}

  public final long numSeries;
  public final long numLabelPairs;
  public final long chunkCount;
  public final long minTime;
  public final long maxTime;
  public final List<Stat> seriesCountByMetricName;
  public final List<Stat> labelValueCountByLabelName;
  public final List<Stat> memoryInBytesByLabelName;
  public final List<Stat> seriesCountByLabelValuePair;

  /**
   * Churn (Cardinal's own): the series created since {@link #seriesCreatedSince} that are still in
   * the head, per metric name, top N.
   */
  public final List<Stat> seriesCreatedByMetricName;

  /** All series created since {@link #seriesCreatedSince} still in the head. */
  public final long seriesCreated;

  /**
   * Start of the churn window (ms): the creation mark nearest the asked start at or before it, or
   * the oldest mark when none is that old; {@link Long#MIN_VALUE} when no mark exists (every series
   * counts).
   */
  public final long seriesCreatedSince;

  TsdbStatus(Builder b) {
    numSeries = b.numSeries;
    numLabelPairs = b.numLabelPairs;
    chunkCount = b.chunkCount;
    minTime = b.minTime;
    maxTime = b.maxTime;
    seriesCountByMetricName = List.copyOf(b.seriesCountByMetricName);
    labelValueCountByLabelName = List.copyOf(b.labelValueCountByLabelName);
    memoryInBytesByLabelName = List.copyOf(b.memoryInBytesByLabelName);
    seriesCountByLabelValuePair = List.copyOf(b.seriesCountByLabelValuePair);
    seriesCreatedByMetricName = List.copyOf(b.seriesCreatedByMetricName);
    seriesCreated = b.seriesCreated;
    seriesCreatedSince = b.seriesCreatedSince;
  }

  static final class Builder {
    long numSeries;
    long numLabelPairs;
    long chunkCount;
    long minTime;
    long maxTime;
    List<Stat> seriesCountByMetricName = List.of();
    List<Stat> labelValueCountByLabelName = List.of();
    List<Stat> memoryInBytesByLabelName = List.of();
    List<Stat> seriesCountByLabelValuePair = List.of();
    List<Stat> seriesCreatedByMetricName = List.of();
    long seriesCreated;
    long seriesCreatedSince = Long.MIN_VALUE;
  }
}
