package io.cardinal.rulelint;

import static io.cardinal.rulelint.Fixture.MIN;
import static io.cardinal.rulelint.Fixture.NOW_MS;
import static io.cardinal.rulelint.Fixture.l;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.labels.Labels;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BacktestCheckTest {
  private Fixture fx;

  @BeforeEach
  void setUp() {
    fx = new Fixture();
    // 3 hours of data, one sample a minute; 10 from 90 to 60 minutes ago, else 1
    long hiFrom = NOW_MS - 90 * MIN;
    long hiTo = NOW_MS - 60 * MIN;
    fx.series(
        l("__name__", "errors", "job", "api"),
        180 * MIN,
        0,
        MIN,
        t -> t >= hiFrom && t < hiTo ? 10 : 1);
    // a second label set, high for the last 5 minutes
    fx.series(
        l("__name__", "errors", "job", "web"),
        180 * MIN,
        0,
        MIN,
        t -> t > NOW_MS - 5 * MIN ? 10 : 1);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private Finding backtest(String alert) throws Exception {
    List<Finding> f =
        Fixture.of(
            fx.lint("groups:\n- name: g\n  interval: 1m\n  rules:\n" + alert), BacktestCheck.ID);
    assertEquals(1, f.size(), f.toString());
    assertEquals(Severity.INFO, f.get(0).severity());
    return f.get(0);
  }

  @Test
  void firesWithFor() throws Exception {
    Finding f = backtest("  - alert: High\n    expr: errors{job=\"api\"} > 5\n    for: 10m\n");
    assertEquals(1, f.details().get("firings"), f.toString());
    assertEquals(20 * MIN, f.details().get("totalFiringMs"), f.toString());
    assertEquals(20 * MIN, f.details().get("longestFiringMs"), f.toString());
    assertTrue(
        f.message().startsWith("backtest: would have fired 1 time(s) across 1 label set(s) over"),
        f.message());
    assertTrue(f.message().contains("20m firing in total, the longest 20m"), f.message());
    // the window is clamped to the stored data: it starts at the oldest sample
    assertEquals(
        Instant.ofEpochMilli(NOW_MS - 180 * MIN).toString(), f.details().get("windowStart"));
  }

  @Test
  void keepFiringForExtendsTheAlert() throws Exception {
    Finding f =
        backtest(
            "  - alert: High\n    expr: errors{job=\"api\"} > 5\n    for: 10m\n"
                + "    keep_firing_for: 15m\n");
    assertEquals(35 * MIN, f.details().get("totalFiringMs"), f.toString());
  }

  @Test
  void countsLabelSetsAndStillFiring() throws Exception {
    Finding f = backtest("  - alert: High\n    expr: errors > 5\n");
    assertEquals(2, f.details().get("firings"), f.toString());
    assertEquals(2, f.details().get("labelSetsFired"), f.toString());
    assertEquals(1, f.details().get("firingAtEnd"), f.toString());
    assertTrue(f.message().contains("1 still firing"), f.message());
  }

  @Test
  void quietAlertsSaySo() throws Exception {
    Finding f = backtest("  - alert: Never\n    expr: errors > 100\n");
    assertEquals(0, f.details().get("firings"));
    assertTrue(
        f.message().startsWith("backtest: would not have fired over the last 3h"), f.message());
    Finding pending =
        backtest("  - alert: TooLong\n    expr: errors{job=\"api\"} > 5\n    for: 1h\n");
    assertEquals(0, pending.details().get("firings"));
    assertTrue(
        pending.message().endsWith("1 label set(s) were pending but never for 1h"),
        pending.message());
  }

  @Test
  void recordingRulesAreNotBacktested() throws Exception {
    assertTrue(
        Fixture.of(
                fx.lint("groups:\n- name: g\n  rules:\n  - record: x:y\n    expr: errors\n"),
                BacktestCheck.ID)
            .isEmpty());
  }

  @Test
  void simulationFollowsTheRuleEngine() {
    long[] ts = {0, 60_000, 120_000, 300_000, 360_000};
    LintSource.Series s = new LintSource.Series(Labels.of("a", "1"), ts, new double[ts.length]);
    // for 1m: fires at 60s, resolved at 180s; again at 360s after activating at 300s
    BacktestCheck.Result r = BacktestCheck.simulate(List.of(s), 0, 420_000, 60_000, 60_000, 0);
    assertEquals(2, r.firings());
    assertEquals(1, r.labelSetsFired());
    assertEquals(120_000 + 60_000, r.totalFiringMs());
    assertEquals(120_000, r.longestFiringMs());
    // for 0, keep firing for 2m: one firing from 0 to the end
    r = BacktestCheck.simulate(List.of(s), 0, 420_000, 60_000, 0, 120_000);
    assertEquals(1, r.firings());
    assertEquals(420_000, r.totalFiringMs());
    assertEquals(1, r.firingAtEnd());
  }

  @Test
  void tooLittleDataToBacktest() throws Exception {
    try (Fixture young = new Fixture()) {
      young.gauge(l("__name__", "errors", "job", "api"), 30_000, 0, 15_000, 1);
      List<Finding> f =
          Fixture.of(
              young.lint(
                  "groups:\n- name: g\n  interval: 1m\n  rules:\n"
                      + "  - alert: A\n    expr: errors > 0\n"),
              BacktestCheck.ID);
      assertEquals(
          "backtest: not enough stored data (less than one evaluation interval of 1m)",
          f.get(0).message());
    }
  }

  @Test
  void longWindowsUseCoarserSteps() throws Exception {
    Finding f =
        Fixture.of(
                fx.lint(
                    "groups:\n- name: g\n  interval: 1s\n  rules:\n"
                        + "  - alert: High\n    expr: errors{job=\"api\"} > 5\n"),
                BacktestCheck.ID)
            .get(0);
    // 3h at 1s would be 10,801 steps: within the limit
    assertEquals(1000L, f.details().get("stepMs"), f.toString());
    assertEquals(30 * MIN, f.details().get("totalFiringMs"), f.toString());
    Finding coarse =
        Fixture.of(
                fx.lint(
                    "groups:\n- name: g\n  interval: 500ms\n  rules:\n"
                        + "  - alert: High\n    expr: errors{job=\"api\"} > 5\n"),
                BacktestCheck.ID)
            .get(0);
    assertEquals(1000L, coarse.details().get("stepMs"), coarse.toString());
    assertTrue(coarse.message().contains("coarser than the group's interval"), coarse.message());
  }
}
