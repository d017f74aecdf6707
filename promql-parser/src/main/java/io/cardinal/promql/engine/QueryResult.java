package io.cardinal.promql.engine;

import java.util.List;

/**
 * The value of a successful query plus its annotations. Warnings and infos carry Prometheus' text
 * including the prefix ({@code PromQL warning: …}, {@code PromQL info: …}).
 */
public record QueryResult(Value value, List<String> warnings, List<String> infos) {
  public QueryResult {
    warnings = List.copyOf(warnings);
    infos = List.copyOf(infos);
  }
}
