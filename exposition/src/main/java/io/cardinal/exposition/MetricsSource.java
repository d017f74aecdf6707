package io.cardinal.exposition;

/**
 * A component that adds its own series to {@code /metrics} (the query engine, the remote write
 * receiver and senders). Registered with {@code CardinalServer.addMetricsSource}; called on every
 * scrape of /metrics.
 */
@FunctionalInterface
public interface MetricsSource {
  /** Appends complete metric families (HELP, TYPE and samples) in the text format 0.0.4. */
  void writeMetrics(StringBuilder sb);
}
