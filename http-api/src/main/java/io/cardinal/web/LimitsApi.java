package io.cardinal.web;

import io.cardinal.capacity.model.MemoryModel;
import io.cardinal.config.Config.ScrapeConfig;
import io.cardinal.scrape.ScrapeLoop;
import io.cardinal.scrape.ScrapeStats;
import io.cardinal.scrape.Target;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/status/limits} (Cardinal's own): how near the server is to its limits, for the
 * UI's limits page and for scripts. The global series limit ({@code
 * --storage.tsdb.head.max-series}) now and over the last hour, the samples the last scrape of each
 * target skipped by its {@code sample_limit} (Cardinal keeps the first N, Prometheus drops the
 * scrape) and by the global limit, the jobs nearest their {@code sample_limit}, and how many more
 * series fit.
 */
final class LimitsApi {
  /** One point a {@link #SAMPLE_INTERVAL_MS}: an hour of the head's series count. */
  static final long SAMPLE_INTERVAL_MS = 15_000;

  private static final int HISTORY = 240;

  private final ServerContext server;
  private final long[] times = new long[HISTORY];
  private final long[] series = new long[HISTORY];
  private int count;
  private int next;

  LimitsApi(ServerContext server) {
    this.server = server;
  }

  /** Records the head's series count now; the web server calls it every 15 s. */
  synchronized void sample(long nowMs) {
    times[next] = nowMs;
    series[next] = server.db().headSeries();
    next = (next + 1) % HISTORY;
    count = Math.min(HISTORY, count + 1);
  }

  ApiResult limits() {
    long now = System.currentTimeMillis();
    long limit = server.options().maxSeries();
    long headSeries = server.db().headSeries();
    Json j = new Json().beginObject();
    j.name("seriesLimit").value(limit);
    j.name("headSeries").value(headSeries);
    j.name("seriesHistory").beginArray();
    synchronized (this) {
      for (int i = count; i > 0; i--) {
        int k = Math.floorMod(next - i, HISTORY);
        j.beginArray().value(times[k] / 1000.0).value(series[k]).endArray();
      }
    }
    j.beginArray().value(now / 1000.0).value(headSeries).endArray();
    j.endArray();

    ScrapeStats stats = server.scrapes().stats();
    j.name("samplesSkippedBySampleLimitTotal").value(stats.sampleLimitSkipped.sum());
    j.name("samplesSkippedBySeriesLimitTotal").value(stats.seriesLimitSkipped.sum());

    List<JobUse> jobs = new ArrayList<>();
    j.name("targets").beginArray();
    for (Map.Entry<String, List<ScrapeLoop>> e : server.scrapes().activeLoops().entrySet()) {
      ScrapeConfig sc = server.scrapes().scrapeConfig(e.getKey());
      int sampleLimit = sc == null ? 0 : sc.sampleLimit();
      long most = 0;
      for (ScrapeLoop loop : e.getValue()) {
        Target t = loop.target();
        most = Math.max(most, t.lastSamples());
        j.beginObject();
        j.name("scrapePool").value(t.pool());
        j.name("scrapeUrl").value(t.url());
        j.name("labels").labels(t.labels());
        j.name("health").value(t.health().json);
        j.name("sampleLimit").value(sampleLimit);
        j.name("samples").value(t.lastSamples());
        j.name("samplesSkippedBySampleLimit").value(t.lastSampleLimitSkipped());
        j.name("samplesSkippedBySeriesLimit").value(t.lastSeriesLimitSkipped());
        j.endObject();
      }
      jobs.add(new JobUse(e.getKey(), e.getValue().size(), sampleLimit, most));
    }
    j.endArray();

    // Nearest first; jobs without a sample_limit cannot be near it and come last.
    jobs.sort(Comparator.comparingDouble(JobUse::fraction).reversed().thenComparing(JobUse::job));
    j.name("jobs").beginArray();
    for (JobUse u : jobs) {
      j.beginObject();
      j.name("job").value(u.job());
      j.name("targets").value(u.targets());
      j.name("sampleLimit").value(u.sampleLimit());
      j.name("maxSamples").value(u.maxSamples());
      j.name("fraction");
      if (u.sampleLimit() > 0) {
        j.value(u.fraction());
      } else {
        j.raw("null");
      }
      j.endObject();
    }
    j.endArray();

    headroom(j.name("headroom"), headSeries, limit);
    return ApiResult.success(j.endObject().toString());
  }

  private record JobUse(String job, int targets, int sampleLimit, long maxSamples) {
    double fraction() {
      return sampleLimit > 0 ? (double) maxSamples / sampleLimit : -1;
    }
  }

  /**
   * How many more series fit: by the series limit, and by memory as the capacity calculator's
   * {@code cardinal capacity plan --url} reckons it for this server: the budget is the maximum
   * heap, a series costs the heap in use divided by the head's series, the model's reserves
   * (collector, queries, compaction) come off, and so do the series churn leaves in the head.
   */
  private void headroom(Json j, long headSeries, long limit) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long max = heap.getMax() > 0 ? heap.getMax() : Runtime.getRuntime().maxMemory();
    long used = heap.getUsed();
    long byLimit = limit > 0 ? Math.max(0, limit - headSeries) : -1;
    long byMemory = -1;
    double perSeries = headSeries > 0 ? (double) used / headSeries : 0;
    MemoryModel.Plan plan = null;
    if (headSeries > 0) {
      double uptimeHours = (System.currentTimeMillis() - server.startTimeMs()) / 3_600_000.0;
      long churn =
          uptimeHours > 0 ? Math.round(server.db().headStats().seriesRemoved() / uptimeHours) : 0;
      long scrapeSeconds = server.config().global().scrapeIntervalMs() / 1000;
      long linger =
          MemoryModel.lingerSeconds(
              server.options().staleSeriesIdle().toSeconds(), scrapeSeconds, false);
      try {
        plan = MemoryModel.DEFAULT.plan(max, true, perSeries, 0, churn, linger);
        byMemory = Math.max(0, plan.seriesThatFit() - headSeries);
      } catch (IllegalArgumentException e) {
        // A heap the reserves leave nothing of: unknown rather than a made-up figure.
      }
    }
    long fit = byLimit < 0 ? byMemory : byMemory < 0 ? byLimit : Math.min(byLimit, byMemory);
    j.beginObject();
    j.name("heapMaxBytes").value(max);
    j.name("heapUsedBytes").value(used);
    j.name("bytesPerSeries").value(Math.round(perSeries));
    j.name("reservedFraction").value(MemoryModel.DEFAULT.reserved(true));
    j.name("seriesThatFit").value(plan == null ? -1 : plan.seriesThatFit());
    j.name("lingeringSeries").value(plan == null ? 0 : plan.lingeringSeries());
    j.name("moreSeriesByMemory").value(byMemory);
    j.name("moreSeriesByLimit").value(byLimit);
    j.name("moreSeries").value(fit);
    j.endObject();
  }
}
