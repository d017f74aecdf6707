package io.cardinal.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.head.HeadOptions;
import io.cardinal.tsdb.labels.Labels;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Engine semantics beyond the promqltest scripts: exact numbers, error texts, limits. */
class EngineTest {
  private static final double STALE = Double.longBitsToDouble(0x7ff0000000000002L);

  private Head head;
  private final Engine engine = new Engine();

  @BeforeEach
  void setUp() {
    head =
        new Head(
            HeadOptions.defaults().withChunkRange(java.time.Duration.ofMillis(Long.MAX_VALUE / 4)));
  }

  @AfterEach
  void tearDown() {
    head.close();
  }

  private void series(Labels l, long startMs, long stepMs, double... values) {
    HeadAppender app = head.appender();
    long ref = 0;
    for (int i = 0; i < values.length; i++) {
      long r = app.append(ref, ref > 0 ? null : l, startMs + i * stepMs, values[i]);
      assertTrue(r > 0, "append rejected");
      ref = r;
    }
    app.commit();
  }

  private Value.Vector instant(String q, long t) {
    return (Value.Vector) engine.instantQuery(head::querier, q, t).value();
  }

  private double single(String q, long t) {
    List<Value.Sample> s = instant(q, t).samples();
    assertEquals(1, s.size(), q + " -> " + s);
    return s.get(0).value();
  }

  @Test
  void comparisonBetweenVectorsKeepsThePendingNameRemoval() {
    series(Labels.of("__name__", "x_total", "j", "a"), 0, 15_000, 0, 10, 20, 30, 40, 50);
    series(Labels.of("__name__", "y_total", "j", "a"), 0, 15_000, 0, 1, 2, 3, 4, 5);
    // rate() drops the name; a comparison that keeps rate's sample keeps that drop (Prometheus
    // gives {j="a"}), while one that keeps a raw selector's sample keeps its name.
    Value.Vector v = instant("rate(x_total[1m]) > rate(y_total[1m])", 75_000);
    assertEquals(
        List.of(Labels.of("j", "a")), v.samples().stream().map(Value.Sample::labels).toList());
    Value.Vector raw = instant("x_total >= x_total", 75_000);
    assertEquals(
        List.of(Labels.of("__name__", "x_total", "j", "a")),
        raw.samples().stream().map(Value.Sample::labels).toList());
  }

  @Test
  void rateExtrapolatesToRangeBoundariesWhenSamplesAreClose() {
    // 0, 10, ..., 100 at 15s intervals from t=15s: the window (60s, 180s] at t=180s holds
    // 75s..180s.
    series(
        Labels.of("__name__", "req_total"),
        15_000,
        15_000,
        0,
        10,
        20,
        30,
        40,
        50,
        60,
        70,
        80,
        90,
        100,
        110);
    // Samples 75s..180s: values 40..110 (8 samples), sampled interval 105s, avg 15s; start gap 15s
    // < 16.5s
    // so extrapolate fully to 60s; end gap 0. increase = 70 * 120 / 105 = 80.
    assertEquals(80.0, single("increase(req_total[2m])", 180_000), 1e-9);
    assertEquals(80.0 / 120, single("rate(req_total[2m])", 180_000), 1e-12);
  }

  @Test
  void rateExtrapolationIsLimitedByZeroPointAndHalfInterval() {
    // Counter starting at 5 with a reset: 5, 10, 2, 4 at 0,30,60,90s; evaluated at 120s with [2m].
    series(Labels.of("__name__", "c_total"), 0, 30_000, 5, 10, 2, 4);
    // Window (0, 120] holds 30s..90s: 10, 2, 4 -> increase 4 - 10 + 10 (reset) = 4.
    // sampled interval 60s, avg 30s, threshold 33s: start gap 30s -> extrapolate to 0s; zero point:
    // 60 * 10 / 4 = 150s > 30s so no cap; end gap 30s -> extrapolate. factor = 120/60 = 2 -> 8.
    assertEquals(8.0, single("increase(c_total[2m])", 120_000), 1e-9);
    // Far from the end: last sample at 90s, window end 300s -> end gap limited to half the average
    // interval.
    // Window (180s, 300s] is empty -> no result.
    assertTrue(instant("increase(c_total[2m])", 300_000).samples().isEmpty());
  }

