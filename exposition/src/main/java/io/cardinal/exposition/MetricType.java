package io.cardinal.exposition;

/** Metric family type as declared by a {@code # TYPE} line. */
public enum MetricType {
  COUNTER("counter"),
  GAUGE("gauge"),
  HISTOGRAM("histogram"),
  /** OpenMetrics only. */
  GAUGE_HISTOGRAM("gaugehistogram"),
  SUMMARY("summary"),
  /** OpenMetrics only. */
  INFO("info"),
  /** OpenMetrics only. */
  STATESET("stateset"),
  /** OpenMetrics {@code unknown}, text format {@code untyped}, or no TYPE line at all. */
  UNKNOWN("unknown");

  private final String omName;

  MetricType(String omName) {
    this.omName = omName;
  }

  /** The OpenMetrics spelling of the type (text format {@code untyped} maps to {@code unknown}). */
  public String openMetricsName() {
    return omName;
  }
}
