package io.cardinal.cli;

import io.cardinal.config.ByteSizes;
import io.cardinal.config.ConfigException;
import io.cardinal.config.Durations;
import io.cardinal.config.ServerOptions;
import io.cardinal.server.CardinalServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** {@code cardinal server}: the scrape-and-query server, with Prometheus's flag names. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Run the scrape-and-query server (a drop-in for prometheus).")
public final class ServerCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

  static final class DurationConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return Durations.parse(value);
    }
  }

  static final class BytesConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return ByteSizes.parse(value);
    }
  }

  @Option(
      names = "--config.file",
      description =
          "Prometheus configuration file path. Without it the server "
              + "scrapes itself every 15s.")
  Path configFile;

  @Option(
      names = "--storage.tsdb.path",
      defaultValue = "data/",
      description = "Base path for metrics storage.")
  Path storagePath;

  @Option(
      names = "--storage.tsdb.retention.time",
      defaultValue = "15d",
      converter = DurationConverter.class,
      description = "How long to retain samples in storage.")
  long retentionMs;

  @Option(
      names = "--storage.tsdb.retention.size",
      defaultValue = "0",
      converter = BytesConverter.class,
      description = "Maximum number of bytes that can be stored for blocks (0: no limit).")
  long retentionSize;

  @Option(
      names = "--storage.tsdb.head.max-series",
      defaultValue = "0",
      description =
          "Global series limit of the head: at the limit, samples that would create a series are "
              + "skipped and counted; existing series keep ingesting (0: no limit).")
  long maxSeries;

  @Option(
      names = "--storage.tsdb.too-far-in-future.time-window",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description =
          "Samples later than the clock plus this are refused and counted, so one bad timestamp "
              + "cannot stop ingestion (0: accept any time).")
  long maxFutureMs;

  @Option(
      names = "--storage.tsdb.head.stale-series-idle",
      defaultValue = "0s",
      converter = DurationConverter.class,
      description =
          "Cardinal's own: a head series with no sample for this long, or whose last sample is a "
              + "staleness marker, is written to a block and leaves memory (checked every 30s); it "
              + "then no longer counts against --storage.tsdb.head.max-series (0: off; "
              + "storage.tsdb.stale_series_compaction_threshold in the configuration file is the "
              + "ratio trigger).")
  long staleSeriesIdleMs;

  @Option(
      names = "--storage.tsdb.no-lockfile",
      description =
          "Do not lock the data directory. By default a second server on the same directory "
              + "refuses to start, naming the directory and the PID holding it.")
  boolean noLockfile;

  // Debian's Prometheus package replaces the flag above with this one and locks only when it is
  // given; here locking is the default, so the flag is accepted and asks for what already happens.
  @Option(
      names = "--storage.tsdb.use-lockfile",
      description =
          "Lock the data directory (the default; accepted for Debian's Prometheus units).")
  boolean useLockfile;

  @Option(
      names = "--web.listen-address",
      defaultValue = "0.0.0.0:9090",
      description = "Address to listen on for UI, API, and telemetry.")
  String listenAddress;

  @Option(
      names = "--web.read-timeout",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "Maximum duration before timing out read of the request, and closing idle connections.")
  long webReadTimeoutMs;

  @Option(
      names = "--web.max-connections",
      defaultValue = "512",
      description = "Maximum number of simultaneous connections across all listeners.")
  int webMaxConnections;

  @Option(
      names = "--web.external-url",
      defaultValue = "",
      description =
          "The URL under which Cardinal is externally reachable (for example, if Cardinal is served"
              + " via a reverse proxy). Used for generating relative and absolute links back to"
              + " Cardinal itself. Without it, http://<hostname>:<port>/ is used.")
  String externalUrl;

  @Option(
      names = "--rules.alert.for-outage-tolerance",
      defaultValue = "1h",
      converter = DurationConverter.class,
      description = "Max time to tolerate Cardinal outage for restoring \"for\" state of alert.")
  long forOutageToleranceMs;

  @Option(
      names = "--rules.alert.for-grace-period",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description =
          "Minimum duration between alert and restored \"for\" state. This is maintained only for"
              + " alerts with configured \"for\" time greater than grace period.")
  long forGracePeriodMs;

  @Option(
      names = "--rules.alert.resend-delay",
      defaultValue = "1m",
      converter = DurationConverter.class,
      description = "Minimum amount of time to wait before resending an alert to Alertmanager.")
  long resendDelayMs;

  @Option(
      names = "--alertmanager.notification-queue-capacity",
      defaultValue = "10000",
      description = "The capacity of the queue for pending Alertmanager notifications.")
  int notificationQueueCapacity;

  @Option(
      names = "--alertmanager.notification-batch-size",
      defaultValue = "256",
      description = "The maximum number of notifications per batch to send to the Alertmanager.")
  int notificationBatchSize;

  @Option(
      names = "--alertmanager.drain-notification-queue-on-shutdown",
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Send any outstanding Alertmanager notifications when shutting down. If false, any"
              + " outstanding Alertmanager notifications will be dropped when shutting down."
              + " Default: ${DEFAULT-VALUE}.")
  boolean drainNotificationQueue;

  @Option(
      names = "--no-alertmanager.drain-notification-queue-on-shutdown",
      description = "Drop outstanding Alertmanager notifications when shutting down.")
  boolean noDrainNotificationQueue;

  // Picocli derives no --no- form for dotted names; the negative forms are spelled out as kingpin
  // (Prometheus's flag parser) accepts them: --flag, --flag=false, --no-flag.
  @Option(
      names = "--rules.streaming",
      arity = "0..1",
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Evaluate the rules that can be maintained incrementally from the samples as they"
              + " arrive, instead of querying the database every interval (Cardinal's own; the"
              + " others run as queries). Off by default: it costs ingest CPU (see"
              + " docs/streaming.md). Default: ${DEFAULT-VALUE}.")
  boolean rulesStreaming;

  @Option(names = "--no-rules.streaming", description = "Evaluate every rule as a query.")
  boolean noRulesStreaming;

  @Option(
      names = "--rules.streaming.max-series",
      defaultValue = "0",
      description =
          "The most series windows streaming rules hold over all their selectors (one per series"
              + " a distinct selector matches); a selector that needs more gives up its state and"
              + " its rules run as queries until reloaded. 0 takes a quarter of the heap at 256"
              + " bytes a window (Cardinal's own). Default: ${DEFAULT-VALUE}.")
  long rulesStreamingMaxSeries;

  @Option(
      names = "--web.enable-admin-api",
      description = "Enable API endpoints for admin control actions.")
  boolean enableAdminApi;

  @Option(
      names = "--web.enable-lifecycle",
      description = "Enable shutdown and reload via HTTP request.")
  boolean enableLifecycle;

  @Option(
      names = "--web.enable-remote-write-receiver",
      description = "Enable API endpoint accepting remote " + "write requests.")
  boolean enableRemoteWrite;

  @Option(
      names = "--web.config.file",
      description =
          "Path to configuration file that can enable TLS or "
              + "authentication (tls_server_config, basic_auth_users, http_server_config.headers).")
  Path webConfigFile;

  @Option(
      names = "--query.max-samples",
      defaultValue = "50000000",
      description = "Maximum number of samples a single query can load into memory.")
  long queryMaxSamples;

  @Option(
      names = "--query.timeout",
      defaultValue = "2m",
      converter = DurationConverter.class,
      description = "Maximum time a query may take before being aborted.")
  long queryTimeoutMs;

  @Option(
      names = "--query.lookback-delta",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "The maximum lookback duration for retrieving metrics during expression evaluations and "
              + "federation.")
  long lookbackDeltaMs;

  @Option(
      names = "--query.max-concurrency",
      defaultValue = "20",
      description = "Maximum number of queries executed concurrently.")
  int queryMaxConcurrency;

  @Option(
      names = "--enable-feature",
      split = ",",
      description =
          "Comma-separated Prometheus feature names. promql-experimental-functions is honoured;"
              + " features without effect here are logged, features that would change what is"
              + " stored or answered and that Cardinal lacks are refused, unknown names are logged"
              + " (docs/configuration.md lists each).")
  java.util.List<String> features = new java.util.ArrayList<>();

  @Option(
      names = "--config.auto-reload",
      description =
          "Reload the configuration when the configuration file or a rule file it names changes"
              + " (checked every --config.auto-reload-interval).")
  boolean configAutoReload;

  @Option(
      names = "--config.auto-reload-interval",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "How often --config.auto-reload checks the files.")
  long configAutoReloadIntervalMs;

  @Option(
      names = "--storage.remote.flush-deadline",
      defaultValue = "1m",
      converter = DurationConverter.class,
      description = "How long to wait flushing samples on shutdown or config reload.")
  long remoteFlushDeadlineMs;

  @Option(
      names = "--storage.remote.read-sample-limit",
      defaultValue = "50000000",
      description =
          "Maximum overall number of samples to return via the remote read interface, in a"
              + " single query (0: no limit).")
  long remoteReadSampleLimit;

  @Option(
      names = "--web.cors.origin",
      defaultValue = ".*",
      description =
          "Regex for CORS origin, fully anchored: API responses to a request whose Origin matches"
              + " carry Access-Control-Allow-Origin.")
  String corsOrigin;

  @Option(
      names = "--web.route-prefix",
      defaultValue = "",
      description =
          "Prefix for the internal routes of web endpoints. Defaults to the path of"
              + " --web.external-url.")
  String routePrefix;

  @Option(
      names = "--web.page-title",
      defaultValue = "Prometheus Time Series Collection and Processing Server",
      description = "Document title of the web UI's pages.")
  String pageTitle;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--log.level",
      defaultValue = "info",
      description =
          "Only log messages with the given " + "severity or above: debug, info, warn, error.")
  String logLevel;

  @Option(
      names = "--log.format",
      defaultValue = "logfmt",
      description = "Output format of log messages. One of: [logfmt, json]")
  String logFormat;

  /** The features of {@code --enable-feature} Cardinal honours, set by {@link #call()}. */
  java.util.Set<String> enabledFeatures = java.util.Set.of();

  ServerOptions options() {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("config.file", configFile == null ? "" : configFile.toString());
    flags.put("storage.tsdb.path", storagePath.toString());
    flags.put("storage.tsdb.retention.time", Durations.format(retentionMs));
    flags.put("storage.tsdb.retention.size", ByteSizes.format(retentionSize));
    flags.put("storage.tsdb.head.max-series", String.valueOf(maxSeries));
    flags.put("storage.tsdb.no-lockfile", String.valueOf(noLockfile));
    flags.put("storage.tsdb.head.stale-series-idle", Durations.format(staleSeriesIdleMs));
    flags.put("storage.tsdb.too-far-in-future.time-window", Durations.format(maxFutureMs));
    flags.put("web.listen-address", listenAddress);
    flags.put("web.read-timeout", Durations.format(webReadTimeoutMs));
    flags.put("web.max-connections", String.valueOf(webMaxConnections));
    flags.put("web.enable-admin-api", String.valueOf(enableAdminApi));
    flags.put("web.enable-lifecycle", String.valueOf(enableLifecycle));
    flags.put("web.enable-remote-write-receiver", String.valueOf(enableRemoteWrite));
    flags.put("web.config.file", webConfigFile == null ? "" : webConfigFile.toString());
    flags.put("query.max-samples", String.valueOf(queryMaxSamples));
    flags.put("query.timeout", Durations.format(queryTimeoutMs));
    flags.put("query.lookback-delta", Durations.format(lookbackDeltaMs));
    flags.put("query.max-concurrency", String.valueOf(queryMaxConcurrency));
    flags.put("web.external-url", externalUrl);
    flags.put("rules.alert.for-outage-tolerance", Durations.format(forOutageToleranceMs));
    flags.put("rules.alert.for-grace-period", Durations.format(forGracePeriodMs));
    flags.put("rules.alert.resend-delay", Durations.format(resendDelayMs));
    flags.put(
        "alertmanager.notification-queue-capacity", String.valueOf(notificationQueueCapacity));
    flags.put(
        "alertmanager.drain-notification-queue-on-shutdown",
        String.valueOf(drainNotificationQueue));
    flags.put("rules.streaming", String.valueOf(rulesStreaming && !noRulesStreaming));
    flags.put("rules.streaming.max-series", String.valueOf(rulesStreamingMaxSeries));
    flags.put("alertmanager.notification-batch-size", String.valueOf(notificationBatchSize));
    flags.put("log.level", logLevel);
    flags.put("log.format", logFormat);
    flags.put("enable-feature", String.join(",", features));
    flags.put("storage.remote.flush-deadline", Durations.format(remoteFlushDeadlineMs));
    flags.put("storage.remote.read-sample-limit", String.valueOf(remoteReadSampleLimit));
    flags.put("web.cors.origin", corsOrigin);
    flags.put("web.route-prefix", routePrefix);
    flags.put("web.page-title", pageTitle);
    flags.put("config.auto-reload", String.valueOf(configAutoReload));
    flags.put("config.auto-reload-interval", Durations.format(configAutoReloadIntervalMs));
    return ServerOptions.DEFAULTS
        .withConfigFile(configFile)
        .withStoragePath(storagePath)
        .withRetention(Duration.ofMillis(retentionMs))
        .withRetentionSizeBytes(retentionSize)
        .withMaxSeries(maxSeries)
        .withLockfile(!noLockfile || useLockfile)
        .withMaxFuture(Duration.ofMillis(maxFutureMs))
        .withStaleSeriesIdle(Duration.ofMillis(staleSeriesIdleMs))
        .withRemoteWriteFlushDeadline(Duration.ofMillis(remoteFlushDeadlineMs))
        .withRemoteReadSampleLimit(remoteReadSampleLimit)
        .withCorsOrigin(corsOrigin)
        .withRoutePrefix(routePrefix)
        .withPageTitle(pageTitle)
        .withPromqlExperimentalFunctions(enabledFeatures.contains("promql-experimental-functions"))
        .withConfigAutoReloadInterval(
            configAutoReload ? Duration.ofMillis(configAutoReloadIntervalMs) : Duration.ZERO)
        .withListenAddress(listenAddress)
        .withWebReadTimeout(Duration.ofMillis(webReadTimeoutMs))
        .withWebMaxConnections(webMaxConnections)
        .withEnableAdminApi(enableAdminApi)
        .withEnableLifecycle(enableLifecycle)
        .withEnableRemoteWriteReceiver(enableRemoteWrite)
        .withWebConfigFile(webConfigFile)
        .withQueryMaxSamples(queryMaxSamples)
        .withQueryTimeout(Duration.ofMillis(queryTimeoutMs))
        .withLookbackDelta(Duration.ofMillis(lookbackDeltaMs))
        .withQueryMaxConcurrency(queryMaxConcurrency)
        .withExternalUrl(externalUrl)
        .withForOutageTolerance(Duration.ofMillis(forOutageToleranceMs))
        .withForGracePeriod(Duration.ofMillis(forGracePeriodMs))
        .withResendDelay(Duration.ofMillis(resendDelayMs))
        .withNotificationQueueCapacity(notificationQueueCapacity)
        .withDrainNotificationQueue(drainNotificationQueue && !noDrainNotificationQueue)
        .withRulesStreaming(rulesStreaming && !noRulesStreaming)
        .withRulesStreamingMaxSeries(rulesStreamingMaxSeries)
        .withNotificationBatchSize(notificationBatchSize)
        .withFlags(flags);
  }

  @Override
  public Integer call() throws Exception {
    if (noLockfile && useLockfile) {
      log.error(
          "msg=\"--storage.tsdb.no-lockfile and --storage.tsdb.use-lockfile contradict each other;"
              + " give one\"");
      return 2;
    }
    try {
      io.cardinal.cli.log.LogLine.configure(logLevel, logFormat);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          spec == null ? new picocli.CommandLine(this) : spec.commandLine(), e.getMessage());
    }
    List<String> notes = new java.util.ArrayList<>();
    if (spec != null) {
      // Refusals throw picocli's usage error: the message, the usage, exit code 2.
      notes.addAll(PrometheusFlags.check(spec.commandLine().getParseResult()));
      enabledFeatures = PrometheusFlags.features(spec.commandLine(), features, notes);
    }
    ServerOptions o = options();
    log.info("msg=\"Starting Cardinal Server\" version=0.1.0-SNAPSHOT");
    for (String n : notes) {
      log.info("msg=\"{}\"", n);
    }
    if (!enabledFeatures.isEmpty()) {
      log.info("msg=\"Experimental features enabled\" features={}", enabledFeatures);
    }
    CardinalServer server;
    try {
      server = CardinalServer.start(o);
    } catch (ConfigException e) {
      log.error("msg=\"Error loading config\" file={} err=\"{}\"", configFile, e.getMessage());
      return 1;
    } catch (java.io.IOException | IllegalArgumentException e) {
      log.error("msg=\"Unable to start the server\" err=\"{}\"", e.getMessage());
      return 1;
    }
    installSignals(server);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("msg=\"Received termination request, exiting gracefully...\"");
                  server.close();
                },
                "shutdown"));
    server.awaitQuit();
    server.close();
    log.info("msg=\"See you next time!\"");
    return 0;
  }

  @SuppressWarnings("restriction")
  private static void installSignals(CardinalServer server) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> server.reload());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      log.warn("msg=\"SIGHUP reload not available on this platform\" err=\"{}\"", e.getMessage());
    }
  }
}
