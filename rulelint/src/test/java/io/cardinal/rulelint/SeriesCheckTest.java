package io.cardinal.rulelint;

import static io.cardinal.rulelint.Fixture.MIN;
import static io.cardinal.rulelint.Fixture.l;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SeriesCheckTest {
  private Fixture fx;

  @BeforeEach
  void setUp() {
    fx = new Fixture();
    fx.counter(
        l("__name__", "http_requests_total", "job", "api", "code", "200"), 120 * MIN, 0, 15_000);
    // stopped an hour ago
    fx.gauge(l("__name__", "old_metric", "job", "api"), 180 * MIN, 60 * MIN, 15_000, 1);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void metricThatNeverExisted() throws Exception {
    List<Finding> f =
        Fixture.of(
            fx.lint(Fixture.alerts("Typo", "rate(http_requests_totl[5m]) > 0")),
            SeriesCheck.MISSING);
    assertEquals(1, f.size(), f.toString());
    assertEquals(Severity.PROBLEM, f.get(0).severity());
    assertEquals(
        "metric http_requests_totl has no series now and never existed within retention",
        f.get(0).message());
    assertEquals("http_requests_totl", f.get(0).details().get("metric"));
    assertEquals(4, f.get(0).line());
    assertEquals("g", f.get(0).group());
    assertEquals("Typo", f.get(0).rule());
  }

  @Test
  void metricThatStoppedBeingExported() throws Exception {
    List<Finding> all = fx.lint(Fixture.alerts("Old", "old_metric > 0"));
    assertTrue(Fixture.of(all, SeriesCheck.MISSING).isEmpty(), all.toString());
    List<Finding> f = Fixture.of(all, SeriesCheck.DISAPPEARED);
    assertEquals(1, f.size(), all.toString());
    assertEquals(Severity.WARNING, f.get(0).severity());
    assertEquals(
        "metric old_metric has no series now: metric stopped being exported at"
            + " 2026-01-10T11:00:00Z",
        f.get(0).message());
    assertEquals("2026-01-10T11:00:00Z", f.get(0).details().get("lastSample"));
  }

  @Test
  void quietForMetricsThatExistAbsentRecordedAndAlerts() throws Exception {
    String rules =
        """
        groups:
        - name: g
          rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
          - alert: Fine
            expr: rate(http_requests_total{code="200"}[5m]) > 0
          - alert: Recorded
            expr: job:http_requests:rate5m > 0
          - alert: Gone
            expr: absent(never_there{job="x"})
          - alert: AlertsSeries
            expr: ALERTS{alertname="Fine"}
        """;
    List<Finding> all = fx.lint(rules);
    assertTrue(Fixture.of(all, SeriesCheck.MISSING).isEmpty(), all.toString());
    assertTrue(Fixture.of(all, SeriesCheck.DISAPPEARED).isEmpty(), all.toString());
  }

  @Test
  void eachMetricOncePerRule() throws Exception {
    List<Finding> f =
        Fixture.of(
            fx.lint(Fixture.alerts("Twice", "nope_total > 0 and nope_total < 10 or other_nope")),
            SeriesCheck.MISSING);
    assertEquals(2, f.size(), f.toString());
  }

  @Test
  void disabledCheckDoesNotRun() throws Exception {
    List<Finding> f =
        fx.lint(
            Fixture.alerts("Typo", "nope > 0"),
            Fixture.options().withDisabledChecks(List.of(SeriesCheck.MISSING)));
    assertTrue(Fixture.of(f, SeriesCheck.MISSING).isEmpty(), f.toString());
  }
}
