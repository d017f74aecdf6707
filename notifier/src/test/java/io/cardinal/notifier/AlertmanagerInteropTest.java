package io.cardinal.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardinal.config.ConfigLoader;
import io.cardinal.testing.Alertmanager;
import io.cardinal.testing.Interop;
import io.cardinal.tsdb.labels.Labels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Alertmanager (Debian's {@code prometheus-alertmanager}, 0.25) on 127.0.0.1 receives alerts
 * through the notifier: a firing alert shows up as active in its {@code /api/v2/alerts} (and in
 * {@code amtool alert query} when amtool is installed) with our labels, annotations and times; the
 * same alert sent again with an end in the past is resolved. Skipped loudly without the binary
 * (failed under CI=true); the process is always killed at the end.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AlertmanagerInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  private static HttpResponse<String> get(String url) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      return null;
    }
  }

  /** The alert named {@code name} in Alertmanager's list, or null. */
  private static JsonNode find(String base, String name) throws Exception {
    HttpResponse<String> r = get(base + "/api/v2/alerts");
    if (r == null || r.statusCode() != 200) {
      return null;
    }
    for (JsonNode a : JSON.readTree(r.body())) {
      if (name.equals(a.get("labels").path("alertname").asText())) {
        return a;
      }
    }
    return null;
  }

  @Test
  void firingAndResolvedAlertsReachARealAlertmanager() throws Exception {
    try (Notifier notifier = new Notifier(10_000, true);
        Alertmanager am = Alertmanager.start(dir)) {
      String base = am.url();
      int port = Integer.parseInt(am.address().substring(am.address().indexOf(':') + 1));
      notifier.apply(
          ConfigLoader.parse(
                  "alerting:\n  alertmanagers:\n    - static_configs:\n"
                      + "        - targets: ['127.0.0.1:"
                      + port
                      + "']\n")
              .alerting(),
          Labels.of("cluster", "interop"),
          dir);
      long startsAt = System.currentTimeMillis() - 60_000;
      Labels labels = Labels.of("alertname", "CardinalInterop", "severity", "page");
      Labels annotations = Labels.of("summary", "It \"fires\" ✓", "description", "line 1\nline 2");
      String generator = "http://cardinal.example:9090/graph?g0.expr=up%3D%3D0";
      notifier.send(List.of(new Alert(labels, annotations, startsAt, 0, generator)));

      NotifierTest.await(
          "the alert active in Alertmanager",
          15_000,
          () -> {
            try {
              JsonNode a = find(base, "CardinalInterop");
              return a != null && "active".equals(a.get("status").get("state").asText());
            } catch (Exception e) {
              return false;
            }
          });
      JsonNode active = find(base, "CardinalInterop");
      JsonNode l = active.get("labels");
      assertEquals(3, l.size(), active.toString());
      assertEquals("page", l.get("severity").asText());
      assertEquals("interop", l.get("cluster").asText());
      assertEquals("It \"fires\" ✓", active.get("annotations").get("summary").asText());
      assertEquals("line 1\nline 2", active.get("annotations").get("description").asText());
      assertEquals(AlertJson.timestamp(startsAt), active.get("startsAt").asText());
      assertEquals(generator, active.get("generatorURL").asText());

      // amtool comes with Alertmanager's package: required like it (a failure under CI=true).
      Path amtool = Interop.requireBinary("amtool");
      Interop.Result r =
          Interop.run(
              30_000,
              amtool.toString(),
              "alert",
              "query",
              "--alertmanager.url=" + base,
              "alertname=CardinalInterop");
      assertEquals(0, r.exit(), r.stderr());
      assertTrue(r.stdout().contains("CardinalInterop"), r.stdout());
      assertTrue(r.stdout().contains("active"), r.stdout());

      // The same alert, ended a second ago: Alertmanager resolves it.
      long endsAt = System.currentTimeMillis() - 1_000;
      notifier.send(List.of(new Alert(labels, annotations, startsAt, endsAt, generator)));
      NotifierTest.await(
          "the alert resolved",
          15_000,
          () -> {
            try {
              JsonNode a = find(base, "CardinalInterop");
              return a == null || !"active".equals(a.get("status").get("state").asText());
            } catch (Exception e) {
              return false;
            }
          });
      String url = base + "/api/v2/alerts";
      NotifierTest.await(
          "both sends counted",
          5_000,
          () ->
              NotifierTest.metric(
                      notifier, "prometheus_notifications_sent_total{alertmanager=\"" + url + "\"}")
                  == 2);
      assertEquals(
          0,
          NotifierTest.metric(
              notifier, "prometheus_notifications_errors_total{alertmanager=\"" + url + "\"}"));
      assertEquals(0, NotifierTest.metric(notifier, "prometheus_notifications_dropped_total"));
    }
  }
}
