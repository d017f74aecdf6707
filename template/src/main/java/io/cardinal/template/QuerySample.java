package io.cardinal.template;

import java.util.Map;

/**
 * One sample of a query result. Templates see it as Prometheus's {@code *sample}: {@code .Labels}
 * (with the metric name under {@code __name__}) and {@code .Value}.
 */
public record QuerySample(Map<String, String> labels, double value) {
  public QuerySample {
    labels = labels == null ? Map.of() : labels;
  }
}
