package io.cardinal.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.PromQLException;
import io.cardinal.PromQLResult;
import io.cardinal.PromQLValue;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PromQL through the facade: typed results over appended data, errors with their position. */
class CardinalQueryTest {
  static final long T0 = 1_700_000_000_000L;

  /** Two counters scraped every 15s for 10 minutes: a grows by 1 per scrape, b by 3. */
  static void fill(Cardinal db) {
    Appender app = db.appender();
    long a = 0;
    long b = 0;
    for (int i = 0; i <= 40; i++) {
      long t = T0 + i * 15_000L;
      a = app.append(a, Labels.of("__name__", "requests_total", "path", "/a"), t, i);
      b = app.append(b, Labels.of("__name__", "requests_total", "path", "/b"), t, 3 * i);
      app.commit();
    }
  }

  @Test
  void instantVectorHasLabelsAndTheSampleAtTheEvaluationTime() {
    try (Cardinal db = Cardinal.inMemory()) {
      fill(db);
      Instant at = Instant.ofEpochMilli(T0 + 600_000);
      PromQLResult r = db.query("requests_total", at);
      assertEquals("vector", r.value().typeName());
      List<PromQLValue.Sample> samples = r.vector();
      assertEquals(2, samples.size());
      PromQLValue.Sample first =
          samples.stream()
              .filter(s -> s.labels().get("path").equals("/a"))
              .findFirst()
              .orElseThrow();
      assertEquals(Labels.of("__name__", "requests_total", "path", "/a"), first.labels());
      assertEquals(at, first.timestamp());
      assertEquals(40, first.value());
      assertEquals(List.of(), r.warnings());
    }
  }

  @Test
  void rateOverAppendedData() {
    try (Cardinal db = Cardinal.inMemory()) {
      fill(db);
      PromQLResult r =
          db.query("sum by (path) (rate(requests_total[5m]))", Instant.ofEpochMilli(T0 + 600_000));
      List<PromQLValue.Sample> samples = r.vector();
      assertEquals(2, samples.size());
      for (PromQLValue.Sample s : samples) {
        double perScrape = s.labels().get("path").equals("/a") ? 1 : 3;
        assertEquals(perScrape / 15, s.value(), 1e-9, s.toString());
        assertEquals("", s.labels().get("__name__"), "rate drops the metric name");
      }
    }
  }

  @Test
  void rangeQueryReturnsAMatrixWithAPointPerStep() {
    try (Cardinal db = Cardinal.inMemory()) {
      fill(db);
      Instant start = Instant.ofEpochMilli(T0 + 300_000);
      Instant end = Instant.ofEpochMilli(T0 + 600_000);
      PromQLResult r =
          db.queryRange("requests_total{path=\"/b\"} * 2", start, end, Duration.ofMinutes(1));
      assertEquals("matrix", r.value().typeName());
      List<PromQLValue.Series> series = r.matrix();
      assertEquals(1, series.size());
      assertEquals(Labels.of("path", "/b"), series.get(0).labels());
      List<PromQLValue.Point> points = series.get(0).points();
      assertEquals(6, points.size());
      for (int k = 0; k < points.size(); k++) {
        assertEquals(start.plus(Duration.ofMinutes(k)), points.get(k).timestamp());
        // At minute 5 + k the counter has seen 4 scrapes a minute, each adding 3; doubled.
        assertEquals(2 * 3 * (20 + 4 * k), points.get(k).value());
      }
    }
  }

  @Test
  void rangeSelectorInAnInstantQueryIsAMatrixOfRawSamples() {
    try (Cardinal db = Cardinal.inMemory()) {
      fill(db);
      PromQLResult r =
          db.query("requests_total{path=\"/a\"}[1m]", Instant.ofEpochMilli(T0 + 600_000));
      PromQLValue.RangeMatrix m = (PromQLValue.RangeMatrix) r.value();
      assertEquals(1, m.series().size());
      // Left-open range: (9m, 10m] holds the scrapes at 9m15s, 9m30s, 9m45s and 10m.
      assertEquals(4, m.series().get(0).points().size());
    }
  }

  @Test
  void scalarAndString() {
    try (Cardinal db = Cardinal.inMemory()) {
      Instant at = Instant.ofEpochSecond(1_000);
      PromQLResult r = db.query("1 + 2 * 3", at);
      assertEquals(7, r.scalar());
      assertEquals(new PromQLValue.Scalar(at, 7), r.value());
      assertEquals("hello", db.query("\"hello\"", at).string());
      IllegalStateException e = assertThrows(IllegalStateException.class, r::vector);
      assertTrue(e.getMessage().contains("scalar"), e.getMessage());
    }
  }

  @Test
  void parseErrorCarriesItsPosition() {
    try (Cardinal db = Cardinal.inMemory()) {
      PromQLException e =
          assertThrows(
              PromQLException.class, () -> db.query("sum(rate(x[5m])", Instant.ofEpochSecond(0)));
      assertEquals(PromQLException.Kind.PARSE, e.kind());
      assertEquals(1, e.line());
      assertTrue(e.column() > 1, "column " + e.column());
      assertTrue(e.getMessage().startsWith("1:" + e.column() + ": parse error: "), e.getMessage());
      assertTrue(e.getMessage().endsWith(e.detail()), e.getMessage());

      PromQLException multi =
          assertThrows(
              PromQLException.class, () -> db.query("sum(\n  foo +)", Instant.ofEpochSecond(0)));
      assertEquals(2, multi.line(), multi.getMessage());
    }
  }

  @Test
  void evaluationErrorsHaveAKindAndNoPosition() {
    try (Cardinal db = Cardinal.inMemory()) {
      Instant t = Instant.ofEpochSecond(100);
      PromQLException badStep =
          assertThrows(
              PromQLException.class, () -> db.queryRange("1", t, t.plusSeconds(10), Duration.ZERO));
      assertEquals(PromQLException.Kind.BAD_DATA, badStep.kind());
      assertEquals(0, badStep.line());
      assertEquals(0, badStep.column());

      PromQLException stringRange =
          assertThrows(
              PromQLException.class,
              () -> db.queryRange("\"x\"", t, t.plusSeconds(10), Duration.ofSeconds(1)));
      assertEquals(PromQLException.Kind.BAD_DATA, stringRange.kind());
    }
  }

  @Test
  void queriesSpanBlocksAndHeadOfAnOpenedDatabase() throws Exception {
    Path dir = Files.createTempDirectory("cardinal-query");
    long h = 3_600_000L;
    CardinalOptions opts = CardinalOptions.defaults().withCompactionInterval(Duration.ZERO);
    try (Cardinal db = Cardinal.open(dir, opts)) {
      Appender app = db.appender();
      long ref = 0;
      for (long t = 0; t <= 5 * h; t += 60_000) {
        ref = app.append(ref, Labels.of("__name__", "up"), t, 1);
        app.commit();
      }
      db.compact();
      assertTrue(!db.blocks().isEmpty(), "the head was cut into blocks");
      PromQLResult r =
          db.queryRange(
              "count_over_time(up[1h])",
              Instant.ofEpochMilli(h),
              Instant.ofEpochMilli(5 * h),
              Duration.ofHours(1));
      for (PromQLValue.Point p : r.matrix().get(0).points()) {
        assertEquals(60, p.value(), p.toString());
      }
    }
  }
}
