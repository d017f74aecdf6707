package io.cardinal.compact;

import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.QuerierContract;
import java.util.ArrayList;
import java.util.List;

/**
 * The merge querier over two heads that split the fixture between them: each holds some samples of
 * every series, every third timestamp is in both (as around a head cut or in overlapping blocks),
 * and the "up" series' last sample only in the second. The merge must answer as one store.
 */
class MergeQuerierContractTest extends QuerierContract {
  @Override
  protected Querier open(List<TestSeries> data, long mint, long maxt) {
    List<TestSeries> first = new ArrayList<>();
    List<TestSeries> second = new ArrayList<>();
    for (TestSeries s : data) {
      boolean up = "up".equals(s.labels().get("__name__"));
      first.add(s.filter(t -> !(up && t == END) && ((t / STEP) % 2 == 0 || (t / STEP) % 3 == 0)));
      second.add(s.filter(t -> (up && t == END) || (t / STEP) % 2 == 1 || (t / STEP) % 3 == 0));
    }
    return new MergeQuerier(
        List.of(headOf(first).querier(mint, maxt), headOf(second).querier(mint, maxt)));
  }
}
