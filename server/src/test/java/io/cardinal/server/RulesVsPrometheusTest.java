package io.cardinal.server;

import static io.cardinal.server.ServerHarness.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.remote.Snappy;
import io.cardinal.remote.prompb.Prompb;
import io.cardinal.testing.Interop;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same rule file run by Prometheus 2.42 and by Cardinal over the same samples (remote-written
 * to both before the rules are loaded, so every evaluation of either sees the same data): the
 * groups are evaluated at the same instants (same file path and group name give the same offset),
 * recording rules write the same series with the same values at each of those instants, and the
 * ALERTS series (pending, firing) are the same at each. Cardinal evaluates every one of these rules
 * with streaming evaluation (checked), so this also proves the streaming path against Prometheus.
 * Skipped loudly without the binary.
 */
class RulesVsPrometheusTest {
  @TempDir Path dir;
  private Process prometheus;
  private ServerHarness cardinal;

  @AfterEach
  void tearDown() throws Exception {
    Interop.kill(prometheus);
    if (cardinal != null) {
      cardinal.close();
    }
  }

  static final String RULES =
      """
      groups:
        - name: compare
          interval: 2s
          rules:
            - record: job_code:http_requests:rate1m
              expr: sum by (job, code) (rate(http_requests_total[1m]))
            - record: job:http_errors:ratio
              expr: >-
                job_code:http_requests:rate1m{code="500"}
                / ignoring(code) sum by (job) (job_code:http_requests:rate1m)
            - record: room:temperature:max30s
              expr: max by (room) (max_over_time(temperature[30s]))
              labels: {source: rules}
            - alert: HighTemperature
              expr: temperature > 30
              for: 4s
              labels: {severity: warn}
              annotations:
                summary: "{{ $labels.room }} at {{ $value }} degrees"
            - alert: ErrorRatio
              expr: job:http_errors:ratio > 0.1
              labels: {severity: page}
      """;

  /**
   * Seven minutes of samples at 1s around now (up to a minute ahead, so Cardinal's streaming state
   * serves the evaluations rather than its query fallback): counters and gauges that cross the
   * thresholds.
   */
  static byte[] data(long base) {
    Prompb.WriteRequest.Builder req = Prompb.WriteRequest.newBuilder();
    String[][] counters = {
      {"api", "a", "200", "10"},
      {"api", "a", "500", "2"},
      {"api", "b", "200", "5"},
      {"web", "c", "500", "0.1"}
    };
    long from = base - 360_000;
    long to = base + 60_000;
    for (String[] c : counters) {
      Prompb.TimeSeries.Builder ts =
          Prompb.TimeSeries.newBuilder()
              .addLabels(label("__name__", "http_requests_total"))
              .addLabels(label("code", c[2]))
              .addLabels(label("instance", c[1]))
              .addLabels(label("job", c[0]));
      double rate = Double.parseDouble(c[3]);
      for (long t = from; t <= to; t += 1000) {
        ts.addSamples(
            Prompb.Sample.newBuilder().setTimestamp(t).setValue(rate * (t - from) / 1000));
      }
      req.addTimeseries(ts);
    }
    for (String room : List.of("r1", "r2", "r3")) {
      Prompb.TimeSeries.Builder ts =
          Prompb.TimeSeries.newBuilder()
              .addLabels(label("__name__", "temperature"))
              .addLabels(label("room", room));
      for (long t = from; t <= to; t += 1000) {
        double v =
            switch (room) {
              case "r1" -> 35;
                // Above 30 for 7 seconds of every 13: pending, sometimes firing, then resolved.
              case "r2" -> Math.floorMod(t / 1000, 13) < 7 ? 31.5 : 25;
              default -> 20 + (t / 1000) % 5;
            };
        ts.addSamples(Prompb.Sample.newBuilder().setTimestamp(t).setValue(v));
      }
      req.addTimeseries(ts);
    }
    return Snappy.encode(req.build().toByteArray());
  }

  static Prompb.Label label(String n, String v) {
    return Prompb.Label.newBuilder().setName(n).setValue(v).build();
  }

