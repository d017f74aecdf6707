package io.cardinal.server;

import static io.cardinal.server.ServerHarness.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Interop;
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
 * A real {@code prometheus-node-exporter} (Debian's package; .ci/run installs it) on 127.0.0.1,
 * with a few fast collectors, scraped by Cardinal: its series are queryable through /api/v1/query,
 * with node_exporter's own values. Skipped loudly without the binary; the exporter is always killed
 * at the end.
 */
class NodeExporterInteropTest {
  @TempDir Path dir;

  private Path exporter;
  private Process process;
  private ServerHarness cardinal;

  @BeforeEach
  void setUp() {
    exporter = Interop.requireBinary("prometheus-node-exporter");
  }

  @AfterEach
  void tearDown() throws Exception {
    Interop.kill(process);
    if (cardinal != null) {
      cardinal.close();
    }
  }

  private static String httpGet(String url) {
    try {
      HttpResponse<String> r =
          ServerHarness.CLIENT.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (Exception e) {
      return "";
    }
  }

  @Test
  void nodeExporterSeriesAreQueryable() throws Exception {
    int port = Interop.freePort();
    Path log = dir.resolve("node-exporter.log");
    process =
        Interop.start(
            log,
            List.of(
                exporter.toString(),
                "--web.listen-address=127.0.0.1:" + port,
                "--collector.disable-defaults",
                "--collector.cpu",
                "--collector.meminfo",
                "--collector.loadavg",
                "--collector.time"));
    String metricsUrl = "http://127.0.0.1:" + port + "/metrics";
    ServerHarness.await(
        "node_exporter serving (log: " + log + ")",
        30_000,
        () -> httpGet(metricsUrl).contains("node_memory_MemTotal_bytes"));

    cardinal =
        ServerHarness.start(
            dir.resolve("cardinal"),
            "global:\n  scrape_interval: 500ms\n"
                + "  scrape_timeout: 500ms\nscrape_configs:\n  - job_name: node\n    static_configs:\n"
                + "      - targets: ['127.0.0.1:"
                + port
                + "']\n",
            null);
    ServerHarness.await(
        "node target up", 30_000, () -> query("up{job=\"node\"}").contains("\"1\"]"));

    // MemTotal: the exporter's value (from /proc/meminfo) equals what the query returns.
    String exposed = httpGet(metricsUrl);
    Matcher mt = Pattern.compile("(?m)^node_memory_MemTotal_bytes (\\S+)$").matcher(exposed);
    assertTrue(mt.find(), exposed);
    double memTotal = Double.parseDouble(mt.group(1));
    String mem = query("node_memory_MemTotal_bytes");
    assertTrue(
        mem.contains("\"job\":\"node\"") && mem.contains("\"instance\":\"127.0.0.1:" + port + "\""),
        mem);
    Matcher mv = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]").matcher(mem);
    assertTrue(mv.find(), mem);
    assertEquals(memTotal, Double.parseDouble(mv.group(1)), mem);

    // Every node_cpu_seconds_total series the exporter exposes (cpu x mode) is there, and counters
    // move.
    long cpuSeries = exposed.lines().filter(l -> l.startsWith("node_cpu_seconds_total{")).count();
    assertTrue(cpuSeries >= 1, exposed);
    String count = query("count(node_cpu_seconds_total{job=\"node\"})");
    assertTrue(
        count.contains(",\"" + cpuSeries + "\"]"), "expected " + cpuSeries + " series: " + count);
    assertTrue(query("count by (mode) (node_cpu_seconds_total)").contains("\"mode\":\"idle\""));
    ServerHarness.await(
        "rate over the CPU counters",
        30_000,
        () -> query("sum(rate(node_cpu_seconds_total[5s])) > 0").contains("\"value\""));
    assertTrue(query("node_load1").contains("\"__name__\":\"node_load1\""));
    // The exporter's metadata was kept from its HELP/TYPE lines.
    assertTrue(
        cardinal
            .get("/api/v1/metadata?metric=node_cpu_seconds_total")
            .body()
            .contains("\"counter\""));
    String log1 = Files.readString(log);
    System.err.println(
        "node_exporter: "
            + cpuSeries
            + " node_cpu_seconds_total series, MemTotal "
            + memTotal
            + " (log "
            + log1.length()
            + " bytes)");
  }

  private String query(String q) {
    try {
      return cardinal.get("/api/v1/query?query=" + enc(q)).body();
    } catch (Exception e) {
      return "";
    }
  }
}
