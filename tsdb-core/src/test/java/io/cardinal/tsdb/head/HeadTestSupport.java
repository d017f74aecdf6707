package io.cardinal.tsdb.head;

import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.Series;
import io.cardinal.tsdb.query.SeriesSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class HeadTestSupport {
  private HeadTestSupport() {}

  /** Reads every sample of matching series as "t=v" strings keyed by labels. */
  static Map<Labels, List<long[]>> read(Head head, long mint, long maxt, Matcher... ms) {
    Map<Labels, List<long[]>> out = new LinkedHashMap<>();
    SeriesSet set = head.querier(mint, maxt).select(true, mint, maxt, ms);
    SampleIterator it = null;
    while (set.next()) {
      Series s = set.at();
      it = s.iterator(it);
      List<long[]> samples = new ArrayList<>();
      while (it.next()) {
        samples.add(new long[] {it.timestamp(), Double.doubleToRawLongBits(it.value())});
      }
      if (it.error() != null) {
        throw new AssertionError("iterator error for " + s.labels() + ": " + it.error());
      }
      out.put(s.labels(), samples);
    }
    return out;
  }

  static MemSeries series(Head head, Labels l) {
    return head.lookup(l, head.options().hasher.hash(l));
  }
}
