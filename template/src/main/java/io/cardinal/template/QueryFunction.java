package io.cardinal.template;

import java.util.List;

/**
 * Runs an instant PromQL query for the template function {@code query}. Prometheus hands templates
 * only instant vectors (a scalar becomes one sample without labels); an exception ends the template
 * with {@code error calling query: MESSAGE}.
 */
@FunctionalInterface
public interface QueryFunction {
  List<QuerySample> query(String promql, long timeMs) throws Exception;
}
