package io.cardinal.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code cardinal server}'s flags set: immutable, Prometheus's defaults unless changed. Start
 * from {@link #DEFAULTS} and change what you need with the {@code withX} methods, each returning a
 * copy:
 *
 * <pre>{@code
 * ServerOptions o = ServerOptions.DEFAULTS
 *     .withListenAddress("127.0.0.1:0")
 *     .withRetention(Duration.ofDays(30));
 * }</pre>
 *
 * @param configFile {@code --config.file}; null runs the built-in configuration (the server scrapes
 *     itself)
 * @param storagePath {@code --storage.tsdb.path} (data)
 * @param retention {@code --storage.tsdb.retention.time} (15d)
 * @param retentionSizeBytes {@code --storage.tsdb.retention.size}; 0 means none
 * @param listenAddress {@code --web.listen-address} (0.0.0.0:9090)
 * @param enableAdminApi {@code --web.enable-admin-api}
 * @param enableLifecycle {@code --web.enable-lifecycle}
 * @param enableRemoteWriteReceiver {@code --web.enable-remote-write-receiver}
 * @param webConfigFile {@code --web.config.file}; null serves plain HTTP without authentication
 * @param queryMaxSamples {@code --query.max-samples} (50,000,000)
 * @param queryTimeout {@code --query.timeout} (2m)
 * @param lookbackDelta {@code --query.lookback-delta} (5m), also the window /federate looks back
 *     over
 * @param queryMaxConcurrency {@code --query.max-concurrency} (20)
 * @param maxSeries {@code --storage.tsdb.head.max-series}; 0 means none
 * @param maxFuture {@code --storage.tsdb.too-far-in-future.time-window} (10m): samples later than
 *     the clock plus this are refused; 0 accepts any time
 * @param remoteWriteMaxBytes remote write: largest compressed request body (32 MiB; 413 beyond)
 * @param remoteWriteMaxDecodedBytes remote write: largest decoded (uncompressed) request (128 MiB;
 *     413 beyond)
 * @param remoteWriteFlushDeadline how long closing a remote_write queue (shutdown, reload) may
 *     spend sending what it holds (1m)
 * @param walSegmentSize WAL segment size; 0 keeps storage's default (128 MiB), tests use small
 *     segments
 * @param walCompression whether WAL records are snappy-compressed
 * @param lockfile whether the data directory is locked while open (on; {@code
 *     --storage.tsdb.no-lockfile} turns it off)
 * @param remoteReadMaxBytes remote read: largest compressed request body (8 MiB)
 * @param remoteReadSampleLimit remote read: most samples one response may carry (50,000,000;
 *     Prometheus's {@code --storage.remote.read-sample-limit})
 * @param filePollInterval how often file_sd files are checked for changes (5s)
 * @param scrapeThreads threads running scrapes (the number of processors, at least 4)
 * @param inMemory keep the database in memory even if a durable one is available (tests)
 * @param webReadTimeout {@code --web.read-timeout} (5m): how long a request may take to arrive, and
 *     how long a connection may stay idle
 * @param webMaxConnections {@code --web.max-connections} (512): simultaneous connections
 * @param externalUrl {@code --web.external-url}: the URL the server is reached under, used in
 *     alerts' generator URLs and {@code $externalURL}; empty derives {@code http://<host>:<port>/}
 * @param forOutageTolerance {@code --rules.alert.for-outage-tolerance} (1h): how long the server
 *     may have been down for alerts' {@code for} state to be restored
 * @param forGracePeriod {@code --rules.alert.for-grace-period} (10m): the least time a restored
 *     alert waits before firing
 * @param resendDelay {@code --rules.alert.resend-delay} (1m): how long to wait before resending a
 *     firing alert to Alertmanager
 * @param notificationQueueCapacity {@code --alertmanager.notification-queue-capacity} (10,000)
 * @param drainNotificationQueue {@code --alertmanager.drain-notification-queue-on-shutdown} (true)
 * @param rulesStreaming {@code --rules.streaming} (Cardinal's own, off): rules whose expression can
 *     be maintained incrementally are evaluated from state fed by the append path; the others, and
 *     every rule when off, are evaluated as queries
 * @param notificationBatchSize {@code --alertmanager.notification-batch-size} (256): most alerts
 *     per request to an Alertmanager
 * @param rulesStreamingMaxSeries {@code --rules.streaming.max-series} (Cardinal's own, 0): the most
 *     series windows the streaming rules hold over all their selectors; 0 takes a quarter of the
 *     heap at 256 bytes a window
 * @param staleSeriesIdle {@code --storage.tsdb.head.stale-series-idle} (Cardinal's own, 0): a head
 *     series with no sample for this long, or ending in a staleness marker, is written to a block
 *     and leaves the head within 30 seconds; 0 turns this trigger off
 * @param promqlExperimentalFunctions {@code --enable-feature=promql-experimental-functions}: the
 *     engine's experimental functions and aggregations are reachable from the API and rules
 * @param configAutoReloadInterval {@code --config.auto-reload} with {@code
 *     --config.auto-reload-interval} (30s): how often the configuration file and the rule files it
 *     names are checked and reloaded when their content changed; zero (the default) is off
 * @param corsOrigin {@code --web.cors.origin} (".*"): a fully anchored regular expression; API
 *     responses to a request whose {@code Origin} matches carry Prometheus's CORS headers
 * @param routePrefix {@code --web.route-prefix}: the path every endpoint and page is served under;
 *     empty (the default) takes the path of {@code --web.external-url}, as Prometheus does, and "/"
 *     or "" serves at the root. Held without its trailing slash
 * @param pageTitle {@code --web.page-title} ("Prometheus Time Series Collection and Processing
 *     Server"): the title of the web UI's pages
 * @param flags the flags as given, shown as is by /api/v1/status/flags; held as an unmodifiable
 *     copy
 */
public record ServerOptions(
    Path configFile,
    Path storagePath,
    Duration retention,
    long retentionSizeBytes,
    String listenAddress,
    boolean enableAdminApi,
    boolean enableLifecycle,
    boolean enableRemoteWriteReceiver,
    Path webConfigFile,
    long queryMaxSamples,
    Duration queryTimeout,
    Duration lookbackDelta,
    int queryMaxConcurrency,
    long maxSeries,
    Duration maxFuture,
    long remoteWriteMaxBytes,
    long remoteWriteMaxDecodedBytes,
    Duration remoteWriteFlushDeadline,
    long walSegmentSize,
    boolean walCompression,
    boolean lockfile,
    long remoteReadMaxBytes,
    long remoteReadSampleLimit,
    Duration filePollInterval,
    int scrapeThreads,
    boolean inMemory,
    Duration webReadTimeout,
    int webMaxConnections,
    String externalUrl,
    Duration forOutageTolerance,
    Duration forGracePeriod,
    Duration resendDelay,
    int notificationQueueCapacity,
    boolean drainNotificationQueue,
    boolean rulesStreaming,
    int notificationBatchSize,
    long rulesStreamingMaxSeries,
    Duration staleSeriesIdle,
    boolean promqlExperimentalFunctions,
    Duration configAutoReloadInterval,
    String corsOrigin,
    String routePrefix,
    String pageTitle,
    Map<String, String> flags) {

  /** Prometheus's defaults for every flag; no flags recorded. */
  public static final ServerOptions DEFAULTS =
      new ServerOptions(
          null,
          Path.of("data"),
          Duration.ofDays(15),
          0,
          "0.0.0.0:9090",
          false,
          false,
          false,
          null,
          50_000_000,
          Duration.ofMinutes(2),
          Duration.ofMinutes(5),
          20,
          0,
          Duration.ofMinutes(10),
          32L << 20,
          128L << 20,
          Duration.ofMinutes(1),
          0,
          false,
          true,
          8L << 20,
          50_000_000L,
          Duration.ofSeconds(5),
          Math.max(4, Runtime.getRuntime().availableProcessors()),
          false,
          Duration.ofMinutes(5),
          512,
          "",
          Duration.ofHours(1),
          Duration.ofMinutes(10),
          Duration.ofMinutes(1),
          10_000,
          true,
          false,
          256,
          0,
          Duration.ZERO,
          false,
          Duration.ZERO,
          ".*",
          "",
          "Prometheus Time Series Collection and Processing Server",
          Map.of());

  public ServerOptions {
    if (storagePath == null) {
      throw new IllegalArgumentException("--storage.tsdb.path must be set");
    }
    if (listenAddress == null || listenAddress.isEmpty()) {
      throw new IllegalArgumentException("--web.listen-address must be set");
    }
    // Prometheus reads a zero retention time as its default; the database here refuses zero, so it
    // is
    // refused up front where the message can name the flag.
    requirePositive("--storage.tsdb.retention.time", retention);
    requireNonNegative("--storage.tsdb.retention.size", retentionSizeBytes);
    requireNonNegative("--storage.tsdb.head.max-series", maxSeries);
    requireNonNegative("--rules.streaming.max-series", rulesStreamingMaxSeries);
    try {
      java.util.regex.Pattern.compile(corsOrigin);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--web.cors.origin \"" + corsOrigin + "\" is not a valid regular expression", e);
    }
    if (configAutoReloadInterval == null || configAutoReloadInterval.isNegative()) {
      throw new IllegalArgumentException(
          "--config.auto-reload-interval must be >= 0, got " + configAutoReloadInterval);
    }
    if (staleSeriesIdle == null || staleSeriesIdle.isNegative()) {
      throw new IllegalArgumentException(
          "--storage.tsdb.head.stale-series-idle must be >= 0, got " + staleSeriesIdle);
    }
    if (maxFuture == null || maxFuture.isNegative()) {
      throw new IllegalArgumentException(
          "--storage.tsdb.too-far-in-future.time-window must be >= 0, got " + maxFuture);
    }
    if (queryMaxSamples <= 0) {
      throw new IllegalArgumentException(
          "--query.max-samples must be positive, got " + queryMaxSamples);
    }
    requirePositive("--query.timeout", queryTimeout);
    requirePositive("--query.lookback-delta", lookbackDelta);
    // No slots would leave every query waiting forever.
    if (queryMaxConcurrency <= 0) {
      throw new IllegalArgumentException(
          "--query.max-concurrency must be positive, got " + queryMaxConcurrency);
    }
    requireNonNegative("remote write max bytes", remoteWriteMaxBytes);
    requireNonNegative("remote write max decoded bytes", remoteWriteMaxDecodedBytes);
    // Zero is allowed: closing then spends no time sending what a queue still holds.
    if (remoteWriteFlushDeadline == null || remoteWriteFlushDeadline.isNegative()) {
      throw new IllegalArgumentException(
          "remote write flush deadline must be >= 0, got " + remoteWriteFlushDeadline);
    }
    requireNonNegative("WAL segment size", walSegmentSize);
    requireNonNegative("remote read max bytes", remoteReadMaxBytes);
    requireNonNegative("remote read sample limit", remoteReadSampleLimit);
    requirePositive("file_sd poll interval", filePollInterval);
    if (scrapeThreads <= 0) {
      throw new IllegalArgumentException("scrape threads must be positive, got " + scrapeThreads);
    }
    requirePositive("--web.read-timeout", webReadTimeout);
    if (webMaxConnections <= 0) {
      throw new IllegalArgumentException(
          "--web.max-connections must be positive, got " + webMaxConnections);
    }
    if (externalUrl == null) {
      throw new IllegalArgumentException("--web.external-url is null");
    }
    if (routePrefix == null || pageTitle == null) {
      throw new IllegalArgumentException(
          "--web.route-prefix and --web.page-title must not be null");
    }
    requirePositive("--rules.alert.for-outage-tolerance", forOutageTolerance);
    requirePositive("--rules.alert.for-grace-period", forGracePeriod);
    requirePositive("--rules.alert.resend-delay", resendDelay);
    if (notificationQueueCapacity <= 0) {
      throw new IllegalArgumentException(
          "--alertmanager.notification-queue-capacity must be positive, got "
              + notificationQueueCapacity);
    }
    if (notificationBatchSize <= 0) {
      throw new IllegalArgumentException(
          "--alertmanager.notification-batch-size must be positive, got " + notificationBatchSize);
    }
    if (flags == null) {
      throw new IllegalArgumentException("flags are null");
    }
    // A copy keeps the order the flags were given in and stops callers changing what the API shows.
    flags = Collections.unmodifiableMap(new LinkedHashMap<>(flags));
  }

  private static void requirePositive(String what, Duration d) {
    // Under a millisecond would round to zero wherever the server counts in milliseconds.
    if (d == null || d.toMillis() <= 0) {
      throw new IllegalArgumentException(what + " must be at least 1ms, got " + show(d));
    }
  }

  private static void requireNonNegative(String what, long n) {
    if (n < 0) {
      throw new IllegalArgumentException(what + " must be >= 0, got " + n);
    }
  }

  private static String show(Duration d) {
    if (d == null) {
      return "nothing";
    }
    return d.isNegative() ? d.toString() : Durations.format(d.toMillis());
  }

  public ServerOptions withConfigFile(Path p) {
    return with(b -> b.configFile = p);
  }

  public ServerOptions withStoragePath(Path p) {
    return with(b -> b.storagePath = p);
  }

  public ServerOptions withRetention(Duration d) {
    return with(b -> b.retention = d);
  }

  public ServerOptions withRetentionSizeBytes(long n) {
    return with(b -> b.retentionSizeBytes = n);
  }

  public ServerOptions withListenAddress(String s) {
    return with(b -> b.listenAddress = s);
  }

  public ServerOptions withEnableAdminApi(boolean on) {
    return with(b -> b.enableAdminApi = on);
  }

  public ServerOptions withEnableLifecycle(boolean on) {
    return with(b -> b.enableLifecycle = on);
  }

  public ServerOptions withEnableRemoteWriteReceiver(boolean on) {
    return with(b -> b.enableRemoteWriteReceiver = on);
  }

  public ServerOptions withWebConfigFile(Path p) {
    return with(b -> b.webConfigFile = p);
  }

  public ServerOptions withQueryMaxSamples(long n) {
    return with(b -> b.queryMaxSamples = n);
  }

  public ServerOptions withQueryTimeout(Duration d) {
    return with(b -> b.queryTimeout = d);
  }

  public ServerOptions withLookbackDelta(Duration d) {
    return with(b -> b.lookbackDelta = d);
  }

  public ServerOptions withQueryMaxConcurrency(int n) {
    return with(b -> b.queryMaxConcurrency = n);
  }

  public ServerOptions withMaxSeries(long n) {
    return with(b -> b.maxSeries = n);
  }

  public ServerOptions withMaxFuture(Duration window) {
    return with(b -> b.maxFuture = window);
  }

  public ServerOptions withRemoteWriteMaxBytes(long n) {
    return with(b -> b.remoteWriteMaxBytes = n);
  }

  public ServerOptions withRemoteWriteMaxDecodedBytes(long n) {
    return with(b -> b.remoteWriteMaxDecodedBytes = n);
  }

  public ServerOptions withRemoteWriteFlushDeadline(Duration d) {
    return with(b -> b.remoteWriteFlushDeadline = d);
  }

  public ServerOptions withWalSegmentSize(long n) {
    return with(b -> b.walSegmentSize = n);
  }

  public ServerOptions withWalCompression(boolean on) {
    return with(b -> b.walCompression = on);
  }

  public ServerOptions withRemoteReadMaxBytes(long n) {
    return with(b -> b.remoteReadMaxBytes = n);
  }

  public ServerOptions withRemoteReadSampleLimit(long n) {
    return with(b -> b.remoteReadSampleLimit = n);
  }

  public ServerOptions withFilePollInterval(Duration d) {
    return with(b -> b.filePollInterval = d);
  }

  public ServerOptions withScrapeThreads(int n) {
    return with(b -> b.scrapeThreads = n);
  }

  public ServerOptions withInMemory(boolean on) {
    return with(b -> b.inMemory = on);
  }

  public ServerOptions withWebReadTimeout(Duration d) {
    return with(b -> b.webReadTimeout = d);
  }

  public ServerOptions withWebMaxConnections(int n) {
    return with(b -> b.webMaxConnections = n);
  }

  public ServerOptions withLockfile(boolean on) {
    return with(b -> b.lockfile = on);
  }

  /** {@code --web.external-url}: the URL users reach the server under; empty derives one. */
  public ServerOptions withExternalUrl(String url) {
    return with(b -> b.externalUrl = url);
  }

  public ServerOptions withForOutageTolerance(Duration d) {
    return with(b -> b.forOutageTolerance = d);
  }

  public ServerOptions withForGracePeriod(Duration d) {
    return with(b -> b.forGracePeriod = d);
  }

  public ServerOptions withResendDelay(Duration d) {
    return with(b -> b.resendDelay = d);
  }

  public ServerOptions withNotificationQueueCapacity(int n) {
    return with(b -> b.notificationQueueCapacity = n);
  }

  public ServerOptions withDrainNotificationQueue(boolean on) {
    return with(b -> b.drainNotificationQueue = on);
  }

  public ServerOptions withNotificationBatchSize(int n) {
    return with(b -> b.notificationBatchSize = n);
  }

  /** {@code --rules.streaming}: rules Cardinal can stream are kept up to date at ingest. */
  public ServerOptions withRulesStreaming(boolean on) {
    return with(b -> b.rulesStreaming = on);
  }

  /** {@code --rules.streaming.max-series}: the most series windows streaming rules hold. */
  public ServerOptions withRulesStreamingMaxSeries(long n) {
    return with(b -> b.rulesStreamingMaxSeries = n);
  }

  /** {@code --web.route-prefix}. */
  public ServerOptions withRoutePrefix(String prefix) {
    return with(b -> b.routePrefix = prefix);
  }

  /** {@code --web.page-title}. */
  public ServerOptions withPageTitle(String title) {
    return with(b -> b.pageTitle = title);
  }

  /**
   * The path prefix every route is served under, "" for the root: {@code --web.route-prefix} if
   * given, else the path of {@code --web.external-url}; never ends with "/".
   */
  public String effectiveRoutePrefix() {
    String p = routePrefix;
    if (p.isEmpty() && !externalUrl.isEmpty()) {
      try {
        String path = java.net.URI.create(externalUrl).getPath();
        p = path == null ? "" : path;
      } catch (IllegalArgumentException e) {
        p = "";
      }
    }
    if (!p.isEmpty() && !p.startsWith("/")) {
      p = "/" + p;
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  /** {@code --web.cors.origin}. */
  public ServerOptions withCorsOrigin(String regex) {
    return with(b -> b.corsOrigin = regex);
  }

  /** {@code --enable-feature=promql-experimental-functions}. */
  public ServerOptions withPromqlExperimentalFunctions(boolean on) {
    return with(b -> b.promqlExperimentalFunctions = on);
  }

  /** {@code --config.auto-reload-interval} with auto-reload on; zero turns it off. */
  public ServerOptions withConfigAutoReloadInterval(Duration d) {
    return with(b -> b.configAutoReloadInterval = d);
  }

  /** {@code --storage.tsdb.head.stale-series-idle}; zero turns the time trigger off. */
  public ServerOptions withStaleSeriesIdle(Duration d) {
    return with(b -> b.staleSeriesIdle = d);
  }

  /**
   * The most series windows the streaming rules may hold: the flag, or when it is 0 a quarter of
   * the heap at 256 bytes a window.
   */
  public long effectiveRulesStreamingMaxSeries() {
    if (rulesStreamingMaxSeries > 0) {
      return rulesStreamingMaxSeries;
    }
    return Math.max(100_000L, Runtime.getRuntime().maxMemory() / 4 / 256);
  }

  /**
   * The flags as given, for /api/v1/status/flags; copied, so later changes to {@code m} do not
   * show.
   */
  public ServerOptions withFlags(Map<String, String> m) {
    return with(b -> b.flags = m);
  }

  /** Every wither is one field changed on a copy; the record's constructor validates the result. */
  private ServerOptions with(java.util.function.Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  private static final class Copy {
    Path configFile;
    Path storagePath;
    Duration retention;
    long retentionSizeBytes;
    String listenAddress;
    boolean enableAdminApi;
    boolean enableLifecycle;
    boolean enableRemoteWriteReceiver;
    Path webConfigFile;
    long queryMaxSamples;
    Duration queryTimeout;
    Duration lookbackDelta;
    int queryMaxConcurrency;
    long maxSeries;
    Duration maxFuture;
    long remoteWriteMaxBytes;
    long remoteWriteMaxDecodedBytes;
    Duration remoteWriteFlushDeadline;
    long walSegmentSize;
    boolean walCompression;
    boolean lockfile;
    long remoteReadMaxBytes;
    long remoteReadSampleLimit;
    Duration filePollInterval;
    int scrapeThreads;
    boolean inMemory;
    Duration webReadTimeout;
    int webMaxConnections;
    String externalUrl;
    Duration forOutageTolerance;
    Duration forGracePeriod;
    Duration resendDelay;
    int notificationQueueCapacity;
    boolean drainNotificationQueue;
    boolean rulesStreaming;
    int notificationBatchSize;
    long rulesStreamingMaxSeries;
    Duration staleSeriesIdle;
    boolean promqlExperimentalFunctions;
    Duration configAutoReloadInterval;
    String corsOrigin;
    String routePrefix;
    String pageTitle;
    Map<String, String> flags;

    Copy(ServerOptions o) {
      configFile = o.configFile;
      storagePath = o.storagePath;
      retention = o.retention;
      retentionSizeBytes = o.retentionSizeBytes;
      listenAddress = o.listenAddress;
      enableAdminApi = o.enableAdminApi;
      enableLifecycle = o.enableLifecycle;
      enableRemoteWriteReceiver = o.enableRemoteWriteReceiver;
      webConfigFile = o.webConfigFile;
      queryMaxSamples = o.queryMaxSamples;
      queryTimeout = o.queryTimeout;
      lookbackDelta = o.lookbackDelta;
      queryMaxConcurrency = o.queryMaxConcurrency;
      maxSeries = o.maxSeries;
      maxFuture = o.maxFuture;
      remoteWriteMaxBytes = o.remoteWriteMaxBytes;
      remoteWriteMaxDecodedBytes = o.remoteWriteMaxDecodedBytes;
      remoteWriteFlushDeadline = o.remoteWriteFlushDeadline;
      walSegmentSize = o.walSegmentSize;
      walCompression = o.walCompression;
      lockfile = o.lockfile;
      remoteReadMaxBytes = o.remoteReadMaxBytes;
      remoteReadSampleLimit = o.remoteReadSampleLimit;
      filePollInterval = o.filePollInterval;
      scrapeThreads = o.scrapeThreads;
      inMemory = o.inMemory;
      webReadTimeout = o.webReadTimeout;
      webMaxConnections = o.webMaxConnections;
      externalUrl = o.externalUrl;
      forOutageTolerance = o.forOutageTolerance;
      forGracePeriod = o.forGracePeriod;
      resendDelay = o.resendDelay;
      notificationQueueCapacity = o.notificationQueueCapacity;
      drainNotificationQueue = o.drainNotificationQueue;
      rulesStreaming = o.rulesStreaming;
      notificationBatchSize = o.notificationBatchSize;
      rulesStreamingMaxSeries = o.rulesStreamingMaxSeries;
      staleSeriesIdle = o.staleSeriesIdle;
      promqlExperimentalFunctions = o.promqlExperimentalFunctions;
      configAutoReloadInterval = o.configAutoReloadInterval;
      corsOrigin = o.corsOrigin;
      routePrefix = o.routePrefix;
      pageTitle = o.pageTitle;
      flags = o.flags;
    }

    ServerOptions build() {
      return new ServerOptions(
          configFile,
          storagePath,
          retention,
          retentionSizeBytes,
          listenAddress,
          enableAdminApi,
          enableLifecycle,
          enableRemoteWriteReceiver,
          webConfigFile,
          queryMaxSamples,
          queryTimeout,
          lookbackDelta,
          queryMaxConcurrency,
          maxSeries,
          maxFuture,
          remoteWriteMaxBytes,
          remoteWriteMaxDecodedBytes,
          remoteWriteFlushDeadline,
          walSegmentSize,
          walCompression,
          lockfile,
          remoteReadMaxBytes,
          remoteReadSampleLimit,
          filePollInterval,
          scrapeThreads,
          inMemory,
          webReadTimeout,
          webMaxConnections,
          externalUrl,
          forOutageTolerance,
          forGracePeriod,
          resendDelay,
          notificationQueueCapacity,
          drainNotificationQueue,
          rulesStreaming,
          notificationBatchSize,
          rulesStreamingMaxSeries,
          staleSeriesIdle,
          promqlExperimentalFunctions,
          configAutoReloadInterval,
          corsOrigin,
          routePrefix,
          pageTitle,
          flags);
    }
  }
}
