package io.cardinal.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.promql.engine.Engine;
import io.cardinal.promql.engine.Value;
import io.cardinal.storage.block.BlockMeta;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus 2.42, started on a copy of a data directory Cardinal wrote (blocks, head chunk files,
 * WAL), answers queries exactly as Cardinal does. .ci/run installs Prometheus; where it is missing
 * the test is skipped with a loud message.
 */
class PrometheusReadsOurDataTest {
  static final long H = 3_600_000L;
  // Recent timestamps: Prometheus drops blocks older than its retention (set to 10y below).
  static final long T0 = (System.currentTimeMillis() - 12 * H) / (2 * H) * (2 * H);

  @TempDir Path tmp;

  static Path binary(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    System.err.println(
        "!!! "
            + name
            + " not found on PATH: Prometheus interop test SKIPPED (apt-get install prometheus)");
    Assumptions.assumeTrue(false, name + " not installed");
    return null;
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void prometheusAnswersLikeCardinalOnOurDataDirectory() throws Exception {
    Path prometheus = binary("prometheus");
    Path data = tmp.resolve("data");
    String[] queries = {
      "up",
      "sum by (job) (up)",
      "rate(requests_total[5m])",
      "max_over_time(temp[30m])",
      "count(up == 1)",
      "requests_total offset 1h",
      "count_over_time(temp[30m])",
      "timestamp(temp)",
      // The hardening issue's case: rate over classic buckets whose increments vary and which
      // reset once (at T0 + 2h), then the quantile.
      "histogram_quantile(0.5, rate(demo_bucket[1m]))",
      "histogram_quantile(0.9, rate(demo_bucket[1m]))",
      // Series replaced every 30 minutes, marked stale and evicted to blocks of their own that
      // overlap the head, with WAL deletions for what left the head.
      "count_over_time(deploy_requests_total[1h])",
      "sum(deploy_requests_total)",
      "deploy_requests_total",
    };
    // On the 15s grid a sample sits on each window's left edge: Prometheus 2.42 counts it,
    // Prometheus 3 and Cardinal do not. This is where the issue saw histogram_quantile differ.
    long[] onGrid = {T0 + 3 * H, T0 + 3 * H + 15_000, T0 + 5 * H + 30_000};
    String[] le = {"0.1", "0.5", "1", "+Inf"};
    TreeMap<String, String> oursOnGrid = new TreeMap<>();
    // Off the 15s grid: Prometheus 2.42 closes range windows on the left ([t-r, t]), Prometheus 3
    // and Cardinal leave them open ((t-r, t]); with no sample on a window's edge both agree.
    long[] times = {
      T0 + 90 * 60_000L + 7_000, T0 + 3 * H + 17_000, T0 + 5 * H + 7_000, T0 + 7 * H - 1000
    };
    TreeMap<String, String> ours = new TreeMap<>();
    try (Cardinal db =
        Cardinal.open(
            data,
            CardinalOptions.defaults()
                .withCompactionInterval(java.time.Duration.ZERO)
                .withStaleSeriesIdle(java.time.Duration.ofMinutes(5)))) {
      Appender app = db.appender();
      long[] refs = new long[12];
      long[] buckets = new long[4];
      for (long t = T0; t < T0 + 7 * H; t += 15_000) {
        int k = 0;
        for (int j = 0; j < 3; j++) {
          for (int i = 0; i < 2; i++) {
            refs[k] =
                app.append(
                    refs[k],
                    Labels.of("__name__", "up", "job", "j" + j, "instance", "i" + i),
                    t,
                    (t / 60_000 + i) % 7 == 0 ? 0 : 1);
            k++;
            refs[k] =
                app.append(
                    refs[k],
                    Labels.of("__name__", "requests_total", "job", "j" + j, "instance", "i" + i),
                    t,
                    (t - T0) / 1000 * (j + 1) + i);
            k++;
          }
        }
        app.append(0, Labels.of("__name__", "temp", "room", "a"), t, Math.sin(t / 1e6) * 10);
        long step = (t - T0) / 15_000;
        if (step == 480) {
          java.util.Arrays.fill(buckets, 0);
        }
        long below = 0;
        for (int b = 0; b < le.length; b++) {
          // Observations per bucket vary by step and by bucket, so bucket rates are not in fixed
          // proportion and the quantile moves with which samples a window holds.
          below += (step * step + 3 * b * step) % 7;
          buckets[b] += below;
          app.append(0, Labels.of("__name__", "demo_bucket", "le", le[b]), t, buckets[b]);
        }
        long version = step / 120;
        if (step % 120 == 0 && step > 0) {
          app.append(0, deploy(version - 1), t, Double.longBitsToDouble(0x7ff0000000000002L));
        }
        app.append(0, deploy(version), t, step);
        app.commit();
        if (step % 120 == 5 && step > 120) {
          assertEquals(1, db.evictStaleSeries(), "the previous version evicted at step " + step);
        }
      }
      assertTrue(
          db.blocks().stream().anyMatch(b -> b.hasHint(BlockMeta.HINT_STALE_SERIES)),
          "blocks of evicted series");
      assertTrue(db.compact() > 0, "blocks written");
      assertFalse(db.blocks().isEmpty());
      Engine engine = new Engine();
      for (String q : queries) {
        for (long t : times) {
          ours.put(q + " @" + t, render(engine.instantQuery(db::querier, q, t).value()));
        }
        for (long t : onGrid) {
          oursOnGrid.put(q + " @" + t, render(engine.instantQuery(db::querier, q, t).value()));
        }
      }
      db.sync();
    }
    Path copy = tmp.resolve("copy");
    copyTree(data, copy);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path cfg = tmp.resolve("prometheus.yml");
    Files.writeString(cfg, "global:\n  scrape_interval: 1h\n");
    Process p =
        new ProcessBuilder(
                prometheus.toString(),
                "--config.file=" + cfg,
                "--storage.tsdb.path=" + copy,
                "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.retention.time=10y")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("prometheus.log").toFile())
            .start();
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      waitReady(http, port);
      TreeMap<String, String> theirs = new TreeMap<>();
      for (String q : queries) {
        for (long t : times) {
          theirs.put(q + " @" + t, query(http, port, q, t));
        }
      }
      assertEquals(theirs, ours);
      // On the grid, the quantiles differ exactly where Prometheus 2.42 took the left-edge sample.
      int differ = 0;
      for (String q : queries) {
        if (!q.startsWith("histogram_quantile")) {
          continue;
        }
        for (long t : onGrid) {
          if (!query(http, port, q, t).equals(oursOnGrid.get(q + " @" + t))) {
            differ++;
          }
        }
      }
      assertTrue(differ > 0, "on the grid Prometheus 2.42's closed windows should differ");
    } finally {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static Labels deploy(long version) {
    return Labels.of("__name__", "deploy_requests_total", "version", "v" + version);
  }

  /** Prometheus's answer to an instant query, in {@link #renderJson}'s canonical form. */
  private static String query(HttpClient http, int port, String q, long t) throws Exception {
    String url =
        "http://127.0.0.1:"
            + port
            + "/api/v1/query?query="
            + URLEncoder.encode(q, StandardCharsets.UTF_8)
            + "&time="
            + (t / 1000.0);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return renderJson(new ObjectMapper().readTree(r.body()).path("data"));
  }

  private static void waitReady(HttpClient http, int port) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("Prometheus not ready within 60 s");
  }

