package io.cardinal.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.promql.engine.Engine;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Group evaluation driven step by step on a fake clock, checked against Prometheus's rules. */
class RuleEvalTest {
  static final long T0 = 1_700_000_000_000L;
  Cardinal db;
  AtomicLong clock = new AtomicLong(T0);
  RuleContext ctx;
  List<String> events = new ArrayList<>();
  List<List<OutgoingAlert>> sent = new ArrayList<>();

  @BeforeEach
  void setUp() {
    db = Cardinal.inMemory();
    ctx =
        new RuleContext(
            new Engine(), db::querier, db::appender, clock::get, RuleOptions.defaults());
    ctx.listeners.add(
        new AlertListener() {
          @Override
          public void send(String expr, List<OutgoingAlert> alerts) {
            sent.add(alerts);
          }

          @Override
          public void stateChanged(String rule, ActiveAlert a, AlertState previous) {
            events.add(
                rule
                    + " "
                    + a.labels().get("instance")
                    + " "
                    + previous.apiName()
                    + "->"
                    + a.state().apiName());
          }
        });
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  void add(long t, double v, String... labels) {
    Appender app = db.appender();
    app.append(0, Labels.of(labels), t, v);
    app.commit();
  }

  /** The raw samples of the series matching {@code name} and optional label pairs. */
  List<double[]> samples(String name, String... pairs) {
    List<Matcher> ms = new ArrayList<>();
    ms.add(Matcher.equal("__name__", name));
    for (int i = 0; i < pairs.length; i += 2) {
      ms.add(Matcher.equal(pairs[i], pairs[i + 1]));
    }
    List<double[]> out = new ArrayList<>();
    try (Querier q = db.querier(0, Long.MAX_VALUE)) {
      SeriesSet set = q.select(true, 0, Long.MAX_VALUE, ms.toArray(new Matcher[0]));
      while (set.next()) {
        SampleIterator it = set.at().iterator(null);
        while (it.next()) {
          out.add(new double[] {it.timestamp(), it.value()});
        }
      }
    }
    return out;
  }

  Group group(String yaml) throws Exception {
    Group g = new Group(RuleFiles.parse("test.yml", yaml).get(0), ctx.options);
    for (Rule r : g.rules) {
      if (r instanceof AlertingRule ar) {
        ar.restored = true;
      }
    }
    return g;
  }

  @Test
  void recordingRulesSeeEarlierRulesOfTheSameEvaluation() throws Exception {
    add(T0, 3, "__name__", "up", "job", "a", "instance", "1");
    add(T0, 4, "__name__", "up", "job", "a", "instance", "2");
    Group g =
        group(
            """
            groups:
              - name: g
                labels: {team: core}
                rules:
                  - record: job:up:sum
                    expr: sum by (job) (up)
                  - record: job:up:double
                    expr: job:up:sum * 2
                    labels: {team: edge}
            """);
    g.eval(ctx, T0 + 1000);
    assertEquals(
        List.of(T0 + 1000.0, 7.0),
        List.of(samples("job:up:sum").get(0)[0], samples("job:up:sum").get(0)[1]));
    assertEquals(14.0, samples("job:up:double", "team", "edge", "job", "a").get(0)[1]);
    assertEquals(1, samples("job:up:sum", "team", "core").size());
    assertEquals("ok", g.rules.get(1).health);
  }

  @Test
  void vanishedSeriesGetStaleMarkers() throws Exception {
    add(T0, 1, "__name__", "up", "instance", "1");
    add(T0, 1, "__name__", "up", "instance", "2");
    Group g =
        group(
            """
            groups:
              - name: g
                rules:
                  - record: r
                    expr: up
            """);
    g.eval(ctx, T0 + 1000);
    assertEquals(2, samples("r").size());
    // Instance 1 stops: its last sample falls out of the 5m lookback.
    add(T0 + 300_000, 1, "__name__", "up", "instance", "2");
    g.eval(ctx, T0 + 301_000);
    List<double[]> one = samples("r", "instance", "1");
    assertEquals(2, one.size());
    assertEquals(
        0x7ff0000000000002L, Double.doubleToRawLongBits(one.get(1)[1]), "stale marker expected");
    assertEquals(T0 + 301_000.0, one.get(1)[0]);
  }

  @Test
  void limitAndManyToManyFailTheRuleNotTheGroup() throws Exception {
    add(T0, 1, "__name__", "up", "instance", "1", "job", "a");
    add(T0, 1, "__name__", "up", "instance", "2", "job", "a");
    Group g =
        group(
            """
            groups:
              - name: g
                limit: 1
                rules:
                  - record: too_many
                    expr: up
                  - record: m2m
                    expr: up * on(job) up
                  - record: fine
                    expr: count(up)
            """);
    g.eval(ctx, T0 + 1000);
    assertEquals("err", g.rules.get(0).health);
    assertEquals("exceeded limit of 1 with 2 series", g.rules.get(0).lastError);
    assertEquals("err", g.rules.get(1).health);
    assertTrue(g.rules.get(1).lastError.contains("many-to-many"), g.rules.get(1).lastError);
    assertEquals("ok", g.rules.get(2).health);
    assertEquals(0, samples("too_many").size());
    assertEquals(2.0, samples("fine").get(0)[1]);
    assertEquals(3, g.evaluations.get());
    assertEquals(2, g.failures.get());
  }

  @Test
  void alertGoesPendingFiringResolvedWithAlertsSeries() throws Exception {
    Group g =
        group(
            """
            groups:
              - name: g
                rules:
                  - alert: Down
                    expr: up == 0
                    for: 2m
                    labels: {severity: page}
                    annotations:
                      summary: "{{ $labels.instance }} down, value {{ $value }}"
            """);
    long step = 60_000;
    for (int i = 0; i <= 3; i++) {
      add(T0 + i * step, 0, "__name__", "up", "instance", "h1");
    }
    g.eval(ctx, T0);
    AlertingRule rule = (AlertingRule) g.rules.get(0);
    assertEquals(AlertState.PENDING, rule.state());
    assertEquals(List.of(), sent.isEmpty() ? List.of() : sent.get(0));
    g.eval(ctx, T0 + step);
    assertEquals(AlertState.PENDING, rule.state());
    g.eval(ctx, T0 + 2 * step);
    assertEquals(AlertState.FIRING, rule.state());
    ActiveAlert a = rule.activeAlerts().get(0);
    assertEquals(Labels.of("alertname", "Down", "instance", "h1", "severity", "page"), a.labels());
    assertEquals("h1 down, value 0", a.annotations().get("summary"));
    assertEquals(T0, a.activeAtMs());
    // Sent once when it fired, with endsAt four resend delays ahead.
    List<OutgoingAlert> first = sent.get(sent.size() - 1);
    assertEquals(1, first.size());
    assertEquals(T0 + 2 * step, first.get(0).startsAtMs());
    assertEquals(T0 + 2 * step + 4 * step, first.get(0).endsAtMs());
    assertTrue(first.get(0).generatorUrl().endsWith("/graph?g0.expr=up+%3D%3D+0&g0.tab=1"));
    // Pending at the first two evaluations, then the pending series goes stale as firing starts.
    List<double[]> alerts = samples("ALERTS", "alertstate", "pending");
    assertEquals(3, alerts.size());
    assertEquals(1.0, alerts.get(1)[1]);
    assertEquals(0x7ff0000000000002L, Double.doubleToRawLongBits(alerts.get(2)[1]));
    assertEquals(1, samples("ALERTS", "alertstate", "firing").size());
    assertEquals((double) (T0 / 1000), samples("ALERTS_FOR_STATE").get(0)[1]);
    // The condition clears: resolved, sent with endsAt = resolution time, ALERTS goes stale.
    add(T0 + 4 * step, 1, "__name__", "up", "instance", "h1");
    int before = sent.size();
    g.eval(ctx, T0 + 4 * step);
    assertEquals(AlertState.INACTIVE, rule.state());
    assertEquals(List.of(), rule.activeAlerts());
    OutgoingAlert resolved = sent.get(before).get(0);
    assertEquals(T0 + 4 * step, resolved.endsAtMs());
    List<double[]> firing = samples("ALERTS", "alertstate", "firing");
    assertTrue(Double.isNaN(firing.get(firing.size() - 1)[1]));
    assertEquals(
        List.of("Down h1 inactive->pending", "Down h1 pending->firing", "Down h1 firing->inactive"),
        events);
  }

  @Test
  void keepFiringForHoldsTheAlert() throws Exception {
    Group g =
        group(
            """
            groups:
              - name: g
                rules:
                  - alert: Down
                    expr: up == 0
                    keep_firing_for: 2m
            """);
    add(T0, 0, "__name__", "up", "instance", "h1");
    g.eval(ctx, T0);
    AlertingRule rule = (AlertingRule) g.rules.get(0);
    assertEquals(AlertState.FIRING, rule.state());
    add(T0 + 60_000, 1, "__name__", "up", "instance", "h1");
    g.eval(ctx, T0 + 60_000);
    assertEquals(AlertState.FIRING, rule.state());
    assertEquals(T0 + 60_000, rule.activeAlerts().get(0).keepFiringSinceMs());
    g.eval(ctx, T0 + 120_000);
    assertEquals(AlertState.FIRING, rule.state());
    g.eval(ctx, T0 + 180_000);
    assertEquals(AlertState.INACTIVE, rule.state());
  }

  @Test
  void firingAlertsAreResentAfterTheResendDelay() throws Exception {
    Group g =
        group(
            """
            groups:
              - name: g
                interval: 15s
                rules:
                  - alert: Down
                    expr: vector(1)
            """);
    for (int i = 0; i <= 10; i++) {
      g.eval(ctx, T0 + i * 15_000L);
    }
    // Fires at T0, then resent when more than 1m has passed since the last send: T0+75s, T0+150s.
    List<Long> sendTimes = new ArrayList<>();
    for (List<OutgoingAlert> batch : sent) {
      sendTimes.add(batch.get(0).endsAtMs() - 4 * 60_000);
    }
    assertEquals(List.of(T0, T0 + 75_000, T0 + 150_000), sendTimes);
  }

  @Test
  void forStateIsRestoredAfterARestart() throws Exception {
    // Before the "restart": pending since T0, ALERTS_FOR_STATE written until T0 + 4m.
    for (int i = 0; i <= 4; i++) {
      add(
          T0 + i * 60_000L,
          T0 / 1000,
          "__name__",
          "ALERTS_FOR_STATE",
          "alertname",
          "Slow",
          "instance",
          "h1");
    }
    for (int i = 0; i <= 12; i++) {
      add(T0 + i * 60_000L, 0, "__name__", "up", "instance", "h1");
    }
    Group g =
        new Group(
            RuleFiles.parse(
                    "test.yml",
                    """
                    groups:
                      - name: g
                        rules:
                          - alert: Slow
                            expr: up == 0
                            for: 30m
                    """)
                .get(0),
            ctx.options);
    long restart = T0 + 10 * 60_000L; // down for 6 minutes
    clock.set(restart);
    g.eval(ctx, restart);
    AlertingRule rule = (AlertingRule) g.rules.get(0);
    assertEquals(0, samples("ALERTS").size(), "no ALERTS before the state is restored");
    rule.restore(ctx, restart);
    // 4 of 30 minutes were spent pending before going down; the 6 minutes down do not count.
    ActiveAlert a = rule.activeAlerts().get(0);
    assertEquals(T0 + 6 * 60_000L, a.activeAtMs());
  }

  @Test
  void restoreHonoursTheGracePeriod() throws Exception {
    // Pending for 25 of 30 minutes before going down: at most the grace period (10m) is left.
    long pendingSince = T0 - 25 * 60_000L;
    add(
        T0,
        pendingSince / 1000,
        "__name__",
        "ALERTS_FOR_STATE",
        "alertname",
        "Slow",
        "instance",
        "h1");
    add(T0 + 60_000, 0, "__name__", "up", "instance", "h1");
    Group g =
        new Group(
            RuleFiles.parse(
                    "test.yml",
                    "groups:\n  - name: g\n    rules:\n      - alert: Slow\n"
                        + "        expr: up == 0\n        for: 30m\n")
                .get(0),
            ctx.options);
    long restart = T0 + 60_000;
    g.eval(ctx, restart);
    AlertingRule rule = (AlertingRule) g.rules.get(0);
    rule.restore(ctx, restart);
    assertEquals(restart + 10 * 60_000L - 30 * 60_000L, rule.activeAlerts().get(0).activeAtMs());
  }

  @Test
  void alertLimitFailsTheRuleAndForgetsItsAlerts() throws Exception {
    for (int i = 0; i < 3; i++) {
      add(T0, 0, "__name__", "up", "instance", "h" + i);
    }
    Group g =
        group(
            "groups:\n  - name: g\n    limit: 2\n    rules:\n      - alert: Down\n        expr: up == 0\n");
    g.eval(ctx, T0);
    assertEquals("err", g.rules.get(0).health);
    assertEquals("exceeded limit of 2 with 3 alerts", g.rules.get(0).lastError);
    assertEquals(List.of(), ((AlertingRule) g.rules.get(0)).activeAlerts());
    assertEquals(0, samples("ALERTS").size());
  }

  @Test
  void aQueryOverMaxSamplesFailsOnlyItsRule() throws Exception {
    for (int i = 99; i >= 0; i--) {
      add(T0 - i * 1000L, i, "__name__", "busy", "i", "1");
    }
    ctx =
        new RuleContext(
            new Engine(io.cardinal.promql.engine.EngineOptions.defaults().withMaxSamples(50)),
            db::querier,
            db::appender,
            clock::get,
            RuleOptions.defaults());
    Group g =
        group(
            "groups:\n  - name: g\n    rules:\n      - record: heavy\n"
                + "        expr: sum_over_time(busy[5m])\n      - record: light\n"
                + "        expr: busy\n");
    g.eval(ctx, T0);
    assertEquals("err", g.rules.get(0).health);
    assertTrue(
        g.rules.get(0).lastError.contains("query processing would load too many samples"),
        g.rules.get(0).lastError);
    assertEquals("ok", g.rules.get(1).health);
    assertEquals(1, samples("light").size());
  }

  @Test
  void templateErrorsShowInTheAnnotationAndEvaluationGoesOn() throws Exception {
    add(T0, 3, "__name__", "up", "instance", "h1");
    Group g =
        group(
            "groups:\n  - name: g\n    rules:\n      - alert: T\n        expr: up\n"
                + "        annotations:\n          bad: '{{ index $labels 1 }}'\n"
                + "          good: '{{ $value | printf \"%.1f\" }}'\n");
    g.eval(ctx, T0);
    ActiveAlert a = ((AlertingRule) g.rules.get(0)).activeAlerts().get(0);
    assertTrue(
        a.annotations().get("bad").startsWith("<error expanding template: "),
        a.annotations().get("bad"));
    assertEquals("3.0", a.annotations().get("good"));
    assertEquals("ok", g.rules.get(0).health);
  }

  @Test
  void duplicateAlertLabelsFailTheRule() throws Exception {
    add(T0, 1, "__name__", "a", "x", "1");
    add(T0, 1, "__name__", "b", "x", "1");
    Group g =
        group(
            "groups:\n  - name: g\n    rules:\n      - alert: Dup\n        expr: '{__name__=~\"a|b\"}'\n");
    g.eval(ctx, T0);
    assertEquals("err", g.rules.get(0).health);
    assertEquals(
        "vector contains metrics with the same labelset after applying alert labels",
        g.rules.get(0).lastError);
  }
}
