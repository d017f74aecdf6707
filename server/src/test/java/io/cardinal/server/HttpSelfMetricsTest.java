package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus's HTTP self-metrics, which its overview dashboards read: requests by route and status
 * code, latency and response size histograms with Prometheus's buckets, and no series for paths
 * that are no route.
 */
class HttpSelfMetricsTest {
  @TempDir Path dir;
  private ServerHarness cardinal;

  @AfterEach
  void tearDown() {
    if (cardinal != null) {
      cardinal.close();
    }
  }

  static double value(String body, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  @Test
  void requestsAreCountedByRouteCodeLatencyAndSize() throws Exception {
    cardinal = ServerHarness.start(dir, "global:\n  scrape_interval: 1h\n", null);
    for (int i = 0; i < 3; i++) {
      assertEquals(200, cardinal.get("/api/v1/query?query=1").status());
    }
    assertEquals(400, cardinal.get("/api/v1/query?query=sum(").status());
    assertEquals(200, cardinal.get("/api/v1/label/job/values").status());
    assertEquals(200, cardinal.get("/api/v1/label/instance/values").status());
    assertEquals(404, cardinal.get("/no/such/page/" + System.nanoTime()).status());
    assertEquals(404, cardinal.get("/api/v1/nope").status());
    assertEquals(200, cardinal.get("/-/ready").status());
    String m = cardinal.get("/metrics").body();

    assertEquals(
        3, value(m, "prometheus_http_requests_total{code=\"200\",handler=\"/api/v1/query\"}"), m);
    assertEquals(
        1, value(m, "prometheus_http_requests_total{code=\"400\",handler=\"/api/v1/query\"}"));
    assertEquals(
        2,
        value(
            m,
            "prometheus_http_requests_total{code=\"200\",handler=\"/api/v1/label/:name/values\"}"),
        "label values counted under the route, not the path");
    assertEquals(1, value(m, "prometheus_http_requests_total{code=\"200\",handler=\"/-/ready\"}"));
    assertFalse(m.contains("/no/such/page"), "a path that is no route makes no series");
    assertFalse(m.contains("handler=\"/api/v1/nope\""));
    assertTrue(m.contains("# TYPE prometheus_http_request_duration_seconds histogram"));

    // Histograms: Prometheus's buckets, cumulative, +Inf equal to the count.
    String q = "{handler=\"/api/v1/query\"";
    assertEquals(4, value(m, "prometheus_http_request_duration_seconds_count" + q + "}"));
    assertEquals(
        4, value(m, "prometheus_http_request_duration_seconds_bucket" + q + ",le=\"+Inf\"}"));
    assertEquals(
        4, value(m, "prometheus_http_request_duration_seconds_bucket" + q + ",le=\"120\"}"));
    assertTrue(
        value(m, "prometheus_http_request_duration_seconds_bucket" + q + ",le=\"0.1\"}") >= 0);
    assertTrue(value(m, "prometheus_http_request_duration_seconds_sum" + q + "}") > 0);
    assertEquals(4, value(m, "prometheus_http_response_size_bytes_count" + q + "}"));
    assertEquals(
        4,
        value(m, "prometheus_http_response_size_bytes_bucket" + q + ",le=\"1000\"}"),
        "small JSON answers are under 1 kB");
    assertFalse(
        Double.isNaN(value(m, "prometheus_http_response_size_bytes_bucket" + q + ",le=\"100\"}")),
        "the 100-byte bucket exists");
    assertEquals(
        4,
        value(m, "prometheus_http_response_size_bytes_bucket" + q + ",le=\"1e+09\"}"),
        "the largest bucket, formatted as Prometheus formats it");
    double size = value(m, "prometheus_http_response_size_bytes_sum" + q + "}");
    assertTrue(size > 4 * 40 && size < 4 * 1000, "sum of 4 small JSON bodies: " + size);
  }
}
