package io.cardinal.server;

import static io.cardinal.server.ServerHarness.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus flags with behaviour behind them: {@code
 * --enable-feature=promql-experimental-functions}, {@code --web.cors.origin} and {@code
 * --config.auto-reload}.
 */
class ServerFlagsTest {
  @TempDir Path dir;
  private ServerHarness cardinal;

  @AfterEach
  void tearDown() {
    if (cardinal != null) {
      cardinal.close();
    }
  }

  @Test
  void experimentalFunctionsAreReachableOnlyWithTheFeature() throws Exception {
    String q = "/api/v1/query?query=" + enc("sort_by_label(vector(1), \"a\")");
    cardinal = ServerHarness.start(dir.resolve("off"), "global: {}\n", null);
    ServerHarness.Resp off = cardinal.get(q);
    assertEquals(400, off.status(), off.body());
    assertTrue(off.body().contains("not enabled"), off.body());
    cardinal.close();
    cardinal =
        ServerHarness.start(
            dir.resolve("on"), "global: {}\n", o -> o.withPromqlExperimentalFunctions(true));
    ServerHarness.Resp on = cardinal.get(q);
    assertEquals(200, on.status(), on.body());
    assertTrue(on.body().contains("\"status\":\"success\""), on.body());
  }

  private HttpResponse<String> withOrigin(String method, String path, String origin)
      throws Exception {
    return ServerHarness.CLIENT.send(
        HttpRequest.newBuilder(URI.create(cardinal.url() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header("Origin", origin)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void corsHeadersOnlyForAMatchingOriginAsInPrometheus() throws Exception {
    cardinal =
        ServerHarness.start(
            dir, "global: {}\n", o -> o.withCorsOrigin("https?://(grafana|dash)\\.example"));
    HttpResponse<String> ok = withOrigin("GET", "/api/v1/query?query=1", "https://grafana.example");
    assertEquals(200, ok.statusCode());
    assertEquals(
        Optional.of("https://grafana.example"),
        ok.headers().firstValue("Access-Control-Allow-Origin"));
    assertEquals(
        Optional.of("GET, POST, OPTIONS"), ok.headers().firstValue("Access-Control-Allow-Methods"));
    HttpResponse<String> other =
        withOrigin("GET", "/api/v1/query?query=1", "https://grafana.example.evil.com");
    assertEquals(200, other.statusCode());
    assertEquals(Optional.empty(), other.headers().firstValue("Access-Control-Allow-Origin"));
    HttpResponse<String> preflight = withOrigin("OPTIONS", "/api/v1/query", "http://dash.example");
    assertEquals(200, preflight.statusCode());
    assertEquals(
        Optional.of("http://dash.example"),
        preflight.headers().firstValue("Access-Control-Allow-Origin"));
  }

  @Test
  void autoReloadPicksUpAChangedConfigurationAndRuleFile() throws Exception {
    cardinal =
        ServerHarness.start(
            dir,
            "global:\n  evaluation_interval: 1h\nrule_files: [rules.yml]\n",
            o -> o.withConfigAutoReloadInterval(Duration.ofMillis(200)));
    Path rules = dir.resolve("rules.yml");
    assertTrue(cardinal.get("/api/v1/rules").body().contains("\"groups\":[]"));
    // The rule file named by the configuration appears: a change of a rule file is a change.
    Files.writeString(
        rules, "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: vector(1)\n");
    ServerHarness.await(
        "the new rule group loaded",
        10_000,
        () -> {
          try {
            return cardinal.get("/api/v1/rules").body().contains("\"name\":\"g\"");
          } catch (Exception e) {
            return false;
          }
        });
    // The configuration itself changes: the new scrape job shows in the running configuration.
    Files.writeString(
        dir.resolve("prometheus.yml"),
        "global:\n  evaluation_interval: 1h\nrule_files: [rules.yml]\nscrape_configs:\n"
            + "  - job_name: added\n    static_configs:\n      - targets: ['127.0.0.1:1']\n");
    ServerHarness.await(
        "the new scrape job loaded",
        10_000,
        () -> {
          try {
            return cardinal.get("/api/v1/status/config").body().contains("added");
          } catch (Exception e) {
            return false;
          }
        });
    // A scrape config file named by the configuration changes: a change too.
    Files.writeString(
        dir.resolve("prometheus.yml"),
        "global:\n  evaluation_interval: 1h\nrule_files: [rules.yml]\n"
            + "scrape_config_files: ['jobs/*.yml']\n");
    Files.createDirectories(dir.resolve("jobs"));
    Files.writeString(
        dir.resolve("jobs/x.yml"),
        "scrape_configs:\n  - job_name: from_file_one\n    static_configs:\n"
            + "      - targets: ['127.0.0.1:1']\n");
    awaitConfig("from_file_one");
    Files.writeString(
        dir.resolve("jobs/x.yml"),
        "scrape_configs:\n  - job_name: from_file_two\n    static_configs:\n"
            + "      - targets: ['127.0.0.1:1']\n");
    awaitConfig("from_file_two");
  }

  @Test
  void retentionInTheConfigurationFileTakesPrecedenceAndReloads() throws Exception {
    cardinal =
        ServerHarness.start(
            dir,
            "global:\n  scrape_interval: 1h\n"
                + "storage:\n  tsdb:\n    retention: {time: 30d, size: 512MB}\n",
            o -> o.withRetention(java.time.Duration.ofDays(3)));
    assertEquals(
        30L * 24 * 3_600_000, cardinal.server.db().retentionMs(), "the file over the flag");
    assertEquals(512L << 20, cardinal.server.db().retentionBytes());
    assertTrue(
        cardinal
            .get("/api/v1/status/runtimeinfo")
            .body()
            .contains("\"storageRetention\":\"30d or 512MiB\""));
    // Reloaded: time disabled, size from the file gone, so the flag's (none) again.
    java.nio.file.Files.writeString(
        dir.resolve("prometheus.yml"),
        "global:\n  scrape_interval: 1h\nstorage:\n  tsdb:\n    retention: {time: 0s}\n");
    assertEquals(200, cardinal.postForm("/-/reload", "").status());
    assertEquals(Long.MAX_VALUE, cardinal.server.db().retentionMs());
    assertEquals(0, cardinal.server.db().retentionBytes());
    assertTrue(
        cardinal.get("/api/v1/status/runtimeinfo").body().contains("\"storageRetention\":\"\""));
    // No retention section: the flags again.
    java.nio.file.Files.writeString(
        dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1h\n");
    assertEquals(200, cardinal.postForm("/-/reload", "").status());
    assertEquals(3L * 24 * 3_600_000, cardinal.server.db().retentionMs());
    assertTrue(
        cardinal.get("/api/v1/status/runtimeinfo").body().contains("\"storageRetention\":\"3d\""));
  }

  private void awaitConfig(String job) throws InterruptedException {
    ServerHarness.await(
        "job " + job + " in the running configuration",
        10_000,
        () -> {
          try {
            return cardinal.get("/api/v1/status/config").body().contains(job);
          } catch (Exception e) {
            return false;
          }
        });
  }
}
