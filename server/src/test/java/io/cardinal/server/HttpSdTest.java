package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.cardinal.testing.TestTarget;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * http_sd_configs end to end: targets from an HTTP endpoint, relabeled on {@code __meta_url} and
 * the group's labels, scraped; a failed refresh (500, a wrong content type, bad JSON) keeps the
 * targets and is counted; the next good answer replaces them. The request carries Prometheus's
 * refresh header.
 */
class HttpSdTest {
  @TempDir Path dir;
  private ServerHarness cardinal;
  private TestTarget target;
  private HttpServer sd;

  @AfterEach
  void tearDown() {
    if (cardinal != null) {
      cardinal.close();
    }
    if (target != null) {
      target.close();
    }
    if (sd != null) {
      sd.stop(0);
    }
  }

  record Answer(int status, String contentType, String body) {}

  @Test
  void discoversRelabelsScrapesAndKeepsTargetsThroughFailures() throws Exception {
    target = new TestTarget();
    target.body = "# TYPE m gauge\nm 1\n";
    AtomicReference<Answer> answer =
        new AtomicReference<>(
            new Answer(
                200,
                "application/json",
                "[{\"targets\":[\""
                    + target.address()
                    + "\"],\"labels\":{\"__meta_datacenter\":\"london\",\"team\":\"a\"}}]"));
    AtomicReference<String> refreshHeader = new AtomicReference<>();
    sd = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    sd.createContext(
        "/sd",
        ex -> {
          try (ex) {
            refreshHeader.set(
                ex.getRequestHeaders().getFirst("X-Prometheus-Refresh-Interval-Seconds"));
            Answer a = answer.get();
            byte[] b = a.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", a.contentType());
            ex.sendResponseHeaders(a.status(), b.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(b);
            }
          }
        });
    sd.start();
    String url = "http://127.0.0.1:" + sd.getAddress().getPort() + "/sd";
    cardinal =
        ServerHarness.start(
            dir,
            "global:\n  scrape_interval: 200ms\n  scrape_timeout: 150ms\n"
                + "scrape_configs:\n"
                + "  - job_name: discovered\n"
                + "    http_sd_configs:\n"
                + "      - url: "
                + url
                + "\n        refresh_interval: 1s\n"
                + "    relabel_configs:\n"
                + "      - source_labels: [__meta_datacenter]\n        target_label: dc\n"
                + "      - source_labels: [__meta_url]\n        target_label: sd_url\n",
            null);
    cardinal.awaitBody("the discovered target", "/api/v1/targets", "\"health\":\"up\"");
    String t = cardinal.get("/api/v1/targets").body();
    assertTrue(t.contains("\"__meta_url\":\"" + url + "\""), t);
    assertTrue(t.contains("\"__meta_datacenter\":\"london\""), t);
    assertTrue(
        t.contains(
            "\"labels\":{\"dc\":\"london\",\"instance\":\""
                + target.address()
                + "\",\"job\":\"discovered\",\"sd_url\":\""
                + url
                + "\",\"team\":\"a\"}"),
        t);
    assertEquals("1", refreshHeader.get());
    cardinal.awaitBody("the target's samples", "/api/v1/query?query=m", "\"team\":\"a\"");

    // Failures: the target stays, each failure is counted.
    for (Answer bad :
        new Answer[] {
          new Answer(500, "application/json", "[]"),
          new Answer(200, "text/plain", "[]"),
          new Answer(200, "application/json", "{not json"),
        }) {
      double before = failures();
      answer.set(bad);
      ServerHarness.await("a counted failure", 10_000, () -> failures() > before);
      assertTrue(
          cardinal.get("/api/v1/targets").body().contains(target.address()),
          "targets kept through " + bad);
    }

    // A good empty answer removes the target.
    answer.set(new Answer(200, "application/json; charset=utf-8", "[]"));
    ServerHarness.await(
        "target removed",
        10_000,
        () -> {
          try {
            return !cardinal.get("/api/v1/targets").body().contains(target.address());
          } catch (Exception e) {
            return false;
          }
        });
  }

  private double failures() {
    try {
      return ServerHarness.metric(
          cardinal.get("/metrics").body(), "prometheus_sd_http_failures_total");
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void badConfigurationsAreRefusedWithTheirLine() throws Exception {
    String[][] cases = {
      {"http_sd_configs:\n      - refresh_interval: 1s\n", "URL is missing"},
      {"http_sd_configs:\n      - url: ftp://x/y\n", "URL scheme must be 'http' or 'https'"},
      {
        "http_sd_configs:\n      - url: http://x/\n        proxy_url: http://p/\n",
        "field proxy_url not found in http_sd_config"
      },
      {
        "dns_sd_configs:\n      - names: [a.example]\n        type: A\n",
        "a port is required in DNS-SD configs for all record types except SRV"
      },
      {
        "dns_sd_configs:\n      - names: [a.example]\n        type: TXT\n        port: 80\n",
        "invalid DNS-SD records type TXT"
      },
      {
        "dns_sd_configs:\n      - type: SRV\n",
        "DNS-SD config must contain at least one SRV record name"
      },
    };
    for (String[] c : cases) {
      String yaml = "scrape_configs:\n  - job_name: j\n    " + c[0];
      Exception e =
          org.junit.jupiter.api.Assertions.assertThrows(
              Exception.class, () -> io.cardinal.config.ConfigLoader.parse(yaml));
      assertTrue(e.getMessage().contains(c[1]), c[0] + " → " + e.getMessage());
      assertTrue(
          e.getMessage().matches("(?s).*line \\d+.*|^\\d+:.*"),
          "names its line: " + e.getMessage());
    }
  }
}
