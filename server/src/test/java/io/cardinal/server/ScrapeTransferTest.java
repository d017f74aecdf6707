package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scrape settings Prometheus added after 2.42 that change what is asked for and kept, honoured
 * rather than ignored: {@code scrape_protocols} (the Accept header), {@code enable_compression},
 * {@code follow_redirects}, {@code track_timestamps_staleness}, {@code keep_dropped_targets}.
 */
class ScrapeTransferTest {
  @TempDir Path dir;
  private ServerHarness cardinal;
  private HttpServer targets;

  /** What each path's last request asked for: "accept" and "encoding". */
  private final Map<String, String> seen = new ConcurrentHashMap<>();

  private final AtomicBoolean timestamped = new AtomicBoolean(true);

  @AfterEach
  void tearDown() {
    if (cardinal != null) {
      cardinal.close();
    }
    if (targets != null) {
      targets.stop(0);
    }
  }

  private void startTargets() throws Exception {
    targets = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    for (String path : new String[] {"/text", "/plain", "/moved"}) {
      targets.createContext(
          path,
          ex -> {
            try (ex) {
              seen.put(path + " accept", String.valueOf(ex.getRequestHeaders().getFirst("Accept")));
              seen.put(
                  path + " encoding",
                  String.valueOf(ex.getRequestHeaders().getFirst("Accept-Encoding")));
              if (path.equals("/moved")) {
                ex.getResponseHeaders().set("Location", "/text");
                ex.sendResponseHeaders(302, -1);
                return;
              }
              String body = "# TYPE m gauge\nm{path=\"" + path + "\"} 1\n";
              if (timestamped.get()) {
                // A series with its own timestamp, which disappears when timestamped is cleared.
                body += "t{path=\"" + path + "\"} 1 " + (System.currentTimeMillis() - 1000) + "\n";
              }
              byte[] b = body.getBytes(StandardCharsets.UTF_8);
              ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
              ex.sendResponseHeaders(200, b.length);
              try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
              }
            }
          });
    }
    targets.start();
  }

  @Test
  void scrapeSettingsChangeWhatIsAskedForAndKept() throws Exception {
    startTargets();
    String addr = "127.0.0.1:" + targets.getAddress().getPort();
    cardinal =
        ServerHarness.start(
            dir,
            "global:\n  scrape_interval: 200ms\n  scrape_timeout: 150ms\n"
                + "scrape_configs:\n"
                + "  - job_name: text\n    metrics_path: /text\n"
                + "    scrape_protocols: [PrometheusText0.0.4, OpenMetricsText1.0.0]\n"
                + "    enable_compression: false\n    track_timestamps_staleness: true\n"
                + "    static_configs: [{targets: ['"
                + addr
                + "']}]\n"
                + "  - job_name: plain\n    metrics_path: /plain\n"
                + "    static_configs: [{targets: ['"
                + addr
                + "']}]\n"
                + "  - job_name: moved\n    metrics_path: /moved\n    follow_redirects: false\n"
                + "    static_configs: [{targets: ['"
                + addr
                + "']}]\n"
                + "  - job_name: dropping\n    keep_dropped_targets: 2\n"
                + "    static_configs: [{targets: ['a:1', 'b:1', 'c:1', 'd:1', 'e:1']}]\n"
                + "    relabel_configs: [{action: drop, source_labels: [__address__], regex: '.*'}]\n",
            null);
    cardinal.awaitBody("both text jobs scraped", "/api/v1/query?query=count(m)", "\"2\"]");

    // scrape_protocols and enable_compression, as Prometheus 3 writes them.
    assertEquals(
        "text/plain;version=0.0.4;q=0.6,application/openmetrics-text;version=1.0.0;"
            + "escaping=underscores;q=0.5,*/*;q=0.4",
        seen.get("/text accept"));
    assertEquals("identity", seen.get("/text encoding"));
    assertEquals(
        "application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.6,"
            + "application/openmetrics-text;version=0.0.1;q=0.5,"
            + "text/plain;version=1.0.0;escaping=underscores;q=0.4,"
            + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
        seen.get("/plain accept"),
        "the default: Prometheus 3's");
    assertEquals("gzip", seen.get("/plain encoding"));

    // follow_redirects: false makes the redirect the scrape's error.
    cardinal.awaitBody(
        "the redirect as the error",
        "/api/v1/targets?scrapePool=moved",
        "server returned HTTP status 302 Found");

    // keep_dropped_targets: two listed, five counted.
    String dropped = cardinal.get("/api/v1/targets?state=dropped&scrapePool=dropping").body();
    assertEquals(2, dropped.split("\"discoveredLabels\"", -1).length - 1, dropped);
    assertTrue(dropped.contains("\"droppedTargetCounts\":{"), dropped);
    assertTrue(dropped.contains("\"dropping\":5"), dropped);

    // track_timestamps_staleness: the timestamped series gets a stale marker on the job that
    // asks for it, and none on the job that does not (Prometheus's default).
    timestamped.set(false);
    cardinal.awaitBody(
        "the tracked timestamped series goes stale",
        "/api/v1/query?query=" + ServerHarness.enc("count(t)"),
        "\"1\"]");
    String t = cardinal.get("/api/v1/query?query=" + ServerHarness.enc("t")).body();
    assertTrue(t.contains("\"path\":\"/plain\"") && !t.contains("\"path\":\"/text\""), t);
  }
}
