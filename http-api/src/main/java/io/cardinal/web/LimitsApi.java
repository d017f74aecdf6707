package io.cardinal.web;

import io.cardinal.config.Config.ScrapeConfig;
import io.cardinal.scrape.ScrapeLoop;
import io.cardinal.scrape.ScrapeStats;
import io.cardinal.scrape.Target;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
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
   * How many more series fit: by the series limit, and by memory. The memory estimate divides the
   * heap live after the last collection by the head's series, so it includes the process's fixed
   * cost and errs low for a small head; the capacity calculator ({@code cardinal capacity}) models
   * a planned load in detail.
   */
  private static void headroom(Json j, long headSeries, long limit) {
    long max = Runtime.getRuntime().maxMemory();
    long live = 0;
    boolean afterGc = true;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() != MemoryType.HEAP) {
        continue;
      }
      MemoryUsage u = pool.getCollectionUsage();
      if (u == null) {
        u = pool.getUsage();
        afterGc = false;
      }
      live += u.getUsed();
    }
    if (live == 0) {
      live = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
      afterGc = false;
    }
    long perSeries = headSeries > 0 ? live / headSeries : 0;
    long byMemory = perSeries > 0 ? Math.max(0, (max - live) / perSeries) : -1;
    long byLimit = limit > 0 ? Math.max(0, limit - headSeries) : -1;
    long fit = byLimit < 0 ? byMemory : byMemory < 0 ? byLimit : Math.min(byLimit, byMemory);
    j.beginObject();
    j.name("heapMaxBytes").value(max);
    j.name("heapLiveBytes").value(live);
    j.name("heapLiveAfterGc").value(afterGc);
    j.name("bytesPerSeries").value(perSeries);
    j.name("moreSeriesByMemory").value(byMemory);
    j.name("moreSeriesByLimit").value(byLimit);
    j.name("moreSeries").value(fit);
    j.endObject();
  }
}
