package io.cardinal.web;

import io.cardinal.Cardinal;
import io.cardinal.HeadStats;
import io.cardinal.exposition.MetricsSource;
import io.cardinal.scrape.BuildInfo;
import io.cardinal.scrape.ScrapeLoop;
import io.cardinal.scrape.ScrapeStats;
import io.cardinal.tsdb.AppendStatus;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The server's own metrics for {@code /metrics}, under Prometheus's names where Prometheus has one.
 */
final class SelfMetrics {
  private SelfMetrics() {}

  static String render(ServerContext server) {
    StringBuilder sb = new StringBuilder(4096);
    Cardinal db = server.db();
    HeadStats hm = db.headStats();
    ScrapeStats st = server.scrapes().stats();

    metric(
        sb,
        "prometheus_build_info",
        "gauge",
        "A metric with a constant '1' value labeled by version, revision, branch, goversion from which prometheus was built, and the goos and goarch for the build.",
        Labels.of(
            "__name__",
            "prometheus_build_info",
            "branch",
            BuildInfo.BRANCH,
            "goversion",
            "java" + System.getProperty("java.version"),
            "revision",
            BuildInfo.REVISION,
            "version",
            BuildInfo.VERSION,
            "goos",
            System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT),
            "goarch",
            System.getProperty("os.arch")),
        1);
    metric(
        sb,
        "prometheus_config_last_reload_successful",
        "gauge",
        "Whether the last configuration reload attempt was successful.",
        null,
        server.lastReloadSuccessful() ? 1 : 0);
    metric(
        sb,
        "prometheus_config_last_reload_success_timestamp_seconds",
        "gauge",
        "Timestamp of the last successful configuration reload.",
        null,
        server.lastReloadMs() / 1000.0);
    metric(
        sb,
        "prometheus_tsdb_head_series",
        "gauge",
        "Total number of series in the head block.",
        null,
        db.headSeries());
    metric(
        sb,
        "prometheus_tsdb_head_samples_appended_total",
        "counter",
        "Total number of appended samples.",
        Labels.of("__name__", "prometheus_tsdb_head_samples_appended_total", "type", "float"),
        hm.samples(AppendStatus.APPENDED));
    metric(
        sb,
        "prometheus_tsdb_head_series_created_total",
        "counter",
        "Total number of series created in the head",
        null,
        hm.seriesCreated());
    metric(
        sb,
        "prometheus_tsdb_head_series_removed_total",
        "counter",
        "Total number of series removed in the head",
        null,
        hm.seriesRemoved());
    metric(
        sb,
        "prometheus_tsdb_head_chunks_created_total",
        "counter",
        "Total number of chunks created in the head",
        null,
        hm.chunksCreated());
    metric(
        sb,
        "prometheus_tsdb_head_chunks_removed_total",
        "counter",
        "Total number of chunks removed in the head",
        null,
        hm.chunksRemoved());
    metric(
        sb,
        "prometheus_tsdb_head_chunks_storage_size_bytes",
        "gauge",
        "Size of the chunks_head directory.",
        null,
        hm.chunksBytes());
    metric(
        sb,
        "prometheus_tsdb_head_min_time",
        "gauge",
        "Minimum time bound of the head block.",
        null,
        hm.isEmpty() ? 0 : hm.minTime());
    metric(
        sb,
        "prometheus_tsdb_head_max_time",
        "gauge",
        "Maximum timestamp of the head block.",
        null,
        hm.isEmpty() ? 0 : hm.maxTime());
    // Prometheus's lowest timestamp over blocks and head (what tools read as "the oldest data").
    long lowest = db.lowestTimestamp();
    metric(
        sb,
        "prometheus_tsdb_lowest_timestamp",
        "gauge",
        "Lowest timestamp value stored in the database. The unit is decided by the library"
            + " consumer.",
        null,
        lowest == Long.MAX_VALUE ? 0 : lowest);
    metric(
        sb,
        "prometheus_tsdb_lowest_timestamp_seconds",
        "gauge",
        "Lowest timestamp value stored in the database.",
        null,
        lowest == Long.MAX_VALUE ? 0 : lowest / 1000);
    metric(
        sb,
        "prometheus_tsdb_head_chunks",
        "gauge",
        "Total number of chunks in the head block.",
        null,
        hm.chunksCreated() - hm.chunksRemoved());
    metric(
        sb,
        "prometheus_tsdb_retention_limit_bytes",
        "gauge",
        "Max number of bytes to be retained in the tsdb blocks, configured 0 means disabled",
        null,
        db.retentionBytes());
    io.cardinal.CompactionStats dm = db.compactionStats();
    metric(
        sb,
        "prometheus_tsdb_blocks_loaded",
        "gauge",
        "Number of currently loaded data blocks",
        null,
        db.blocks().size());
    metric(
        sb,
        "prometheus_tsdb_compactions_total",
        "counter",
        "Total number of compactions that were executed for the partition.",
        null,
        dm.compactions());
    metric(
        sb,
        "prometheus_tsdb_compactions_failed_total",
        "counter",
        "Total number of compactions that failed for the partition.",
        null,
        dm.compactionsFailed());
    metric(
        sb,
        "prometheus_tsdb_vertical_compactions_total",
        "counter",
        "Total number of compactions done on overlapping blocks.",
        null,
        dm.verticalCompactions());
    metric(
        sb,
        "prometheus_tsdb_time_retentions_total",
        "counter",
        "The number of times that blocks were deleted because the maximum time limit was exceeded.",
        null,
        dm.timeRetentions());
    metric(
        sb,
        "prometheus_tsdb_size_retentions_total",
        "counter",
        "The number of times that blocks were deleted because the maximum number of bytes was exceeded.",
        null,
        dm.sizeRetentions());
    io.cardinal.StaleSeriesStats ss = db.staleSeriesStats();
    metric(
        sb,
        "prometheus_tsdb_head_stale_series",
        "gauge",
        "Head series whose last sample is a staleness marker, at the last stale-series check (0"
            + " while neither stale-series trigger is on).",
        null,
        ss.staleSeries());
    metric(
        sb,
        "cardinal_tsdb_head_idle_series",
        "gauge",
        "Head series without a staleness marker idle longer than"
            + " --storage.tsdb.head.stale-series-idle, at the last check.",
        null,
        ss.idleSeries());
    metric(
        sb,
        "cardinal_tsdb_stale_series_compactions_total",
        "counter",
        "Stale-series checks that wrote series to blocks and removed them from the head.",
        null,
        ss.evictions());
    metric(
        sb,
        "cardinal_tsdb_stale_series_compactions_failed_total",
        "counter",
        "Stale-series compactions that failed (nothing was removed from the head).",
        null,
        ss.failures());
    metric(
        sb,
        "cardinal_tsdb_head_stale_series_evicted_total",
        "counter",
        "Series written to blocks and removed from the head because they stopped receiving"
            + " samples.",
        null,
        ss.seriesEvicted());
    metric(
        sb,
        "cardinal_tsdb_head_stale_series_evicted_bytes_total",
        "counter",
        "Estimated heap given back by evicting stale series (series, chunk buffers, chunk lists,"
            + " index entries).",
        null,
        ss.bytesFreed());
    metric(
        sb,
        "cardinal_tsdb_stale_series_blocks_written_total",
        "counter",
        "Blocks written by stale-series compactions.",
        null,
        ss.blocksWritten());
    metric(
        sb,
        "prometheus_tsdb_head_truncations_total",
        "counter",
        "Total number of head truncations attempted.",
        null,
        hm.truncations());
    metric(
        sb,
        "prometheus_tsdb_out_of_order_samples_total",
        "counter",
        "Total number of out of order samples ingestion failed attempts due to out of order being disabled.",
        Labels.of("__name__", "prometheus_tsdb_out_of_order_samples_total", "type", "float"),
        hm.samples(AppendStatus.OUT_OF_ORDER));
    metric(
        sb,
        "prometheus_tsdb_out_of_bound_samples_total",
        "counter",
        "Total number of out of bound samples ingestion failed attempts with out of order support disabled.",
        Labels.of("__name__", "prometheus_tsdb_out_of_bound_samples_total", "type", "float"),
        hm.samples(AppendStatus.OUT_OF_BOUNDS));
    metric(
        sb,
        "cardinal_tsdb_too_far_in_future_samples_total",
        "counter",
        "Samples refused because their timestamp is later than the clock plus"
            + " --storage.tsdb.too-far-in-future.time-window (scraped, pushed or appended).",
        null,
        hm.samples(AppendStatus.TOO_FAR_IN_FUTURE));
    metric(
        sb,
        "prometheus_target_scrapes_sample_out_of_order_total",
        "counter",
        "Total number of samples rejected due to not being out of the expected order.",
        null,
        st.outOfOrder.sum());
    metric(
        sb,
        "prometheus_target_scrapes_sample_duplicate_timestamp_total",
        "counter",
        "Total number of samples rejected due to duplicate timestamps but different values.",
        null,
        st.duplicateTimestamp.sum());
    metric(
        sb,
        "prometheus_target_scrapes_sample_out_of_bounds_total",
        "counter",
        "Total number of samples rejected due to timestamp falling out of the time bounds.",
        null,
        st.outOfBounds.sum());
    metric(
        sb,
        "cardinal_target_scrapes_sample_too_far_in_future_total",
        "counter",
        "Scraped samples refused because their timestamp is later than the clock plus"
            + " --storage.tsdb.too-far-in-future.time-window.",
        null,
        st.tooFarInFuture.sum());
    targetRejections(sb, server);
    scrapeSummaries(sb, server);
    metric(
        sb,
        "prometheus_sd_http_failures_total",
        "counter",
        "Number of HTTP service discovery refresh failures.",
        null,
        st.httpSdFailures.sum());
    metric(
        sb,
        "prometheus_sd_dns_lookups_total",
        "counter",
        "The number of DNS-SD lookups.",
        null,
        st.dnsLookups.sum());
    metric(
        sb,
        "prometheus_sd_dns_lookup_failures_total",
        "counter",
        "The number of DNS-SD lookup failures.",
        null,
        st.dnsLookupFailures.sum());
    metric(
        sb,
        "prometheus_target_scrapes_exceeded_sample_limit_total",
        "counter",
        "Total number of scrapes that hit the sample limit and were rejected.",
        null,
        st.exceededSampleLimit.sum());
    metric(
        sb,
        "cardinal_scrape_samples_skipped_sample_limit_total",
        "counter",
        "Samples that would have created a series after their scrape's sample_limit was reached.",
        null,
        st.sampleLimitSkipped.sum());
    metric(
        sb,
        "cardinal_head_series_limit",
        "gauge",
        "The global head series limit (--storage.tsdb.head.max-series); 0 means none.",
        null,
        db.options().maxSeries());
    metric(
        sb,
        "cardinal_head_series_limit_skipped_samples_total",
        "counter",
        "Samples not stored because they would have created a series beyond the head series limit.",
        null,
        hm.samples(AppendStatus.SKIPPED_SERIES_LIMIT));

    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    metric(
        sb,
        "process_start_time_seconds",
        "gauge",
        "Start time of the process since unix epoch in seconds.",
        null,
        ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0);
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      metric(
          sb,
          "process_cpu_seconds_total",
          "counter",
          "Total user and system CPU time spent in seconds.",
          null,
          sun.getProcessCpuTime() / 1e9);
    }
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      metric(
          sb,
          "process_open_fds",
          "gauge",
          "Number of open file descriptors.",
          null,
          unix.getOpenFileDescriptorCount());
      metric(
          sb,
          "process_max_fds",
          "gauge",
          "Maximum number of open file descriptors.",
          null,
          unix.getMaxFileDescriptorCount());
    }
    long rss = residentBytes();
    if (rss >= 0) {
      metric(
          sb,
          "process_resident_memory_bytes",
          "gauge",
          "Resident memory size in bytes.",
          null,
          rss);
    }
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    sb.append("# HELP jvm_memory_used_bytes Used bytes of a given JVM memory area.\n");
    sb.append("# TYPE jvm_memory_used_bytes gauge\n");
    sb.append("jvm_memory_used_bytes{area=\"heap\"} ")
        .append(mem.getHeapMemoryUsage().getUsed())
        .append('\n');
    sb.append("jvm_memory_used_bytes{area=\"nonheap\"} ")
        .append(mem.getNonHeapMemoryUsage().getUsed())
        .append('\n');
    sb.append("# HELP jvm_memory_max_bytes Max bytes of a given JVM memory area.\n");
    sb.append("# TYPE jvm_memory_max_bytes gauge\n");
    sb.append("jvm_memory_max_bytes{area=\"heap\"} ")
        .append(mem.getHeapMemoryUsage().getMax())
        .append('\n');
    metric(
        sb,
        "jvm_threads_current",
        "gauge",
        "Current thread count of a JVM.",
        null,
        ManagementFactory.getThreadMXBean().getThreadCount());
    sb.append(
        "# HELP jvm_gc_collection_seconds_total Time spent in a given JVM garbage collector in seconds.\n");
    sb.append("# TYPE jvm_gc_collection_seconds_total counter\n");
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sb.append("jvm_gc_collection_seconds_total{gc=\"");
      Federate.escape(sb, gc.getName());
      sb.append("\"} ").append(Formats.formatFloat(gc.getCollectionTime() / 1000.0)).append('\n');
    }
    for (MetricsSource source : server.metricsSources()) {
      source.writeMetrics(sb);
    }
    return sb.toString();
  }

  /**
   * Per target and reason, the samples the head refused: which target sends the bad timestamps or
   * the duplicates, not only that some target does. Only non-zero counts, so a healthy server
   * exposes none.
   */
  /**
   * What Prometheus's overview dashboards read about scraping and discovery: scrape intervals and
   * target sync times (summaries), discovered and active targets per job, failed discovery
   * configurations, readiness.
   */
  private static void scrapeSummaries(StringBuilder sb, ServerContext server) {
    io.cardinal.scrape.ScrapeStats st = server.scrapes().stats();
    String interval = "prometheus_target_interval_length_seconds";
    sb.append("# HELP ").append(interval).append(" Actual intervals between scrapes.\n");
    sb.append("# TYPE ").append(interval).append(" summary\n");
    new java.util.TreeMap<>(st.intervalLength)
        .forEach((k, v) -> v.write(sb, interval, "interval", k));
    String sync = "prometheus_target_sync_length_seconds";
    sb.append("# HELP ").append(sync).append(" Actual interval to sync the scrape pool.\n");
    sb.append("# TYPE ").append(sync).append(" summary\n");
    new java.util.TreeMap<>(st.syncLength).forEach((k, v) -> v.write(sb, sync, "scrape_job", k));
    String discovered = "prometheus_sd_discovered_targets";
    sb.append("# HELP ").append(discovered).append(" Current number of discovered targets.\n");
    sb.append("# TYPE ").append(discovered).append(" gauge\n");
    server
        .scrapes()
        .discoveredTargetCounts()
        .forEach(
            (job, n) ->
                Federate.writeSample(
                    sb,
                    Labels.of("__name__", discovered, "config", job, "name", "scrape"),
                    n,
                    Long.MIN_VALUE));
    String poolTargets = "prometheus_target_scrape_pool_targets";
    sb.append("# HELP ")
        .append(poolTargets)
        .append(" Current number of targets in this scrape pool.\n");
    sb.append("# TYPE ").append(poolTargets).append(" gauge\n");
    server
        .scrapes()
        .activeLoops()
        .forEach(
            (job, loops) ->
                Federate.writeSample(
                    sb,
                    Labels.of("__name__", poolTargets, "scrape_job", job),
                    loops.size(),
                    Long.MIN_VALUE));
    metric(
        sb,
        "prometheus_sd_failed_configs",
        "gauge",
        "Current number of service discovery configurations that failed to load.",
        Labels.of("__name__", "prometheus_sd_failed_configs", "name", "scrape"),
        0);
    metric(
        sb,
        "prometheus_ready",
        "gauge",
        "Whether Prometheus startup was fully completed and the server is ready for normal"
            + " operation.",
        null,
        1);
  }

  private static void targetRejections(StringBuilder sb, ServerContext server) {
    String name = "cardinal_target_samples_rejected_total";
    boolean header = false;
    for (Map.Entry<String, List<ScrapeLoop>> e : server.scrapes().activeLoops().entrySet()) {
      for (ScrapeLoop loop : e.getValue()) {
        for (AppendStatus st : ScrapeLoop.REJECTIONS) {
          long n = loop.rejected(st);
          if (n == 0) {
            continue;
          }
          if (!header) {
            sb.append("# HELP ")
                .append(name)
                .append(" Scraped samples the head did not store, per target and reason.\n");
            sb.append("# TYPE ").append(name).append(" counter\n");
            header = true;
          }
          Federate.writeSample(
              sb,
              Labels.of(
                  "__name__",
                  name,
                  "instance",
                  loop.target().labels().get("instance"),
                  "reason",
                  st.name().toLowerCase(java.util.Locale.ROOT),
                  "scrape_job",
                  e.getKey()),
              n,
              Long.MIN_VALUE);
        }
      }
    }
  }

  private static void metric(
      StringBuilder sb, String name, String type, String help, Labels labels, double v) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    if (labels == null) {
      sb.append(name).append(' ').append(Formats.formatFloat(v)).append('\n');
    } else {
      Federate.writeSample(sb, labels, v, Long.MIN_VALUE);
    }
  }

  private static long residentBytes() {
    try {
      String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
      return Long.parseLong(statm[1]) * 4096;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
