package io.cardinal.tsdb.query;

import io.cardinal.tsdb.labels.Matcher;
import java.util.List;

/**
 * Reads series from a time range. A querier sees the data as it was when it was opened for chunks
 * that are later truncated away; samples appended after opening may or may not be visible. Close it
 * when done so storage held for it can be released.
 */
public interface Querier extends AutoCloseable {
  /**
   * Series with at least one sample in [mint, maxt] that match every matcher; at least one matcher
   * must not match the empty string, as in Prometheus.
   */
  SeriesSet select(boolean sorted, long mint, long maxt, Matcher... matchers);

  /** Sorted label names of series matching the matchers (all series when none are given). */
  List<String> labelNames(Matcher... matchers);

  /** Sorted values of label {@code name} on series matching the matchers. */
  List<String> labelValues(String name, Matcher... matchers);

  @Override
  void close();
}