  static HttpResponse<String> http(String url, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    b.method(
        body == null ? "GET" : "POST",
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    return ServerHarness.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static void write(String base, byte[] payload) throws Exception {
    HttpResponse<String> r =
        http(
            base + "/api/v1/write",
            payload,
            "Content-Type",
            "application/x-protobuf",
            "Content-Encoding",
            "snappy",
            "X-Prometheus-Remote-Write-Version",
            "0.1.0");
    assertEquals(204, r.statusCode(), base + ": " + r.body());
  }

  private static final Pattern SERIES =
      Pattern.compile("\\{\"metric\":(\\{[^}]*\\}),\"values\":\\[(.*?)\\]\\]\\}");
  private static final Pattern POINT = Pattern.compile("\\[([0-9.]+),\"([^\"]+)\"");

  /** series labels JSON -> (timestamp ms -> value) of a range selector at {@code at}. */
  static Map<String, Map<Long, String>> matrix(String base, String selector, long at)
      throws Exception {
    String body =
        http(base + "/api/v1/query?query=" + enc(selector) + "&time=" + (at / 1000.0), null).body();
    assertTrue(body.contains("\"status\":\"success\""), base + ": " + body);
    Map<String, Map<Long, String>> out = new TreeMap<>();
    Matcher m = SERIES.matcher(body);
    while (m.find()) {
      Map<Long, String> pts = new TreeMap<>();
      Matcher p = POINT.matcher(m.group(2) + "]");
      while (p.find()) {
        pts.put(Math.round(Double.parseDouble(p.group(1)) * 1000), p.group(2));
      }
      out.put(m.group(1), pts);
    }
    return out;
  }

  @Test
  void sameOutputsAtTheSameInstants() throws Exception {
    Path binary = Interop.requireBinary("prometheus");
    Path rules = dir.resolve("rules.yml");
    Files.writeString(rules, RULES);
    String noRules = "global:\n  evaluation_interval: 2s\n";
    String withRules = noRules + "rule_files: ['" + rules.toAbsolutePath() + "']\n";
    int port = Interop.freePort();
    Path promDir = dir.resolve("prom");
    Files.createDirectories(promDir);
    Files.writeString(promDir.resolve("prometheus.yml"), noRules);
    prometheus =
        Interop.start(
            dir.resolve("prometheus.log"),
            List.of(
                binary.toString(),
                "--config.file=" + promDir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + promDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-remote-write-receiver",
                "--web.enable-lifecycle"));
    String prom = "http://127.0.0.1:" + port;
    cardinal =
        ServerHarness.start(
            dir.resolve("cardinal"),
            noRules,
            o -> o.withEnableRemoteWriteReceiver(true).withRulesStreaming(true));
    ServerHarness.await(
        "Prometheus ready",
        30_000,
        () -> {
          try {
            return http(prom + "/-/ready", null).statusCode() == 200;
          } catch (Exception e) {
            return false;
          }
        });
    long base = System.currentTimeMillis() / 1000 * 1000;
    byte[] payload = data(base);
    write(prom, payload);
    write(cardinal.url(), payload);
    Files.writeString(promDir.resolve("prometheus.yml"), withRules);
    Files.writeString(dir.resolve("cardinal/prometheus.yml"), withRules);
    assertEquals(200, http(prom + "/-/reload", new byte[0]).statusCode());
    assertEquals(200, cardinal.postForm("/-/reload", "").status());
    Thread.sleep(30_000);
    long at = System.currentTimeMillis();
    List<String> problems = new ArrayList<>();
    int comparedPoints = 0;
    for (String sel :
        List.of(
            "job_code:http_requests:rate1m[40s]",
            "job:http_errors:ratio[40s]",
            "room:temperature:max30s[40s]",
            "ALERTS[40s]",
            "ALERTS_FOR_STATE[40s]")) {
      Map<String, Map<Long, String>> p = matrix(prom, sel, at);
      Map<String, Map<Long, String>> c = matrix(cardinal.url(), sel, at);
      assertTrue(!p.isEmpty(), "Prometheus wrote no " + sel);
      assertEquals(p.keySet(), c.keySet(), sel + ": series differ");
      for (String series : p.keySet()) {
        Map<Long, String> pp = p.get(series);
        Map<Long, String> cp = c.get(series);
        int common = 0;
        for (Map.Entry<Long, String> e : pp.entrySet()) {
          String ours = cp.get(e.getKey());
          if (ours == null) {
            continue;
          }
          common++;
          double a = Double.parseDouble(e.getValue());
          double b = Double.parseDouble(ours);
          if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a))) {
            problems.add(
                sel
                    + " "
                    + series
                    + " @"
                    + e.getKey()
                    + ": prometheus "
                    + e.getValue()
                    + ", cardinal "
                    + ours);
          }
        }
        comparedPoints += common;
        // Both evaluate at the same instants: all but the edges of the windows coincide.
        assertTrue(
            common >= Math.min(pp.size(), cp.size()) - 2 && common > 0,
            sel
                + " "
                + series
                + ": evaluation instants differ: prometheus "
                + pp.keySet()
                + " cardinal "
                + cp.keySet());
      }
    }
    assertEquals(List.of(), problems);
    assertTrue(comparedPoints > 50, "compared only " + comparedPoints + " points");
    // Cardinal evaluated every rule from its streaming state, never falling back to a query.
    String ruleApi = cardinal.get("/api/v1/rules").body();
    assertEquals(5, ruleApi.split("\"evaluationMode\":\"streaming\"", -1).length - 1, ruleApi);
    String metrics = cardinal.get("/metrics").body();
    assertTrue(
        ServerHarness.metric(metrics, "cardinal_rules_streaming_evaluations_total") > 50, metrics);
    assertEquals(
        0, ServerHarness.metric(metrics, "cardinal_rules_streaming_fallbacks_total"), metrics);
    String ours = cardinal.get("/api/v1/alerts").body();
    assertTrue(ours.contains("\"summary\":\"r1 at 35 degrees\""), ours);
    String theirs = http(prom + "/api/v1/alerts", null).body();
    assertTrue(theirs.contains("\"summary\":\"r1 at 35 degrees\""), theirs);
  }
}
