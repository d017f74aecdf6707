package io.cardinal.server;

import static io.cardinal.server.ServerHarness.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.cardinal.config.ConfigException;
import io.cardinal.config.ServerOptions;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout end to end: a target whose series change a version label every few scrapes, scraped
 * with a global series limit just above the active set. The scraper marks the old version's series
 * stale, eviction writes them to blocks, the limit never skips the new version's series, and every
 * sample stays queryable.
 */
class StaleSeriesChurnTest {
  static final int STEADY = 20;
  static final int CHURNING = 30;
  static final int SCRAPES_PER_VERSION = 4;
  static final int VERSIONS = 6;

  @TempDir Path dir;

  private HttpServer target;
  private ServerHarness cardinal;

  @AfterEach
  void tearDown() {
    if (cardinal != null) {
      cardinal.close();
    }
    if (target != null) {
      target.stop(0);
    }
  }

  private String query(String q) throws Exception {
    return cardinal.get("/api/v1/query?query=" + enc(q)).body();
  }

  @Test
  void aRolloutNeverHitsTheSeriesLimitAndLosesNoSample() throws Exception {
    AtomicInteger scrapes = new AtomicInteger();
    target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    target.createContext(
        "/metrics",
        ex -> {
          try (ex) {
            int n = scrapes.incrementAndGet();
            int version = Math.min(VERSIONS, (n - 1) / SCRAPES_PER_VERSION);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < STEADY; i++) {
              sb.append("steady{i=\"").append(i).append("\"} ").append(n).append('\n');
            }
            for (int i = 0; i < CHURNING; i++) {
              sb.append("app_requests_total{version=\"v")
                  .append(version)
                  .append("\",worker=\"")
                  .append(i)
                  .append("\"} ")
                  .append(n)
                  .append('\n');
            }
            byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream os = ex.getResponseBody()) {
              os.write(b);
            }
          }
        });
    target.start();
    String addr = "127.0.0.1:" + target.getAddress().getPort();
    // Active: the steady and churning series plus the 5 per-target synthetic ones. The scrape that
    // brings a new version holds both versions, so the limit has room for one version more, and
    // not for two: a version that lingered until the next one came would hit it.
    long active = STEADY + CHURNING + 5;
    long limit = active + CHURNING + 5;
    cardinal =
        ServerHarness.start(
            dir,
            "global:\n  scrape_interval: 200ms\n  scrape_timeout: 200ms\n"
                + "storage:\n  tsdb:\n    stale_series_compaction_threshold: 0.2\n"
                + "scrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['"
                + addr
                + "']\n",
            o -> o.withMaxSeries(limit));
    var db = cardinal.server.db();
    int seenVersion = 0;
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (seenVersion < VERSIONS && System.nanoTime() < deadline) {
      int version = Math.min(VERSIONS, (scrapes.get() - 1) / SCRAPES_PER_VERSION);
      // The ratio trigger (0.2 of the head) fires once the old version's 30 series are marked.
      db.evictStaleSeries();
      assertTrue(db.headSeries() <= limit, "head " + db.headSeries() + " over " + limit);
      seenVersion = Math.max(seenVersion, version);
      Thread.sleep(50);
    }
    assertEquals(VERSIONS, seenVersion, "the target went through every version");
    ServerHarness.await(
        "the last version's series in",
        10_000,
        () -> {
          try {
            return query("count(app_requests_total{version=\"v" + VERSIONS + "\"})")
                .contains(",\"" + CHURNING + "\"]");
          } catch (Exception e) {
            return false;
          }
        });
    db.evictStaleSeries();
    String metrics = cardinal.get("/metrics").body();
    assertEquals(
        0,
        ServerHarness.metric(metrics, "cardinal_head_series_limit_skipped_samples_total"),
        "no sample skipped by the series limit");
    assertTrue(
        ServerHarness.metric(metrics, "cardinal_tsdb_head_stale_series_evicted_total")
            >= CHURNING * (VERSIONS - 1),
        metrics);
    assertTrue(
        ServerHarness.metric(metrics, "cardinal_tsdb_head_stale_series_evicted_bytes_total") > 0);
    assertTrue(
        ServerHarness.metric(metrics, "cardinal_tsdb_stale_series_blocks_written_total") > 0);
    assertTrue(metrics.contains("\nprometheus_tsdb_head_stale_series "), "gauge exposed");
    // Every version's series are still there, from blocks, each with the scrapes it had (4, the
    // first and last version may differ) plus its staleness marker, which queries do not count.
    for (int v = 1; v < VERSIONS; v++) {
      String r =
          query("count_over_time(app_requests_total{version=\"v" + v + "\",worker=\"0\"}[10m])");
      assertTrue(r.contains(",\"" + SCRAPES_PER_VERSION + "\"]"), "version " + v + ": " + r);
    }
    assertTrue(db.headSeries() < active + CHURNING / 2, "no old version left: " + db.headSeries());
  }

  @Test
  void theThresholdIsRefusedInMemoryAndOutOfRange() throws Exception {
    Files.createDirectories(dir);
    Path cfg = dir.resolve("p.yml");
    Files.writeString(cfg, "storage:\n  tsdb:\n    stale_series_compaction_threshold: 0.5\n");
    ServerOptions o =
        ServerOptions.DEFAULTS
            .withConfigFile(cfg)
            .withStoragePath(dir.resolve("data"))
            .withListenAddress("127.0.0.1:0")
            .withInMemory(true);
    ConfigException e = assertThrows(ConfigException.class, () -> CardinalServer.start(o));
    assertTrue(e.getMessage().contains("stale_series_compaction_threshold"), e.getMessage());
    assertTrue(e.getMessage().contains("in memory"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ServerOptions.DEFAULTS.withStaleSeriesIdle(Duration.ofSeconds(-1)));
  }
}
