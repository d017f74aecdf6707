package io.cardinal.scrape;

import io.cardinal.config.Config.ScrapeConfig;
import io.cardinal.config.Durations;
import io.cardinal.config.Relabeler;
import io.cardinal.tsdb.labels.Labels;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape target: labels as discovered, labels after relabel_configs (meta labels removed,
 * instance filled in), the scrape URL, and the state of the last scrape as /api/v1/targets reports
 * it.
 */
public final class Target {
  public enum Health {
    UNKNOWN("unknown"),
    UP("up"),
    DOWN("down");

    public final String json;

    Health(String json) {
      this.json = json;
    }
  }

  private final String pool;
  private final Labels discovered;
  private final Labels labels;
  private final String url;
  private final long hash;

  private volatile Health health = Health.UNKNOWN;
  private volatile String lastError = "";
  private volatile long lastScrapeMs;
  private volatile double lastScrapeDuration;
  private volatile long lastSampleLimitSkipped;
  private volatile long lastSeriesLimitSkipped;
  private volatile long lastSamples;

  Target(String pool, Labels discovered, Labels labels, String url) {
    this.pool = pool;
    this.discovered = discovered;
    this.labels = labels;
    this.url = url;
    this.hash = labels.hash64() * 31 + url.hashCode();
  }

  /**
   * Prometheus's target label pipeline: the discovered labels plus job, __address__ defaults
   * (scheme, metrics path, params, interval, timeout), then relabel_configs. The capacity
   * calculator runs the same pipeline to count what a configuration would scrape.
   */
  public static Built build(ScrapeConfig sc, Labels targetLabels, Labels groupLabels) {
    Labels.Builder b = Labels.builder();
    for (int i = 0; i < groupLabels.size(); i++) {
      b.set(groupLabels.name(i), groupLabels.value(i));
    }
    for (int i = 0; i < targetLabels.size(); i++) {
      b.set(targetLabels.name(i), targetLabels.value(i));
    }
    Labels base = b.build();
    setDefault(b, base, "job", sc.jobName());
    setDefault(b, base, "__scheme__", sc.scheme());
    setDefault(b, base, "__metrics_path__", sc.metricsPath());
    setDefault(b, base, "__scrape_interval__", Durations.format(sc.scrapeIntervalMs()));
    setDefault(b, base, "__scrape_timeout__", Durations.format(sc.scrapeTimeoutMs()));
    for (Map.Entry<String, List<String>> p : sc.params().entrySet()) {
      if (!p.getValue().isEmpty()) {
        setDefault(b, base, "__param_" + p.getKey(), p.getValue().get(0));
      }
    }
    Labels discovered = b.build();
    Labels rl = Relabeler.process(discovered, sc.relabelConfigs());
    if (rl == null) {
      return new Built(discovered, null);
    }
    String address = rl.get("__address__");
    if (address == null || address.isEmpty() || address.contains("/")) {
      // Prometheus's check after relabeling: an address that is still a URL is not scraped.
      return new Built(discovered, null);
    }
    Labels.Builder out = Labels.builder();
    Map<String, String> params = new TreeMap<>();
    for (int i = 0; i < rl.size(); i++) {
      String n = rl.name(i);
      if (n.startsWith("__param_")) {
        params.put(n.substring("__param_".length()), rl.value(i));
      }
      if (!n.startsWith("__")) {
        out.set(n, rl.value(i));
      }
    }
    if (!rl.has("instance")) {
      out.set("instance", address);
    }
    String scheme = value(rl, "__scheme__", sc.scheme());
    String path = value(rl, "__metrics_path__", sc.metricsPath());
    StringBuilder url = new StringBuilder(scheme).append("://").append(address).append(path);
    // Params without a __param_ label (more than one value) keep their configured values.
    Map<String, List<String>> all = new TreeMap<>(sc.params());
    for (Map.Entry<String, String> e : params.entrySet()) {
      all.put(e.getKey(), List.of(e.getValue()));
    }
    char sep = path.contains("?") ? '&' : '?';
    for (Map.Entry<String, List<String>> e : all.entrySet()) {
      for (String v : e.getValue()) {
        url.append(sep)
            .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
            .append('=')
            .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        sep = '&';
      }
    }
    return new Built(discovered, new Target(sc.jobName(), discovered, out.build(), url.toString()));
  }

  /**
   * One discovered target after the label pipeline: {@code target} is null when relabeling dropped
   * it.
   */
  public record Built(Labels discovered, Target target) {}

  private static void setDefault(Labels.Builder b, Labels base, String name, String value) {
    if (!base.has(name)) {
      b.set(name, value);
    }
  }

  private static String value(Labels l, String name, String def) {
    String v = l.get(name);
    return v == null || v.isEmpty() ? def : v;
  }

  public String pool() {
    return pool;
  }

  public Labels discoveredLabels() {
    return discovered;
  }

  public Labels labels() {
    return labels;
  }

  public String url() {
    return url;
  }

  long hash() {
    return hash;
  }

  /**
   * Identity within a pool: same labels and URL means the same target across reloads and discovery.
   */
  public String key() {
    return labels + " " + url;
  }

  public Health health() {
    return health;
  }

  public String lastError() {
    return lastError;
  }

  public long lastScrapeMs() {
    return lastScrapeMs;
  }

  public double lastScrapeDuration() {
    return lastScrapeDuration;
  }

  public long lastSampleLimitSkipped() {
    return lastSampleLimitSkipped;
  }

  public long lastSeriesLimitSkipped() {
    return lastSeriesLimitSkipped;
  }

  /**
   * Samples of the last successful scrape after metric relabeling ({@code
   * scrape_samples_post_metric_relabeling}): what {@code sample_limit} is compared with.
   */
  public long lastSamples() {
    return lastSamples;
  }

  void recordSuccess(
      long t, double duration, long samples, long sampleLimitSkipped, long seriesLimitSkipped) {
    lastScrapeMs = t;
    lastSamples = samples;
    lastScrapeDuration = duration;
    lastSampleLimitSkipped = sampleLimitSkipped;
    lastSeriesLimitSkipped = seriesLimitSkipped;
    lastError = "";
    health = Health.UP;
  }

  void recordFailure(long t, double duration, String error) {
    lastScrapeMs = t;
    lastScrapeDuration = duration;
    lastError = error;
    health = Health.DOWN;
  }
}