  /** A canonical text form: sorted "labels => value" lines, values to 9 significant digits. */
  static String render(Value v) {
    TreeMap<String, String> lines = new TreeMap<>();
    if (v instanceof Value.Vector vec) {
      for (Value.Sample s : vec.samples()) {
        lines.put(s.labels().toString(), num(s.value()));
      }
    } else if (v instanceof Value.Scalar sc) {
      lines.put("scalar", num(sc.value()));
    }
    return lines.toString();
  }

  static String renderJson(JsonNode data) {
    TreeMap<String, String> lines = new TreeMap<>();
    if (data.path("resultType").asText().equals("vector")) {
      for (JsonNode s : data.path("result")) {
        TreeMap<String, String> m = new TreeMap<>();
        s.path("metric").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        String[] nv =
            m.entrySet().stream()
                .flatMap(e -> Stream.of(e.getKey(), e.getValue()))
                .toArray(String[]::new);
        lines.put(
            Labels.of(nv).toString(),
            num(
                Double.parseDouble(
                    s.path("value")
                        .get(1)
                        .asText()
                        .replace("+Inf", "Infinity")
                        .replace("-Inf", "-Infinity"))));
      }
    } else if (data.path("resultType").asText().equals("scalar")) {
      lines.put("scalar", num(Double.parseDouble(data.path("result").get(1).asText())));
    }
    return lines.toString();
  }

  static String num(double d) {
    return Double.isNaN(d) || Double.isInfinite(d) ? Double.toString(d) : String.format("%.9g", d);
  }

  static void copyTree(Path src, Path dst) throws IOException {
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.naturalOrder())::iterator) {
        Path t = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
