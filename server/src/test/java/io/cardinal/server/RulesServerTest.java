package io.cardinal.server;

import static io.cardinal.server.ServerHarness.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rule files in the server: the API, reloads that keep state, bad files refused, restarts. */
class RulesServerTest {
  @TempDir Path dir;
  ServerHarness s;

  static final String CONFIG =
      """
      global:
        evaluation_interval: 1s
      rule_files: ['rules/*.yml']
      """;

  static final String RULES =
      """
      groups:
        - name: g1
          interval: 1s
          rules:
            - record: job:up:sum
              expr: sum by (job) (up_test)
            - alert: Pending
              expr: up_test > 0
              for: 1h
              labels: {severity: ticket}
              annotations: {summary: "{{ $labels.job }}"}
      """;

  @AfterEach
  void tearDown() {
    if (s != null) {
      s.close();
    }
  }

  private void append(double v) {
    Appender app = s.server.db().appender();
    app.append(0, Labels.of("__name__", "up_test", "job", "j"), System.currentTimeMillis(), v);
    app.commit();
  }

  private String activeAt() throws Exception {
    Matcher m =
        Pattern.compile("\"activeAt\":\"([^\"]+)\"").matcher(s.get("/api/v1/alerts").body());
    return m.find() ? m.group(1) : null;
  }

  @Test
  void apiShapesReloadsAndBadFiles() throws Exception {
    Files.createDirectories(dir.resolve("rules"));
    Files.writeString(dir.resolve("rules/a.yml"), RULES);
    s = ServerHarness.start(dir, CONFIG, null);
    append(1);
    ServerHarness.await(
        "the alert pending",
        15_000,
        () -> {
          try {
            return activeAt() != null;
          } catch (Exception e) {
            return false;
          }
        });
    String rules = s.get("/api/v1/rules").body();
    assertTrue(
        rules.startsWith(
            "{\"status\":\"success\",\"data\":{\"groups\":[{\"name\":\"g1\",\"file\":\""),
        rules);
    assertTrue(rules.contains("\"type\":\"recording\""), rules);
    assertTrue(
        rules.contains(
            "{\"state\":\"pending\",\"name\":\"Pending\",\"query\":\"up_test \\u003e 0\",\"duration\":3600"),
        rules);
    assertTrue(rules.contains("\"health\":\"ok\""), rules);
    assertFalse(rules.matches(".*\"evaluationTime\":[0-9.]+E.*"), "Go's number form: " + rules);
    assertTrue(rules.contains("\"interval\":1"), rules);
    // Filters.
    String alertOnly = s.get("/api/v1/rules?type=alert").body();
    assertFalse(alertOnly.contains("job:up:sum"), alertOnly);
    assertFalse(
        s.get("/api/v1/rules?type=alert&exclude_alerts=true").body().contains("\"alerts\""));
    assertTrue(s.get("/api/v1/rules?rule_name[]=nope").body().contains("\"groups\":[]"));
    assertEquals(400, s.get("/api/v1/rules?type=bogus").status());
    assertTrue(s.get("/api/v1/rules?rule_group[]=nope").body().contains("\"groups\":[]"));
    assertTrue(s.get("/api/v1/rules?rule_group[]=g1").body().contains("\"name\":\"g1\""));
    String file = dir.resolve("rules/a.yml").toString();
    assertTrue(s.get("/api/v1/rules?file[]=" + enc(file)).body().contains("\"name\":\"g1\""));
    assertTrue(s.get("/api/v1/rules?file[]=other.yml").body().contains("\"groups\":[]"));
    assertTrue(
        s.get("/api/v1/rules?match[]=" + enc("{severity=\"ticket\"}")).body().contains("Pending"));
    assertFalse(
        s.get("/api/v1/rules?match[]=" + enc("{severity=\"page\"}")).body().contains("Pending"));
    ServerHarness.Resp unknown = s.get("/api/v1/nope");
    assertEquals(404, unknown.status());
    assertTrue(unknown.body().contains("\"errorType\":\"not_found\""), unknown.body());
    // The recording rule writes its series.
    s.awaitBody("recorded series", "/api/v1/query?query=job:up:sum", "\"job\":\"j\"");

    // A reload with the alert unchanged and a new rule added keeps the alert's state.
    String since = activeAt();
    Files.writeString(
        dir.resolve("rules/a.yml"), RULES + "      - record: extra\n        expr: vector(1)\n");
    ServerHarness.Resp ok = s.postForm("/-/reload", "");
    assertEquals(200, ok.status(), ok.body());
    assertTrue(s.get("/api/v1/rules").body().contains("\"name\":\"extra\""));
    assertEquals(since, activeAt());

    // A bad file is refused with its name, line and reason; the rules in force stay.
    Files.writeString(
        dir.resolve("rules/b.yml"),
        "groups:\n  - name: bad\n    rules:\n      - record: x\n        expr: sum(\n");
    ServerHarness.Resp r = s.postForm("/-/reload", "");
    assertEquals(500, r.status());
    assertTrue(
        r.body().contains("b.yml: 5:15: group \"bad\", rule 1, \"x\": could not parse expression"),
        r.body());
    assertTrue(s.get("/api/v1/rules").body().contains("\"name\":\"extra\""));
    assertEquals(since, activeAt());
    String metrics = s.get("/metrics").body();
    assertTrue(metrics.contains("prometheus_rule_evaluations_total{rule_group=\""), metrics);
    assertTrue(metrics.contains("prometheus_rule_group_iterations_missed_total{"));
    assertTrue(metrics.contains("prometheus_notifications_queue_capacity 10000"));
    // The oldest stored sample, which rule linting reads over HTTP for its backtest window.
    double lowest = ServerHarness.metric(metrics, "prometheus_tsdb_lowest_timestamp");
    assertTrue(lowest > 0 && lowest <= System.currentTimeMillis(), metrics);
  }

