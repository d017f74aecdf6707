package io.cardinal.tsdb.query;

import io.cardinal.tsdb.labels.Labels;

/** One series in a query result. */
public interface Series {
  Labels labels();

  /**
   * Returns an iterator over the series' samples in the queried range. Passing the iterator a
   * previous call returned lets the implementation reuse it instead of allocating.
   */
  SampleIterator iterator(SampleIterator reuse);
}
