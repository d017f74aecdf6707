package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Alertmanager;
import io.cardinal.testing.Interop;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule file's alert goes from Cardinal to a real Alertmanager 0.25 (Debian's {@code
 * prometheus-alertmanager}) with its labels, external labels and expanded annotations, shows in
 * {@code amtool alert query}, and resolves there when the condition clears. Skipped loudly without
 * the binary; the Alertmanager process is always killed at the end.
 */
class AlertmanagerInteropTest {
  @TempDir Path dir;

  private Alertmanager alertmanager;
  private ServerHarness cardinal;

  @AfterEach
  void tearDown() throws Exception {
    if (cardinal != null) {
      cardinal.close();
    }
    if (alertmanager != null) {
      alertmanager.close();
    }
  }

  static String get(String url) {
    try {
      HttpResponse<String> r =
          ServerHarness.CLIENT.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    } catch (Exception e) {
      return "000 " + e;
    }
  }

  private void append(String instance, double v) {
    Appender app = cardinal.server.db().appender();
    app.append(
        0,
        Labels.of("__name__", "test_metric", "instance", instance),
        System.currentTimeMillis(),
        v);
    app.commit();
  }

  @Test
  void alertsReachAlertmanagerAndResolve() throws Exception {
    alertmanager = Alertmanager.start(dir);
    String am = alertmanager.url();
    Files.writeString(
        dir.resolve("rules.yml"),
        """
        groups:
          - name: interop
            interval: 1s
            rules:
              - alert: TestAlert
                expr: test_metric > 0
                labels:
                  severity: page
                annotations:
                  summary: "{{ $labels.instance }} is at {{ $value | humanize }}"
        """);
    cardinal =
        ServerHarness.start(
            dir,
            """
            global:
              evaluation_interval: 1s
              external_labels:
                cluster: test
            rule_files: ['rules.yml']
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ['%s']
            """
                .formatted(am.substring("http://".length())),
            o -> o.withResendDelay(Duration.ofSeconds(1)));
    assertTrue(
        cardinal.get("/api/v1/alertmanagers").body().contains(am + "/api/v2/alerts"),
        cardinal.get("/api/v1/alertmanagers").body());
    append("i1", 1_234_567);
    ServerHarness.await(
        "the alert active in Alertmanager",
        30_000,
        () -> get(am + "/api/v2/alerts?active=true").contains("TestAlert"));
    String alerts = get(am + "/api/v2/alerts?active=true");
    for (String want :
        List.of(
            "\"alertname\":\"TestAlert\"",
            "\"severity\":\"page\"",
            "\"cluster\":\"test\"",
            "\"instance\":\"i1\"",
            "\"summary\":\"i1 is at 1.235M\"",
            "/graph?g0.expr=test_metric+%3E+0\\u0026g0.tab=1",
            "\"state\":\"active\"")) {
      assertTrue(alerts.contains(want), "want " + want + " in " + alerts);
    }
    Path amtool = Interop.requireBinary("amtool");
    Interop.Result q =
        Interop.run(
            30_000,
            amtool.toString(),
            "alert",
            "query",
            "--alertmanager.url=" + am,
            "alertname=TestAlert");
    assertEquals(0, q.exit(), q.stderr());
    assertTrue(q.stdout().contains("TestAlert"), q.stdout());
    assertTrue(q.stdout().contains("i1 is at 1.235M"), q.stdout());

    // Cardinal's own view of the alert.
    String ours = cardinal.get("/api/v1/alerts").body();
    assertTrue(ours.contains("\"state\":\"firing\""), ours);
    assertTrue(ours.contains("\"value\":\"1.2345670000e+06\""), ours);

    append("i1", 0);
    ServerHarness.await(
        "the alert resolved in Alertmanager",
        30_000,
        () -> {
          String s = get(am + "/api/v2/alerts?active=true");
          return s.startsWith("200") && !s.contains("TestAlert");
        });
    assertTrue(cardinal.get("/api/v1/alerts").body().contains("\"alerts\":[]"));
    String metrics = cardinal.get("/metrics").body();
    assertTrue(
        metrics.contains(
            "prometheus_notifications_sent_total{alertmanager=\"" + am + "/api/v2/alerts\"}"),
        "notifications metric missing");
  }
}
