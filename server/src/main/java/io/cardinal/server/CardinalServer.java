package io.cardinal.server;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.config.Config;
import io.cardinal.config.ConfigException;
import io.cardinal.config.ConfigLoader;
import io.cardinal.config.ServerOptions;
import io.cardinal.exposition.MetricsSource;
import io.cardinal.notifier.Alert;
import io.cardinal.notifier.Notifier;
import io.cardinal.promql.engine.Engine;
import io.cardinal.promql.engine.EngineOptions;
import io.cardinal.remote.RemoteReadHandler;
import io.cardinal.remote.RemoteWriteManager;
import io.cardinal.remote.RemoteWriteReceiver;
import io.cardinal.rulelint.BacktestCheck;
import io.cardinal.rulelint.DatabaseSource;
import io.cardinal.rulelint.Finding;
import io.cardinal.rulelint.LintOptions;
import io.cardinal.rulelint.RuleLinter;
import io.cardinal.rules.AlertListener;
import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.OutgoingAlert;
import io.cardinal.rules.RuleFileException;
import io.cardinal.rules.RuleFiles;
import io.cardinal.rules.RuleManager;
import io.cardinal.rules.RuleOptions;
import io.cardinal.scrape.ScrapeManager;
import io.cardinal.streaming.StreamingRuntime;
import io.cardinal.web.BodyRoute;
import io.cardinal.web.QueryService;
import io.cardinal.web.ServerContext;
import io.cardinal.web.WebServer;
import io.cardinal.web.query.EngineQueryService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone server: database, scrape manager and HTTP API, plus configuration reload (SIGHUP,
 * {@code POST /-/reload}) where an invalid file is rejected and the running configuration stays.
 */
