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

  /** Appends a family's HELP and TYPE lines, the start every source writes for each family. */
  static void header(StringBuilder sb, String name, String type, String help) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }
}
