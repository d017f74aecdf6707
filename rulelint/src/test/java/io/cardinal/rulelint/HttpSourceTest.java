package io.cardinal.rulelint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HttpSource against canned answers: errors map to the right kind, the run goes on or stops. */
class HttpSourceTest {
  private static HttpServer serve(int status, String body) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    s.createContext(
        "/",
        ex -> {
          byte[] b = body.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(status, b.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
          }
        });
    s.start();
    return s;
  }

  private static URI uri(HttpServer s) {
    return URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/");
  }

  @Test
  void queryErrorsBecomeFindings() throws Exception {
    HttpServer s =
        serve(
            422,
            "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"many-to-many matching"
                + " not allowed\"}");
    try (HttpSource src = new HttpSource(uri(s))) {
      LintSourceException e = assertThrows(LintSourceException.class, () -> src.query("a / b", 0));
      assertEquals(LintSourceException.Kind.QUERY, e.kind());
      assertEquals("many-to-many matching not allowed", e.getMessage());
      List<Finding> f =
          new RuleLinter(
                  src,
                  Fixture.options()
                      .withDisabledChecks(
                          List.of(
                              SeriesCheck.MISSING,
                              SeriesCheck.DISAPPEARED,
                              LabelCheck.ID,
                              RateRangeCheck.ID,
                              BacktestCheck.ID)))
              .lint(
                  Fixture.rules("groups:\n- name: g\n  rules:\n  - record: r\n    expr: a / b\n"));
      assertEquals(1, f.size(), f.toString());
      assertEquals(Severity.WARNING, f.get(0).severity());
      assertEquals("record/cost", f.get(0).check());
      assertEquals("query failed: many-to-many matching not allowed", f.get(0).message());
    } finally {
      s.stop(0);
    }
  }

  @Test
  void serverErrorsStopTheRun() throws Exception {
    HttpServer s = serve(503, "Service Unavailable");
    try (HttpSource src = new HttpSource(uri(s))) {
      LintSourceException e =
          assertThrows(
              LintSourceException.class,
              () ->
                  new RuleLinter(src, Fixture.options())
                      .lint(Fixture.rules(Fixture.alerts("A", "up == 0"))));
      assertEquals(LintSourceException.Kind.UNAVAILABLE, e.kind());
      assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
    } finally {
      s.stop(0);
    }
  }

  @Test
  void formats() {
    assertEquals("1700000000.5", HttpSource.seconds(1_700_000_000_500L));
    assertEquals("1700000000", HttpSource.seconds(1_700_000_000_000L));
    assertEquals(1_700_000_000_123L, HttpSource.millis(1.700000000123e9));
    assertEquals(1_700_000_000_000L, HttpSource.millis(1_700_000_000L));
    assertEquals(Double.POSITIVE_INFINITY, HttpSource.value("+Inf"));
    assertTrue(Double.isNaN(HttpSource.value("NaN")));
  }

  @Test
  void evaluationIntervalFromTheRenderedConfig() {
    assertEquals(
        java.util.OptionalLong.of(15_000),
        HttpSource.globalEvaluationInterval(
            "global:\n  scrape_interval: 1m\n  evaluation_interval: 15s\nscrape_configs:\n"
                + "- job_name: x\n  evaluation_interval: 1h\n"));
    assertEquals(
        java.util.OptionalLong.empty(),
        HttpSource.globalEvaluationInterval("scrape_configs:\n- job_name: x\n"));
  }

  @Test
  void oldestSampleFromTheServersMetrics() {
    // Prometheus: the lowest timestamp, unless the database is empty
    assertEquals(
        java.util.OptionalLong.of(1_700_000_000_000L),
        HttpSource.oldestFromMetrics(
            "# TYPE prometheus_tsdb_lowest_timestamp gauge\n"
                + "prometheus_tsdb_lowest_timestamp 1.7e+12\nprometheus_tsdb_blocks_loaded 3\n"));
    assertEquals(
        java.util.OptionalLong.empty(),
        HttpSource.oldestFromMetrics("prometheus_tsdb_lowest_timestamp 9.223372036854776e+18\n"));
    // without it, the head's start when there is no block before it
    assertEquals(
        java.util.OptionalLong.of(1_796_654_031_077L),
        HttpSource.oldestFromMetrics(
            "prometheus_tsdb_head_min_time 1.796654031077e+12\nprometheus_tsdb_blocks_loaded 0\n"));
    assertEquals(
        java.util.OptionalLong.empty(),
        HttpSource.oldestFromMetrics(
            "prometheus_tsdb_head_min_time 1.796654031077e+12\nprometheus_tsdb_blocks_loaded 2\n"));
  }
}
