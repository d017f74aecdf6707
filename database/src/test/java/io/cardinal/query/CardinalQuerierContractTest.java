package io.cardinal.query;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.QuerierContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The database's querier, in memory and on disk after a reopen (so what it reads was replayed). */
class CardinalQuerierContractTest {
  static void load(Cardinal db, List<QuerierContract.TestSeries> data) {
    Appender app = db.appender();
    for (QuerierContract.TestSeries s : data) {
      long ref = 0;
      for (int i = 0; i < s.ts().length; i++) {
        ref = app.append(ref, s.labels(), s.ts()[i], s.vs()[i]);
      }
    }
    app.commit();
  }

  @Nested
  class InMemory extends QuerierContract {
    @Override
    protected Querier open(List<TestSeries> data, long mint, long maxt) {
      Cardinal db = closeLater(Cardinal.inMemory());
      load(db, data);
      return db.querier(mint, maxt);
    }
  }

  @Nested
  class Reopened extends QuerierContract {
    @TempDir Path dir;

    private int dbs;

    @Override
    protected Querier open(List<TestSeries> data, long mint, long maxt) throws Exception {
      Path data0 = dir.resolve("db" + dbs++);
      CardinalOptions opts = CardinalOptions.defaults().withCompactionInterval(Duration.ZERO);
      try (Cardinal db = Cardinal.open(data0, opts)) {
        load(db, data);
      }
      Cardinal db = closeLater(Cardinal.open(data0, opts));
      return db.querier(mint, maxt);
    }
  }
}