  @Test
  void lookbackAndStaleMarkers() {
    series(Labels.of("__name__", "g"), 0, 60_000, 1, 2);
    assertEquals(2.0, single("g", 60_000 + 299_999), 0);
    assertTrue(instant("g", 60_000 + 300_000).samples().isEmpty(), "lookback is left-open");
    HeadAppender app = head.appender();
    app.append(0, Labels.of("__name__", "g"), 120_000, STALE);
    app.commit();
    assertTrue(instant("g", 150_000).samples().isEmpty(), "stale marker ends the series");
    assertEquals(2.0, single("g", 119_999), 0);
  }

  @Test
  void rangeSelectorsAreLeftOpen() {
    series(Labels.of("__name__", "m"), 0, 60_000, 1, 2, 3);
    assertEquals(2.0, single("count_over_time(m[2m])", 120_000), 0);
    assertEquals(3.0, single("count_over_time(m[2m1ms])", 120_000), 0);
  }

  @Test
  void rangeQueryStepsAndOffset() {
    series(Labels.of("__name__", "m", "a", "x"), 0, 60_000, 1, 2, 3, 4);
    QueryResult r = engine.rangeQuery(head::querier, "m offset 1m", 0, 180_000, 60_000);
    Value.Series s = ((Value.Matrix) r.value()).series().get(0);
    assertEquals(Labels.of("__name__", "m", "a", "x"), s.labels());
    assertEquals(
        List.of(60_000L, 120_000L, 180_000L),
        java.util.Arrays.stream(s.timestamps()).boxed().toList());
    assertEquals(3.0, s.values()[2], 0);
  }

  @Test
  void manyToManyMatchingErrorText() {
    series(Labels.of("__name__", "a", "job", "j", "i", "1"), 0, 60_000, 1);
    series(Labels.of("__name__", "b", "job", "j", "i", "1"), 0, 60_000, 1);
    series(Labels.of("__name__", "b", "job", "j", "i", "2"), 0, 60_000, 1);
    QueryException e = assertThrows(QueryException.class, () -> instant("a + on(job) b", 0));
    assertEquals(
        "found duplicate series for the match group {job=\"j\"} on the right hand-side of the operation: "
            + "[{__name__=\"b\", i=\"2\", job=\"j\"}, {__name__=\"b\", i=\"1\", job=\"j\"}]"
            + ";many-to-many matching not allowed: matching labels must be unique on one side",
        e.getMessage());
    assertEquals(QueryException.Kind.EXECUTION, e.kind());
    QueryException e2 = assertThrows(QueryException.class, () -> instant("b + on(job) a", 0));
    assertEquals(
        "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
        e2.getMessage());
    assertEquals(2, instant("b + on(job) group_left a", 0).samples().size());
  }

  @Test
  void sameLabelsetAfterNameDropIsAnError() {
    series(Labels.of("__name__", "a", "job", "j"), 0, 60_000, 1);
    series(Labels.of("__name__", "b", "job", "j"), 0, 60_000, 1);
    QueryException e = assertThrows(QueryException.class, () -> instant("-{job=\"j\"}", 0));
    assertEquals("vector cannot contain metrics with the same labelset", e.getMessage());
    // Keeping the name through label_replace avoids the collision.
    assertEquals(
        2,
        instant("label_replace(-{job=\"j\"}, \"__name__\", \"x$1\", \"__name__\", \"(.*)\")", 0)
            .samples()
            .size());
  }

