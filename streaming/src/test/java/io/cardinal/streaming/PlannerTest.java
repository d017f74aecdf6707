package io.cardinal.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.promql.PromQL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlannerTest {
  static final long LOOKBACK = 300_000;

  static Plan plan(String q) {
    return StreamingPlanner.compile(PromQL.parse(q), LOOKBACK);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "histogram_quantile(0.9, rate(x[5m])) | function histogram_quantile is not streamable",
        "max_over_time(rate(x[5m])[1h:1m]) | subqueries other than count_over_time((expr)[R:S]) are"
            + " not streamable",
        "sum(x offset 5m) | offset/@ modifiers are not streamable: the state holds only the window"
            + " before the evaluation time",
        "rate(x[5m] @ 100) | offset/@ modifiers are not streamable: the state holds only the window"
            + " before the evaluation time",
        "count_over_time((x > 1)[5m:1m] offset 1m) | offset/@ modifiers are not streamable: the"
            + " state holds only the window before the evaluation time",
        "topk(3, x) | aggregation topk is not streamable",
        "quantile(0.5, x) | aggregation quantile is not streamable",
        "quantile_over_time(0.5, x[5m]) | function quantile_over_time is not streamable",
        "deriv(x[5m]) | function deriv is not streamable",
        "abs(x) | function abs is not streamable",
        "absent(x) | function absent is not streamable",
        "x[5m] | a rule must yield a vector or a scalar, not a range vector",
        "rate(x[5m+1m]) | duration expressions are not streamable (the range must be a literal)",
        "count_over_time((x or y)[5m:1m]) | 'or' inside a subquery is not streamable",
        "sum_over_time((x > 1)[5m:1m]) | subqueries other than count_over_time((expr)[R:S]) are"
            + " not streamable",
        "count_over_time(x[5m:1m] @ end()) | offset/@ modifiers are not streamable: the state"
            + " holds only the window before the evaluation time",
        "time() | function time is not streamable"
      })
  void reasons(String q, String reason) {
    Plan p = plan(q);
    assertFalse(p.streamable(), q);
    assertEquals(reason, p.reason(), q);
    assertTrue(p.describe().startsWith("not streamable"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "up",
        "up == 0",
        "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m])) / sum by (job)"
            + " (rate(http_requests_total[5m])) > 0.05",
        "count_over_time((up == 0)[10m:1m]) >= 3",
        "avg without (cpu) (rate(node_cpu_seconds_total{mode!=\"idle\"}[1m])) > 0.9",
        "node_filesystem_avail_bytes / on (instance, device) group_left (job)"
            + " node_filesystem_size_bytes < 0.1",
        "up and on (job) (sum by (job) (up) > 1)",
        "-x",
        "x offset 0s",
        "42",
        "count_over_time((count_over_time((up == 0)[2m:30s]) > 1)[5m:])"
      })
  void streamable(String q) {
    Plan p = plan(q);
    assertTrue(p.streamable(), q + ": " + p.reason());
    assertNull(p.reason());
    assertFalse(p.describe().isEmpty());
  }

  @Test
  void windowCoversRangesLookbackAndSubqueries() {
    assertEquals(LOOKBACK, plan("up").windowMs());
    assertEquals(3_600_000, plan("rate(x[1h])").windowMs());
    assertEquals(600_000 + LOOKBACK, plan("count_over_time((up == 0)[10m:1m]) > 2").windowMs());
    assertEquals(
        600_000 + 300_000, plan("count_over_time((rate(x[5m]) > 1)[10m:1m]) > 2").windowMs());
    assertEquals(2, plan("rate(x[5m]) / x").selectors(), "one window for range, one for instant");
    assertEquals(1, plan("rate(x[5m]) / rate(x[1m])").selectors(), "one shared window");
    assertEquals(0, plan("1 + 1").selectors());
  }
}
