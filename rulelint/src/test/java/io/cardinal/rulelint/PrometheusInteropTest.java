package io.cardinal.rulelint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.config.ConfigLoader;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.testing.Interop;
import io.cardinal.testing.TestTarget;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HttpSource against a real Prometheus 2.42 scraping a target this test serves: the missing-metric,
 * label and rate-range checks say the same over HTTP as over an in-process database holding the
 * same series; a metric dropped from the target is reported as stopped at the time it went.
 */
class PrometheusInteropTest {
  @TempDir Path dir;

  private static final String BODY =
      """
      # TYPE http_requests_total counter
      http_requests_total{code="200",handler="/api"} 10
      http_requests_total{code="500",handler="/api"} 1
      # TYPE going_away gauge
      going_away 1
      """;

  private static final String RULES =
      """
      groups:
      - name: g
        interval: 1s
        rules:
        - alert: Typo
          expr: rate(http_requests_totl[5m]) > 0
        - alert: LabelTypo
          expr: sum by (instnce) (rate(http_requests_total[5m])) > 0
        - alert: MatcherTypo
          expr: http_requests_total{hanlder="/api"} > 0
        - alert: GroupLeftTypo
          expr: http_requests_total * on (instance) group_left (nodename) up
        - alert: Short
          expr: rate(http_requests_total[1s]) > 0
        - alert: Fine
          expr: sum by (code, job) (rate(http_requests_total[1m])) > 0
      """;

  private static String key(Finding f) {
    return f.rule() + " " + f.check() + ": " + f.message();
  }

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void sameFindingsOverHttpAsInProcess() throws Exception {
    Path prometheus = Interop.requireBinary("prometheus");
    Process p = null;
    try (TestTarget target = new TestTarget()) {
      target.body = BODY;
      int port = Interop.freePort();
      String yaml =
          "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n"
              + "- job_name: app\n  scrape_interval: 1s\n  static_configs:\n  - targets: ['"
              + target.address()
              + "']\n";
      Path cfg = dir.resolve("prometheus.yml");
      Files.writeString(cfg, yaml);
      p =
          Interop.start(
              dir.resolve("prometheus.log"),
              List.of(
                  prometheus.toString(),
                  "--config.file=" + cfg,
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port));
      HttpSource http =
          new HttpSource(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(10));
      waitFor(http, p, dir.resolve("prometheus.log"));
      Thread.sleep(3_000);

      long now = System.currentTimeMillis();
      LintOptions opts =
          LintOptions.defaults()
              .withNow(Instant.ofEpochMilli(now))
              .withDisabledChecks(List.of(SeriesCheck.DISAPPEARED, BacktestCheck.ID, CostCheck.ID));
      List<Finding> overHttp = new RuleLinter(http, opts).lint(Fixture.rules(RULES));

      // The same series in an in-process database, the same configuration beside it.
      List<Labels> all =
          http.series(
              List.of(new LabelMatcher(LabelMatcher.Type.RE, "__name__", ".+")),
              now - 300_000,
              now);
      assertFalse(all.isEmpty());
      List<Finding> inProcess;
      try (Cardinal db =
          Cardinal.inMemory(CardinalOptions.defaults().withCompactionInterval(Duration.ZERO))) {
        Appender app = db.appender();
        for (Labels l : all) {
          app.append(0, l, now - 3_000, 1);
          app.append(0, l, now - 2_000, 2);
        }
        app.commit();
        inProcess =
            new RuleLinter(new DatabaseSource(db, ConfigLoader.parse(yaml)), opts)
                .lint(Fixture.rules(RULES));
      }
      List<String> a = new ArrayList<>();
      overHttp.forEach(f -> a.add(key(f)));
      List<String> b = new ArrayList<>();
      inProcess.forEach(f -> b.add(key(f)));
      assertEquals(b, a);
      assertEquals(
          List.of("Typo", "LabelTypo", "MatcherTypo", "GroupLeftTypo", "Short"),
          overHttp.stream().map(Finding::rule).toList(),
          a.toString());
      assertTrue(
          a.contains(
              "Typo series/missing: metric http_requests_totl has no series now and never existed"
                  + " within retention"),
          a.toString());
      assertTrue(a.get(4).contains("scrape interval of job \"app\""), a.toString());

      // A metric the target stops exposing: Prometheus marks it stale, the lint dates its end.
      long dropped = System.currentTimeMillis();
      target.body = BODY.substring(0, BODY.indexOf("# TYPE going_away"));
      Thread.sleep(4_000);
      long later = System.currentTimeMillis();
      List<Finding> gone =
          Fixture.of(
              new RuleLinter(http, LintOptions.defaults().withNow(Instant.ofEpochMilli(later)))
                  .lint(Fixture.rules(Fixture.alerts("Gone", "going_away > 0"))),
              SeriesCheck.DISAPPEARED);
      assertEquals(1, gone.size(), gone.toString());
      Instant last = Instant.parse((String) gone.get(0).details().get("lastSample"));
      assertTrue(
          last.toEpochMilli() > dropped - 3_000 && last.toEpochMilli() < dropped + 2_000,
          "last sample " + last + ", dropped at " + Instant.ofEpochMilli(dropped));
      assertTrue(
          gone.get(0).message().contains("stopped being exported at " + last), gone.toString());

      // The backtest runs over HTTP too: up has been 1 all along.
      List<Finding> bt =
          Fixture.of(
              new RuleLinter(http, LintOptions.defaults().withNow(Instant.ofEpochMilli(later)))
                  .lint(
                      Fixture.rules(
                          "groups:\n- name: g\n  interval: 1s\n  rules:\n"
                              + "  - alert: Up\n    expr: up == 1\n")),
              BacktestCheck.ID);
      assertEquals(1, bt.size(), bt.toString());
      assertTrue(
          bt.get(0).message().contains("would have fired 1 time(s) across 1 label set(s)"),
          bt.toString());
      http.close();
    } finally {
      Interop.kill(p);
    }
  }

  private static void waitFor(HttpSource http, Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        fail("prometheus exited: " + Files.readString(log));
      }
      try {
        long now = System.currentTimeMillis();
        if (!http.query("count(going_away) and count(http_requests_total)", now).isEmpty()) {
          return;
        }
      } catch (LintSourceException e) {
        // not up yet
      }
      Thread.sleep(250);
    }
    fail("prometheus did not scrape the target within 60 s: " + Files.readString(log));
  }
}
