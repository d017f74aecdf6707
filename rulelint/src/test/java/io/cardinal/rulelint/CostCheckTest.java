package io.cardinal.rulelint;

import static io.cardinal.rulelint.Fixture.MIN;
import static io.cardinal.rulelint.Fixture.l;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CostCheckTest {
  private Fixture fx;

  @BeforeEach
  void setUp() {
    fx = new Fixture();
    for (String code : List.of("200", "404", "500")) {
      for (String inst : List.of("a", "b")) {
        fx.counter(
            l("__name__", "http_requests_total", "job", "api", "instance", inst, "code", code),
            30 * MIN,
            0,
            15_000);
      }
    }
    fx.gauge(
        l("__name__", "other", "job", "api", "instance", "a", "code", "200"),
        30 * MIN,
        0,
        15_000,
        1);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void seriesMemoryAndFileTotal() throws Exception {
    String rules =
        """
        groups:
        - name: rec
          rules:
          - record: code:http_requests:rate5m
            expr: sum by (code) (rate(http_requests_total[5m]))
          - record: instance_code:http_requests:rate5m
            expr: rate(http_requests_total[5m])
          - alert: NotCosted
            expr: http_requests_total > 0
        """;
    List<Finding> f =
        Fixture.of(fx.lint(rules, Fixture.options().withBytesPerSeries(2048)), CostCheck.ID);
    assertEquals(3, f.size(), f.toString());
    assertEquals("code:http_requests:rate5m", f.get(0).rule());
    assertEquals(Severity.INFO, f.get(0).severity());
    assertEquals("creates 3 series now (~6.0 KiB at 2048 bytes per series)", f.get(0).message());
    assertEquals(3L, f.get(0).details().get("series"));
    assertEquals(6L * 1024, f.get(0).details().get("bytes"));
    assertEquals("creates 6 series now (~12.0 KiB at 2048 bytes per series)", f.get(1).message());
    Finding total = f.get(2);
    assertEquals("", total.rule());
    assertEquals(0, total.line());
    assertEquals(
        "the 2 recording rule(s) of this file create 9 series now (~18.0 KiB)", total.message());
  }

  @Test
  void withoutAFigureOnlySeriesAreCounted() throws Exception {
    List<Finding> f =
        Fixture.of(
            fx.lint("groups:\n- name: g\n  rules:\n  - record: x:y:z\n    expr: count(other)\n"),
            CostCheck.ID);
    assertEquals("creates 1 series now", f.get(0).message());
    assertTrue(!f.get(0).details().containsKey("bytes"));
  }

  @Test
  void collisionsAndLimitsAreProblems() throws Exception {
    String rules =
        """
        groups:
        - name: g
          limit: 2
          rules:
          - record: collide
            expr: '{__name__=~"http_requests_total|other", instance="a", code="200"}'
          - record: too_many
            expr: http_requests_total
        """;
    List<Finding> f = Fixture.of(fx.lint(rules), CostCheck.ID);
    assertEquals(Severity.PROBLEM, f.get(0).severity(), f.toString());
    assertTrue(f.get(0).message().contains("collide"), f.get(0).message());
    assertEquals(Severity.PROBLEM, f.get(1).severity(), f.toString());
    assertTrue(f.get(1).message().contains("over the group's limit of 2"), f.get(1).message());
  }

  @Test
  void bytes() {
    assertEquals("512 B", CostCheck.bytes(512));
    assertEquals("1.5 MiB", CostCheck.bytes(1536 * 1024));
  }
}
