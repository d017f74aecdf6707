package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Interop;
import io.cardinal.testing.TestTarget;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blackbox-exporter pattern against Debian's {@code prometheus-blackbox-exporter}: the probed
 * URLs are the targets, relabeling moves each into {@code __param_target} and {@code instance} and
 * points {@code __address__} at the exporter, so every scrape is a probe of one URL. A URL that
 * answers probes successful, one nobody listens on does not.
 */
class BlackboxExporterInteropTest {
  @TempDir Path dir;
  private ServerHarness cardinal;
  private TestTarget site;
  private Process exporter;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (cardinal != null) {
      cardinal.close();
    }
    if (site != null) {
      site.close();
    }
    if (exporter != null) {
      exporter.destroy();
      exporter.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void probesEachTargetThroughTheExporter() throws Exception {
    Path bin = Interop.requireBinary("prometheus-blackbox-exporter");
    site = new TestTarget();
    site.body = "ok\n";
    Path conf = dir.resolve("blackbox.yml");
    Files.writeString(
        conf,
        "modules:\n  http_2xx:\n    prober: http\n    timeout: 2s\n"
            + "    http:\n      preferred_ip_protocol: ip4\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    exporter =
        new ProcessBuilder(
                bin.toString(), "--config.file=" + conf, "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("blackbox.log").toFile())
            .start();
    String up = "http://" + site.address() + "/metrics";
    String down = "http://127.0.0.1:1/health";
    cardinal =
        ServerHarness.start(
            dir.resolve("cardinal"),
            // The exporter takes half a second off the scrape timeout it is sent for its probe.
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                + "scrape_configs:\n"
                + "  - job_name: blackbox\n"
                + "    metrics_path: /probe\n"
                + "    params:\n      module: [http_2xx]\n"
                + "    static_configs:\n      - targets: ['"
                + up
                + "', '"
                + down
                + "']\n"
                + "    relabel_configs:\n"
                + "      - source_labels: [__address__]\n        target_label: __param_target\n"
                + "      - source_labels: [__param_target]\n        target_label: instance\n"
                + "      - target_label: __address__\n        replacement: 127.0.0.1:"
                + port
                + "\n",
            null);
    cardinal.awaitBody(
        "a successful probe of the live URL",
        "/api/v1/query?query=" + ServerHarness.enc("probe_success{instance=\"" + up + "\"} == 1"),
        "\"job\":\"blackbox\"");
    cardinal.awaitBody(
        "a failed probe of the dead URL",
        "/api/v1/query?query=" + ServerHarness.enc("probe_success{instance=\"" + down + "\"} == 0"),
        "\"job\":\"blackbox\"");
    String targets = cardinal.get("/api/v1/targets").body();
    // Both targets scrape the exporter, each with its own target parameter.
    assertTrue(
        targets.contains(
            "\"scrapeUrl\":\"http://127.0.0.1:"
                + port
                // Go's JSON (and ours) writes & as \u0026.
                + "/probe?module=http_2xx\\u0026target="
                + ServerHarness.enc(up)
                + "\""),
        targets);
    assertTrue(
        targets.contains("\"__address__\":\"" + down + "\""), "discovered labels: " + targets);
    assertEquals(
        2,
        targets.split("\"health\":\"up\"", -1).length - 1,
        "the exporter answers both scrapes, whatever the probe's outcome: " + targets);
  }
}
