package io.cardinal.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.promql.engine.Engine;
import io.cardinal.promql.engine.EngineOptions;
import io.cardinal.promql.engine.Value;
import io.cardinal.streaming.Plan;
import io.cardinal.streaming.StreamingRuntime;
import io.cardinal.testing.Seeds;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random alerting rules (with {@code for} and {@code keep_firing_for}) over random scraped data,
 * run by the rule engine twice: once querying the database, once on the streaming runtime. Every
 * evaluation leaves the same alerts in the same states, with the same values and timestamps, and
 * both write the same ALERTS series.
 */
class StreamingAlertsDifferentialTest {
  static final long T0 = 1_700_000_000_000L - 1_700_000_000_000L % 60_000;
  static final double STALE = Double.longBitsToDouble(0x7ff0000000000002L);

  private static final String[] SHAPES = {
    "sum by (job) (rate(req_total[1m])) > %s",
    "rate(req_total[2m]) > %s",
    "increase(req_total{job=~\"j[01]\"}[90s]) < %s",
    "max_over_time(temp[5m]) > %s",
    "avg by (job) (temp) < %s",
    "temp > %s",
    "count_over_time((temp > %s)[5m:1m]) >= 3",
    "changes(temp[3m]) > 1 and on (job, inst) temp > %s",
    "sum by (job) (rate(req_total[1m])) / on (job) count by (job) (temp) > %s",
    "delta(temp[2m]) > %s",
  };

  @Test
  void alertsAreTheSameBothWays() {
    long seed = Seeds.seed("StreamingAlertsDifferentialTest");
    Random rnd = new Random(seed);
    int transitions = 0;
    int evaluations = 0;
    for (int scenario = 0; scenario < 4; scenario++) {
      int[] counts = scenario(new Random(rnd.nextLong()), seed);
      transitions += counts[0];
      evaluations += counts[1];
    }
    System.out.printf(
        "streaming alerts differential: %d rule evaluations, %d alert state changes%n",
        evaluations, transitions);
    assertTrue(transitions > 50, "too few alert state changes to compare: " + transitions);
  }

