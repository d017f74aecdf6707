package io.cardinal.tsdb.query;

import java.util.ArrayList;
import java.util.List;

/** A cursor over query results; sorted by labels when the query asked for it. */
public interface SeriesSet {
  boolean next();

  Series at();

  static SeriesSet of(List<? extends Series> series) {
    return new SeriesSet() {
      int i = -1;

      @Override
      public boolean next() {
        return ++i < series.size();
      }

      @Override
      public Series at() {
        return series.get(i);
      }
    };
  }

  static SeriesSet empty() {
    return of(List.of());
  }

  /** Drains the set into a list (for tests and small results). */
  default List<Series> toList() {
    List<Series> out = new ArrayList<>();
    while (next()) {
      out.add(at());
    }
    return out;
  }
}
