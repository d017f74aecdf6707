package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.PromQLValue;
import io.cardinal.testing.TestTarget;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target exposing a timestamp far in the future (the OpenMetrics suite's valid
 * 12345678901234567890.1234567890) must not stop the ingestion of every other target.
 */
class PoisonedTargetTest {
  @TempDir Path dir;

  static double value(ServerHarness h, String promql) {
    PromQLValue.InstantVector v =
        (PromQLValue.InstantVector) h.server.db().query(promql, Instant.now()).value();
    return v.samples().isEmpty() ? 0 : v.samples().get(0).value();
  }

  @Test
  void healthyTargetsKeepIngestingAndTheRefusalIsCountedForThePoisonedOne() throws Exception {
    try (TestTarget poisoned = new TestTarget();
        TestTarget healthy = new TestTarget()) {
      poisoned.contentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
      poisoned.body =
          "# TYPE a counter\n"
              + "a_total{foo=\"4\"} 1 12345678901234567890.1234567890\n"
              + "# TYPE b gauge\n"
              + "b 1\n"
              + "# EOF\n";
      healthy.body = "# TYPE c gauge\nc 1\n";
      String yaml =
          "scrape_configs:\n"
              + "  - job_name: poisoned\n    scrape_interval: 100ms\n    scrape_timeout: 100ms\n"
              + "    static_configs:\n      - targets: ['"
              + poisoned.address()
              + "']\n"
              + "  - job_name: healthy\n    scrape_interval: 100ms\n    scrape_timeout: 100ms\n"
              + "    static_configs:\n      - targets: ['"
              + healthy.address()
              + "']\n";
      try (ServerHarness h = ServerHarness.start(dir, yaml, o -> o)) {
        // Poisoned first or not, both targets' later scrapes are stored: before the window the
        // first far-future sample made every later sample of every target out of bounds.
        ServerHarness.await(
            "ten scrapes of each target stored",
            20_000,
            () ->
                value(h, "count_over_time(up{job=\"healthy\"}[1h])") >= 10
                    && value(h, "count_over_time(b[1h])") >= 10
                    && value(h, "count_over_time(up{job=\"poisoned\"}[1h])") >= 10);
        assertEquals(1, value(h, "up{job=\"poisoned\"}"), "the poisoned target is up");
        assertEquals(
            0, value(h, "count_over_time(a_total[1h])"), "the far-future sample is refused");
        ServerHarness.Resp m = h.get("/metrics");
        assertTrue(
            m.body()
                .contains(
                    "cardinal_target_samples_rejected_total{instance=\""
                        + poisoned.address()
                        + "\",reason=\"too_far_in_future\",scrape_job=\"poisoned\"}"),
            m.body());
        assertTrue(
            m.body()
                .lines()
                .noneMatch(
                    l ->
                        l.startsWith("cardinal_target_samples_rejected_total{")
                            && l.contains("scrape_job=\"healthy\"")),
            "the healthy target has no refusals");
      }
    }
  }
}