public final class CardinalServer implements ServerContext, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CardinalServer.class);

  private final ServerOptions options;
  private final Cardinal db;
  private final ScrapeManager scrapes;
  private final WebServer web;
  private final long startTimeMs = System.currentTimeMillis();
  private final CountDownLatch quit = new CountDownLatch(1);
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile Config config;
  private volatile boolean lastReloadSuccessful;
  private volatile long lastReloadMs;
  private volatile QueryService queryService;
  private final RemoteWriteReceiver remoteWrite;
  private final RemoteReadHandler remoteRead;
  private final RemoteWriteManager remoteWrites;
  private final Notifier notifier;
  private final RuleManager rules;
  private final String externalUrl;
  private StreamingRuntime streamingRuntime;
  private StreamingRules streaming;
  private final java.util.concurrent.atomic.AtomicLong lintGeneration =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.ExecutorService linter =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "rule-lint");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
          });
  private final java.util.List<MetricsSource> metricsSources =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private CardinalServer(ServerOptions options) throws IOException {
    this.options = options;
    // Read first: an invalid web configuration stops the start before anything is opened.
    io.cardinal.web.WebConfig webConfig = null;
    if (options.webConfigFile() != null) {
      try {
        webConfig = io.cardinal.web.WebConfig.load(options.webConfigFile());
      } catch (io.cardinal.web.WebConfig.InvalidWebConfig e) {
        throw new IOException(
            "invalid --web.config.file " + options.webConfigFile() + ": " + e.getMessage(), e);
      }
    }
    // The database's own background task cuts the head into blocks, compacts, and applies time and
    // size retention every minute, as Prometheus does.
    CardinalOptions dbOptions =
        CardinalOptions.defaults()
            .withMaxSeries(options.maxSeries())
            .withRetention(options.retention())
            .withRetentionBytes(options.retentionSizeBytes())
            .withLockfile(options.lockfile())
            .withMaxFuture(options.maxFuture())
            .withStaleSeriesIdle(options.staleSeriesIdle());
    if (options.walSegmentSize() > 0 || options.walCompression()) {
      io.cardinal.storage.head.DurableOptions d =
          dbOptions.durable().withWalCompression(options.walCompression());
      dbOptions =
          dbOptions.withDurable(
              options.walSegmentSize() > 0 ? d.withWalSegmentSize(options.walSegmentSize()) : d);
    }
    this.db =
        options.inMemory()
            ? Cardinal.inMemory(dbOptions)
            : Cardinal.open(options.storagePath(), dbOptions);
    EngineQueryService engine =
        new EngineQueryService(
            db::querier,
            options.lookbackDelta().toMillis(),
            options.queryMaxSamples(),
            options.queryTimeout().toMillis(),
            options.queryMaxConcurrency(),
            options.promqlExperimentalFunctions());
    this.queryService = engine;
    metricsSources.add(engine);
    if (options.enableRemoteWriteReceiver()) {
      this.remoteWrite =
          new RemoteWriteReceiver(
              db, options.remoteWriteMaxBytes(), options.remoteWriteMaxDecodedBytes());
      metricsSources.add(remoteWrite);
    } else {
      this.remoteWrite = null;
    }
    this.remoteRead =
        new RemoteReadHandler(
            db::querier,
            options.remoteReadMaxBytes(),
            options.remoteReadSampleLimit(),
            () ->
                config == null
                    ? io.cardinal.tsdb.labels.Labels.EMPTY
                    : config.global().externalLabels());
    metricsSources.add(remoteRead);
    Path walDir = db.walDir().orElse(null);
    this.remoteWrites =
        new RemoteWriteManager(
            walDir, options.remoteWriteFlushDeadline().toMillis(), System::currentTimeMillis);
    metricsSources.add(remoteWrites);
    this.notifier =
        new Notifier(
            options.notificationQueueCapacity(),
            options.drainNotificationQueue(),
            options.notificationBatchSize());
    metricsSources.add(notifier);
    this.rules =
        new RuleManager(
            ruleEngine(options, 60_000),
            db::querier,
            db::appender,
            System::currentTimeMillis,
            ruleOptions(Config.Global.DEFAULT, options, ""));
    rules.addListener(
        new AlertListener() {
          @Override
          public void send(String expr, List<OutgoingAlert> alerts) {
            List<Alert> out = new ArrayList<>(alerts.size());
            for (OutgoingAlert a : alerts) {
              out.add(
                  new Alert(
                      a.labels(), a.annotations(), a.startsAtMs(), a.endsAtMs(), a.generatorUrl()));
            }
            notifier.send(out);
          }
        });
    metricsSources.add(rules);
    Path base = baseDir();
    this.scrapes =
        new ScrapeManager(db, base, options.scrapeThreads(), options.filePollInterval().toMillis());
    InetSocketAddress listen;
    try {
      listen = parseAddress(options.listenAddress());
      this.web = new WebServer(this, listen, webConfig);
      web.route(
          "/api/v1/write",
          "POST",
          () -> remoteWrite == null ? 0 : remoteWrite.maxCompressedBytes(),
          this::remoteWrite);
      web.route("/api/v1/read", "POST", remoteRead::maxCompressedBytes, this::remoteRead);
      // Without its trailing slash, as Prometheus keeps it: links append "/graph?...".
      this.externalUrl =
          (options.externalUrl().isEmpty()
                  ? defaultExternalUrl(listen.getPort())
                  : options.externalUrl())
              .replaceAll("/+$", "");
    } catch (IOException | RuntimeException e) {
      scrapes.close();
      rules.close();
      notifier.close();
      db.close();
      throw new IOException(
          "cannot listen on " + options.listenAddress() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Retention in force: each field of the configuration's {@code storage.tsdb.retention} that is
   * set takes precedence over its flag, as in Prometheus 3; a field removed from the file falls
   * back to the flag on reload.
   */
  private void applyRetention(Config c) {
    Config.Retention r = c.storage().retention();
    long time = r.timeMs() >= 0 ? r.timeMs() : options.retention().toMillis();
    long size = r.sizeBytes() >= 0 ? r.sizeBytes() : options.retentionSizeBytes();
    db.setRetention(time, size, r.percentage());
  }

  /** Binds the listen address, loads the configuration and starts scraping. */
  public static CardinalServer start(ServerOptions options) throws IOException, ConfigException {
    CardinalServer s = new CardinalServer(options);
    try {
      s.web.start();
      Config initial = s.loadConfig();
      List<GroupSpec> groups = s.loadRules(initial);
      s.applyAlerting(initial, groups);
      s.scrapes.apply(initial);
      s.remoteWrites.apply(initial);
      s.db.setStaleSeriesCompactionThreshold(initial.storage().staleSeriesCompactionThreshold());
      s.applyRetention(initial);
      s.config = initial;
      s.lastReloadSuccessful = true;
      s.lastReloadMs = System.currentTimeMillis();
      s.startAutoReload();
      log.info("msg=\"Server is ready to receive web requests.\" address={}", s.web.address());
      return s;
    } catch (IOException | ConfigException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private Config loadConfig() throws ConfigException {
    if (options.configFile() == null) {
      return ConfigLoader.parse(defaultConfig(web.address()));
    }
    Config c = ConfigLoader.load(options.configFile());
    for (String ignored : c.ignoredSections()) {
      log.warn(
          "msg=\"Configuration section is accepted but not used by Cardinal\" section={}", ignored);
    }
    if (c.storage().staleSeriesCompactionThreshold() > 0 && options.inMemory()) {
      throw new ConfigException(
          0,
          "storage.tsdb.stale_series_compaction_threshold writes stale series to blocks: it needs"
              + " a data directory, and this server runs in memory");
    }
    if (c.storage().maxExemplars() >= 0) {
      log.warn(
          "msg=\"storage.exemplars is accepted, but exemplar storage is off, as in Prometheus"
              + " without --enable-feature=exemplar-storage\" max_exemplars={}",
          c.storage().maxExemplars());
    }
    return c;
  }

  private Path baseDir() {
    return options.configFile() == null
        ? Path.of(".").toAbsolutePath().normalize()
        : options.configFile().toAbsolutePath().getParent();
  }

  /**
   * Reads every rule file the configuration names; a bad one fails the whole load so the rules in
   * force stay.
   */
  private List<GroupSpec> loadRules(Config c) throws ConfigException {
    try {
      return RuleFiles.load(RuleFiles.expand(baseDir(), c.ruleFiles()));
    } catch (RuleFileException e) {
      throw new ConfigException(
          "error loading rules, previous rule set restored: " + e.getMessage(), e);
    }
  }

  private void applyAlerting(Config c, List<GroupSpec> groups) throws ConfigException {
    try {
      notifier.apply(c.alerting(), c.global().externalLabels(), baseDir());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("alerting: " + e.getMessage(), e);
    }
    rules.setEngine(ruleEngine(options, c.global().evaluationIntervalMs()));
    if (options.rulesStreaming()) {
      if (streaming == null) {
        long maxWindows = options.effectiveRulesStreamingMaxSeries();
        streamingRuntime =
            StreamingRuntime.attach(
                db,
                ruleEngineOptions(options, c.global().evaluationIntervalMs()),
                StreamingRuntime.DEFAULT_GRACE_MS,
                maxWindows);
        streaming =
            new StreamingRules(streamingRuntime, c.global().evaluationIntervalMs(), maxWindows);
        metricsSources.add(streaming);
        rules.setStreamingBackend(streaming);
      }
      streaming.setEvaluationInterval(c.global().evaluationIntervalMs());
    }
    rules.setOptions(ruleOptions(c.global(), options, externalUrl));
    rules.update(groups);
    lintLater(c, groups);
  }

  /**
   * Lints the rules just loaded against the stored data, off the reload path (it runs queries), and
   * shows what it finds as warnings per rule in /api/v1/rules. Backtests and informational findings
   * are left to {@code cardinal rules lint}. A failure is logged, never fatal.
   */
  private void lintLater(Config c, List<GroupSpec> groups) {
    if (groups.isEmpty()) {
      rules.setWarnings(null);
      return;
    }
    long generation = lintGeneration.incrementAndGet();
    linter.execute(
        () -> {
          try (DatabaseSource source = new DatabaseSource(db, c)) {
            List<Finding> findings =
                new RuleLinter(
                        source,
                        LintOptions.defaults()
                            .withEvaluationInterval(
                                Duration.ofMillis(c.global().evaluationIntervalMs()))
                            .withDisabledChecks(List.of(BacktestCheck.ID)))
                    .lint(groups);
            if (lintGeneration.get() == generation) {
              rules.setWarnings((g, r) -> RuleLinter.warningsFor(findings, g, r, false));
            }
          } catch (Exception e) {
            log.warn("msg=\"Linting the rules failed\" err=\"{}\"", e.toString());
          }
        });
  }

  /** The engine rules query through: the query flags, subqueries stepping at the rule interval. */
  private static Engine ruleEngine(ServerOptions o, long evaluationIntervalMs) {
    return new Engine(ruleEngineOptions(o, evaluationIntervalMs));
  }

  private static EngineOptions ruleEngineOptions(ServerOptions o, long evaluationIntervalMs) {
    return EngineOptions.defaults()
        .withLookbackDelta(o.lookbackDelta())
        .withMaxSamples(o.queryMaxSamples())
        .withTimeout(o.queryTimeout())
        .withMaxConcurrentQueries(o.queryMaxConcurrency())
        .withExperimentalFunctions(o.promqlExperimentalFunctions())
        .withNoStepSubqueryInterval(Duration.ofMillis(evaluationIntervalMs));
  }

  private static RuleOptions ruleOptions(Config.Global g, ServerOptions o, String externalUrl) {
    return RuleOptions.defaults()
        .withEvaluationInterval(Duration.ofMillis(g.evaluationIntervalMs()))
        .withQueryOffset(Duration.ofMillis(g.ruleQueryOffsetMs()))
        .withExternalLabels(g.externalLabels())
        .withExternalUrl(externalUrl.isEmpty() ? "http://localhost:9090" : externalUrl)
        .withOutageTolerance(o.forOutageTolerance())
        .withForGracePeriod(o.forGracePeriod())
        .withResendDelay(o.resendDelay())
        // At most half the processors: scraping and queries keep the rest however heavy the rules.
        .withThreads(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
  }

  /** Prometheus's default for --web.external-url: this host's name and the listening port. */
  static String defaultExternalUrl(int port) {
    return "http://" + hostname() + ":" + port;
  }

  /**
   * The machine's name as the kernel has it, like Go's os.Hostname: no DNS lookup (which {@code
   * InetAddress.getLocalHost} makes, and which can stall a start for seconds).
   */
  static String hostname() {
    try {
      String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: the environment, then a name that always resolves.
    }
    String env = System.getenv("HOSTNAME");
    return env == null || env.isBlank() ? "localhost" : env.strip();
  }

  /** The built-in configuration without --config.file: the server scrapes itself every 15s. */
  public static String defaultConfig(InetSocketAddress bound) {
    String host = bound.getAddress().isAnyLocalAddress() ? "localhost" : bound.getHostString();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "global:\n  scrape_interval: 15s\n  scrape_timeout: 10s\n  evaluation_interval: 15s\n"
        + "scrape_configs:\n  - job_name: cardinal\n    static_configs:\n      - targets: [\""
        + host
        + ":"
        + bound.getPort()
        + "\"]\n";
  }

  /**
   * Re-reads the configuration file. On error the running configuration stays and the error is
   * returned (and logged); null on success.
   */
  @Override
  public synchronized String reload() {
    log.info("msg=\"Loading configuration file\" filename={}", options.configFile());
    try {
      Config next = loadConfig();
      List<GroupSpec> groups = loadRules(next);
      // The notifier first: it is the one that can still refuse (TLS files), before any change.
      applyAlerting(next, groups);
      scrapes.apply(next);
      remoteWrites.apply(next);
      db.setStaleSeriesCompactionThreshold(next.storage().staleSeriesCompactionThreshold());
      applyRetention(next);
      config = next;
      lastReloadSuccessful = true;
      lastReloadMs = System.currentTimeMillis();
      log.info("msg=\"Completed loading of configuration file\" filename={}", options.configFile());
      return null;
    } catch (ConfigException | IOException e) {
      lastReloadSuccessful = false;
      String msg = "error loading config from \"" + options.configFile() + "\": " + e.getMessage();
      log.error("msg=\"Error reloading config\" err=\"{}\"", msg);
      return msg;
    }
  }

  static InetSocketAddress parseAddress(String addr) {
    int colon = addr.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("--web.listen-address \"" + addr + "\": missing port");
    }
    String host = addr.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(addr.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--web.listen-address \"" + addr + "\": invalid port");
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  private BodyRoute.Reply remoteWrite(
      java.util.function.Function<String, String> header, byte[] body) {
    if (remoteWrite == null) {
      return BodyRoute.Reply.text(
          404,
          "remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n");
    }
    RemoteWriteReceiver.Response r =
        body == null
            ? remoteWrite.tooLarge()
            : remoteWrite.handle(
                header.apply("Content-Type"), header.apply("Content-Encoding"), body);
    return BodyRoute.Reply.text(r.status(), r.body());
  }

  private BodyRoute.Reply remoteRead(
      java.util.function.Function<String, String> header, byte[] body) {
    if (body == null) {
      return BodyRoute.Reply.text(
          413, "request body too large: limit is " + remoteRead.maxCompressedBytes() + " bytes\n");
    }
    RemoteReadHandler.Response r = remoteRead.handle(body);
    return new BodyRoute.Reply(r.status(), r.contentType(), r.contentEncoding(), r.body());
  }

  /** Blocks until /-/quit or {@link #close()}. */
  public void awaitQuit() throws InterruptedException {
    quit.await();
  }

  @Override
  public void requestQuit() {
    quit.countDown();
  }

  public void setQueryService(QueryService q) {
    this.queryService = q;
  }

  @Override
  public QueryService queryService() {
    return queryService;
  }

  /** The remote write receiver, or null without --web.enable-remote-write-receiver. */
  public RemoteWriteReceiver remoteWriteReceiver() {
    return remoteWrite;
  }

  /** The remote_write queues. */
  public RemoteWriteManager remoteWrites() {
    return remoteWrites;
  }

  /** {@code /api/v1/read}, always on, as in Prometheus. */
  public RemoteReadHandler remoteReadHandler() {
    return remoteRead;
  }

  /** Adds series to /metrics (rendered after the server's own, in the order added). */
  public void addMetricsSource(MetricsSource source) {
    metricsSources.add(source);
  }

  @Override
  public java.util.List<MetricsSource> metricsSources() {
    return metricsSources;
  }

  @Override
  public RuleManager rules() {
    return rules;
  }

  @Override
  public Notifier notifier() {
    return notifier;
  }

  /** The URL alerts link back to ({@code --web.external-url} or the derived default). */
  public String externalUrl() {
    return externalUrl;
  }

  @Override
  public ServerOptions options() {
    return options;
  }

  @Override
  public Cardinal db() {
    return db;
  }

  @Override
  public ScrapeManager scrapes() {
    return scrapes;
  }

  @Override
  public Config config() {
    return config;
  }

  public InetSocketAddress address() {
    return web.address();
  }

  @Override
  public long startTimeMs() {
    return startTimeMs;
  }

  @Override
  public boolean lastReloadSuccessful() {
    return lastReloadSuccessful;
  }

  @Override
  public long lastReloadMs() {
    return lastReloadMs;
  }

  /** Checks the configuration for changes when {@code --config.auto-reload} is on. */
  private java.util.concurrent.ScheduledExecutorService autoReload;

  private String configChecksum;

  /**
   * Prometheus's {@code --config.auto-reload}: every interval, a checksum over the configuration
   * file and the scrape config and rule files it names; a change reloads (a failed reload keeps the
   * running configuration, as every reload does, and is retried when the files change again).
   */
  private void startAutoReload() {
    long iv = options.configAutoReloadInterval().toMillis();
    if (iv <= 0 || options.configFile() == null) {
      return;
    }
    configChecksum = configChecksum();
    autoReload =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "config-auto-reload");
              t.setDaemon(true);
              return t;
            });
    autoReload.scheduleWithFixedDelay(
        () -> {
          String now = configChecksum();
          if (now != null && !now.equals(configChecksum)) {
            configChecksum = now;
            log.info("msg=\"Configuration file change detected, reloading the configuration.\"");
            reload();
          }
        },
        iv,
        iv,
        java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * SHA-256 over the configuration file, the scrape config files it names and the rule files of the
   * running configuration; null if unreadable. The file is not parsed here: a change to it changes
   * its own bytes, and the reload that follows brings the rule files it names into the next sum.
   */
  private String configChecksum() {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      md.update(java.nio.file.Files.readAllBytes(options.configFile()));
      List<Path> files =
          new java.util.ArrayList<>(ConfigLoader.scrapeConfigFiles(options.configFile()));
      files.addAll(RuleFiles.expand(baseDir(), config.ruleFiles()));
      for (Path p : files) {
        md.update(p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update(java.nio.file.Files.readAllBytes(p));
      }
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (java.io.IOException | RuleFileException | java.security.NoSuchAlgorithmException e) {
      return null;
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (autoReload != null) {
      autoReload.shutdownNow();
    }
    web.stop();
    linter.shutdownNow();
    rules.close();
    if (streamingRuntime != null) {
      db.setCommitObserver(null);
      streamingRuntime.close();
    }
    notifier.close();
    scrapes.close();
    remoteWrites.close();
    db.close();
    quit.countDown();
  }
}
