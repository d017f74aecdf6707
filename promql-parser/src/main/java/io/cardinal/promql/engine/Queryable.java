package io.cardinal.promql.engine;

import io.cardinal.tsdb.query.Querier;

/**
 * Opens a querier over [mint, maxt]; {@code head::querier} fits. The engine closes what it opens.
 */
@FunctionalInterface
public interface Queryable {
  Querier querier(long mint, long maxt);
}
