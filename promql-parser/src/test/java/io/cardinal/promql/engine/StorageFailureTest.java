package io.cardinal.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SeriesSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A block that fails to read is an evaluation error naming the file, not a crashed request. */
class StorageFailureTest {
  @Test
  void anUnreadableIndexIsAStorageErrorWithItsMessage() {
    Querier broken =
        new Querier() {
          @Override
          public SeriesSet select(boolean sorted, long mint, long maxt, Matcher... matchers) {
            throw new UncheckedIOException(
                new IOException(
                    "index: postings checksum mismatch [file=/data/01X/index, offset=4096]"));
          }

          @Override
          public List<String> labelNames(Matcher... matchers) {
            return List.of();
          }

          @Override
          public List<String> labelValues(String name, Matcher... matchers) {
            return List.of();
          }

          @Override
          public void close() {}
        };
    QueryException e =
        assertThrows(
            QueryException.class, () -> new Engine().instantQuery(broken, "sum(up)", 1000));
    assertEquals(QueryException.Kind.STORAGE, e.kind());
    assertTrue(e.getMessage().contains("/data/01X/index, offset=4096"), e.getMessage());
  }
}
