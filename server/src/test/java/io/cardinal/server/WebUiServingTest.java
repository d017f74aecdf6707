package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.server.ServerHarness.Resp;
import io.cardinal.testing.TestTarget;
import org.junit.jupiter.api.Test;

/**
 * The web UI and the API it reads, over plain HTTP (the browser tests drive the pages): where the
 * pages are, Prometheus's redirects, {@code --web.route-prefix}, {@code --web.page-title}, {@code
 * /api/v1/status/limits} and the churn lists of {@code /api/v1/status/tsdb}.
 */
class WebUiServingTest extends ServerTest {

  @Test
  void pagesAssetsAndPrometheusRedirects() throws Exception {
    cardinal =
        ServerHarness.start(
            dir, "global:\n  scrape_interval: 1h\n", o -> o.withPageTitle("Edge <EU>"));
    for (String page :
        new String[] {"query", "targets", "alerts", "rules", "cardinality", "limits", "status"}) {
      Resp r = cardinal.get("/" + page);
      assertEquals(200, r.status(), page);
      assertEquals("text/html; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
      assertTrue(r.body().contains("<title>Edge &lt;EU&gt;</title>"), r.body());
    }
    Resp root = cardinal.get("/");
    assertEquals(302, root.status());
    assertTrue(root.headers().firstValue("Location").orElse("").endsWith("/query"));
    // Prometheus 2's graph links keep their panels.
    Resp graph = cardinal.get("/graph?g0.expr=up&g0.tab=1");
    assertEquals(302, graph.status());
    assertTrue(
        graph.headers().firstValue("Location").orElse("").endsWith("/query?g0.expr=up&g0.tab=1"),
        graph.headers().toString());
    assertEquals(200, cardinal.get("/assets/uplot/uPlot.iife.min.js").status());
    assertEquals(200, cardinal.get("/assets/query.js").status());
    assertEquals(404, cardinal.get("/assets/nope.js").status());
    assertEquals(404, cardinal.get("/nope").status());
    Resp flags = cardinal.get("/api/v1/status/flags");
    assertEquals(200, flags.status());
  }

  @Test
  void routePrefixServesEverythingBelowItAndNothingElse() throws Exception {
    cardinal =
        ServerHarness.start(
            dir,
            "global:\n  scrape_interval: 1h\n",
            o -> o.withExternalUrl("https://example.com/monitoring/prom/"));
    // Without --web.route-prefix, the path of --web.external-url, as Prometheus.
    assertEquals(200, cardinal.get("/monitoring/prom/-/ready").status());
    assertEquals(200, cardinal.get("/monitoring/prom/api/v1/query?query=1").status());
    assertEquals(200, cardinal.get("/monitoring/prom/query").status());
    assertEquals(200, cardinal.get("/monitoring/prom/metrics").status());
    assertEquals(200, cardinal.get("/monitoring/prom/assets/app.js").status());
    Resp root = cardinal.get("/monitoring/prom");
    assertEquals(302, root.status());
    assertTrue(
        root.headers().firstValue("Location").orElse("").endsWith("/monitoring/prom/query"),
        root.headers().toString());
    assertEquals(404, cardinal.get("/-/ready").status());
    assertEquals(404, cardinal.get("/api/v1/query?query=1").status());
    assertEquals(404, cardinal.get("/monitoring/promx/-/ready").status());
    cardinal.close();

    cardinal =
        ServerHarness.start(
            dir.resolve("b"),
            "global:\n  scrape_interval: 1h\n",
            o -> o.withExternalUrl("https://example.com/ignored").withRoutePrefix("/"));
    assertEquals(200, cardinal.get("/-/ready").status(), "an explicit / serves at the root");
  }

  private static long longField(String json, String name) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
    assertTrue(m.find(), name + " in " + json);
    return Long.parseLong(m.group(1));
  }

