package io.cardinal.scrape;

import io.cardinal.Cardinal;
import io.cardinal.config.Config.DnsSdConfig;
import io.cardinal.config.Config.FileSdConfig;
import io.cardinal.config.Config.HttpSdConfig;
import io.cardinal.config.Config.ScrapeConfig;
import io.cardinal.config.Config.StaticConfig;
import io.cardinal.discovery.Discoverer;
import io.cardinal.discovery.DnsDiscovery;
import io.cardinal.discovery.FileDiscovery;
import io.cardinal.discovery.HttpDiscovery;
import io.cardinal.discovery.TargetGroup;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The targets of one scrape_config (job): merges static and file-discovered groups, turns them into
 * targets, and keeps one {@link ScrapeLoop} per target, starting loops for new targets and stopping
 * (with stale markers) loops whose target disappeared.
 */
final class ScrapePool {
  private static final Logger log = LoggerFactory.getLogger(ScrapePool.class);

  private final ScrapeConfig config;
  private final Cardinal db;
  private final ScrapeStats stats;
  private final ScheduledExecutorService executor;
  private final HttpScraper scraper;
  private final List<Discoverer> discoverers = new ArrayList<>();
  private final Map<String, ScrapeLoop> loops = new LinkedHashMap<>();
  private volatile List<Labels> dropped = List.of();
  private volatile int droppedCount;

  ScrapePool(
      ScrapeConfig config,
      Cardinal db,
      ScrapeStats stats,
      ScheduledExecutorService executor,
      Executor httpExecutor,
      Executor discoveryExecutor,
      Path baseDir,
      List<String> dnsResolvers)
      throws IOException {
    this.config = config;
    this.db = db;
    this.stats = stats;
    this.executor = executor;
    this.scraper = new HttpScraper(config, httpExecutor);
    for (FileSdConfig f : config.fileSdConfigs()) {
      discoverers.add(new FileDiscovery(f, baseDir));
    }
    // A finished network refresh is applied at once, not at the next file poll.
    Runnable apply = () -> discoveryExecutor.execute(() -> pollFiles(System.currentTimeMillis()));
    for (HttpSdConfig h : config.httpSdConfigs()) {
      discoverers.add(
          new HttpDiscovery(
              h, HttpScraper.USER_AGENT, discoveryExecutor, apply, stats.httpSdFailures));
    }
    for (io.cardinal.config.Config.KubernetesSdConfig k : config.kubernetesSdConfigs()) {
      discoverers.add(new io.cardinal.discovery.KubernetesDiscovery(k, baseDir, apply));
    }
    for (DnsSdConfig d : config.dnsSdConfigs()) {
      discoverers.add(
          new DnsDiscovery(
              d,
              dnsResolvers,
              discoveryExecutor,
              apply,
              stats.dnsLookupFailures,
              stats.dnsLookups));
    }
  }

  ScrapeConfig config() {
    return config;
  }

  /**
   * Reads file_sd files that changed, applies finished HTTP and DNS refreshes and starts due ones,
   * and re-syncs targets if any group changed.
   */
  void pollFiles(long now) {
    if (stopped) {
      return;
    }
    boolean changed = false;
    for (Discoverer d : discoverers) {
      changed |= d.poll(now);
    }
    if (changed) {
      sync();
    }
  }

  synchronized void sync() {
    long t0 = System.nanoTime();
    try {
      syncTargets();
    } finally {
      stats
          .syncLength
          .computeIfAbsent(config.jobName(), k -> ScrapeStats.newSummary())
          .observe((System.nanoTime() - t0) / 1e9);
    }
  }

  private void syncTargets() {
    List<TargetGroup> groups = new ArrayList<>();
    int i = 0;
    for (StaticConfig sc : config.staticConfigs()) {
      groups.add(TargetGroup.ofAddresses("static/" + i++, sc.targets(), sc.labels()));
    }
    for (Discoverer d : discoverers) {
      groups.addAll(d.groups());
    }
    Map<String, Target> wanted = new LinkedHashMap<>();
    List<Labels> droppedNow = new ArrayList<>();
    for (TargetGroup g : groups) {
      for (Labels tl : g.targets()) {
        Target.Built r = Target.build(config, tl, g.labels());
        if (r.target() == null) {
          droppedNow.add(r.discovered());
        } else {
          wanted.putIfAbsent(r.target().key(), r.target());
        }
      }
    }
    // keep_dropped_targets: the API lists at most that many (all with 0), and counts them all.
    droppedCount = droppedNow.size();
    int keep = config.transfer().keepDroppedTargets();
    dropped =
        List.copyOf(
            keep > 0 && droppedNow.size() > keep ? droppedNow.subList(0, keep) : droppedNow);
    for (var it = loops.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!wanted.containsKey(e.getKey())) {
        e.getValue().stop();
        it.remove();
      }
    }
    for (Target t : wanted.values()) {
      if (!loops.containsKey(t.key())) {
        ScrapeLoop loop = new ScrapeLoop(t, config, scraper, db, stats);
        loops.put(t.key(), loop);
        loop.start(executor);
      }
    }
    String limitError = null;
    if (config.targetLimit() > 0 && loops.size() > config.targetLimit()) {
      limitError =
          "target_limit exceeded (number of targets: "
              + loops.size()
              + ", limit: "
              + config.targetLimit()
              + ")";
      log.warn(
          "msg=\"Target limit exceeded\" component=\"scrape manager\" scrape_pool={} err=\"{}\"",
          config.jobName(),
          limitError);
    }
    for (ScrapeLoop l : loops.values()) {
      l.forceError(limitError);
    }
  }

  synchronized List<ScrapeLoop> loops() {
    return new ArrayList<>(loops.values());
  }

  List<Labels> dropped() {
    return dropped;
  }

  int droppedCount() {
    return droppedCount;
  }

  private volatile boolean stopped;

  synchronized void stop() {
    stopped = true;
    for (Discoverer d : discoverers) {
      d.close();
    }
    for (ScrapeLoop l : loops.values()) {
      l.stop();
    }
    loops.clear();
  }
}
