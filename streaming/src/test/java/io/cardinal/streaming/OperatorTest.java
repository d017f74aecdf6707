package io.cardinal.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.promql.PromQL;
import io.cardinal.promql.engine.QueryException;
import io.cardinal.promql.engine.Value;
import io.cardinal.tsdb.labels.Labels;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each operator on small hand-made data: explicit values, and the engine's at many times. */
class OperatorTest {
  static final long B = 1_699_999_980_000L;
  Fixture f;

  @BeforeEach
  void setUp() {
    f = new Fixture();
  }

  @org.junit.jupiter.api.AfterEach
  void tearDown() {
    f.close();
  }

  /** Counters c_total{j=a} (0,15,30,... with a reset) and {j=b}; gauge g{j=a,k=1}, g{j=b}. */
  private void data() {
    double[] a = {0, 15, 30, 45, 60, 75, 5, 20, 35, 50};
    for (int i = 0; i < a.length; i++) {
      f.add(B + i * 15_000L, a[i], "c_total", "j", "a");
      f.add(B + i * 15_000L + 3_000, i * 2.5, "c_total", "j", "b");
      f.add(B + i * 15_000L + 1_000, i % 3 - 1, "g", "j", "a", "k", "1");
      if (i < 6) {
        f.add(B + i * 15_000L + 2_000, 10 - i, "g", "j", "b");
      }
    }
    f.add(B + 6 * 15_000L + 2_000, Fixture.STALE, "g", "j", "b");
  }

  private List<Value.Sample> at(String q, long t) {
    StreamingRuntime.Handle h = f.rt.register(PromQL.parse(q));
    try {
      return f.both(h, t);
    } finally {
      h.close();
    }
  }

