package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.cardinal.config.ServerOptions;
import io.cardinal.scrape.ScrapeLoop;
import io.cardinal.scrape.Target;
import io.cardinal.testing.TestCertificate;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scraping over HTTPS with a self-signed certificate made by keytool: ca_file,
 * insecure_skip_verify, neither.
 */
class TlsScrapeTest {
  @TempDir Path dir;

  @Test
  void httpsTargets() throws Exception {
    TestCertificate cert = TestCertificate.create(dir, "server", "localhost");
    Path ca = cert.certificatePem();
    SSLContext ctx = cert.serverContext();
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    https.setHttpsConfigurator(new HttpsConfigurator(ctx));
    https.createContext(
        "/metrics",
        ex -> {
          try (ex) {
            byte[] b = "secure 1\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(b);
            }
          }
        });
    https.start();
    String addr = "127.0.0.1:" + https.getAddress().getPort();
    Path config = dir.resolve("prometheus.yml");
    String common =
        "    scheme: https\n    scrape_interval: 500ms\n    scrape_timeout: 500ms\n"
            + "    static_configs:\n      - targets: ['"
            + addr
            + "']\n";
    Files.writeString(
        config,
        "scrape_configs:\n"
            + "  - job_name: with_ca\n    tls_config:\n      ca_file: "
            + ca
            + "\n"
            + common
            + "  - job_name: insecure\n    tls_config:\n      insecure_skip_verify: true\n"
            + common
            + "  - job_name: untrusted\n"
            + common);
    ServerOptions o =
        ServerOptions.DEFAULTS
            .withConfigFile(config)
            .withListenAddress("127.0.0.1:0")
            .withInMemory(true);
    try (CardinalServer server = CardinalServer.start(o)) {
      long deadline = System.nanoTime() + 15_000_000_000L;
      Map<String, Target> byJob = new HashMap<>();
      while (System.nanoTime() < deadline) {
        byJob.clear();
        for (Map.Entry<String, List<ScrapeLoop>> e : server.scrapes().activeLoops().entrySet()) {
          byJob.put(e.getKey(), e.getValue().get(0).target());
        }
        // The first handshakes of a cold JVM may exceed the timeout: wait for the steady state.
        if (byJob.size() == 3
            && byJob.get("with_ca").health() == Target.Health.UP
            && byJob.get("insecure").health() == Target.Health.UP
            && byJob.get("untrusted").health() == Target.Health.DOWN) {
          break;
        }
        Thread.sleep(50);
      }
      assertEquals(
          Target.Health.UP, byJob.get("with_ca").health(), byJob.get("with_ca").lastError());
      assertEquals(
          Target.Health.UP, byJob.get("insecure").health(), byJob.get("insecure").lastError());
      assertEquals(Target.Health.DOWN, byJob.get("untrusted").health());
      assertTrue(
          byJob.get("untrusted").lastError().contains("PKIX")
              || byJob.get("untrusted").lastError().toLowerCase().contains("certif"),
          byJob.get("untrusted").lastError());
    } finally {
      https.stop(0);
    }
  }
}