  @Test
  void rulesOnMissingMetricsShowLintWarnings() throws Exception {
    Files.createDirectories(dir.resolve("rules"));
    Files.writeString(
        dir.resolve("rules/a.yml"),
        "groups:\n  - name: lint\n    rules:\n      - record: typo:sum\n"
            + "        expr: sum(up_tset)\n      - record: fine:sum\n        expr: sum(up_test)\n");
    s = ServerHarness.start(dir, CONFIG, null);
    append(1);
    assertEquals(200, s.postForm("/-/reload", "").status());
    s.awaitBody("lint warnings in /api/v1/rules", "/api/v1/rules", "series/missing");
    // The rules were linted once at start, before up_test existed; the reload lints them again.
    ServerHarness.await(
        "the reload's lint, with up_test present",
        10_000,
        () -> {
          try {
            String b = s.get("/api/v1/rules").body();
            int f = b.indexOf("\"name\":\"fine:sum\"");
            return f >= 0 && !b.substring(f).contains("\"warnings\"");
          } catch (Exception e) {
            return false;
          }
        });
    String body = s.get("/api/v1/rules").body();
    int typo = body.indexOf("\"name\":\"typo:sum\"");
    int fine = body.indexOf("\"name\":\"fine:sum\"");
    int warning = body.indexOf("\"warnings\":[\"series/missing");
    assertTrue(typo >= 0 && warning > typo && warning < fine, body);
    assertFalse(body.substring(fine).contains("\"warnings\""), body);
  }

  @Test
  void forStateSurvivesARestart() throws Exception {
    Files.createDirectories(dir.resolve("rules"));
    Files.writeString(dir.resolve("rules/a.yml"), RULES);
    java.util.function.UnaryOperator<io.cardinal.config.ServerOptions> grace =
        o -> o.withForGracePeriod(Duration.ofSeconds(1));
    s = ServerHarness.start(dir, CONFIG, grace);
    append(1);
    s.awaitBody("ALERTS_FOR_STATE written", "/api/v1/query?query=ALERTS_FOR_STATE", "Pending");
    long before = java.time.Instant.parse(activeAt()).toEpochMilli();
    s.close();
    long down = System.currentTimeMillis();
    Thread.sleep(3_000);
    s = ServerHarness.start(dir, CONFIG, grace);
    append(1);
    ServerHarness.await(
        "the alert back",
        15_000,
        () -> {
          try {
            return activeAt() != null;
          } catch (Exception e) {
            return false;
          }
        });
    // Restoration runs after the first evaluation; wait until ALERTS are written again.
    s.awaitBody("restored", "/api/v1/query?query=ALERTS", "Pending");
    long after = java.time.Instant.parse(activeAt()).toEpochMilli();
    // Restored, not restarted: active since before the restart, shifted by the downtime.
    long downtime = System.currentTimeMillis() - down;
    assertTrue(
        after - before >= 2_000 && after - before <= downtime + 2_000,
        "before " + before + " after " + after);
  }
}
