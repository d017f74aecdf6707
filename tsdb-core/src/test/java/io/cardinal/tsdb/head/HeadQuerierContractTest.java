package io.cardinal.tsdb.head;

import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.QuerierContract;
import java.util.List;

class HeadQuerierContractTest extends QuerierContract {
  @Override
  protected Querier open(List<TestSeries> data, long mint, long maxt) {
    return headOf(data).querier(mint, maxt);
  }
}
