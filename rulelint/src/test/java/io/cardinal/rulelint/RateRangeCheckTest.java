package io.cardinal.rulelint;

import static io.cardinal.rulelint.Fixture.MIN;
import static io.cardinal.rulelint.Fixture.l;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RateRangeCheckTest {
  private Fixture fx;

  @BeforeEach
  void setUp() throws Exception {
    fx = new Fixture();
    fx.counter(
        l("__name__", "http_requests_total", "job", "api", "instance", "a"), 60 * MIN, 0, 60_000);
    // a job the configuration does not name, scraped every 30s
    fx.counter(l("__name__", "pushed_total", "job", "batch"), 60 * MIN, 0, 30_000);
    fx.config(
        """
        global:
          scrape_interval: 15s
        scrape_configs:
        - job_name: api
          scrape_interval: 1m
          static_configs:
          - targets: [a]
        """);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private List<Finding> rate(String expr) throws Exception {
    return Fixture.of(fx.lint(Fixture.alerts("A", expr)), RateRangeCheck.ID);
  }

  @Test
  void rangeShorterThanTwoScrapeIntervals() throws Exception {
    List<Finding> f = rate("rate(http_requests_total[1m]) > 0");
    assertEquals(1, f.size(), f.toString());
    assertEquals(Severity.WARNING, f.get(0).severity());
    assertEquals(
        "rate(http_requests_total[1m]) uses a 1m range, shorter than two intervals of 1m (scrape"
            + " interval of job \"api\"): the window often holds fewer than two samples and the"
            + " result is empty; use at least [2m]",
        f.get(0).message());
    assertEquals(60_000L, f.get(0).details().get("intervalMs"));
    for (String fn : List.of("irate", "increase", "deriv")) {
      assertEquals(1, rate(fn + "(http_requests_total[90s]) > 0").size(), fn);
    }
  }

  @Test
  void longEnoughRangesAreQuiet() throws Exception {
    assertTrue(rate("rate(http_requests_total[2m]) > 0").isEmpty());
    assertTrue(rate("sum(increase(http_requests_total[5m])) > 0").isEmpty());
    // other range functions are not this check's business
    assertTrue(rate("max_over_time(http_requests_total[30s]) > 0").isEmpty());
  }

  @Test
  void fallsBackToTheSpacingOfStoredSamples() throws Exception {
    List<Finding> f = rate("rate(pushed_total[45s]) > 0");
    assertEquals(1, f.size(), f.toString());
    assertTrue(
        f.get(0).message().contains("spacing of the stored samples of job \"batch\""),
        f.toString());
    assertEquals(30_000L, f.get(0).details().get("intervalMs"));
    assertTrue(rate("rate(pushed_total[1m]) > 0").isEmpty());
  }

  @Test
  void recordedMetricsUseTheirGroupsInterval() throws Exception {
    String rules =
        """
        groups:
        - name: slow
          interval: 5m
          rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
        - name: alerts
          rules:
          - alert: Short
            expr: deriv(job:http_requests:rate5m[5m]) > 0
          - alert: Long
            expr: deriv(job:http_requests:rate5m[10m]) > 0
        """;
    List<Finding> f = Fixture.of(fx.lint(rules), RateRangeCheck.ID);
    assertEquals(1, f.size(), f.toString());
    assertEquals("Short", f.get(0).rule());
    assertTrue(f.get(0).message().contains("evaluation interval of group \"slow\""), f.toString());
  }
}
