package io.cardinal.server;

import static io.cardinal.server.ServerHarness.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cardinal.testing.Interop;
import io.cardinal.testing.TestTarget;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus 2.42 federates from Cardinal's {@code /federate} ({@code honor_labels: true},
 * {@code metrics_path: /federate}, {@code params: {match[]: ...}}) and stores the same samples:
 * every raw sample Prometheus holds for the federated job is one Cardinal holds (same series,
 * timestamp and value), Prometheus holds every federated series, and the latest values agree.
 * Skipped loudly without the binary.
 */
class FederationInteropTest {
  @TempDir Path dir;

  private Path prometheus;
  private Process process;
  private ServerHarness cardinal;
  private TestTarget target;
  private volatile boolean stop;
  private Thread ticker;
  private int promPort;

  @BeforeEach
  void setUp() {
    prometheus = Interop.requireBinary("prometheus");
  }

  @AfterEach
  void tearDown() throws Exception {
    stop = true;
    if (ticker != null) {
      ticker.join(5_000);
    }
    Interop.kill(process);
    if (cardinal != null) {
      cardinal.close();
    }
    if (target != null) {
      target.close();
    }
  }

  private String prom(String pathAndQuery) {
    try {
      HttpResponse<String> r =
          ServerHarness.CLIENT.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + promPort + pathAndQuery))
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (Exception e) {
      return "";
    }
  }

  private static final Pattern SERIES =
      Pattern.compile("\\{\"metric\":\\{([^}]*)\\},\"values\":\\[(.*?)\\]\\]\\}");
  private static final Pattern POINT = Pattern.compile("\\[([0-9.]+),\"([^\"]*)\"");

  /** A matrix answer as series labels (JSON text) to their "timestamp=value" points. */
  static Map<String, Set<String>> matrix(String json) {
    Map<String, Set<String>> out = new TreeMap<>();
    Matcher m = SERIES.matcher(json);
    while (m.find()) {
      Set<String> points = new TreeSet<>();
      Matcher p = POINT.matcher(m.group(2) + "]");
      while (p.find()) {
        points.add(p.group(1) + "=" + p.group(2));
      }
      out.put(m.group(1), points);
    }
    return out;
  }

  @Test
  void prometheusFederatesFromCardinal() throws Exception {
    target = new TestTarget();
    target.body = "fed_requests_total{path=\"/a\"} 0\nfed_temperature 20.5\n";
    // The target's values change between scrapes, so every federated sample is distinguishable.
    ticker =
        new Thread(
            () -> {
              for (int i = 1; i < 600 && !stop; i++) {
                target.body =
                    "# TYPE fed_requests_total counter\nfed_requests_total{path=\"/a\"} "
                        + i
                        + "\nfed_requests_total{path=\"/b\"} "
                        + (i * 2)
                        + "\n# TYPE fed_temperature gauge\nfed_temperature "
                        + (20 + i * 0.25)
                        + "\n";
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    ticker.setDaemon(true);
    ticker.start();
    cardinal =
        ServerHarness.start(
            dir.resolve("cardinal"),
            "global:\n  scrape_interval: 500ms\n"
                + "  scrape_timeout: 500ms\n  external_labels:\n    site: cardinal\nscrape_configs:\n  - job_name: fed_src\n"
                + "    static_configs:\n      - targets: ['"
                + target.address()
                + "']\n",
            null);

    promPort = Interop.freePort();
    Path promDir = dir.resolve("prometheus");
    Files.createDirectories(promDir);
    Path promConfig = promDir.resolve("prometheus.yml");
    Files.writeString(
        promConfig,
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n"
            + "  - job_name: federate\n    honor_labels: true\n    metrics_path: /federate\n    params:\n"
            + "      'match[]':\n        - '{job=\"fed_src\"}'\n        - 'up{job=\"nothing\"}'\n"
            + "    static_configs:\n      - targets: ['127.0.0.1:"
            + cardinal.port()
            + "']\n");
    Path log = promDir.resolve("prometheus.log");
    process =
        Interop.start(
            log,
            List.of(
                prometheus.toString(),
                "--config.file=" + promConfig,
                "--storage.tsdb.path=" + promDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + promPort));
    ServerHarness.await(
        "prometheus ready (log: " + log + ")", 30_000, () -> prom("/-/ready").contains("Ready"));
    ServerHarness.await(
        "federation target up in prometheus",
        30_000,
        () -> prom("/api/v1/query?query=" + enc("up{job=\"federate\"}")).contains("\"1\"]"));

    // Let a few federation scrapes happen, then compare the raw samples of the last 30 s.
    String sel = enc("{job=\"fed_src\"}[30s]");
    long deadline = System.nanoTime() + 60_000_000_000L;
    Map<String, Set<String>> theirs = Map.of();
    Map<String, Set<String>> ours = Map.of();
    while (System.nanoTime() < deadline) {
      String t = String.valueOf(System.currentTimeMillis() / 1000.0);
      theirs = matrix(prom("/api/v1/query?query=" + sel + "&time=" + t));
      ours = matrix(cardinal.get("/api/v1/query?query=" + sel + "&time=" + t).body());
      Set<String> temp =
          theirs.get(
              "\"__name__\":\"fed_temperature\",\"instance\":\""
                  + target.address()
                  + "\",\"job\":\"fed_src\",\"site\":\"cardinal\"");
      if (theirs.size() >= 8 && temp != null && temp.size() >= 5) {
        break;
      }
      Thread.sleep(500);
    }
    assertTrue(theirs.size() >= 8, "prometheus has too few federated series: " + theirs.keySet());
    // Every series Cardinal federates is in Prometheus, with the external label site="cardinal"
    // added.
    Map<String, Set<String>> theirsWithoutSite = new TreeMap<>();
    for (Map.Entry<String, Set<String>> e : theirs.entrySet()) {
      assertTrue(e.getKey().contains(",\"site\":\"cardinal\""), e.getKey());
      theirsWithoutSite.put(e.getKey().replace(",\"site\":\"cardinal\"", ""), e.getValue());
    }
    assertEquals(ours.keySet(), theirsWithoutSite.keySet(), "series sets differ");
    int checked = 0;
    for (Map.Entry<String, Set<String>> e : theirsWithoutSite.entrySet()) {
      Set<String> mine = ours.get(e.getKey());
      for (String point : e.getValue()) {
        if (!mine.contains(point)) {
          fail(
              "prometheus stored "
                  + point
                  + " for "
                  + e.getKey()
                  + ", which cardinal does not have: "
                  + mine);
        }
        checked++;
      }
    }
    assertTrue(checked >= 40, "only " + checked + " samples compared");

    // The same query on both, at a time both have settled: the newest federated sample answers the
    // same.
    String newest =
        prom("/api/v1/query?query=" + enc("timestamp(fed_temperature{site=\"cardinal\"})"));
    Matcher tm = Pattern.compile(",\"([0-9.]+)\"\\]").matcher(newest);
    assertTrue(tm.find(), newest);
    String at = "&time=" + tm.group(1);
    String q = enc("sort_desc(sum by (path) (fed_requests_total))");
    assertEquals(
        cardinal.get("/api/v1/query?query=" + q + at).body(),
        prom("/api/v1/query?query=" + q + at));
    System.err.println(
        "federation: "
            + theirs.size()
            + " series, "
            + checked
            + " samples identical in Prometheus");
  }
}