  private static int[] scenario(Random rnd, long seed) {
    try (Cardinal db = Cardinal.inMemory();
        Cardinal outQuery = Cardinal.inMemory();
        Cardinal outStream = Cardinal.inMemory()) {
      StreamingRuntime rt =
          StreamingRuntime.attach(db, EngineOptions.defaults(), StreamingRuntime.DEFAULT_GRACE_MS);
      List<RuleSpec> specs = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String shape = SHAPES[rnd.nextInt(SHAPES.length)];
        double threshold =
            shape.startsWith("count_over_time") || shape.startsWith("changes")
                ? 40 + rnd.nextInt(40)
                : shape.contains("rate") || shape.contains("increase")
                    ? rnd.nextDouble() * 3
                    : shape.startsWith("delta") ? rnd.nextDouble() * 10 : 30 + rnd.nextInt(50);
        long forMs = new long[] {0, 30_000, 60_000, 120_000}[rnd.nextInt(4)];
        long keepMs = rnd.nextInt(3) == 0 ? 60_000 : 0;
        specs.add(
            new RuleSpec(
                null,
                "A" + i,
                String.format(java.util.Locale.ROOT, shape, threshold),
                forMs,
                keepMs,
                Labels.of("severity", "page"),
                Labels.of("summary", "{{ $labels.job }} at {{ $value }}"),
                0));
      }
      GroupSpec spec = GroupSpec.of("g", specs).withInterval(30_000);
      RuleOptions opts = RuleOptions.defaults();
      long[] clock = {T0};
      RuleContext qctx =
          new RuleContext(new Engine(), db::querier, outQuery::appender, () -> clock[0], opts);
      RuleContext sctx =
          new RuleContext(new Engine(), db::querier, outStream::appender, () -> clock[0], opts);
      Group queried = new Group(spec, opts);
      Group streamed = new Group(spec, opts);
      streamed.startStreaming(backend(rt));
      for (Group g : List.of(queried, streamed)) {
        for (Rule r : g.rules) {
          ((AlertingRule) r).restored = true;
        }
      }
      for (Rule r : streamed.rules) {
        assertNotNull(r.streaming, r.expr.toPromQL() + " streams: " + r.queryReason);
      }

      Scrapes data = new Scrapes(rnd);
      Appender app = db.appender();
      int transitions = 0;
      int evaluations = 0;
      java.util.Set<String> previous = null;
      for (long t = T0; t < T0 + 45 * 60_000L; t += 30_000) {
        // Scrapes in (t - 30s, t]; a late target's are committed after the evaluation at t.
        boolean late = rnd.nextInt(4) == 0;
        data.scrape(app, t - 30_000, t, late ? 1 : -1);
        clock[0] = t;
        queried.eval(qctx, t);
        streamed.eval(sctx, t);
        evaluations += specs.size();
        List<String> q = alerts(queried);
        List<String> s = alerts(streamed);
        assertEquals(
            q, s, "alerts after the evaluation at " + (t - T0) / 1000 + "s" + Seeds.at(seed));
        java.util.Set<String> now = states(queried);
        if (previous != null) {
          transitions += diff(previous, now);
        }
        previous = now;
        if (late) {
          data.scrape(app, t - 30_000, t, 0);
        }
      }
      assertEquals(0, rt.fallbacks(), "every evaluation served from state" + Seeds.at(seed));
      assertEquals(
          outQuery.query("ALERTS", java.time.Instant.ofEpochMilli(clock[0])).toString(),
          outStream.query("ALERTS", java.time.Instant.ofEpochMilli(clock[0])).toString());
      assertEquals(
          outQuery
              .query("count_over_time(ALERTS[1h])", java.time.Instant.ofEpochMilli(clock[0]))
              .toString(),
          outStream
              .query("count_over_time(ALERTS[1h])", java.time.Instant.ofEpochMilli(clock[0]))
              .toString());
      streamed.stopStreaming();
      rt.close();
      return new int[] {transitions, evaluations};
    }
  }

  /** Alerts that appeared, went, or changed state between two evaluations. */
  private static int diff(java.util.Set<String> x, java.util.Set<String> y) {
    int n = 0;
    for (String k : y) {
      n += x.contains(k) ? 0 : 1;
    }
    for (String k : x) {
      n += y.contains(k) ? 0 : 1;
    }
    return n;
  }

  /** "rule labels state" of each active alert. */
  private static java.util.Set<String> states(Group g) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (Rule r : g.rules) {
      for (ActiveAlert a : ((AlertingRule) r).activeAlerts()) {
        out.add(r.name() + " " + a.labels() + " " + a.state());
      }
    }
    return out;
  }

  /** Every active alert of every rule, in a stable order, with everything the engine keeps. */
  private static List<String> alerts(Group g) {
    List<String> out = new ArrayList<>();
    for (Rule r : g.rules) {
      List<ActiveAlert> as = new ArrayList<>(((AlertingRule) r).activeAlerts());
      as.sort(Comparator.comparing(a -> a.labels().toString()));
      for (ActiveAlert a : as) {
        out.add(r.name() + " " + a);
      }
    }
    return out;
  }

  private static StreamingBackend backend(StreamingRuntime rt) {
    return expr -> {
      Plan p = rt.plan(expr);
      if (!p.streamable()) {
        return new StreamingBackend.Registration(null, p.reason());
      }
      StreamingRuntime.Handle h = rt.register(p);
      return new StreamingBackend.Registration(
          new StreamingBackend.Handle() {
            @Override
            public List<Value.Sample> evaluate(long t) {
              return h.evaluate(t);
            }

            @Override
            public void close() {
              h.close();
            }
          },
          null);
    };
  }

  /**
   * Nine targets (three jobs of three instances) with a counter and a gauge each, scraped every 15
   * s at their own offset: counters reset, scrapes go missing, targets go away (stale markers) and
   * come back, and one target at a time may report late.
   */
  static final class Scrapes {
    final Random rnd;
    final double[] counter = new double[9];
    final double[] temp = new double[9];
    final boolean[] down = new boolean[9];
    final long[] offset = new long[9];

    Scrapes(Random rnd) {
      this.rnd = rnd;
      for (int i = 0; i < 9; i++) {
        offset[i] = rnd.nextInt(15_000);
        temp[i] = 40 + rnd.nextInt(40);
      }
    }

    /**
     * Appends the scrapes in (from, to]: of every target but the late one ({@code lateTarget} > 0:
     * target 0 is late and skipped), or of the late one only ({@code lateTarget} == 0), or of all
     * ({@code lateTarget} < 0).
     */
    void scrape(Appender app, long from, long to, int lateTarget) {
      for (long base = from - from % 15_000; base <= to; base += 15_000) {
        for (int i = 0; i < 9; i++) {
          long ts = base + offset[i];
          if (ts <= from || ts > to) {
            continue;
          }
          if ((lateTarget > 0 && i == 0) || (lateTarget == 0 && i != 0)) {
            continue;
          }
          Labels c = Labels.of("__name__", "req_total", "job", "j" + i / 3, "inst", "i" + i);
          Labels g = Labels.of("__name__", "temp", "job", "j" + i / 3, "inst", "i" + i);
          if (lateTarget < 0 || lateTarget > 0) {
            step(i);
          }
          if (down[i]) {
            continue;
          }
          if (rnd.nextInt(40) == 0) {
            // The target goes away: Prometheus writes stale markers.
            down[i] = true;
            app.append(0, c, ts, STALE);
            app.append(0, g, ts, STALE);
            continue;
          }
          if (rnd.nextInt(25) == 0) {
            continue; // a failed scrape: no sample
          }
          app.append(0, c, ts, counter[i]);
          app.append(0, g, ts, temp[i]);
        }
        app.commit();
      }
    }

    private void step(int i) {
      if (down[i] && rnd.nextInt(8) == 0) {
        down[i] = false;
      }
      counter[i] = rnd.nextInt(60) == 0 ? rnd.nextInt(5) : counter[i] + rnd.nextInt(60);
      temp[i] = Math.max(0, temp[i] + rnd.nextGaussian() * 6);
    }
  }
}
