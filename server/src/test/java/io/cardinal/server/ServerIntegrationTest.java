package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cardinal.config.ServerOptions;
import io.cardinal.scrape.ScrapeLoop;
import io.cardinal.testing.TestTarget;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server end to end: real scrapes of in-test targets on 127.0.0.1, checked through the HTTP API
 * and the db.
 */
class ServerIntegrationTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private CardinalServer server;
  private Path configFile;

  @AfterEach
  void tearDown() throws Exception {
    if (server != null) {
      server.close();
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private TestTarget target(String body) throws Exception {
    TestTarget t = new TestTarget();
    t.body = body;
    closeables.add(t);
    return t;
  }

  private CardinalServer start(String yaml, long maxSeries) throws Exception {
    configFile = dir.resolve("prometheus.yml");
    Files.writeString(configFile, yaml);
    ServerOptions o =
        ServerOptions.DEFAULTS
            .withConfigFile(configFile)
            .withStoragePath(dir.resolve("data"))
            .withListenAddress("127.0.0.1:0")
            .withEnableLifecycle(true)
            .withMaxSeries(maxSeries)
            .withFilePollInterval(Duration.ofMillis(100))
            .withScrapeThreads(2);
    server = CardinalServer.start(o);
    return server;
  }

  private static String job(String name, String target, String extra) {
    return "  - job_name: "
        + name
        + "\n    scrape_interval: 100ms\n    scrape_timeout: 100ms\n"
        + "    static_configs:\n      - targets: ['"
        + target
        + "']\n"
        + extra;
  }

  private static void await(String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (cond.getAsBoolean()) {
        return;
      }
      Thread.sleep(20);
    }
    fail("timed out waiting for " + what);
  }

  record Resp(int status, String body) {}

  private Resp get(String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.address().getPort() + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Resp(r.statusCode(), r.body());
  }

  private Resp post(String path, String form) throws Exception {
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.address().getPort() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Resp(r.statusCode(), r.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Every series named {@code name}: labels to its samples as {t, v} pairs. */
  private Map<Labels, List<double[]>> series(String name) {
    Map<Labels, List<double[]>> out = new LinkedHashMap<>();
    try (Querier q = server.db().querier(0, Long.MAX_VALUE)) {
      SeriesSet ss = q.select(true, 0, Long.MAX_VALUE, Matcher.equal("__name__", name));
      SampleIterator it = null;
      while (ss.next()) {
        it = ss.at().iterator(it);
        List<double[]> samples = new ArrayList<>();
        while (it.next()) {
          samples.add(new double[] {it.timestamp(), it.value()});
        }
        out.put(ss.at().labels(), samples);
      }
    }
    return out;
  }

  private double lastValue(String name) {
    Map<Labels, List<double[]>> s = series(name);
    if (s.size() != 1) {
      return Double.NaN;
    }
    List<double[]> l = s.values().iterator().next();
    return l.isEmpty() ? Double.NaN : l.get(l.size() - 1)[1];
  }

  private boolean endsStale(String name) {
    Map<Labels, List<double[]>> s = series(name);
    if (s.isEmpty()) {
      return false;
    }
    for (List<double[]> l : s.values()) {
      if (l.isEmpty()
          || Double.doubleToRawLongBits(l.get(l.size() - 1)[1]) != ScrapeLoop.STALE_NAN_BITS) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ tests

  @Test
  void scrapedSeriesAreQueryableThroughSeriesApi() throws Exception {
    TestTarget t =
        target(
            "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n"
                + "http_requests_total{path=\"/a\"} 3\nhttp_requests_total{path=\"/b\"} 4\n");
    start("scrape_configs:\n" + job("app", t.address(), ""), 0);
    await("two series", () -> series("http_requests_total").size() == 2);
    Resp r = get("/api/v1/series?match[]=" + enc("http_requests_total{path=\"/a\"}"));
    assertEquals(200, r.status());
    assertEquals(
        "{\"status\":\"success\",\"data\":[{\"__name__\":\"http_requests_total\",\"instance\":\""
            + t.address()
            + "\",\"job\":\"app\",\"path\":\"/a\"}]}",
        r.body());
    // POST form-encoded gives the same answer.
    assertEquals(
        r.body(),
        post("/api/v1/series", "match[]=" + enc("http_requests_total{path=\"/a\"}")).body());
    await("up = 1", () -> lastValue("up") == 1);
    assertTrue(t.lastAccept.startsWith("application/openmetrics-text"), t.lastAccept);
    Resp labels = get("/api/v1/labels");
    assertTrue(labels.body().contains("\"path\""), labels.body());
    Resp values = get("/api/v1/label/path/values");
    assertEquals("{\"status\":\"success\",\"data\":[\"/a\",\"/b\"]}", values.body());
    Resp meta = get("/api/v1/metadata?metric=http_requests_total");
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"http_requests_total\":[{\"type\":\"counter\","
            + "\"help\":\"Requests.\",\"unit\":\"\"}]}}",
        meta.body());
    Resp targets = get("/api/v1/targets");
    assertTrue(targets.body().contains("\"health\":\"up\""), targets.body());
    assertTrue(
        targets.body().contains("\"scrapeUrl\":\"http://" + t.address() + "/metrics\""),
        targets.body());
    for (String name :
        new String[] {
          "scrape_duration_seconds",
          "scrape_samples_scraped",
          "scrape_samples_post_metric_relabeling",
          "scrape_series_added",
          "cardinal_scrape_samples_skipped_sample_limit",
          "cardinal_scrape_samples_skipped_series_limit"
        }) {
      assertEquals(1, series(name).size(), name);
    }
    assertEquals(2.0, lastValue("scrape_samples_scraped"));
  }

  @Test
  void honorLabelsAndExportedPrefix() throws Exception {
    TestTarget t = target("m{job=\"other\",instance=\"i\"} 1\n");
    start(
        "scrape_configs:\n"
            + job("honored", t.address(), "    honor_labels: true\n")
            + job("clashing", t.address(), ""),
        0);
    await("two m series", () -> series("m").size() == 2);
    List<Labels> got = new ArrayList<>(series("m").keySet());
    assertTrue(
        got.contains(Labels.of("__name__", "m", "job", "other", "instance", "i")), got.toString());
    assertTrue(
        got.contains(
            Labels.of(
                "__name__",
                "m",
                "job",
                "clashing",
                "instance",
                t.address(),
                "exported_job",
                "other",
                "exported_instance",
                "i")),
        got.toString());
  }

  @Test
  void metricRelabelDropAndPostRelabelCount() throws Exception {
    TestTarget t = target("keep_me 1\ngo_gc 2\ngo_threads 3\n");
    start(
        "scrape_configs:\n"
            + job(
                "app",
                t.address(),
                "    metric_relabel_configs:\n"
                    + "      - source_labels: [__name__]\n        regex: 'go_.*'\n        action: drop\n"),
        0);
    await("scrape", () -> lastValue("scrape_samples_post_metric_relabeling") == 1);
    assertEquals(3.0, lastValue("scrape_samples_scraped"));
    assertEquals(1, series("keep_me").size());
    assertTrue(series("go_gc").isEmpty());
  }

  @Test
  void seriesWrittenAnotherWayIsNotMarkedStale() throws Exception {
    // The scrape cache is keyed by the series as exposed: other label order or blanks make a second
    // entry
    // for the same series, which must not make the first one look gone.
    TestTarget t = target("a{x=\"1\",y=\"2\"} 1\nb 1\n");
    start("scrape_configs:\n" + job("app", t.address(), ""), 0);
    await(
        "a scraped",
        () -> series("a").size() == 1 && series("a").values().iterator().next().size() >= 2);
    t.body = "a{y=\"2\",x=\"1\"} 2\nb 1\n";
    await("a reordered", () -> lastValue("a") == 2);
    t.body = "a { x=\"1\" , y=\"2\" } 3\nb 1\n";
    await("a with blanks", () -> lastValue("a") == 3);
    Thread.sleep(300);
    assertEquals(1, series("a").size());
    for (double[] sample : series("a").values().iterator().next()) {
      assertFalse(
          Double.doubleToRawLongBits(sample[1]) == ScrapeLoop.STALE_NAN_BITS, "a was marked stale");
    }
    // No stale marker was even attempted (it would be rejected as a duplicate of the real sample).
    String metrics = get("/metrics").body();
    assertTrue(
        metrics.contains("\nprometheus_target_scrapes_sample_duplicate_timestamp_total 0\n"),
        metrics);
    t.body = "b 1\n";
    await("a stale once really gone", () -> endsStale("a"));
  }

  @Test
  void staleMarkersWhenSeriesDisappearsAndWhenTargetGoesDown() throws Exception {
    TestTarget t = target("a 1\nb 2\n");
    start("scrape_configs:\n" + job("app", t.address(), ""), 0);
    await(
        "b scraped",
        () -> series("b").size() == 1 && series("b").values().iterator().next().size() >= 2);
    t.body = "a 1\n";
    await("b stale", () -> endsStale("b"));
    assertFalse(endsStale("a"));
    // Staleness is written once: further scrapes add nothing to b.
    int n = series("b").values().iterator().next().size();
    Thread.sleep(350);
    assertEquals(n, series("b").values().iterator().next().size());

    t.status = 500;
    await("a stale after the target failed", () -> endsStale("a"));
    await("up = 0", () -> lastValue("up") == 0);
    await(
        "error in targets",
        () -> {
          try {
            String body = get("/api/v1/targets").body();
            return body.contains("\"health\":\"down\"")
                && body.contains(
                    "\"lastError\":\"server returned HTTP status 500 Internal Server Error\"");
          } catch (Exception e) {
            return false;
          }
        });
    t.status = 200;
    await("a back", () -> lastValue("a") == 1 && lastValue("up") == 1);
  }

  @Test
  void removedTargetGetsStaleMarkersIncludingUp() throws Exception {
    TestTarget t = target("a 1\n");
    start("scrape_configs:\n" + job("app", t.address(), ""), 0);
    await("up", () -> lastValue("up") == 1);
    Files.writeString(configFile, "scrape_configs: []\n");
    Resp r = post("/-/reload", "");
    assertEquals(200, r.status(), r.body());
    assertTrue(endsStale("a"));
    assertTrue(endsStale("up"));
  }

  @Test
  void brokenTargetsGetUpZeroAndTheirErrorWithoutAffectingOthers() throws Exception {
    TestTarget good = target("ok 1\n");
    TestTarget malformed = target("this is { not an exposition\n");
    TestTarget slow = target("slow 1\n");
    slow.delayMs = 1_000;
    TestTarget big = target("big_metric_with_a_long_name 1\n".repeat(100));
    start(
        "scrape_configs:\n"
            + job("good", good.address(), "")
            + job("malformed", malformed.address(), "")
            + job("slow", slow.address(), "")
            + job("big", big.address(), "    body_size_limit: 1KB\n"),
        0);
    await(
        "errors for the three broken targets",
        () -> {
          try {
            String body = get("/api/v1/targets").body();
            return body.split("\"health\":\"down\"").length == 4
                && body.contains("\"health\":\"up\"");
          } catch (Exception e) {
            return false;
          }
        });
    String body = get("/api/v1/targets").body();
    assertTrue(body.contains("context deadline exceeded"), body);
    assertTrue(body.contains("body size limit exceeded"), body);
    assertTrue(body.contains("line 1"), body);
    assertEquals(1.0, lastValue("ok"));
    Map<Labels, List<double[]>> up = series("up");
    assertEquals(4, up.size());
  }

  @Test
  void sampleLimitSkipsOnlyNewSeries() throws Exception {
    TestTarget t = target("a 1\nb 1\n");
    start("scrape_configs:\n" + job("app", t.address(), "    sample_limit: 2\n"), 0);
    await("a and b", () -> series("a").size() == 1 && series("b").size() == 1);
    t.body = "a 2\nb 2\nc 2\nd 2\n";
    await("skipped counted", () -> lastValue("cardinal_scrape_samples_skipped_sample_limit") == 2);
    await("existing series keep flowing", () -> lastValue("a") == 2 && lastValue("b") == 2);
    assertTrue(series("c").isEmpty());
    assertTrue(series("d").isEmpty());
    // The scrape over its limit is not failed whole: up stays 1 (awaited: a single 100ms scrape
    // may time out on a loaded machine).
    await("up", () -> lastValue("up") == 1.0);
    assertTrue(
        get("/metrics").body().contains("prometheus_target_scrapes_exceeded_sample_limit_total "));
  }

  @Test
  void globalSeriesLimitSkipsNewSeriesAndCountsThem() throws Exception {
    TestTarget t = target("a 1\nb 1\n");
    // 2 scraped series + 7 report series.
    start("scrape_configs:\n" + job("app", t.address(), ""), 9);
    await("report series", () -> lastValue("up") == 1 && series("b").size() == 1);
    t.body = "a 5\nb 5\nc 5\n";
    await(
        "skipped by series limit",
        () -> lastValue("cardinal_scrape_samples_skipped_series_limit") == 1);
    await("a flows", () -> lastValue("a") == 5);
    assertTrue(series("c").isEmpty());
    assertEquals(9, server.db().headSeries());
    String metrics = get("/metrics").body();
    assertTrue(metrics.contains("cardinal_head_series_limit 9\n"), metrics);
    assertTrue(metrics.contains("prometheus_tsdb_head_series 9\n"), metrics);
    assertFalse(metrics.contains("cardinal_head_series_limit_skipped_samples_total 0\n"), metrics);
  }

  @Test
  void reloadWithInvalidFileKeepsRunningConfig() throws Exception {
    TestTarget t = target("a 1\n");
    start("scrape_configs:\n" + job("app", t.address(), ""), 0);
    await("up", () -> lastValue("up") == 1);
    String before = get("/api/v1/status/config").body();
    Files.writeString(configFile, "scrape_configs:\n  - job_name: app\n    scrape_intervall: 5s\n");
    Resp r = post("/-/reload", "");
    assertEquals(500, r.status());
    assertTrue(
        r.body().contains("line 3: field scrape_intervall not found in scrape_config"), r.body());
    assertEquals(before, get("/api/v1/status/config").body());
    assertTrue(get("/metrics").body().contains("prometheus_config_last_reload_successful 0\n"));
    assertTrue(get("/api/v1/status/runtimeinfo").body().contains("\"reloadConfigSuccess\":false"));
    int n = series("a").values().iterator().next().size();
    await("still scraping", () -> series("a").values().iterator().next().size() > n + 2);

    TestTarget t2 = target("z 1\n");
    Files.writeString(
        configFile,
        "scrape_configs:\n" + job("app", t.address(), "") + job("two", t2.address(), ""));
    assertEquals(200, post("/-/reload", "").status());
    await("new job scraped", () -> lastValue("z") == 1);
    assertTrue(get("/api/v1/status/config").body().contains("job_name: \\\"two\\\""));
  }

  @Test
  void fileSdTargetsAreWatched() throws Exception {
    TestTarget t = target("from_file 1\n");
    Path sd = dir.resolve("targets.json");
    Files.writeString(
        sd, "[{\"targets\": [\"" + t.address() + "\"], \"labels\": {\"team\": \"a\"}}]");
    start(
        "scrape_configs:\n  - job_name: files\n    scrape_interval: 100ms\n    scrape_timeout: 100ms\n"
            + "    file_sd_configs:\n      - files: ['*.json']\n",
        0);
    await(
        "scraped via file_sd",
        () -> series("from_file").keySet().stream().anyMatch(l -> l.get("team").equals("a")));
    Files.writeString(
        sd, "[{\"targets\": [\"" + t.address() + "\"], \"labels\": {\"team\": \"b\"}}]");
    await(
        "relabelled by the changed file",
        () -> series("from_file").keySet().stream().anyMatch(l -> l.get("team").equals("b")));
    await(
        "old target stale",
        () ->
            series("from_file").entrySet().stream()
                .filter(e -> e.getKey().get("team").equals("a"))
                .allMatch(
                    e ->
                        Double.doubleToRawLongBits(e.getValue().get(e.getValue().size() - 1)[1])
                            == ScrapeLoop.STALE_NAN_BITS));
    assertTrue(get("/api/v1/targets").body().contains("\"__meta_filepath\""));
  }

  @Test
  void apiErrorShapes() throws Exception {
    start("scrape_configs: []\n", 0);
    Resp r = get("/api/v1/series");
    assertEquals(400, r.status());
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"no match[] parameter provided\"}",
        r.body());
    r = get("/api/v1/series?match[]=" + enc("{a=\"\"}"));
    assertEquals(400, r.status());
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"match[] must contain at least one non-empty matcher\"}",
        r.body());
    r = get("/api/v1/series?match[]=" + enc("up{"));
    assertEquals(400, r.status());
    assertTrue(
        r.body()
            .startsWith(
                "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:4: parse error"),
        r.body());
    r = get("/api/v1/series?match[]=up&start=yesterday");
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"start\\\": cannot parse \\\"yesterday\\\" to a valid timestamp\"}",
        r.body());
    r = get("/api/v1/label/bad-name/values");
    assertEquals(400, r.status());
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid label name: \\\"bad-name\\\"\"}",
        r.body());
    // The engine is wired in by default; an embedder may still swap the QueryService.
    assertEquals(200, get("/api/v1/query?query=up").status());
    server.setQueryService(io.cardinal.web.QueryService.UNAVAILABLE);
    r = get("/api/v1/query?query=up");
    assertEquals(503, r.status());
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"the PromQL engine is not available in this build of Cardinal yet\"}",
        r.body());
    assertEquals(503, post("/api/v1/query_range", "query=up&start=0&end=1&step=1").status());
    assertEquals(404, get("/api/v1/nope").status());
    assertEquals(404, get("/nope").status());
    assertEquals(405, post("/api/v1/targets", "").status());
    assertEquals(400, get("/api/v1/status/tsdb?limit=0").status());
    assertEquals(
        "{\"status\":\"success\",\"data\":[]}", get("/api/v1/query_exemplars?query=up").body());
    assertEquals(503, post("/api/v1/admin/tsdb/snapshot", "").status());
    assertEquals(200, get("/-/healthy").status());
    assertEquals(200, get("/-/ready").status());
    assertTrue(get("/api/v1/status/buildinfo").body().contains("\"version\":\"0.1.0-SNAPSHOT\""));
    assertEquals("{\"status\":\"success\",\"data\":{}}", get("/api/v1/status/flags").body());
    Resp tsdb = get("/api/v1/status/tsdb");
    assertTrue(
        tsdb.body().startsWith("{\"status\":\"success\",\"data\":{\"headStats\":{\"numSeries\":"),
        tsdb.body());
  }

  @Test
  void federateWritesLatestSampleWithExternalLabels() throws Exception {
    TestTarget t = target("fed_metric{k=\"v\\\"q\"} 1.5e+06\nother 2\n");
    start(
        "global:\n  external_labels:\n    region: eu\nscrape_configs:\n"
            + job("app", t.address(), ""),
        0);
    await("scraped", () -> series("fed_metric").size() == 1);
    Resp r = get("/federate?match[]=" + enc("{__name__=~\"fed_metric|other\"}"));
    assertEquals(200, r.status());
    String[] lines = r.body().split("\n");
    assertEquals("# TYPE fed_metric untyped", lines[0]);
    assertTrue(
        lines[1].startsWith(
            "fed_metric{instance=\""
                + t.address()
                + "\",job=\"app\",k=\"v\\\"q\",region=\"eu\"} 1.5e+06 "),
        lines[1]);
    assertEquals("# TYPE other untyped", lines[2]);
    assertTrue(
        lines[3].startsWith("other{instance=\"" + t.address() + "\",job=\"app\",region=\"eu\"} 2 "),
        lines[3]);
    assertEquals(4, lines.length);
    assertEquals(400, get("/federate?match[]=" + enc("{")).status());
  }

  @Test
  void gzipOpenMetricsBodyWithTimestampsAndUnit() throws Exception {
    TestTarget t =
        target(
            "# TYPE temp_celsius gauge\n# UNIT temp_celsius celsius\n# HELP temp_celsius Temperature.\ntemp_celsius 21.5\n"
                + "stamped 7 1000.5\n# EOF\n");
    t.contentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    t.gzip = true;
    start("scrape_configs:\n" + job("om", t.address(), ""), 0);
    // A 100ms scrape can time out on a loaded CI machine (up 0 for that scrape); a later one
    // succeeds.
    await("up", () -> lastValue("up") == 1.0);
    await("scraped", () -> lastValue("temp_celsius") == 21.5);
    List<double[]> stamped = series("stamped").values().iterator().next();
    assertEquals(1000500.0, stamped.get(0)[0]);
    assertEquals(1, stamped.size());
    assertTrue(
        get("/api/v1/metadata")
            .body()
            .contains(
                "\"temp_celsius\":[{\"type\":\"gauge\",\"help\":\"Temperature.\",\"unit\":\"celsius\"}]"),
        get("/api/v1/metadata").body());
  }

  @Test
  void samplesSurviveARestartOnTheSameStoragePath() throws Exception {
    TestTarget t = target("kept 42\n");
    start("scrape_configs:\n" + job("app", t.address(), ""), 0);
    await("scraped", () -> lastValue("kept") == 42);
    server.close();
    server = null;
    start("scrape_configs: []\n", 0);
    Map<Labels, List<double[]>> s = series("kept");
    assertEquals(1, s.size());
    List<double[]> samples = s.values().iterator().next();
    assertEquals(42.0, samples.get(0)[1]);
  }

  @Test
  void defaultConfigScrapesItself() throws Exception {
    ServerOptions o = ServerOptions.DEFAULTS.withListenAddress("127.0.0.1:0").withInMemory(true);
    server = CardinalServer.start(o);
    String yaml = server.config().scrapeConfigs().get(0).staticConfigs().get(0).targets().get(0);
    assertEquals("127.0.0.1:" + server.address().getPort(), yaml);
    assertEquals("cardinal", server.config().scrapeConfigs().get(0).jobName());
    assertEquals(15_000, server.config().scrapeConfigs().get(0).scrapeIntervalMs());
    assertEquals(403, post("/-/reload", "").status());
    assertTrue(
        get("/metrics").body().contains("prometheus_tsdb_head_series "), "self metrics are served");
  }
}
