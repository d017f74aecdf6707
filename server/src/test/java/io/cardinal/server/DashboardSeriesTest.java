package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.TestTarget;
import org.junit.jupiter.api.Test;

/**
 * The self-metrics Prometheus's overview dashboards read (scrape intervals, target syncs,
 * discovered targets, head chunks, retention, readiness), present in {@code /metrics} with the
 * names, labels and values Prometheus gives them.
 */
class DashboardSeriesTest extends ServerTest {

  @Test
  void overviewDashboardSeries() throws Exception {
    target = new TestTarget();
    target.body = "# TYPE m gauge\nm 1\n";
    cardinal =
        ServerHarness.start(
            dir,
            "global:\n  scrape_interval: 100ms\n  scrape_timeout: 100ms\n"
                + "storage:\n  tsdb:\n    retention: {size: 1GB}\n"
                + "scrape_configs:\n"
                + "  - job_name: t\n    static_configs: [{targets: ['"
                + target.address()
                + "', '127.0.0.1:1']}]\n"
                + "    relabel_configs: [{action: drop, source_labels: [__address__],"
                + " regex: '127.0.0.1:1'}]\n",
            null);
    ServerHarness.await(
        "a few scrapes",
        10_000,
        () -> {
          try {
            return ServerHarness.metric(
                    cardinal.get("/metrics").body(),
                    "prometheus_target_interval_length_seconds_count{interval=\"100ms\"}")
                >= 3;
          } catch (Exception e) {
            return false;
          }
        });
    String m = cardinal.get("/metrics").body();
    double p50 =
        ServerHarness.metric(
            m, "prometheus_target_interval_length_seconds{interval=\"100ms\",quantile=\"0.5\"}");
    assertTrue(p50 > 0.05 && p50 < 0.5, "the median interval is about 100 ms: " + p50);
    assertTrue(m.contains("# TYPE prometheus_target_interval_length_seconds summary\n"), m);
    assertTrue(
        m.contains(
            "prometheus_target_interval_length_seconds{interval=\"100ms\",quantile=\"0.01\"}"));
    assertTrue(
        ServerHarness.metric(m, "prometheus_target_sync_length_seconds_count{scrape_job=\"t\"}")
            >= 1);
    assertEquals(
        2.0,
        ServerHarness.metric(m, "prometheus_sd_discovered_targets{config=\"t\",name=\"scrape\"}"),
        "one active and one dropped target");
    assertEquals(
        1.0, ServerHarness.metric(m, "prometheus_target_scrape_pool_targets{scrape_job=\"t\"}"));
    assertEquals(0.0, ServerHarness.metric(m, "prometheus_sd_failed_configs{name=\"scrape\"}"));
    assertEquals(1.0, ServerHarness.metric(m, "prometheus_ready"));
    assertEquals(
        (double) (1L << 30), ServerHarness.metric(m, "prometheus_tsdb_retention_limit_bytes"));
    double chunks = ServerHarness.metric(m, "prometheus_tsdb_head_chunks");
    assertEquals(
        ServerHarness.metric(m, "prometheus_tsdb_head_chunks_created_total")
            - ServerHarness.metric(m, "prometheus_tsdb_head_chunks_removed_total"),
        chunks);
    assertTrue(chunks >= ServerHarness.metric(m, "prometheus_tsdb_head_series"), m);
    assertEquals(
        Math.floor(ServerHarness.metric(m, "prometheus_tsdb_lowest_timestamp") / 1000),
        ServerHarness.metric(m, "prometheus_tsdb_lowest_timestamp_seconds"));
  }
}
