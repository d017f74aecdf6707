package io.cardinal.config;

import io.cardinal.tsdb.labels.Labels;
import java.util.List;
import java.util.Map;

/** A loaded prometheus.yml, every default filled in. Immutable. */
public record Config(
    Global global,
    List<ScrapeConfig> scrapeConfigs,
    List<RemoteWriteConfig> remoteWriteConfigs,
    List<String> ruleFiles,
    Alerting alerting,
    List<String> ignoredSections,
    Storage storage) {

  public Config {
    scrapeConfigs = List.copyOf(scrapeConfigs);
    remoteWriteConfigs = List.copyOf(remoteWriteConfigs);
    ruleFiles = List.copyOf(ruleFiles);
    ignoredSections = List.copyOf(ignoredSections);
    if (storage == null) {
      storage = Storage.DEFAULT;
    }
  }

  /** A configuration without a {@code storage} section. */
  public Config(
      Global global,
      List<ScrapeConfig> scrapeConfigs,
      List<RemoteWriteConfig> remoteWriteConfigs,
      List<String> ruleFiles,
      Alerting alerting,
      List<String> ignoredSections) {
    this(global, scrapeConfigs, remoteWriteConfigs, ruleFiles, alerting, ignoredSections, null);
  }

  /**
   * The {@code storage} section as far as Cardinal acts on it (the loader refuses the fields it
   * cannot honour).
   *
   * @param staleSeriesCompactionThreshold {@code tsdb.stale_series_compaction_threshold}: the share
   *     of head series ending in a staleness marker at which they are written to a block and leave
   *     the head (0, the default, is off); reloadable
   * @param maxExemplars {@code exemplars.max_exemplars} as given (-1 when absent); exemplar storage
   *     is off, as in Prometheus without {@code --enable-feature=exemplar-storage}
   */
  public record Storage(
      double staleSeriesCompactionThreshold, long maxExemplars, Retention retention) {
    public static final Storage DEFAULT = new Storage(0, -1, Retention.UNSET);
  }

  /**
   * {@code storage.tsdb.retention}, Prometheus 3's: each field set here takes precedence over its
   * flag, and a reload changes it at runtime.
   *
   * @param timeMs {@code time}; -1 when absent, 0 disables time-based retention
   * @param sizeBytes {@code size}; -1 when absent, 0 disables size-based retention
   * @param percentage {@code percentage} of the data directory's file system (0: off)
   */
  public record Retention(long timeMs, long sizeBytes, int percentage) {
    public static final Retention UNSET = new Retention(-1, -1, 0);
  }

  /** A configuration without rule files and alerting. */
  public Config(
      Global global,
      List<ScrapeConfig> scrapeConfigs,
      List<RemoteWriteConfig> remoteWriteConfigs,
      List<String> ignoredSections) {
    this(global, scrapeConfigs, remoteWriteConfigs, List.of(), Alerting.NONE, ignoredSections);
  }

  /** A configuration without remote_write. */
  public Config(Global global, List<ScrapeConfig> scrapeConfigs, List<String> ignoredSections) {
    this(global, scrapeConfigs, List.of(), ignoredSections);
  }

  /** The {@code global} section. */
  public record Global(
      long scrapeIntervalMs,
      long scrapeTimeoutMs,
      long evaluationIntervalMs,
      Labels externalLabels,
      long bodySizeLimit,
      int sampleLimit,
      int labelLimit,
      int labelNameLengthLimit,
      int labelValueLengthLimit,
      int targetLimit,
      long ruleQueryOffsetMs,
      List<String> scrapeProtocols,
      int keepDroppedTargets) {
    /**
     * Prometheus 3's default {@code scrape_protocols} (without native histograms): OpenMetrics
     * first, then the text formats.
     */
    public static final List<String> DEFAULT_SCRAPE_PROTOCOLS =
        List.of(
            "OpenMetricsText1.0.0",
            "OpenMetricsText0.0.1",
            "PrometheusText1.0.0",
            "PrometheusText0.0.4");

    public static final Global DEFAULT =
        new Global(
            60_000, 10_000, 60_000, Labels.EMPTY, 0, 0, 0, 0, 0, 0, 0, DEFAULT_SCRAPE_PROTOCOLS, 0);

    public Global {
      scrapeProtocols = List.copyOf(scrapeProtocols);
    }
  }

  /**
   * The {@code alerting} section: relabeling applied to every alert, and the Alertmanagers to send
   * to.
   */
  public record Alerting(
      List<RelabelConfig> alertRelabelConfigs, List<AlertmanagerConfig> alertmanagers) {
    public static final Alerting NONE = new Alerting(List.of(), List.of());

    public Alerting {
      alertRelabelConfigs = List.copyOf(alertRelabelConfigs);
      alertmanagers = List.copyOf(alertmanagers);
    }
  }

  /**
   * One {@code alertmanagers} entry. Its targets come from static and file discovery and go through
   * {@code relabelConfigs} (with {@code __alerts_path__} set from the API version and {@code
   * pathPrefix}); {@code alertRelabelConfigs} apply to the alerts sent to this set only.
   */
  public record AlertmanagerConfig(
      String scheme,
      String pathPrefix,
      long timeoutMs,
      String apiVersion,
      BasicAuth basicAuth,
      Authorization authorization,
      TlsConfig tlsConfig,
      List<StaticConfig> staticConfigs,
      List<FileSdConfig> fileSdConfigs,
      List<RelabelConfig> relabelConfigs,
      List<RelabelConfig> alertRelabelConfigs) {
    public AlertmanagerConfig {
      staticConfigs = List.copyOf(staticConfigs);
      fileSdConfigs = List.copyOf(fileSdConfigs);
      relabelConfigs = List.copyOf(relabelConfigs);
      alertRelabelConfigs = List.copyOf(alertRelabelConfigs);
    }
  }

  /** One {@code scrape_configs} entry. */
  public record ScrapeConfig(
      String jobName,
      long scrapeIntervalMs,
      long scrapeTimeoutMs,
      boolean honorLabels,
      boolean honorTimestamps,
      String scheme,
      String metricsPath,
      Map<String, List<String>> params,
      BasicAuth basicAuth,
      Authorization authorization,
      TlsConfig tlsConfig,
      int sampleLimit,
      int labelLimit,
      int labelNameLengthLimit,
      int labelValueLengthLimit,
      long bodySizeLimit,
      int targetLimit,
      List<StaticConfig> staticConfigs,
      List<FileSdConfig> fileSdConfigs,
      List<RelabelConfig> relabelConfigs,
      List<RelabelConfig> metricRelabelConfigs,
      List<HttpSdConfig> httpSdConfigs,
      List<DnsSdConfig> dnsSdConfigs,
      Transfer transfer,
      List<KubernetesSdConfig> kubernetesSdConfigs) {
    public ScrapeConfig {
      kubernetesSdConfigs = List.copyOf(kubernetesSdConfigs);
      params = Map.copyOf(params);
      staticConfigs = List.copyOf(staticConfigs);
      fileSdConfigs = List.copyOf(fileSdConfigs);
      httpSdConfigs = List.copyOf(httpSdConfigs);
      dnsSdConfigs = List.copyOf(dnsSdConfigs);
      relabelConfigs = List.copyOf(relabelConfigs);
      metricRelabelConfigs = List.copyOf(metricRelabelConfigs);
    }
  }

  /**
   * One {@code remote_write} entry. {@code name} is the configured name or, without one, the first
   * six hex digits of a hash of the URL (Prometheus uses a hash of the whole entry).
   */
  public record RemoteWriteConfig(
      String name,
      String url,
      long remoteTimeoutMs,
      Map<String, String> headers,
      BasicAuth basicAuth,
      Authorization authorization,
      TlsConfig tlsConfig,
      List<RelabelConfig> writeRelabelConfigs,
      QueueConfig queueConfig) {
    public RemoteWriteConfig {
      headers = Map.copyOf(headers);
      writeRelabelConfigs = List.copyOf(writeRelabelConfigs);
    }
  }

  /**
   * A remote_write {@code queue_config}, Prometheus 3's defaults except {@code retry_on_http_429}
   * (see remote.md).
   */
  public record QueueConfig(
      int capacity,
      int maxShards,
      int minShards,
      int maxSamplesPerSend,
      long batchSendDeadlineMs,
      long minBackoffMs,
      long maxBackoffMs,
      boolean retryOnHttp429,
      long sampleAgeLimitMs) {
    public static final QueueConfig DEFAULT =
        new QueueConfig(10_000, 50, 1, 2_000, 5_000, 30, 5_000, true, 0);
  }

  /**
   * How a job's scrapes are asked for and kept: {@code scrape_protocols} (the Accept header, in
   * order of preference), {@code enable_compression} (gzip asked for), {@code follow_redirects},
   * {@code track_timestamps_staleness} (stale markers also for series with explicit timestamps),
   * {@code keep_dropped_targets} (how many dropped targets the API lists; 0: all).
   */
  public record Transfer(
      List<String> scrapeProtocols,
      boolean enableCompression,
      boolean followRedirects,
      boolean trackTimestampsStaleness,
      int keepDroppedTargets) {
    public static final Transfer DEFAULT =
        new Transfer(Global.DEFAULT_SCRAPE_PROTOCOLS, true, true, false, 0);

    public Transfer {
      scrapeProtocols = List.copyOf(scrapeProtocols);
    }
  }

  /** A {@code static_configs} group: targets (host:port) sharing labels. */
  public record StaticConfig(List<String> targets, Labels labels) {}

  public record FileSdConfig(List<String> files, long refreshIntervalMs) {}

  /**
   * An {@code http_sd_configs} entry: target groups fetched as JSON from {@code url} every {@code
   * refreshIntervalMs}, with the HTTP client settings Cardinal supports.
   */
  public record HttpSdConfig(
      String url,
      long refreshIntervalMs,
      BasicAuth basicAuth,
      Authorization authorization,
      TlsConfig tlsConfig) {}

  /**
   * A {@code kubernetes_sd_configs} entry: the role, how to reach the API server ({@code
   * api_server}, {@code kubeconfig_file}, or in-cluster when neither), the namespaces ({@code
   * ownNamespace}: the pod's own), the selectors, and the client credentials.
   */
  public record KubernetesSdConfig(
      String role,
      String apiServer,
      String kubeconfigFile,
      boolean ownNamespace,
      List<String> namespaces,
      List<KubernetesSelector> selectors,
      BasicAuth basicAuth,
      Authorization authorization,
      TlsConfig tlsConfig) {
    public KubernetesSdConfig {
      namespaces = List.copyOf(namespaces);
      selectors = List.copyOf(selectors);
    }
  }

  /** One {@code selectors} entry of kubernetes_sd_configs: label and field selector strings. */
  public record KubernetesSelector(String role, String label, String field) {}

  /**
   * A {@code dns_sd_configs} entry: {@code names} looked up as {@code type} (SRV, A, AAAA, MX or
   * NS) every {@code refreshIntervalMs}; {@code port} for every type but SRV.
   */
  public record DnsSdConfig(List<String> names, String type, int port, long refreshIntervalMs) {
    public DnsSdConfig {
      names = List.copyOf(names);
    }
  }

  public record BasicAuth(String username, String password, String passwordFile) {}

  public record Authorization(String type, String credentials, String credentialsFile) {}

  public record TlsConfig(
      String caFile,
      String certFile,
      String keyFile,
      String serverName,
      boolean insecureSkipVerify) {
    public static final TlsConfig DEFAULT = new TlsConfig("", "", "", "", false);
  }
}