  @Test
  void maxSamplesLimit() {
    for (int i = 0; i < 20; i++) {
      series(Labels.of("__name__", "m", "i", Integer.toString(i)), 0, 10_000, 1, 2, 3, 4, 5, 6);
    }
    Engine small = new Engine(EngineOptions.defaults().withMaxSamples(50));
    QueryException e =
        assertThrows(
            QueryException.class, () -> small.instantQuery(head::querier, "m[1m]", 60_000));
    assertEquals(
        "query processing would load too many samples into memory in query execution",
        e.getMessage());
    assertEquals(QueryException.Kind.TOO_MANY_SAMPLES, e.kind());
    // One series' window at a time plus the 20 output points stays under the limit.
    assertEquals(
        100.0,
        ((Value.Vector)
                small.instantQuery(head::querier, "sum(count_over_time(m[1m]))", 60_000).value())
            .samples()
            .get(0)
            .value(),
        0);
  }

  @Test
  void timeout() {
    for (int i = 0; i < 200; i++) {
      double[] v = new double[200];
      java.util.Arrays.fill(v, i);
      series(Labels.of("__name__", "m", "i", Integer.toString(i)), 0, 15_000, v);
    }
    Engine fast = new Engine(EngineOptions.defaults().withTimeout(java.time.Duration.ofMillis(1)));
    QueryException e =
        assertThrows(
            QueryException.class,
            () ->
                fast.rangeQuery(
                    head::querier,
                    "sum(rate(m[5m])) + sum(max_over_time(m[5m:15s])) + count(m * on(i) m)",
                    0,
                    3_000_000,
                    15_000));
    assertEquals(QueryException.Kind.TIMEOUT, e.kind());
    assertTrue(e.getMessage().startsWith("query timed out in "), e.getMessage());
  }

  @Test
  void experimentalFunctionsAreGated() {
    series(Labels.of("__name__", "m"), 0, 60_000, 1);
    QueryException e =
        assertThrows(QueryException.class, () -> instant("sort_by_label(m, \"a\")", 0));
    assertEquals("function \"sort_by_label\" is not enabled", e.getMessage());
    QueryException e2 = assertThrows(QueryException.class, () -> instant("limitk(1, m)", 0));
    assertTrue(e2.getMessage().startsWith("limitk() is experimental"), e2.getMessage());
    Engine exp = new Engine(EngineOptions.defaults().withExperimentalFunctions(true));
    assertEquals(
        1,
        ((Value.Vector) exp.instantQuery(head::querier, "limitk(1, m)", 0).value())
            .samples()
            .size());
  }

  @Test
  void subqueryStepsAreAlignedToMultiplesOfTheStep() {
    series(Labels.of("__name__", "m"), 0, 10_000, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    // Inner steps at multiples of 20s in (45s, 95s]: 60s, 80s -> values 6 and 8.
    Value.Matrix m =
        (Value.Matrix) engine.instantQuery(head::querier, "m[50s:20s]", 95_000).value();
    assertEquals(
        List.of(60_000L, 80_000L),
        java.util.Arrays.stream(m.series().get(0).timestamps()).boxed().toList());
    assertEquals(8.0, m.series().get(0).values()[1], 0);
  }

  @Test
  void histogramQuantileInterpolatesAndFixesMonotonicity() {
    series(Labels.of("__name__", "h_bucket", "le", "1"), 0, 60_000, 10);
    series(
        Labels.of("__name__", "h_bucket", "le", "2"), 0, 60_000, 8); // non-monotonic, lifted to 10
    series(Labels.of("__name__", "h_bucket", "le", "4"), 0, 60_000, 20);
    series(Labels.of("__name__", "h_bucket", "le", "+Inf"), 0, 60_000, 20);
    QueryResult r = engine.instantQuery(head::querier, "histogram_quantile(0.75, h_bucket)", 0);
    // rank 15 falls in (2, 4] holding 10 observations after the fix-up: 2 + 2 * 5/10 = 3.
    assertEquals(3.0, ((Value.Vector) r.value()).samples().get(0).value(), 1e-12);
    assertEquals(Labels.EMPTY, ((Value.Vector) r.value()).samples().get(0).labels());
    assertTrue(r.infos().get(0).contains("monotonicity"), r.infos().toString());
  }
}
