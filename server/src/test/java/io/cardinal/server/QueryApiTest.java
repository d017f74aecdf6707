package io.cardinal.server;

import static io.cardinal.server.ServerHarness.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.config.ServerOptions;
import io.cardinal.server.ServerHarness.Resp;
import io.cardinal.testing.TestTarget;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /api/v1/query, /api/v1/query_range and /api/v1/format_query end to end: exact JSON bodies over
 * known data, scraped data, Prometheus's error bodies and status codes, and the engine's
 * self-metrics.
 */
class QueryApiTest {
  /** 2023-11-14T22:13:20Z */
  static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;

  private ServerHarness h;
  private TestTarget target;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
    if (target != null) {
      target.close();
    }
  }

  private void startWithData(java.util.function.UnaryOperator<ServerOptions> tweak)
      throws Exception {
    h = ServerHarness.start(dir, "scrape_configs: []\n", tweak);
    Appender app = h.server.db().appender();
    Labels a = Labels.of("__name__", "m", "a", "1", "job", "j");
    Labels b = Labels.of("__name__", "m", "a", "2", "job", "j");
    Labels c = Labels.of("__name__", "other", "a", "1", "job", "j");
    for (int i = 0; i < 10; i++) {
      long t = T0 + i * 15_000L;
      app.append(0, a, t, i * 1.5);
      app.append(0, b, t, i == 9 ? Double.POSITIVE_INFINITY : 1e-7 * i);
      app.append(0, c, t, i);
    }
    app.commit();
  }

  private static String sec(long ms) {
    StringBuilder sb = new StringBuilder();
    io.cardinal.web.query.GoFloats.sampleTime(sb, ms);
    return sb.toString();
  }

  @Test
  void instantQueryExactJson() throws Exception {
    startWithData(null);
    long t = T0 + 135_000;
    Resp r = h.get("/api/v1/query?query=" + enc("m") + "&time=" + sec(t));
    assertEquals(200, r.status(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
            + "{\"metric\":{\"__name__\":\"m\",\"a\":\"1\",\"job\":\"j\"},\"value\":[1700000135,\"13.5\"]},"
            + "{\"metric\":{\"__name__\":\"m\",\"a\":\"2\",\"job\":\"j\"},\"value\":[1700000135,\"+Inf\"]}]}}",
        r.body());

    // RFC 3339 time, a fractional time, and a POSTed form give the same shape.
    r = h.get("/api/v1/query?query=" + enc("m{a=\"2\"}") + "&time=2023-11-14T22:13:21.5Z");
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
            + "{\"metric\":{\"__name__\":\"m\",\"a\":\"2\",\"job\":\"j\"},\"value\":[1700000001.500,\"0\"]}]}}",
        r.body());
    r = h.postForm("/api/v1/query", "query=" + enc("m{a=\"2\"} * 1") + "&time=1700000015.1");
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
            + "{\"metric\":{\"a\":\"2\",\"job\":\"j\"},\"value\":[1700000015.100,\"1e-07\"]}]}}",
        r.body());

    // Scalars and strings use Go's plain float format.
    r = h.get("/api/v1/query?query=" + enc("1e-7") + "&time=1.5");
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1.5,\"0.0000001\"]}}",
        r.body());
    r = h.get("/api/v1/query?query=" + enc("\"a<b\"") + "&time=1.17");
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1.17,\"a\\u003cb\"]}}",
        r.body());
    r = h.get("/api/v1/query?query=" + enc("0/0") + "&time=2");
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[2,\"NaN\"]}}",
        r.body());

    // A range vector in an instant query is a matrix of the raw samples.
    r = h.get("/api/v1/query?query=" + enc("other[31s]") + "&time=" + sec(T0 + 30_000));
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
            + "{\"metric\":{\"__name__\":\"other\",\"a\":\"1\",\"job\":\"j\"},\"values\":"
            + "[[1700000000,\"0\"],[1700000015,\"1\"],[1700000030,\"2\"]]}]}}",
        r.body());

    // Nothing at that time: an empty vector, not null.
    r = h.get("/api/v1/query?query=m&time=1");
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", r.body());
  }

  @Test
  void rangeQueryExactJson() throws Exception {
    startWithData(null);
    String q =
        "/api/v1/query_range?query="
            + enc("sum by (job) (m{a=\"1\"})")
            + "&start="
            + sec(T0)
            + "&end="
            + sec(T0 + 60_000)
            + "&step=30s";
    Resp r = h.get(q);
    assertEquals(200, r.status(), r.body());
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
            + "{\"metric\":{\"job\":\"j\"},\"values\":[[1700000000,\"0\"],[1700000030,\"3\"],[1700000060,\"6\"]]}]}}",
        r.body());
    // Step as float seconds, POST form, RFC 3339 bounds.
    r =
        h.postForm(
            "/api/v1/query_range",
            "query="
                + enc("other")
                + "&start=2023-11-14T22:13:20Z"
                + "&end=2023-11-14T22:13:50Z&step=15");
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
            + "{\"metric\":{\"__name__\":\"other\",\"a\":\"1\",\"job\":\"j\"},\"values\":"
            + "[[1700000000,\"0\"],[1700000015,\"1\"],[1700000030,\"2\"]]}]}}",
        r.body());
    // A scalar expression in a range query is a matrix with one series without labels.
    r = h.get("/api/v1/query_range?query=" + enc("time()") + "&start=0.1&end=0.3&step=0.1");
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
            + "{\"metric\":{},\"values\":[[0.100,\"0.1\"],[0.200,\"0.2\"],[0.300,\"0.3\"]]}]}}",
        r.body());
    // limit truncates with a warning.
    r =
        h.get(
            "/api/v1/query_range?query=m&start="
                + sec(T0)
                + "&end="
                + sec(T0 + 15_000)
                + "&step=15&limit=1");
    assertTrue(
        r.body().endsWith("]}]},\"warnings\":[\"results truncated due to limit\"]}"), r.body());
    assertEquals(1, count(r.body(), "\"metric\""));
  }

  @Test
  void warningsAndInfosAreReported() throws Exception {
    startWithData(null);
    // rate() over a series not named like a counter: Prometheus 3's info annotation.
    Resp r = h.get("/api/v1/query?query=" + enc("rate(other[1m])") + "&time=" + sec(T0 + 120_000));
    assertEquals(200, r.status(), r.body());
    assertTrue(
        r.body()
            .contains(
                ",\"infos\":[\"PromQL info: metric might not be a counter, name does not end in "
                    + "_total/_sum/_count/_bucket: \\\"other\\\""),
        r.body());
    assertTrue(!r.body().contains("\"warnings\""), r.body());
    r =
        h.get(
            "/api/v1/query?query="
                + enc("histogram_quantile(2, m)")
                + "&time="
                + sec(T0 + 120_000));
    assertTrue(r.body().contains(",\"warnings\":[\"PromQL warning: "), r.body());
  }

  @Test
  void errorBodies() throws Exception {
    startWithData(o -> o.withQueryMaxSamples(25));
    assertError(
        h.get("/api/v1/query?query=" + enc("sum(")),
        400,
        "bad_data",
        "invalid parameter \\\"query\\\": 1:5: parse error: unclosed left parenthesis");
    assertError(
        h.get("/api/v1/query"),
        400,
        "bad_data",
        "invalid parameter \\\"query\\\": 1:1: parse error: no expression found in input");
    assertError(
        h.get("/api/v1/query?query=up&time=x"),
        400,
        "bad_data",
        "invalid parameter \\\"time\\\": Invalid time value for 'time': cannot parse \\\"x\\\" to a valid timestamp");
    assertError(
        h.get("/api/v1/query?query=up&timeout=x"),
        400,
        "bad_data",
        "invalid parameter \\\"timeout\\\": cannot parse \\\"x\\\" to a valid duration");
    assertError(
        h.get("/api/v1/query?query=up&timeout=1ns"),
        400,
        "bad_data",
        "invalid parameter \\\"timeout\\\": cannot parse \\\"1ns\\\" to a valid duration");
    assertError(
        h.get("/api/v1/query_range?query=up"),
        400,
        "bad_data",
        "invalid parameter \\\"start\\\": cannot parse \\\"\\\" to a valid timestamp");
    assertError(
        h.get("/api/v1/query_range?query=up&start=0"),
        400,
        "bad_data",
        "invalid parameter \\\"end\\\": cannot parse \\\"\\\" to a valid timestamp");
    assertError(
        h.get("/api/v1/query_range?query=up&start=1&end=0&step=1"),
        400,
        "bad_data",
        "invalid parameter \\\"end\\\": end timestamp must not be before start time");
    assertError(
        h.get("/api/v1/query_range?query=up&start=0&end=1&step=0"),
        400,
        "bad_data",
        "invalid parameter \\\"step\\\": zero or negative query resolution step widths are not accepted. "
            + "Try a positive integer");
    assertError(
        h.get("/api/v1/query_range?query=up&start=0&end=1&step=x"),
        400,
        "bad_data",
        "invalid parameter \\\"step\\\": cannot parse \\\"x\\\" to a valid duration");
    // 11,001 points ((end-start)/step == 11,000) is still allowed, as in Prometheus; one more is
    // not.
    assertEquals(200, h.get("/api/v1/query_range?query=up&start=0&end=11000&step=1").status());
    assertError(
        h.get("/api/v1/query_range?query=up&start=0&end=11001&step=1"),
        400,
        "bad_data",
        "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
    assertError(
        h.get("/api/v1/query_range?query=" + enc("up[1m]") + "&start=0&end=1&step=1"),
        400,
        "bad_data",
        "invalid expression type \\\"range vector\\\" for range query, must be Scalar or instant Vector");
    assertError(
        h.get("/api/v1/query?query=1&limit=x"),
        400,
        "bad_data",
        "invalid parameter \\\"limit\\\": strconv.Atoi: parsing \\\"x\\\": invalid syntax");
    // Evaluation errors: 422 execution.
    assertError(
        h.get(
            "/api/v1/query?query="
                + enc("{__name__=~\"m|other\", a=\"1\"} * 1")
                + "&time="
                + sec(T0)),
        422,
        "execution",
        "vector cannot contain metrics with the same labelset");
    // --query.max-samples: 422 execution, Prometheus's message.
    assertError(
        h.get(
            "/api/v1/query_range?query=m&start="
                + sec(T0)
                + "&end="
                + sec(T0 + 135_000)
                + "&step=1"),
        422,
        "execution",
        "query processing would load too many samples into memory in query execution");
    // A timeout that has already passed: 503 timeout.
    assertError(
        h.get("/api/v1/query?query=m&timeout=0"), 503, "timeout", "query timed out in query queue");
  }

  @Test
  void queryTimeoutFromFlagAndParameter() throws Exception {
    h =
        ServerHarness.start(
            dir, "scrape_configs: []\n", o -> o.withQueryTimeout(java.time.Duration.ofMillis(1)));
    Appender app = h.server.db().appender();
    for (int s = 0; s < 2000; s++) {
      Labels l = Labels.of("__name__", "big", "s", Integer.toString(s));
      for (int i = 0; i < 50; i++) {
        app.append(0, l, T0 + i * 10_000L, i);
      }
    }
    app.commit();
    // With a 1 ms engine timeout a 500-step range query over 2000 series cannot finish.
    Resp r =
        h.get(
            "/api/v1/query_range?query="
                + enc("sum(rate(big[1m]))")
                + "&start="
                + sec(T0)
                + "&end="
                + sec(T0 + 500_000)
                + "&step=1");
    assertEquals(503, r.status(), r.body());
    assertTrue(
        r.body()
            .startsWith(
                "{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"query timed out in "),
        r.body());
  }

  @Test
  void formatQuery() throws Exception {
    h = ServerHarness.start(dir, "scrape_configs: []\n", null);
    Resp r = h.get("/api/v1/format_query?query=" + enc("sum(rate(x[5m]))by(job)"));
    assertEquals("{\"status\":\"success\",\"data\":\"sum by (job) (rate(x[5m]))\"}", r.body());
    r =
        h.postForm(
            "/api/v1/format_query",
            "query="
                + enc(
                    "histogram_quantile(0.99, sum without (instance, pod) "
                        + "(rate(http_request_duration_seconds_bucket{job=\"apiserver\",verb!=\"WATCH\"}[5m])))"));
    assertEquals(
        "{\"status\":\"success\",\"data\":\"histogram_quantile(\\n  0.99,\\n  sum without (instance, pod) (\\n"
            + "    rate(http_request_duration_seconds_bucket{job=\\\"apiserver\\\", verb!=\\\"WATCH\\\"}[5m])\\n  )\\n)\"}",
        r.body());
    assertError(
        h.get("/api/v1/format_query?query=" + enc("sum(")),
        400,
        "bad_data",
        "invalid parameter \\\"query\\\": 1:5: parse error: unclosed left parenthesis");
  }

  @Test
  void parseQueryAnswersPrometheusAstShape() throws Exception {
    h = ServerHarness.start(dir, "scrape_configs: []\n", null);
    // Prometheus's documented example, field for field, plus each node's own text ("promql").
    Resp r = h.get("/api/v1/parse_query?query=" + enc("foo/bar"));
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"type\":\"binaryExpr\",\"op\":\"/\","
            + "\"lhs\":{\"type\":\"vectorSelector\",\"name\":\"foo\",\"offset\":0,"
            + "\"matchers\":[{\"name\":\"__name__\",\"type\":\"=\",\"value\":\"foo\"}],"
            + "\"timestamp\":null,\"startOrEnd\":null,\"promql\":\"foo\"},"
            + "\"rhs\":{\"type\":\"vectorSelector\",\"name\":\"bar\",\"offset\":0,"
            + "\"matchers\":[{\"name\":\"__name__\",\"type\":\"=\",\"value\":\"bar\"}],"
            + "\"timestamp\":null,\"startOrEnd\":null,\"promql\":\"bar\"},"
            + "\"matching\":{\"card\":\"one-to-one\",\"labels\":[],\"on\":false,\"include\":[]},"
            + "\"bool\":false,\"promql\":\"foo / bar\"}}",
        r.body());
    r =
        h.postForm(
            "/api/v1/parse_query",
            "query="
                + enc(
                    "max_over_time(sum by (job) (rate(x{a=~\"b\"}[5m] offset 1m))[1h:30s] @ end())"
                        + " > bool on (job) group_left (env) -y"));
    String b = r.body();
    assertTrue(b.contains("\"type\":\"subquery\""), b);
    assertTrue(b.contains("\"range\":3600000,\"offset\":0,\"step\":30000"), b);
    assertTrue(b.contains("\"startOrEnd\":\"end\""), b);
    assertTrue(
        b.contains("\"type\":\"matrixSelector\",\"name\":\"x\",\"range\":300000,\"offset\":60000"),
        b);
    assertTrue(b.contains("{\"name\":\"a\",\"type\":\"=~\",\"value\":\"b\"}"), b);
    assertTrue(b.contains("\"type\":\"aggregation\",\"op\":\"sum\""), b);
    assertTrue(b.contains("\"grouping\":[\"job\"],\"without\":false"), b);
    assertTrue(
        b.contains(
            "\"matching\":{\"card\":\"many-to-one\",\"labels\":[\"job\"],\"on\":true,\"include\":[\"env\"]},\"bool\":true"),
        b);
    assertTrue(b.contains("\"type\":\"unaryExpr\",\"op\":\"-\""), b);
    assertTrue(b.contains("\"func\":{\"name\":\"rate\",\"argTypes\":[\"matrix\"]"), b);
    assertError(
        h.get("/api/v1/parse_query?query=" + enc("sum(rate(x[5m])")),
        400,
        "bad_data",
        "invalid parameter \\\"query\\\": 1:16: parse error: unclosed left parenthesis");
  }

  @Test
  void scrapedDataAndEngineMetrics() throws Exception {
    target = new TestTarget();
    target.body =
        "# TYPE requests_total counter\nrequests_total{path=\"/a\"} 7\nrequests_total{path=\"/b\"} 9\n";
    h =
        ServerHarness.start(
            dir,
            "scrape_configs:\n  - job_name: web\n    scrape_interval: 100ms\n"
                + "    scrape_timeout: 100ms\n    static_configs:\n      - targets: ['"
                + target.address()
                + "']\n",
            null);
    ServerHarness.await(
        "two scrapes",
        10_000,
        () -> {
          try {
            Resp r = h.get("/api/v1/query?query=" + enc("count_over_time(up[10s])"));
            Matcher m = Pattern.compile("\"value\":\\[[0-9.]+,\"(\\d+)\"\\]").matcher(r.body());
            return m.find() && Integer.parseInt(m.group(1)) >= 2;
          } catch (Exception e) {
            return false;
          }
        });
    Resp r = h.get("/api/v1/query?query=" + enc("sum by (job) (requests_total)"));
    assertTrue(
        r.body()
            .matches(
                "\\{\"status\":\"success\",\"data\":\\{\"resultType\":\"vector\",\"result\":\\["
                    + "\\{\"metric\":\\{\"job\":\"web\"},\"value\":\\[\\d+(\\.\\d{3})?,\"16\"]}]}}"),
        r.body());
    r = h.get("/api/v1/query?query=" + enc("requests_total{path=\"/b\"}"));
    assertTrue(
        r.body()
            .contains(
                "{\"metric\":{\"__name__\":\"requests_total\",\"instance\":\""
                    + target.address()
                    + "\",\"job\":\"web\",\"path\":\"/b\"},\"value\":["),
        r.body());
    long now = System.currentTimeMillis();
    r =
        h.get(
            "/api/v1/query_range?query="
                + enc("up")
                + "&start="
                + sec(now - 2_000)
                + "&end="
                + sec(now)
                + "&step=0.5");
    assertTrue(
        r.body()
            .startsWith(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":"
                    + "{\"__name__\":\"up\",\"instance\":\""
                    + target.address()
                    + "\",\"job\":\"web\"},\"values\":[["),
        r.body());
    assertTrue(r.body().contains(",\"1\"]]}]}}"), r.body());

    String metrics = h.get("/metrics").body();
    assertTrue(
        metrics.contains("# TYPE prometheus_engine_query_duration_seconds summary\n"), metrics);
    assertTrue(
        metrics.contains(
            "prometheus_engine_query_duration_seconds{slice=\"inner_eval\",quantile=\"0.5\"} "),
        metrics);
    assertTrue(
        metrics.contains("prometheus_engine_query_duration_seconds_count{slice=\"queue_time\"} "),
        metrics);
    assertTrue(metrics.contains("\nprometheus_engine_queries 0\n"), metrics);
    assertTrue(metrics.contains("\nprometheus_engine_queries_concurrent_max 20\n"), metrics);
    Matcher m =
        Pattern.compile(
                "prometheus_engine_query_duration_seconds_count\\{slice=\"inner_eval\"} (\\d+)")
            .matcher(metrics);
    assertTrue(m.find());
    assertTrue(Integer.parseInt(m.group(1)) >= 3, metrics);
  }

  private static int count(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void hostileQueriesGetAnswersNotEmptyReplies() throws Exception {
    startWithData(null);
    // Nested deeper than a handler thread's stack: answered, as Prometheus does.
    Resp parens =
        h.postForm(
            "/api/v1/query",
            "query=" + enc("(".repeat(10_000) + "1" + ")".repeat(10_000)) + "&time=1");
    assertEquals(200, parens.status(), parens.body());
    assertTrue(
        parens.body().contains("\"resultType\":\"scalar\",\"result\":[1,\"1\"]"), parens.body());
    Resp chain = h.postForm("/api/v1/query", "query=" + enc("1" + "+1".repeat(4_999)) + "&time=1");
    assertEquals(200, chain.status(), chain.body());
    assertTrue(chain.body().contains("[1,\"5000\"]"), chain.body());
    Resp sums =
        h.postForm("/api/v1/query", "query=" + enc("sum(".repeat(5_000) + "m" + ")".repeat(5_000)));
    assertEquals(200, sums.status(), sums.body());
    // Regexes RE2 refuses are 400 bad_data with the position, as in Prometheus (were 500).
    Resp re = h.get("/api/v1/query?query=" + enc("{__name__=~\"a{100}{100}\"}"));
    assertEquals(400, re.status(), re.body());
    assertTrue(
        re.body()
            .startsWith(
                "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid"
                    + " parameter \\\"query\\\": 1:2: parse error: error parsing regexp: "),
        re.body());
    Resp look = h.get("/api/v1/query?query=" + enc("m{a=~\"(?=a)\"}"));
    assertEquals(400, look.status(), look.body());
    // The timeout bounds parsing: a million-term chain with timeout=100ms is a prompt 503.
    long t0 = System.nanoTime();
    Resp huge =
        h.postForm(
            "/api/v1/query", "query=" + enc("1" + "+1".repeat(999_999)) + "&timeout=100ms&time=1");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(503, huge.status(), huge.body());
    assertTrue(huge.body().contains("\"errorType\":\"timeout\""), huge.body());
    assertTrue(ms < 5_000, "answered after " + ms + " ms");
  }

  static void assertError(Resp r, int status, String type, String message) {
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"" + type + "\",\"error\":\"" + message + "\"}",
        r.body());
    assertEquals(status, r.status(), r.body());
  }
}
