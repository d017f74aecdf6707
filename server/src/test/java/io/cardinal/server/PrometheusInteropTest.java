package io.cardinal.server;

import static io.cardinal.server.ServerHarness.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cardinal.testing.Interop;
import io.cardinal.testing.TestTarget;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cardinal and a real Prometheus 2.42 ({@code /usr/bin/prometheus}, Debian's package) side by side
 * on 127.0.0.1: Prometheus scrapes a target and remote-writes into Cardinal's receiver; Cardinal
 * scrapes another target and remote-writes into Prometheus's receiver; Prometheus remote-reads a
 * series only Cardinal has. For each direction both servers must answer the same range query with
 * the same JSON. Skipped loudly without the binary. The Prometheus process is always killed at the
 * end.
 */
class PrometheusInteropTest {
  @TempDir Path dir;

  private Path prometheus;
  private Process process;
  private ServerHarness cardinal;
  private TestTarget promTarget;
  private TestTarget cardinalTarget;
  private int promPort;

  @BeforeEach
  void setUp() {
    prometheus = Interop.requireBinary("prometheus");
  }

  @AfterEach
  void tearDown() throws Exception {
    Interop.kill(process);
    if (cardinal != null) {
      cardinal.close();
    }
    if (promTarget != null) {
      promTarget.close();
    }
    if (cardinalTarget != null) {
      cardinalTarget.close();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private String prom(String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        ServerHarness.CLIENT.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + promPort + pathAndQuery))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  @Test
  void remoteWriteBothWaysAndRemoteReadAgreeWithPrometheus() throws Exception {
    promTarget = new TestTarget();
    promTarget.body =
        "# TYPE interop_requests_total counter\ninterop_requests_total{path=\"/a\"} 10\n"
            + "interop_requests_total{path=\"/b\"} 20.5\n# TYPE interop_temperature gauge\ninterop_temperature -3.25\n";
    cardinalTarget = new TestTarget();
    cardinalTarget.body =
        "# TYPE cardinal_side_value gauge\ncardinal_side_value{k=\"x\"} 7\n"
            + "cardinal_side_value{k=\"y\"} 1e-7\n";
    promPort = freePort();

    // Cardinal: receiver on, scrapes its own target, remote-writes that job (only) into Prometheus.
    cardinal =
        ServerHarness.start(
            dir.resolve("cardinal"),
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                + "scrape_configs:\n  - job_name: cardinal_side\n    static_configs:\n      - targets: ['"
                + cardinalTarget.address()
                + "']\nremote_write:\n  - url: http://127.0.0.1:"
                + promPort
                + "/api/v1/write\n"
                + "    name: to_prometheus\n    write_relabel_configs:\n      - source_labels: [job]\n"
                + "        regex: cardinal_side\n        action: keep\n"
                + "    queue_config:\n      batch_send_deadline: 500ms\n      min_backoff: 50ms\n      max_backoff: 1s\n",
            o ->
                o.withEnableRemoteWriteReceiver(true)
                    .withRemoteWriteFlushDeadline(Duration.ofSeconds(2)));
    // A series only Cardinal has, for Prometheus to remote-read.
    long now = System.currentTimeMillis();
    Appender app = cardinal.server.db().appender();
    for (int i = 0; i < 30; i++) {
      app.append(
          0,
          Labels.of("__name__", "cardinal_only_metric", "src", "cardinal"),
          now - 60_000 + i * 2_000L,
          i);
    }
    app.commit();

    // Prometheus: scrapes its target, remote-writes everything into Cardinal, remote-reads
    // cardinal_only_metric.
    Path promDir = dir.resolve("prometheus");
    Files.createDirectories(promDir);
    Path promConfig = promDir.resolve("prometheus.yml");
    Files.writeString(
        promConfig,
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
            + "scrape_configs:\n  - job_name: interop\n    static_configs:\n      - targets: ['"
            + promTarget.address()
            + "']\nremote_write:\n  - url: "
            + cardinal.url()
            + "/api/v1/write\n"
            // Not what it received from Cardinal back again (its WAL holds those too): that would
            // be a loop.
            + "    write_relabel_configs:\n      - source_labels: [job]\n        regex: interop\n        action: keep\n"
            + "    queue_config:\n"
            + "      batch_send_deadline: 500ms\n      min_backoff: 50ms\n      max_backoff: 1s\n"
            + "remote_read:\n  - url: "
            + cardinal.url()
            + "/api/v1/read\n    read_recent: true\n"
            + "    required_matchers:\n      src: cardinal\n");
    Path log = promDir.resolve("prometheus.log");
    process =
        Interop.start(
            log,
            List.of(
                prometheus.toString(),
                "--config.file=" + promConfig,
                "--storage.tsdb.path=" + promDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + promPort,
                "--web.enable-remote-write-receiver"));
    ServerHarness.await(
        "prometheus ready (log: " + log + ")",
        30_000,
        () -> {
          try {
            return prom("/-/ready").contains("Ready");
          } catch (Exception e) {
            return false;
          }
        });

    // 1. Prometheus -> Cardinal: the same range query over the interop job gives the same JSON on
    // both.
    String q1 = "{job=\"interop\"}";
    compareUntilEqual(q1, 60_000);
    compareUntilEqual("rate(interop_requests_total[5s])", 30_000);

    // 2. Cardinal -> Prometheus.
    compareUntilEqual("{job=\"cardinal_side\"}", 60_000);

    // 3. Prometheus remote-reads a series it never scraped or received.
    // (required_matchers: only selectors with src="cardinal" are read remotely.)
    String rq =
        "/api/v1/query_range?query="
            + enc("cardinal_only_metric{src=\"cardinal\"}")
            + "&start="
            + (now - 60_000) / 1000
            + "&end="
            + now / 1000
            + "&step=10";
    String body = prom(rq);
    String ours = cardinal.get(rq).body();
    assertTrue(body.contains("\"cardinal_only_metric\""), body);
    assertEquals(ours, body);

    // Cardinal's sender metrics saw deliveries and no failures; its receiver got Prometheus's
    // requests.
    String m = cardinal.get("/metrics").body();
    assertTrue(
        counter(m, "prometheus_remote_storage_samples_total{remote_name=\"to_prometheus\"") > 0, m);
    assertEquals(
        0,
        counter(m, "prometheus_remote_storage_samples_failed_total{remote_name=\"to_prometheus\""),
        m);
    assertTrue(counter(m, "cardinal_remote_write_requests_total{code=\"204\"") > 0, m);
    String promLog = Files.readString(log);
    assertTrue(
        promLog.lines().noneMatch(l -> l.contains("level=error") && l.contains("component=remote")),
        promLog);
    assertTrue(counter(m, "cardinal_remote_write_requests_total{code=\"400\"") <= 0, m);
  }

  private static double counter(String metrics, String prefix) {
    Matcher mm =
        Pattern.compile("(?m)^" + Pattern.quote(prefix) + "[^}]*\\} (\\S+)$").matcher(metrics);
    return mm.find() ? Double.parseDouble(mm.group(1)) : -1;
  }

  /**
   * Runs the same range query (the last 20 s, ending 3 s ago, 1 s step) against both servers until
   * their JSON answers are equal and not empty, or fails after {@code timeoutMs} showing both.
   */
  private void compareUntilEqual(String query, long timeoutMs) throws Exception {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    String ours = "";
    String theirs = "";
    while (System.nanoTime() < deadline) {
      long end = (System.currentTimeMillis() - 3_000) / 1000 * 1000;
      String qs =
          "/api/v1/query_range?query="
              + enc(query)
              + "&start="
              + (end - 20_000) / 1000
              + "&end="
              + end / 1000
              + "&step=1";
      theirs = prom(qs);
      ours = cardinal.get(qs).body();
      int points = ours.split("\\],\\[").length;
      // Equal, and over enough points to mean something (both started a moment ago).
      if (ours.equals(theirs) && ours.contains("\"values\":[[") && points >= 30) {
        System.err.println(
            "interop: "
                + query
                + " equal on both servers ("
                + ours.length()
                + " bytes, ~"
                + points
                + " points)");
        return;
      }
      Thread.sleep(500);
    }
    fail(
        "Cardinal and Prometheus still differ for "
            + query
            + "\nCardinal:   "
            + ours
            + "\nPrometheus: "
            + theirs);
  }
}