  private static double value(List<Value.Sample> s, String j) {
    for (Value.Sample x : s) {
      if (x.labels().get("j").equals(j)) {
        return x.value();
      }
    }
    throw new AssertionError("no sample with j=" + j + " in " + s);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "c_total",
        "g",
        "rate(c_total[1m])",
        "increase(c_total[2m])",
        "delta(g[1m])",
        "irate(c_total[1m])",
        "idelta(g[1m])",
        "resets(c_total[5m])",
        "changes(g[5m])",
        "count_over_time(g[1m])",
        "present_over_time(g[1m])",
        "last_over_time(g[1m])",
        "sum_over_time(g[2m])",
        "avg_over_time(g[2m])",
        "min_over_time(g[2m])",
        "max_over_time(g[2m])",
        "stddev_over_time(g[2m])",
        "stdvar_over_time(g[2m])",
        "sum(rate(c_total[1m]))",
        "avg by (j) (g)",
        "min without (k) (g)",
        "max(g)",
        "count by (__name__) ({__name__=~\"g|c_total\"})",
        "group by (j) (g)",
        "stddev(g)",
        "stdvar by (j) ({__name__=~\"g|c_total\"})",
        "g * 2",
        "2 - g",
        "g > 0",
        "0 < g",
        "g >= bool 0",
        "-g",
        "c_total / on (j) g",
        "c_total > ignoring (k) g",
        "c_total + on (j) group_left (k) g",
        "g * on (j) group_right c_total",
        "g and c_total",
        "c_total unless on (j) g",
        "g or c_total",
        "count_over_time((g > -1)[1m:15s])",
        "count_over_time((rate(c_total[1m]) > 0.5)[2m:30s]) >= 2",
        "count_over_time((g)[1m:])",
        "1 + 2 * 3",
        "(((g)))"
      })
  void agreesWithEngine(String q) {
    StreamingRuntime.Handle h = f.rt.register(PromQL.parse(q));
    data();
    for (long t = B; t <= B + 12 * 15_000L; t += 2_500) {
      f.both(h, t);
    }
    h.close();
  }

  @Test
  void instantSelectorLooksBackFiveMinutesAndStopsAtStaleMarkers() {
    f.add(B, 1, "x", "j", "a");
    f.add(B, 2, "x", "j", "b");
    f.add(B + 15_000, Fixture.STALE, "x", "j", "b");
    StreamingRuntime.Handle h = f.rt.register(PromQL.parse("x"));
    assertEquals(2, f.both(h, B + 14_999).size());
    assertEquals(1, f.both(h, B + 15_000).size(), "stale marker hides j=b");
    assertEquals(1, f.both(h, B + 5 * 60_000L - 1).size());
    assertEquals(0, f.both(h, B + 5 * 60_000L).size(), "lookback window is left-open");
  }

  @Test
  void rangeWindowIsLeftOpenAndRateExtrapolates() {
    data();
    List<Value.Sample> c = at("count_over_time(c_total{j=\"a\"}[1m])", B + 60_000);
    assertEquals(4, c.get(0).value(), "the sample at t-1m is outside (t-1m, t]");
    // Samples 15..60 at B+15s..B+60s: 45 over 45s, extrapolated 15s to the window start.
    assertEquals(1.0, at("rate(c_total{j=\"a\"}[1m])", B + 60_000).get(0).value(), 1e-12);
    // Across the reset 75 -> 5 the value after the reset counts as the increase: 15 + 5 + 15.
    assertEquals(
        35 * 4 / 3.0 / 60, at("rate(c_total{j=\"a\"}[1m])", B + 105_000).get(0).value(), 1e-12);
    assertEquals(1, at("resets(c_total{j=\"a\"}[5m])", B + 135_000).get(0).value());
  }

  @Test
  void namesDropAsTheEngineDropsThem() {
    data();
    long t = B + 60_000;
    assertEquals("g", at("g > -5", t).get(0).labels().metricName(), "comparison keeps");
    assertEquals("", at("g > bool -5", t).get(0).labels().metricName(), "bool drops");
    assertEquals("", at("g + 1", t).get(0).labels().metricName(), "arithmetic drops");
    assertEquals("g", at("last_over_time(g[1m])", t).get(0).labels().metricName());
    assertEquals("", at("max_over_time(g[1m])", t).get(0).labels().metricName());
    assertEquals("g", at("max by (__name__) (g)", t).get(0).labels().metricName());
  }

  @Test
  void subqueryStepsAlignToMultiplesOfTheStep() {
    data();
    // Steps in (B+10s, B+70s] that are multiples of 15s: B+15, 30, 45, 60.
    List<Value.Sample> s = at("count_over_time((c_total >= 0)[1m:15s])", B + 70_000);
    assertEquals(4, value(s, "a"));
    assertEquals(4, value(s, "b"));
    List<Value.Sample> n = at("count_over_time((g > 0)[2m:15s]) >= 3", B + 120_000);
    for (Value.Sample x : n) {
      assertTrue(x.value() >= 3);
      assertEquals("", x.labels().metricName());
    }
  }

  @Test
  void scalarRuleIsOneSampleWithoutLabels() {
    List<Value.Sample> s = at("2 ^ 3", B);
    assertEquals(List.of(new Value.Sample(Labels.EMPTY, B, 8.0)), s);
  }

  @Test
  void duplicateMatchesFailWithTheEnginesMessage() {
    f.add(B, 1, "x", "j", "a", "i", "1");
    f.add(B, 2, "x", "j", "a", "i", "2");
    f.add(B, 3, "y", "j", "a");
    for (String q :
        new String[] {
          "y + on (j) x", "x + on (j) y", "rate(x[1m]) or rate(x[1m])", "x - ignoring (i) x"
        }) {
      StreamingRuntime.Handle h = f.rt.register(PromQL.parse(q));
      String want = null;
      try {
        f.engine(q, B + 1000);
      } catch (QueryException e) {
        want = e.getMessage();
      }
      if (want == null) {
        f.both(h, B + 1000);
      } else {
        StreamingEvaluationException e =
            assertThrows(StreamingEvaluationException.class, () -> h.evaluate(B + 1000));
        assertEquals(want, e.getMessage(), q);
      }
      h.close();
    }
  }
}
