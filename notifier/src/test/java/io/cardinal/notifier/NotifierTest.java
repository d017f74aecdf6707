package io.cardinal.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.cardinal.config.Config;
import io.cardinal.config.ConfigLoader;
import io.cardinal.testing.TestCertificate;
import io.cardinal.tsdb.labels.Labels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The notifier against stand-in Alertmanagers on 127.0.0.1. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NotifierTest {
  @TempDir Path dir;

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private FakeAlertmanager am() throws Exception {
    FakeAlertmanager am = new FakeAlertmanager();
    closeables.add(am);
    return am;
  }

  private Notifier notifier(int capacity, boolean drain) {
    Notifier n = new Notifier(capacity, drain);
    closeables.add(n);
    return n;
  }

  private static Config.Alerting alerting(String yaml) throws Exception {
    return ConfigLoader.parse(yaml).alerting();
  }

  /** One set with static targets. */
  private static Config.Alerting staticSet(String... targets) throws Exception {
    return alerting(
        "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['"
            + String.join("', '", targets)
            + "']\n");
  }

  private static Alert alert(String name, String... labels) {
    Labels.Builder b = Labels.of(labels).toBuilder();
    b.set("alertname", name);
    return new Alert(b.build(), Labels.EMPTY, 1_700_000_000_000L, 0, null);
  }

  static void await(String what, long timeoutMs, BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        fail("timed out after " + timeoutMs + " ms waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  static String metrics(Notifier n) {
    StringBuilder sb = new StringBuilder();
    n.writeMetrics(sb);
    return sb.toString();
  }

  /** The value of one series in the notifier's exposition, or NaN when it is absent. */
  static double metric(Notifier n, String series) {
    for (String line : metrics(n).split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    return Double.NaN;
  }

  private static String am(String name, String url) {
    return name + "{alertmanager=\"" + url + "\"}";
  }

  private static List<String> names(List<JsonNode> alerts) {
    List<String> out = new ArrayList<>();
    for (JsonNode a : alerts) {
      out.add(a.get("labels").get("alertname").asText());
    }
    return out;
  }

  private static List<JsonNode> elements(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  @Test
  void bodyHeadersAndValues() throws Exception {
    FakeAlertmanager am = am();
    Notifier n = notifier(100, true);
    n.apply(staticSet(am.address()), Labels.EMPTY, dir);
    String summary = "quote \" backslash \\ newline \n tab \t ctrl \u0001 é ✓ 😀 </script>";
    Alert full =
        new Alert(
            Labels.of("alertname", "HighLoad", "severity", "page"),
            Labels.of("summary", summary, "runbook", "https://wiki/x?a=1&b=2"),
            1_704_164_645_678L,
            1_704_164_705_678L,
            "http://cardinal:9090/graph?g0.expr=up%3D%3D0&g0.tab=1");
    Alert bare = new Alert(Labels.of("alertname", "Bare"), Labels.EMPTY, 0, 0, null);
    n.send(List.of(full, bare));
    await("one request", 10_000, () -> am.requests().size() == 1);

    FakeAlertmanager.Request r = am.requests().get(0);
    assertEquals("POST", r.method());
    assertEquals("/api/v2/alerts", r.path());
    assertEquals("application/json", r.contentType());
    assertTrue(r.userAgent().startsWith("Cardinal/"), r.userAgent());
    assertNull(r.auth());

    JsonNode body = am.bodies().get(0);
    assertTrue(body.isArray());
    assertEquals(2, body.size());
    JsonNode a = body.get(0);
    assertEquals("HighLoad", a.get("labels").get("alertname").asText());
    assertEquals("page", a.get("labels").get("severity").asText());
    assertEquals(2, a.get("labels").size());
    assertEquals(summary, a.get("annotations").get("summary").asText());
    assertEquals("https://wiki/x?a=1&b=2", a.get("annotations").get("runbook").asText());
    assertEquals("2024-01-02T03:04:05.678Z", a.get("startsAt").asText());
    assertEquals("2024-01-02T03:05:05.678Z", a.get("endsAt").asText());
    assertEquals(
        "http://cardinal:9090/graph?g0.expr=up%3D%3D0&g0.tab=1", a.get("generatorURL").asText());
    assertEquals(5, a.size());

    JsonNode b = body.get(1);
    assertEquals("Bare", b.get("labels").get("alertname").asText());
    assertEquals(0, b.get("annotations").size());
    assertFalse(b.has("startsAt"));
    assertFalse(b.has("endsAt"));
    assertFalse(b.has("generatorURL"));

    String url = am.url("/api/v2/alerts");
    await(
        "sent_total", 5_000, () -> metric(n, am("prometheus_notifications_sent_total", url)) == 2);
    assertEquals(0, metric(n, am("prometheus_notifications_errors_total", url)));
    assertEquals(0, metric(n, "prometheus_notifications_dropped_total"));
    assertEquals(1, metric(n, am("prometheus_notifications_latency_seconds_count", url)));
  }

  @Test
  void jsonEscaping() {
    StringBuilder sb = new StringBuilder();
    AlertJson.string(sb, "a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fj\u2028k\u2029l");
    assertEquals(
        "\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u001fj\\u2028k\\u2029l\"", sb.toString());
    sb.setLength(0);
    AlertJson.string(sb, "é😀\uD800x\uDC00");
    assertEquals("\"é😀\uFFFDx\uFFFD\"", sb.toString());
    assertEquals("1970-01-01T00:00:00.001Z", AlertJson.timestamp(1));
    String json =
        new String(
            AlertJson.encode(
                List.of(new Alert(Labels.of("a", "1"), Labels.of("b", "2"), 1000, 0, ""))),
            StandardCharsets.UTF_8);
    assertEquals(
        "[{\"labels\":{\"a\":\"1\"},\"annotations\":{\"b\":\"2\"},"
            + "\"startsAt\":\"1970-01-01T00:00:01.000Z\"}]",
        json);
  }

  @Test
  void batchesOfAtMost256() throws Exception {
    FakeAlertmanager am = am();
    Notifier n = notifier(10_000, true);
    n.apply(staticSet(am.address()), Labels.EMPTY, dir);
    List<Alert> alerts = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      alerts.add(alert("A" + i));
    }
    n.send(alerts);
    await("600 alerts", 10_000, () -> am.alerts().size() == 600);
    List<Integer> sizes = new ArrayList<>();
    for (JsonNode b : am.bodies()) {
      sizes.add(b.size());
    }
    assertEquals(List.of(256, 256, 88), sizes);
    List<String> names = names(am.alerts());
    for (int i = 0; i < 600; i++) {
      assertEquals("A" + i, names.get(i));
    }
  }

  @Test
  void batchSizeFromTheFlag() throws Exception {
    FakeAlertmanager am = am();
    Notifier n = new Notifier(10_000, true, 100);
    closeables.add(n);
    n.apply(staticSet(am.address()), Labels.EMPTY, dir);
    List<Alert> alerts = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      alerts.add(alert("B" + i));
    }
    n.send(alerts);
    await("250 alerts", 10_000, () -> am.alerts().size() == 250);
    List<Integer> sizes = new ArrayList<>();
    for (JsonNode b : am.bodies()) {
      sizes.add(b.size());
    }
    assertEquals(List.of(100, 100, 50), sizes);
  }

  @Test
  void externalLabelsAddedWithoutOverriding() throws Exception {
    FakeAlertmanager am = am();
    Notifier n = notifier(100, true);
    n.apply(staticSet(am.address()), Labels.of("cluster", "eu1", "env", "prod"), dir);
    n.send(List.of(alert("X", "env", "dev")));
    await("one alert", 10_000, () -> am.alerts().size() == 1);
    JsonNode labels = am.alerts().get(0).get("labels");
    assertEquals("eu1", labels.get("cluster").asText());
    assertEquals("dev", labels.get("env").asText());
    assertEquals("X", labels.get("alertname").asText());
    assertEquals(3, labels.size());
  }

  @Test
  void alertRelabelingGlobalAndPerSet() throws Exception {
    FakeAlertmanager a = am();
    FakeAlertmanager b = am();
    FakeAlertmanager c = am();
    Notifier n = notifier(100, true);
    n.apply(
        alerting(
            """
            alerting:
              alert_relabel_configs:
                - source_labels: [severity]
                  regex: none
                  action: drop
                - source_labels: [cluster]
                  target_label: origin
              alertmanagers:
                - static_configs: [{targets: ['%s']}]
                  alert_relabel_configs:
                    - source_labels: [team]
                      regex: b
                      action: drop
                - static_configs: [{targets: ['%s']}]
                - static_configs: [{targets: ['%s']}]
                  alert_relabel_configs:
                    - source_labels: [alertname]
                      regex: '.+'
                      action: drop
            """
                .formatted(a.address(), b.address(), c.address())),
        Labels.of("cluster", "eu1"),
        dir);
    n.send(
        List.of(alert("X", "team", "a"), alert("Y", "team", "b"), alert("Z", "severity", "none")));
    await("set a", 10_000, () -> a.alerts().size() == 1);
    await("set b", 10_000, () -> b.alerts().size() == 2);
    assertEquals(List.of("X"), names(a.alerts()));
    assertEquals(List.of("X", "Y"), names(b.alerts()));
    // The global rules ran after the external labels were added.
    assertEquals("eu1", a.alerts().get(0).get("labels").get("origin").asText());
    assertEquals("eu1", b.alerts().get(1).get("labels").get("cluster").asText());
    // A set whose relabeling drops every alert gets no request, and nothing counts as dropped.
    Thread.sleep(300);
    assertEquals(0, c.requests().size());
    assertEquals(0, metric(n, "prometheus_notifications_dropped_total"));
    assertEquals(0, n.queueLength());
  }

  @Test
  void alertsLeftWithoutLabelsAreNotSent() throws Exception {
    FakeAlertmanager am = am();
    Notifier n = notifier(100, true);
    n.apply(
        alerting(
            """
            alerting:
              alert_relabel_configs:
                - regex: 'tmp_.*'
                  action: labeldrop
              alertmanagers:
                - static_configs: [{targets: ['%s']}]
            """
                .formatted(am.address())),
        Labels.EMPTY,
        dir);
    n.send(
        List.of(
            new Alert(Labels.of("tmp_a", "1", "tmp_b", "2"), Labels.EMPTY, 1, 0, null),
            alert("Kept", "tmp_c", "3")));
    await("one alert", 10_000, () -> am.alerts().size() == 1);
    JsonNode labels = am.alerts().get(0).get("labels");
    assertEquals("Kept", labels.get("alertname").asText());
    assertEquals(1, labels.size());
  }

  @Test
  void targetRelabelingDropsAndRewrites() throws Exception {
    FakeAlertmanager keep = am();
    FakeAlertmanager drop = am();
    Notifier n = notifier(100, true);
    n.apply(
        alerting(
            """
            alerting:
              alertmanagers:
                - static_configs: [{targets: ['%s', '%s']}]
                  relabel_configs:
                    - source_labels: [__address__]
                      regex: '%s'
                      action: drop
                    - target_label: __alerts_path__
                      replacement: /custom/api/v2/alerts
            """
                .formatted(keep.address(), drop.address(), drop.address().replace(".", "\\."))),
        Labels.EMPTY,
        dir);
    assertEquals(
        List.of(new AlertmanagerTarget(keep.url("/custom/api/v2/alerts"))),
        n.activeAlertmanagers());
    assertEquals(
        List.of(new AlertmanagerTarget(drop.url("/api/v2/alerts"))), n.droppedAlertmanagers());
    n.send(List.of(alert("X")));
    await("kept Alertmanager", 10_000, () -> keep.requests().size() == 1);
    assertEquals("/custom/api/v2/alerts", keep.requests().get(0).path());
    Thread.sleep(200);
    assertEquals(0, drop.requests().size());
    assertEquals(1, metric(n, "prometheus_notifications_alertmanagers_discovered"));
  }

  @Test
  void pathPrefix() throws Exception {
    FakeAlertmanager am = am();
    Notifier n = notifier(100, true);
    n.apply(
        alerting(
            """
            alerting:
              alertmanagers:
                - path_prefix: /am
                  static_configs: [{targets: ['%s']}]
            """
                .formatted(am.address())),
        Labels.EMPTY,
        dir);
    assertEquals(
        List.of(new AlertmanagerTarget(am.url("/am/api/v2/alerts"))), n.activeAlertmanagers());
    n.send(List.of(alert("X")));
    await("request", 10_000, () -> am.requests().size() == 1);
    assertEquals("/am/api/v2/alerts", am.requests().get(0).path());

    assertEquals("/api/v2/alerts", AlertmanagerSet.alertsPath("/"));
    assertEquals("/api/v2/alerts", AlertmanagerSet.alertsPath(""));
    assertEquals("/am/api/v2/alerts", AlertmanagerSet.alertsPath("am/"));
    assertEquals("/a/b/api/v2/alerts", AlertmanagerSet.alertsPath("//a//b/"));
    assertEquals("/a/c/api/v2/alerts", AlertmanagerSet.alertsPath("/a/b/../c/."));
  }

  @Test
  void urlsOfDiscoveredTargets() throws Exception {
    Notifier n = notifier(100, true);
    n.apply(
        alerting(
            """
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ['am1.example', 'am2.example:9093', 'am1.example']
                    - targets: ['am2.example:9093']
                - scheme: https
                  static_configs: [{targets: ['am3.example', '[::1]:9093']}]
                - static_configs: [{targets: ['good:1']}, {targets: ['bad:2']}]
                  relabel_configs:
                    - source_labels: [__address__]
                      regex: 'bad:2'
                      target_label: __address__
                      replacement: 'bad/2'
            """),
        Labels.EMPTY,
        dir);
    // An address without a port stays as it is (the request uses the scheme's default port);
    // identical URLs within a set are kept once; a group with an invalid address is discarded.
    assertEquals(
        List.of(
            new AlertmanagerTarget("http://am1.example/api/v2/alerts"),
            new AlertmanagerTarget("http://am2.example:9093/api/v2/alerts"),
            new AlertmanagerTarget("https://am3.example/api/v2/alerts"),
            new AlertmanagerTarget("https://[::1]:9093/api/v2/alerts"),
            new AlertmanagerTarget("http://good:1/api/v2/alerts")),
        n.activeAlertmanagers());
    assertEquals(List.of(), n.droppedAlertmanagers());
  }

  @Test
  void basicAuthAndAuthorizationHeaders() throws Exception {
    FakeAlertmanager basic = am();
    FakeAlertmanager bearer = am();
    Path pw = dir.resolve("pw");
    Files.writeString(pw, "first\n");
    Notifier n = notifier(100, true);
    n.apply(
        alerting(
            """
            alerting:
              alertmanagers:
                - basic_auth:
                    username: alice
                    password_file: %s
                  static_configs: [{targets: ['%s']}]
                - authorization:
                    credentials: s3cr3t
                  static_configs: [{targets: ['%s']}]
            """
                .formatted(pw, basic.address(), bearer.address())),
        Labels.EMPTY,
        dir);
    n.send(List.of(alert("X")));
    await("both", 10_000, () -> basic.requests().size() == 1 && bearer.requests().size() == 1);
    assertEquals(
        "Basic " + Base64.getEncoder().encodeToString("alice:first".getBytes()),
        basic.requests().get(0).auth());
    assertEquals("Bearer s3cr3t", bearer.requests().get(0).auth());
    // The password file is read at send time.
    Files.writeString(pw, "second");
    n.send(List.of(alert("Y")));
    await("second request", 10_000, () -> basic.requests().size() == 2);
    assertEquals(
        "Basic " + Base64.getEncoder().encodeToString("alice:second".getBytes()),
        basic.requests().get(1).auth());
  }

  @Test
  void fileDiscoveryPicksUpNewAlertmanagers() throws Exception {
    FakeAlertmanager first = am();
    FakeAlertmanager second = am();
    Path targets = dir.resolve("am.json");
    Files.writeString(targets, "[{\"targets\": [\"" + first.address() + "\"]}]");
    Notifier n = notifier(100, true);
    n.apply(
        alerting(
            """
            alerting:
              alertmanagers:
                - file_sd_configs:
                    - files: ['am.json']
            """),
        Labels.EMPTY,
        dir);
    assertEquals(
        List.of(new AlertmanagerTarget(first.url("/api/v2/alerts"))), n.activeAlertmanagers());
    Path tmp = dir.resolve("am.json.tmp");
    Files.writeString(
        tmp,
        "- targets: ['"
            + first.address()
            + "', '"
            + second.address()
            + "']\n"
            + "  labels: {dc: x}\n");
    Files.move(tmp, targets, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    await("second Alertmanager discovered", 15_000, () -> n.activeAlertmanagers().size() == 2);
    assertEquals(
        2.0,
        metric(n, "prometheus_notifications_alertmanagers_discovered"),
        "discovered gauge follows the file");
    assertEquals(
        0, metric(n, am("prometheus_notifications_sent_total", second.url("/api/v2/alerts"))));
    n.send(List.of(alert("X")));
    await("second Alertmanager gets alerts", 10_000, () -> second.alerts().size() == 1);
    await("first too", 10_000, () -> first.alerts().size() == 1);
  }

  @Test
  void fullQueueDropsTheOldest() throws Exception {
    FakeAlertmanager am = am();
    am.hold();
    Notifier n = notifier(10, true);
    n.apply(staticSet(am.address()), Labels.EMPTY, dir);
    n.send(List.of(alert("first")));
    // The dispatcher is now waiting for the held answer: everything else stays queued.
    await("first request", 10_000, () -> am.requests().size() == 1);
    List<Alert> more = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      more.add(alert("a" + i));
    }
    n.send(more);
    assertEquals(10, n.queueLength());
    assertEquals(5, metric(n, "prometheus_notifications_dropped_total"));
    // A single call beyond the capacity keeps its newest alerts only.
    List<Alert> burst = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      burst.add(alert("b" + i));
    }
    n.send(burst);
    assertEquals(10, n.queueLength());
    assertEquals(5 + 15 + 10, metric(n, "prometheus_notifications_dropped_total"));
    assertEquals(10, metric(n, "prometheus_notifications_queue_length"));
    assertEquals(10, metric(n, "prometheus_notifications_queue_capacity"));
    am.release();
    await("second request", 10_000, () -> am.requests().size() == 2);
    List<String> expected = new ArrayList<>();
    for (int i = 15; i < 25; i++) {
      expected.add("b" + i);
    }
    assertEquals(expected, names(elements(am.bodies().get(1))));
    await("queue empty", 5_000, () -> n.queueLength() == 0);
  }

  @Test
  void failingAlertmanagerCountedWhileAnotherGetsTheBatch() throws Exception {
    FakeAlertmanager bad = am();
    bad.status = 500;
    FakeAlertmanager good = am();
    Notifier n = notifier(100, true);
    n.apply(staticSet(bad.address(), good.address()), Labels.EMPTY, dir);
    String badUrl = bad.url("/api/v2/alerts");
    String goodUrl = good.url("/api/v2/alerts");
    n.send(List.of(alert("X"), alert("Y"), alert("Z")));
    await("good", 10_000, () -> good.alerts().size() == 3);
    await(
        "errors counted",
        10_000,
        () -> metric(n, am("prometheus_notifications_errors_total", badUrl)) == 3);
    assertEquals(3, bad.alerts().size());
    assertEquals(0, metric(n, am("prometheus_notifications_errors_total", goodUrl)));
    await(
        "sent counted",
        10_000,
        () -> metric(n, am("prometheus_notifications_sent_total", goodUrl)) == 3);
    // As in Prometheus, sent_total counts the attempts, errors included.
    assertEquals(3, metric(n, am("prometheus_notifications_sent_total", badUrl)));
    assertEquals(0, metric(n, "prometheus_notifications_dropped_total"));

    // With only the failing one, the batch is dropped (and not retried).
    n.apply(staticSet(bad.address()), Labels.EMPTY, dir);
    n.send(List.of(alert("W"), alert("V")));
    await("dropped", 10_000, () -> metric(n, "prometheus_notifications_dropped_total") == 2);
    assertEquals(5, metric(n, am("prometheus_notifications_errors_total", badUrl)));
    Thread.sleep(300);
    assertEquals(2, bad.requests().size());
  }

  @Test
  void hungAlertmanagerBoundedByTimeout() throws Exception {
    FakeAlertmanager hung = am();
    hung.hang = true;
    FakeAlertmanager good = am();
    Notifier n = notifier(100, true);
    n.apply(
        alerting(
            """
            alerting:
              alertmanagers:
                - timeout: 400ms
                  static_configs: [{targets: ['%s', '%s']}]
            """
                .formatted(hung.address(), good.address())),
        Labels.EMPTY,
        dir);
    String hungUrl = hung.url("/api/v2/alerts");
    long start = System.nanoTime();
    n.send(List.of(alert("X")));
    await(
        "timeout counted",
        5_000,
        () -> metric(n, am("prometheus_notifications_errors_total", hungUrl)) == 1);
    long firstMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(firstMs >= 350, "the timeout was waited for: " + firstMs + " ms");
    n.send(List.of(alert("Y")));
    await("second batch", 5_000, () -> good.alerts().size() == 2);
    await(
        "second timeout",
        5_000,
        () -> metric(n, am("prometheus_notifications_errors_total", hungUrl)) == 2);
    assertEquals(0, metric(n, "prometheus_notifications_dropped_total"));
    long closeStart = System.nanoTime();
    n.close();
    assertTrue(System.nanoTime() - closeStart < TimeUnit.SECONDS.toNanos(3));
  }

  @Test
  void closeDrainsTheQueue() throws Exception {
    FakeAlertmanager am = am();
    am.hold();
    Notifier n = notifier(1000, true);
    n.apply(staticSet(am.address()), Labels.EMPTY, dir);
    n.send(List.of(alert("first")));
    await("first request", 10_000, () -> am.requests().size() == 1);
    List<Alert> more = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      more.add(alert("a" + i));
    }
    n.send(more);
    Thread closer = new Thread(n::close);
    closer.start();
    Thread.sleep(200);
    assertTrue(closer.isAlive(), "close waits for the drain");
    am.release();
    closer.join(20_000);
    assertFalse(closer.isAlive());
    assertEquals(301, am.alerts().size());
    List<Integer> sizes = new ArrayList<>();
    for (JsonNode b : am.bodies()) {
      sizes.add(b.size());
    }
    assertEquals(List.of(1, 256, 44), sizes);
    assertEquals(0, metric(n, "prometheus_notifications_dropped_total"));
    // After close nothing is queued any more.
    n.send(List.of(alert("late")));
    assertEquals(0, n.queueLength());
  }

  @Test
  void closeWithoutDrainDropsTheQueue() throws Exception {
    FakeAlertmanager am = am();
    am.hold();
    Notifier n = notifier(1000, false);
    n.apply(staticSet(am.address()), Labels.EMPTY, dir);
    n.send(List.of(alert("first")));
    await("first request", 10_000, () -> am.requests().size() == 1);
    List<Alert> more = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      more.add(alert("a" + i));
    }
    n.send(more);
    Thread closer = new Thread(n::close);
    closer.start();
    Thread.sleep(200);
    am.release();
    closer.join(20_000);
    assertFalse(closer.isAlive());
    assertEquals(1, am.alerts().size());
    assertEquals(300, metric(n, "prometheus_notifications_dropped_total"));
  }

  @Test
  void drainStopsWhenNoAlertmanagerAnswers() throws Exception {
    FakeAlertmanager hung = am();
    hung.hang = true;
    Notifier n = notifier(10_000, true);
    n.apply(
        alerting(
            """
            alerting:
              alertmanagers:
                - timeout: 300ms
                  static_configs: [{targets: ['%s']}]
            """
                .formatted(hung.address())),
        Labels.EMPTY,
        dir);
    List<Alert> many = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      many.add(alert("a" + i));
    }
    n.send(many);
    long start = System.nanoTime();
    n.close();
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms < 3_000, "close took " + ms + " ms");
    assertEquals(2000, metric(n, "prometheus_notifications_dropped_total"));
  }

  @Test
  void metricsExposition() throws Exception {
    FakeAlertmanager am = am();
    Notifier n = notifier(1234, true);
    n.apply(staticSet(am.address()), Labels.EMPTY, dir);
    n.send(List.of(alert("X")));
    String url = am.url("/api/v2/alerts");
    await(
        "sent",
        10_000,
        () -> metric(n, am("prometheus_notifications_latency_seconds_count", url)) == 1);
    String text = metrics(n);
    String[][] families = {
      {"prometheus_notifications_alertmanagers_discovered", "gauge"},
      {"prometheus_notifications_dropped_total", "counter"},
      {"prometheus_notifications_errors_total", "counter"},
      {"prometheus_notifications_latency_seconds", "summary"},
      {"prometheus_notifications_queue_capacity", "gauge"},
      {"prometheus_notifications_queue_length", "gauge"},
      {"prometheus_notifications_sent_total", "counter"},
    };
    for (String[] f : families) {
      assertTrue(text.contains("# HELP " + f[0] + " "), f[0] + "\n" + text);
      assertTrue(text.contains("# TYPE " + f[0] + " " + f[1] + "\n"), f[0] + "\n" + text);
    }
    assertTrue(
        text.contains(
            "# HELP prometheus_notifications_latency_seconds Latency quantiles for sending alert"
                + " notifications.\n"),
        text);
    assertEquals(1234, metric(n, "prometheus_notifications_queue_capacity"));
    assertEquals(1, metric(n, "prometheus_notifications_alertmanagers_discovered"));
    for (String q : List.of("0.5", "0.9", "0.99")) {
      double v =
          metric(
              n,
              "prometheus_notifications_latency_seconds{alertmanager=\""
                  + url
                  + "\",quantile=\""
                  + q
                  + "\"}");
      assertTrue(v > 0 && v < 10, q + " = " + v);
    }
    assertTrue(metric(n, am("prometheus_notifications_latency_seconds_sum", url)) > 0);
  }

  @Test
  void reloadReplacesAlertmanagersAndTheirSeries() throws Exception {
    FakeAlertmanager a = am();
    FakeAlertmanager b = am();
    Notifier n = notifier(100, true);
    n.apply(staticSet(a.address()), Labels.EMPTY, dir);
    n.send(List.of(alert("X")));
    await("a", 10_000, () -> a.alerts().size() == 1);
    String aUrl = a.url("/api/v2/alerts");
    await(
        "a counted", 5_000, () -> metric(n, am("prometheus_notifications_sent_total", aUrl)) == 1);
    n.apply(staticSet(b.address()), Labels.EMPTY, dir);
    assertEquals(List.of(new AlertmanagerTarget(b.url("/api/v2/alerts"))), n.activeAlertmanagers());
    String text = metrics(n);
    assertFalse(text.contains(aUrl), text);
    assertEquals(0, metric(n, am("prometheus_notifications_sent_total", b.url("/api/v2/alerts"))));
    n.send(List.of(alert("Y")));
    await("b", 10_000, () -> b.alerts().size() == 1);
    assertEquals(1, a.alerts().size());
  }

  @Test
  void httpsWithCaFile() throws Exception {
    TestCertificate cert = TestCertificate.create(dir, "server", "localhost");
    Path ca = cert.certificatePem();
    SSLContext tls = cert.serverContext();
    FakeAlertmanager am = new FakeAlertmanager(tls);
    closeables.add(am);

    Notifier n = notifier(100, true);
    n.apply(
        alerting(
            """
            alerting:
              alertmanagers:
                - scheme: https
                  tls_config:
                    ca_file: %s
                  static_configs: [{targets: ['%s']}]
            """
                .formatted(ca, am.address())),
        Labels.EMPTY,
        dir);
    String url = am.url("/api/v2/alerts");
    assertTrue(url.startsWith("https://"), url);
    assertEquals(List.of(new AlertmanagerTarget(url)), n.activeAlertmanagers());
    n.send(List.of(alert("Secure")));
    await("request over TLS", 10_000, () -> am.alerts().size() == 1);
    assertEquals(List.of("Secure"), names(am.alerts()));
    await(
        "sent counted",
        5_000,
        () -> metric(n, am("prometheus_notifications_sent_total", url)) == 1);
    assertEquals(0, metric(n, am("prometheus_notifications_errors_total", url)));
  }

  @Test
  void unusableTlsSettingsRefusedAndPreviousConfigKept() throws Exception {
    FakeAlertmanager am = am();
    Notifier n = notifier(100, true);
    n.apply(staticSet(am.address()), Labels.EMPTY, dir);
    Config.Alerting bad =
        alerting(
            """
            alerting:
              alertmanagers:
                - scheme: https
                  tls_config:
                    ca_file: %s
                  static_configs: [{targets: ['127.0.0.1:1']}]
            """
                .formatted(dir.resolve("missing-ca.pem")));
    assertThrows(IllegalArgumentException.class, () -> n.apply(bad, Labels.EMPTY, dir));
    assertEquals(
        List.of(new AlertmanagerTarget(am.url("/api/v2/alerts"))), n.activeAlertmanagers());
    n.send(List.of(alert("X")));
    await("still sent to the old Alertmanager", 10_000, () -> am.alerts().size() == 1);
  }

  @Test
  void withoutAlertmanagersNothingIsSentOrDropped() throws Exception {
    Notifier n = notifier(100, true);
    n.send(List.of(alert("X")));
    await("queue taken", 5_000, () -> n.queueLength() == 0);
    assertEquals(0, metric(n, "prometheus_notifications_dropped_total"));
    assertEquals(0, metric(n, "prometheus_notifications_alertmanagers_discovered"));
  }
}
