package io.cardinal.scrape;

import io.cardinal.Cardinal;
import io.cardinal.config.Config;
import io.cardinal.config.Config.ScrapeConfig;
import io.cardinal.discovery.DnsDiscovery;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All scrape pools of the running configuration. {@link #apply} swaps in a new configuration: a job
 * whose scrape_config is unchanged keeps its loops (and their caches and staleness state); a
 * changed or removed job's loops stop and mark their series stale.
 */
public final class ScrapeManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScrapeManager.class);

  private final Cardinal db;
  private final Path baseDir;
  private final ScrapeStats stats = new ScrapeStats();
  private final ScheduledThreadPoolExecutor scrapeExecutor;
  private final ExecutorService httpExecutor;
  private final ScheduledExecutorService discoveryExecutor;

  /** HTTP and DNS refreshes: one thread each at most, so a dead endpoint holds up no poll. */
  private final ExecutorService refreshExecutor;

  private final List<String> dnsResolvers;
  private final Map<String, ScrapePool> pools = new LinkedHashMap<>();

  /**
   * @param baseDir directory relative file_sd paths resolve against (the config file's directory)
   * @param filePollMs how often file_sd files are checked for changes
   */
  public ScrapeManager(Cardinal db, Path baseDir, int threads, long filePollMs) {
    this(db, baseDir, threads, filePollMs, DnsDiscovery.resolvers(Path.of("/etc/resolv.conf")));
  }

  /**
   * @param dnsResolvers the DNS servers dns_sd_configs asks ("host:port"); by default those of
   *     /etc/resolv.conf, as Prometheus
   */
  public ScrapeManager(
      Cardinal db, Path baseDir, int threads, long filePollMs, List<String> dnsResolvers) {
    this.db = db;
    this.dnsResolvers = List.copyOf(dnsResolvers);
    this.refreshExecutor = Executors.newCachedThreadPool(daemon("sd-refresh"));
    this.baseDir = baseDir;
    this.scrapeExecutor = new ScheduledThreadPoolExecutor(threads, daemon("scrape"));
    this.scrapeExecutor.setRemoveOnCancelPolicy(true);
    this.httpExecutor = Executors.newCachedThreadPool(daemon("scrape-http"));
    this.discoveryExecutor = Executors.newSingleThreadScheduledExecutor(daemon("file-sd"));
    discoveryExecutor.scheduleWithFixedDelay(
        this::pollFiles, filePollMs, filePollMs, TimeUnit.MILLISECONDS);
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public ScrapeStats stats() {
    return stats;
  }

  /** Makes {@code config}'s scrape_configs the running set. */
  public synchronized void apply(Config config) throws IOException {
    Map<String, ScrapeConfig> wanted = new LinkedHashMap<>();
    for (ScrapeConfig sc : config.scrapeConfigs()) {
      wanted.put(sc.jobName(), sc);
    }
    // Build every new pool first so a bad tls_config fails the reload before anything changed.
    Map<String, ScrapePool> created = new LinkedHashMap<>();
    for (ScrapeConfig sc : wanted.values()) {
      ScrapePool old = pools.get(sc.jobName());
      if (old == null || !old.config().equals(sc)) {
        created.put(
            sc.jobName(),
            new ScrapePool(
                sc,
                db,
                stats,
                scrapeExecutor,
                httpExecutor,
                refreshExecutor,
                baseDir,
                dnsResolvers));
      }
    }
    for (var it = pools.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!wanted.containsKey(e.getKey()) || created.containsKey(e.getKey())) {
        e.getValue().stop();
        it.remove();
      }
    }
    long now = System.currentTimeMillis();
    Map<String, ScrapePool> next = new LinkedHashMap<>();
    for (String job : wanted.keySet()) {
      ScrapePool p = created.get(job);
      if (p != null) {
        p.pollFiles(now);
        p.sync();
        next.put(job, p);
      } else {
        next.put(job, pools.get(job));
      }
    }
    pools.clear();
    pools.putAll(next);
  }

  private void pollFiles() {
    List<ScrapePool> ps;
    synchronized (this) {
      ps = new ArrayList<>(pools.values());
    }
    long now = System.currentTimeMillis();
    for (ScrapePool p : ps) {
      try {
        p.pollFiles(now);
      } catch (RuntimeException e) {
        log.error(
            "msg=\"file discovery failed\" scrape_pool={} err=\"{}\"",
            p.config().jobName(),
            e.toString());
      }
    }
  }

  /** Active loops by job, in configuration order. */
  public synchronized Map<String, List<ScrapeLoop>> activeLoops() {
    Map<String, List<ScrapeLoop>> out = new LinkedHashMap<>();
    for (Map.Entry<String, ScrapePool> e : pools.entrySet()) {
      out.put(e.getKey(), e.getValue().loops());
    }
    return out;
  }

  /** Discovered labels of dropped targets by job. */
  public synchronized Map<String, List<Labels>> droppedTargets() {
    Map<String, List<Labels>> out = new LinkedHashMap<>();
    for (Map.Entry<String, ScrapePool> e : pools.entrySet()) {
      out.put(e.getKey(), e.getValue().dropped());
    }
    return out;
  }

  /** {@code prometheus_sd_discovered_targets}: targets discovered per job, active or dropped. */
  public synchronized Map<String, Integer> discoveredTargetCounts() {
    Map<String, Integer> out = new LinkedHashMap<>();
    pools.forEach((job, p) -> out.put(job, p.loops().size() + p.droppedCount()));
    return out;
  }

  /** How many targets relabeling dropped, by job, including those keep_dropped_targets hides. */
  public synchronized Map<String, Integer> droppedTargetCounts() {
    Map<String, Integer> out = new LinkedHashMap<>();
    pools.forEach((job, p) -> out.put(job, p.droppedCount()));
    return out;
  }

  public synchronized ScrapeConfig scrapeConfig(String job) {
    ScrapePool p = pools.get(job);
    return p == null ? null : p.config();
  }

  @Override
  public void close() {
    discoveryExecutor.shutdownNow();
    synchronized (this) {
      for (ScrapePool p : pools.values()) {
        p.stop();
      }
      pools.clear();
    }
    scrapeExecutor.shutdownNow();
    httpExecutor.shutdownNow();
    refreshExecutor.shutdownNow();
    try {
      scrapeExecutor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