  @Test
  void limitsAndChurnEndpoints() throws Exception {
    target = new TestTarget();
    StringBuilder body = new StringBuilder("# TYPE m counter\n");
    for (int i = 0; i < 30; i++) {
      body.append("m{i=\"").append(i).append("\"} 1\n");
    }
    target.body = body.toString();
    cardinal =
        ServerHarness.start(
            dir,
            "global:\n  scrape_interval: 100ms\n"
                + "scrape_configs:\n"
                + "  - job_name: capped\n    sample_limit: 20\n"
                + "    static_configs: [{targets: ['"
                + target.address()
                + "']}]\n"
                + "  - job_name: free\n"
                + "    static_configs: [{targets: ['"
                + target.address()
                + "']}]\n",
            o -> o.withMaxSeries(45));
    ServerHarness.await(
        "both targets scraped",
        20_000,
        () -> {
          try {
            return cardinal.get("/api/v1/status/limits").body().contains("\"samples\":30");
          } catch (Exception e) {
            return false;
          }
        });
    // Let a few scrapes run with the head full.
    ServerHarness.await(
        "the global limit skipped samples",
        20_000,
        () -> cardinal.server.scrapes().stats().seriesLimitSkipped.sum() > 0);
    String l = cardinal.get("/api/v1/status/limits").body();
    assertTrue(l.contains("\"seriesLimit\":45,\"headSeries\":45,"), l);
    assertTrue(l.contains("\"seriesHistory\":[["), l);
    // The capped job: 30 samples after relabeling against a limit of 20; Cardinal keeps the first
    // 20 and skips 10.
    assertTrue(
        l.contains(
            "\"scrapePool\":\"capped\",\"scrapeUrl\":\"http://" + target.address() + "/metrics\""),
        l);
    assertTrue(
        l.contains("\"sampleLimit\":20,\"samples\":30,\"samplesSkippedBySampleLimit\":10,"), l);
    assertTrue(
        l.contains(
            "\"jobs\":[{\"job\":\"capped\",\"targets\":1,\"sampleLimit\":20,\"maxSamples\":30,"
                + "\"fraction\":1.5},{\"job\":\"free\",\"targets\":1,\"sampleLimit\":0,"
                + "\"maxSamples\":30,\"fraction\":null}]"),
        "nearest its sample_limit first, no limit last: " + l);
    assertTrue(l.contains("\"moreSeriesByLimit\":0,\"moreSeries\":0}"), l);
    // Memory headroom is the capacity calculator's model: the heap as the budget, 40 % reserved.
    long max = longField(l, "heapMaxBytes");
    long used = longField(l, "heapUsedBytes");
    long fit = longField(l, "seriesThatFit");
    long lingering = longField(l, "lingeringSeries");
    assertTrue(l.contains("\"reservedFraction\":0.4,"), l);
    assertEquals((long) Math.floor(Math.floor(max * 0.6) / (used / 45.0)) - lingering, fit, l);
    assertEquals(Math.max(0, fit - 45), longField(l, "moreSeriesByMemory"), l);
    assertTrue(cardinal.server.scrapes().stats().sampleLimitSkipped.sum() >= 10);

    String t = cardinal.get("/api/v1/status/tsdb?churn_window=1h").body();
    assertTrue(t.contains("\"seriesCreated\":45,"), "every series is new since start: " + t);
    java.util.regex.Matcher all =
        java.util.regex.Pattern.compile(
                "\"seriesCountByMetricName\":\\[\\{\"name\":\"m\",\"value\":(\\d+)\\}")
            .matcher(t);
    java.util.regex.Matcher created =
        java.util.regex.Pattern.compile(
                "\"seriesCreatedByMetricName\":\\[\\{\"name\":\"m\",\"value\":(\\d+)\\}")
            .matcher(t);
    assertTrue(all.find() && created.find(), t);
    assertEquals(all.group(1), created.group(1), "every series of m is new: " + t);
    assertTrue(Integer.parseInt(created.group(1)) >= 20, t);
    Resp bad = cardinal.get("/api/v1/status/tsdb?churn_window=soon");
    assertEquals(400, bad.status(), bad.body());
    assertTrue(bad.body().contains("invalid parameter \\\"churn_window\\\""), bad.body());
  }
}
