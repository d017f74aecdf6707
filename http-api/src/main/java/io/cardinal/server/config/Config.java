package io.cardinal.server.config;

import io.cardinal.tsdb.labels.Labels;
import java.util.List;
import java.util.Map;

/** A loaded prometheus.yml, every default filled in. Immutable. */
public record Config(Global global, List<ScrapeConfig> scrapeConfigs, List<String> ignoredSections) {

  public Config {
    scrapeConfigs = List.copyOf(scrapeConfigs);
    ignoredSections = List.copyOf(ignoredSections);
  }

  /** The {@code global} section. */
  public record Global(long scrapeIntervalMs, long scrapeTimeoutMs, long evaluationIntervalMs,
      Labels externalLabels, long bodySizeLimit, int sampleLimit, int labelLimit, int labelNameLengthLimit,
      int labelValueLengthLimit, int targetLimit) {
    public static final Global DEFAULT = new Global(60_000, 10_000, 60_000, Labels.EMPTY, 0, 0, 0, 0, 0, 0);
  }

  /** One {@code scrape_configs} entry. */
  public record ScrapeConfig(String jobName, long scrapeIntervalMs, long scrapeTimeoutMs, boolean honorLabels,
      boolean honorTimestamps, String scheme, String metricsPath, Map<String, List<String>> params,
      BasicAuth basicAuth, Authorization authorization, TlsConfig tlsConfig, int sampleLimit, int labelLimit,
      int labelNameLengthLimit, int labelValueLengthLimit, long bodySizeLimit, int targetLimit,
      List<StaticConfig> staticConfigs, List<FileSdConfig> fileSdConfigs, List<RelabelConfig> relabelConfigs,
      List<RelabelConfig> metricRelabelConfigs) {
    public ScrapeConfig {
      params = Map.copyOf(params);
      staticConfigs = List.copyOf(staticConfigs);
      fileSdConfigs = List.copyOf(fileSdConfigs);
      relabelConfigs = List.copyOf(relabelConfigs);
      metricRelabelConfigs = List.copyOf(metricRelabelConfigs);
    }
  }

  /** A {@code static_configs} group: targets (host:port) sharing labels. */
  public record StaticConfig(List<String> targets, Labels labels) {}

  public record FileSdConfig(List<String> files, long refreshIntervalMs) {}

  public record BasicAuth(String username, String password, String passwordFile) {}

  public record Authorization(String type, String credentials, String credentialsFile) {}

  public record TlsConfig(String caFile, String certFile, String keyFile, String serverName,
      boolean insecureSkipVerify) {
    public static final TlsConfig DEFAULT = new TlsConfig("", "", "", "", false);
  }
}
