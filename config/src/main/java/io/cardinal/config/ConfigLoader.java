package io.cardinal.config;

import io.cardinal.config.Config.Alerting;
import io.cardinal.config.Config.AlertmanagerConfig;
import io.cardinal.config.Config.Authorization;
import io.cardinal.config.Config.BasicAuth;
import io.cardinal.config.Config.DnsSdConfig;
import io.cardinal.config.Config.FileSdConfig;
import io.cardinal.config.Config.Global;
import io.cardinal.config.Config.HttpSdConfig;
import io.cardinal.config.Config.QueueConfig;
import io.cardinal.config.Config.RemoteWriteConfig;
import io.cardinal.config.Config.ScrapeConfig;
import io.cardinal.config.Config.StaticConfig;
import io.cardinal.config.Config.TlsConfig;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads prometheus.yml into a {@link Config}. Works on SnakeYAML's node tree rather than on maps so
 * every error can name the line: unknown fields, wrong types and invalid values are all rejected
 * ({@code line 7: field scrape_intervall not found in scrape_config}).
 */
public final class ConfigLoader {
  /** Top-level sections Prometheus knows and Cardinal accepts but does not act on (yet). */
  static final Set<String> IGNORED_SECTIONS = Set.of("remote_read", "tracing", "otlp");

  private ConfigLoader() {}

  public static Config load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, dir);
  }

  /**
   * A configuration given as text; {@code scrape_config_files} resolve against the working
   * directory.
   */
  public static Config parse(String text) throws ConfigException {
    return parse(text, Path.of("").toAbsolutePath());
  }

  private static Config parse(String text, Path baseDir) throws ConfigException {
    Node root = compose(text);
    if (root == null || isNull(root)) {
      return new Config(Global.DEFAULT, List.of(), List.of());
    }
    Fields top =
        new Fields(
            root,
            "config",
            Set.of(
                "global",
                "scrape_configs",
                "scrape_config_files",
                "remote_write",
                "rule_files",
                "alerting",
                "storage",
                "runtime"),
            IGNORED_SECTIONS);
    List<String> unused = new ArrayList<>(top.ignoredPresent());
    Global global = top.has("global") ? global(top.get("global"), unused) : Global.DEFAULT;
    List<ScrapeConfig> scrapes = new ArrayList<>();
    Set<String> jobs = new HashSet<>();
    if (top.has("scrape_configs")) {
      for (Node n : seq(top.get("scrape_configs"), "scrape_configs")) {
        ScrapeConfig sc = scrapeConfig(n, global);
        if (!jobs.add(sc.jobName())) {
          throw new ConfigException(
              line(n), "found multiple scrape configs with job name \"" + sc.jobName() + "\"");
        }
        scrapes.add(sc);
      }
    }
    if (top.has("scrape_config_files")) {
      for (Node n : seq(top.get("scrape_config_files"), "scrape_config_files")) {
        String pattern = scalar(n, "scrape_config_files");
        if (!Globs.valid(pattern)) {
          throw new ConfigException(line(n), "invalid scrape config file path \"" + pattern + "\"");
        }
        List<Path> files;
        try {
          files = Globs.expand(baseDir, pattern);
        } catch (IOException e) {
          throw new ConfigException(
              line(n), "cannot list scrape config files \"" + pattern + "\": " + e.getMessage());
        }
        for (Path f : files) {
          for (ScrapeConfig sc : scrapeConfigFile(f, global)) {
            if (!jobs.add(sc.jobName())) {
              throw new ConfigException(
                  0, f + ": found multiple scrape configs with job name \"" + sc.jobName() + "\"");
            }
            scrapes.add(sc);
          }
        }
      }
    }
    List<RemoteWriteConfig> remotes = new ArrayList<>();
    Set<String> remoteNames = new HashSet<>();
    if (top.has("remote_write")) {
      for (Node n : seq(top.get("remote_write"), "remote_write")) {
        RemoteWriteConfig rw = remoteWriteConfig(n);
        if (!remoteNames.add(rw.name())) {
          throw new ConfigException(
              line(n), "found multiple remote write configs with job name \"" + rw.name() + "\"");
        }
        remotes.add(rw);
      }
    }
    List<String> ruleFiles = new ArrayList<>();
    if (top.has("rule_files")) {
      for (Node n : seq(top.get("rule_files"), "rule_files")) {
        String pattern = scalar(n, "rule_files");
        if (!Globs.valid(pattern)) {
          throw new ConfigException(line(n), "invalid rule file path \"" + pattern + "\"");
        }
        ruleFiles.add(pattern);
      }
    }
    Alerting alerting = top.has("alerting") ? alerting(top.get("alerting")) : Alerting.NONE;
    Config.Storage storage =
        top.has("storage") ? storage(top.get("storage")) : Config.Storage.DEFAULT;
    if (top.has("runtime")) {
      Fields rt = new Fields(top.get("runtime"), "runtime", Set.of("gogc"), Set.of());
      if (rt.has("gogc")) {
        throw new ConfigException(
            rt.line("gogc"),
            "runtime.gogc has no meaning for the JVM: remove it, and size the heap with -Xmx"
                + " (CARDINAL_JAVA_OPTS) instead");
      }
    }
    return new Config(global, scrapes, remotes, ruleFiles, alerting, unused, storage);
  }

  /**
   * The files {@code file}'s {@code scrape_config_files} names now, for watching them: empty when
   * it names none or does not parse.
   */
  public static List<Path> scrapeConfigFiles(Path file) {
    List<Path> out = new ArrayList<>();
    try {
      Node root = compose(Files.readString(file, StandardCharsets.UTF_8));
      if (!(root instanceof MappingNode m)) {
        return out;
      }
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k
            && k.getValue().equals("scrape_config_files")
            && t.getValueNode() instanceof SequenceNode patterns) {
          for (Node n : patterns.getValue()) {
            if (n instanceof ScalarNode p && Globs.valid(p.getValue())) {
              out.addAll(Globs.expand(file.toAbsolutePath().getParent(), p.getValue()));
            }
          }
        }
      }
    } catch (IOException | ConfigException e) {
      // Nothing to watch beyond the file itself, whose own checksum then changes or fails.
    }
    return out;
  }

  /**
   * One file of {@code scrape_config_files}: a {@code scrape_configs} list and nothing else, read
   * with the main file's {@code global} defaults; errors name the file and the line.
   */
  private static List<ScrapeConfig> scrapeConfigFile(Path f, Global global) throws ConfigException {
    try {
      Node root = compose(Files.readString(f, StandardCharsets.UTF_8));
      List<ScrapeConfig> out = new ArrayList<>();
      if (root == null || isNull(root)) {
        return out;
      }
      Fields top = new Fields(root, "scrape config file", Set.of("scrape_configs"), Set.of());
      if (top.has("scrape_configs")) {
        for (Node n : seq(top.get("scrape_configs"), "scrape_configs")) {
          out.add(scrapeConfig(n, global));
        }
      }
      return out;
    } catch (IOException e) {
      throw new ConfigException(0, "cannot read scrape config file " + f + ": " + e.getMessage());
    } catch (ConfigException e) {
      throw new ConfigException(0, f + ": " + e.getMessage());
    }
  }

  /**
   * Prometheus's {@code storage} section: what Cardinal honours is read, what it cannot honour is
   * refused with its line rather than accepted and ignored.
   */
  private static Config.Storage storage(Node node) throws ConfigException {
    Fields f = new Fields(node, "storage", Set.of("tsdb", "exemplars"), Set.of());
    double threshold = 0;
    Config.Retention retention = Config.Retention.UNSET;
    if (f.has("tsdb")) {
      Fields t =
          new Fields(
              f.get("tsdb"),
              "tsdb",
              Set.of(
                  "out_of_order_time_window",
                  "stale_series_compaction_threshold",
                  "chunk_encoding",
                  "retention"),
              Set.of());
      if (t.duration("out_of_order_time_window", 0) != 0) {
        throw new ConfigException(
            t.line("out_of_order_time_window"),
            "storage.tsdb.out_of_order_time_window is not supported: Cardinal refuses"
                + " out-of-order samples; remove the field or set it to 0s");
      }
      if (t.has("stale_series_compaction_threshold")) {
        String v = t.string("stale_series_compaction_threshold", "0");
        try {
          threshold = Double.parseDouble(v);
        } catch (NumberFormatException e) {
          threshold = Double.NaN;
        }
        if (!(threshold >= 0 && threshold <= 1)) {
          throw new ConfigException(
              t.line("stale_series_compaction_threshold"),
              "storage.tsdb.stale_series_compaction_threshold must be a number between 0 and 1,"
                  + " got \""
                  + v
                  + "\"");
        }
      }
      if (t.has("chunk_encoding")) {
        Fields ce =
            new Fields(t.get("chunk_encoding"), "chunk_encoding", Set.of("floats"), Set.of());
        String enc = ce.string("floats", "xor");
        if (!enc.equals("xor")) {
          throw new ConfigException(
              ce.line("floats"),
              "storage.tsdb.chunk_encoding.floats \""
                  + enc
                  + "\" is not supported: Cardinal writes Prometheus's xor chunks only");
        }
      }
      if (t.has("retention")) {
        Fields r =
            new Fields(
                t.get("retention"), "retention", Set.of("time", "size", "percentage"), Set.of());
        long time = r.has("time") ? r.duration("time", 0) : -1;
        long size = r.has("size") ? r.bytes("size", 0) : -1;
        int pct = r.intValue("percentage", 0);
        if (pct > 100) {
          throw new ConfigException(
              r.line("percentage"),
              "storage.tsdb.retention.percentage must be between 0 and 100, got " + pct);
        }
        retention = new Config.Retention(time, size, pct);
      }
    }
    long maxExemplars = -1;
    if (f.has("exemplars")) {
      Fields e = new Fields(f.get("exemplars"), "exemplars", Set.of("max_exemplars"), Set.of());
      maxExemplars = e.longValue("max_exemplars", 100_000);
      if (maxExemplars < 0) {
        throw new ConfigException(
            e.line("max_exemplars"), "storage.exemplars.max_exemplars must be >= 0");
      }
    }
    return new Config.Storage(threshold, maxExemplars, retention);
  }

  private static Alerting alerting(Node node) throws ConfigException {
    Fields f =
        new Fields(node, "alerting", Set.of("alert_relabel_configs", "alertmanagers"), Set.of());
    List<AlertmanagerConfig> ams = new ArrayList<>();
    if (f.has("alertmanagers")) {
      for (Node n : seq(f.get("alertmanagers"), "alertmanagers")) {
        ams.add(alertmanagerConfig(n));
      }
    }
    return new Alerting(relabelConfigs(f, "alert_relabel_configs"), ams);
  }

  private static AlertmanagerConfig alertmanagerConfig(Node node) throws ConfigException {
    Fields f =
        new Fields(
            node,
            "alertmanager_config",
            Set.of(
                "scheme",
                "path_prefix",
                "timeout",
                "api_version",
                "basic_auth",
                "authorization",
                "bearer_token",
                "bearer_token_file",
                "tls_config",
                "static_configs",
                "file_sd_configs",
                "relabel_configs",
                "alert_relabel_configs",
                "follow_redirects",
                "enable_http2"),
            Set.of());
    String scheme = f.string("scheme", "http");
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ConfigException(
          f.line("scheme"), "unknown scheme \"" + scheme + "\": want http or https");
    }
    String api = f.string("api_version", "v2");
    if (!api.equals("v2")) {
      throw new ConfigException(
          f.line("api_version"),
          "expected Alertmanager api version to be one of [v2] but got " + api);
    }
    // follow_redirects and enable_http2 are accepted only at their defaults: the client follows
    // redirects and speaks HTTP/1.1, which every Alertmanager serves.
    if (!f.bool("follow_redirects", true)) {
      throw new ConfigException(
          f.line("follow_redirects"), "follow_redirects: false is not supported by Cardinal");
    }
    f.bool("enable_http2", true);
    BasicAuth basic = basicAuth(f);
    Authorization auth = authorization(f, basic);
    return new AlertmanagerConfig(
        scheme,
        f.string("path_prefix", "/"),
        f.duration("timeout", 10_000),
        api,
        basic,
        auth,
        tlsConfig(f),
        staticConfigs(f),
        fileSdConfigs(f),
        relabelConfigs(f, "relabel_configs"),
        relabelConfigs(f, "alert_relabel_configs"));
  }

  /** Headers the sender sets itself; a remote_write entry may not set them (Prometheus's list). */
  static final Set<String> RESERVED_HEADERS =
      Set.of(
          "authorization",
          "host",
          "content-encoding",
          "content-length",
          "content-type",
          "user-agent",
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "www-authenticate",
          "accept-encoding",
          "x-prometheus-remote-write-version",
          "x-prometheus-remote-read-version",
          "x-prometheus-scrape-timeout-seconds",
          "upgrade",
          "te",
          "trailer",
          "transfer-encoding");

  private static RemoteWriteConfig remoteWriteConfig(Node node) throws ConfigException {
    Fields f =
        new Fields(
            node,
            "remote_write",
            Set.of(
                "url",
                "name",
                "remote_timeout",
                "headers",
                "write_relabel_configs",
                "queue_config",
                "basic_auth",
                "authorization",
                "bearer_token",
                "bearer_token_file",
                "tls_config",
                "protobuf_message",
                "sigv4",
                "azuread",
                "google_iam",
                "oauth2",
                "proxy_url"),
            Set.of(
                "send_exemplars",
                "send_native_histograms",
                "round_robin_dns",
                "metadata_config",
                "follow_redirects",
                "enable_http2",
                "no_proxy",
                "proxy_from_environment",
                "proxy_connect_header"));
    for (String unsupported : List.of("sigv4", "azuread", "google_iam", "oauth2", "proxy_url")) {
      if (f.has(unsupported)) {
        throw new ConfigException(
            f.line(unsupported), "remote_write " + unsupported + " is not supported by Cardinal");
      }
    }
    if (f.has("protobuf_message")
        && !f.string("protobuf_message", "").equals("prometheus.WriteRequest")) {
      throw new ConfigException(
          f.line("protobuf_message"),
          "remote_write protobuf_message \""
              + f.string("protobuf_message", "")
              + "\" is not supported by Cardinal: only prometheus.WriteRequest (remote "
              + "write 1.0)");
    }
    String url = f.string("url", "");
    if (url.isEmpty()) {
      throw new ConfigException(line(node), "url for remote_write is empty");
    }
    try {
      java.net.URI u = new java.net.URI(url);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
        throw new java.net.URISyntaxException(url, "scheme must be http or https with a host");
      }
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(
          f.line("url"), "invalid remote_write url \"" + url + "\": " + e.getReason());
    }
    String name = f.string("name", "");
    if (name.isEmpty()) {
      name = shortHash(url);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (f.has("headers")) {
      for (NodeTuple t : map(f.get("headers"), "headers")) {
        String k = scalar(t.getKeyNode(), "headers");
        if (RESERVED_HEADERS.contains(k.toLowerCase(Locale.ROOT))) {
          throw new ConfigException(
              line(t.getKeyNode()), k + " is a reserved header. It must not be changed");
        }
        headers.put(k, scalar(t.getValueNode(), "headers." + k));
      }
    }
    BasicAuth basic = basicAuth(f);
    Authorization auth = authorization(f, basic);
    TlsConfig tls = tlsConfig(f);
    QueueConfig q = QueueConfig.DEFAULT;
    if (f.has("queue_config")) {
      Fields qf =
          new Fields(
              f.get("queue_config"),
              "queue_config",
              Set.of(
                  "capacity",
                  "max_shards",
                  "min_shards",
                  "max_samples_per_send",
                  "batch_send_deadline",
                  "min_backoff",
                  "max_backoff",
                  "retry_on_http_429",
                  "sample_age_limit"),
              Set.of());
      QueueConfig d = QueueConfig.DEFAULT;
      q =
          new QueueConfig(
              qf.intValue("capacity", d.capacity()),
              qf.intValue("max_shards", d.maxShards()),
              qf.intValue("min_shards", d.minShards()),
              qf.intValue("max_samples_per_send", d.maxSamplesPerSend()),
              qf.duration("batch_send_deadline", d.batchSendDeadlineMs()),
              qf.duration("min_backoff", d.minBackoffMs()),
              qf.duration("max_backoff", d.maxBackoffMs()),
              qf.bool("retry_on_http_429", d.retryOnHttp429()),
              qf.duration("sample_age_limit", d.sampleAgeLimitMs()));
      if (q.maxShards() < 1 || q.minShards() < 1 || q.capacity() < 1 || q.maxSamplesPerSend() < 1) {
        throw new ConfigException(
            f.line("queue_config"),
            "queue_config capacity, max_shards, min_shards and max_samples_per_send must be positive");
      }
      if (q.minShards() > q.maxShards()) {
        throw new ConfigException(
            qf.line("min_shards"),
            "queue_config min_shards ("
                + q.minShards()
                + ") must not be greater than max_shards ("
                + q.maxShards()
                + ")");
      }
      if (q.batchSendDeadlineMs() <= 0
          || q.minBackoffMs() <= 0
          || q.maxBackoffMs() < q.minBackoffMs()) {
        throw new ConfigException(
            f.line("queue_config"),
            "queue_config batch_send_deadline and min_backoff must be positive and max_backoff at least min_backoff");
      }
    }
    long timeout = f.duration("remote_timeout", 30_000);
    if (timeout <= 0) {
      throw new ConfigException(f.line("remote_timeout"), "remote_timeout must be positive");
    }
    return new RemoteWriteConfig(
        name,
        url,
        timeout,
        headers,
        basic,
        auth,
        tls,
        relabelConfigs(f, "write_relabel_configs"),
        q);
  }

  private static String shortHash(String s) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(s.getBytes(StandardCharsets.UTF_8));
      return String.format("%02x%02x%02x", d[0], d[1], d[2]);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The YAML reader's options for every file a user gives: duplicate keys refused, as Prometheus
   * refuses them, and no limit on the document's size (SnakeYAML's default refuses documents over 3
   * million characters, which a rule file of 50,000 rules or a large file_sd file exceeds, and
   * Prometheus reads them).
   */
  public static LoaderOptions yamlOptions() {
    LoaderOptions opts = new LoaderOptions();
    opts.setAllowDuplicateKeys(false);
    opts.setCodePointLimit(Integer.MAX_VALUE);
    return opts;
  }

  public static Node compose(String text) throws ConfigException {
    try {
      LoaderOptions opts = yamlOptions();
      opts.setMaxAliasesForCollections(50);
      return new Yaml(opts).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new ConfigException(line, "invalid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new ConfigException(0, "invalid YAML: " + e.getMessage());
    }
  }

  /** The {@code global} section; fields accepted without effect are added to {@code unused}. */
  private static Global global(Node node, List<String> unused) throws ConfigException {
    Fields f =
        new Fields(
            node,
            "global",
            Set.of(
                "scrape_interval",
                "scrape_timeout",
                "evaluation_interval",
                "external_labels",
                "body_size_limit",
                "sample_limit",
                "label_limit",
                "label_name_length_limit",
                "label_value_length_limit",
                "target_limit",
                "rule_query_offset",
                "scrape_protocols",
                "keep_dropped_targets",
                "metric_name_validation_scheme"),
            Set.of("query_log_file"));
    for (String k : f.ignoredPresent()) {
      unused.add("global." + k);
    }
    if (f.has("metric_name_validation_scheme")) {
      String scheme = f.string("metric_name_validation_scheme", "");
      if (!scheme.equals("legacy")) {
        throw new ConfigException(
            f.line("metric_name_validation_scheme"),
            "metric_name_validation_scheme \""
                + scheme
                + "\" is not supported: Cardinal validates metric and label names as \"legacy\"");
      }
    }
    Global d = Global.DEFAULT;
    long interval = f.duration("scrape_interval", d.scrapeIntervalMs());
    long timeout = f.duration("scrape_timeout", d.scrapeTimeoutMs());
    if (interval == 0) {
      throw new ConfigException(f.line("scrape_interval"), "scrape_interval must be positive");
    }
    if (!f.has("scrape_timeout") && timeout > interval) {
      timeout = interval;
    }
    if (timeout > interval) {
      throw new ConfigException(
          f.line("scrape_timeout"), "global scrape timeout greater than scrape interval");
    }
    Labels ext =
        f.has("external_labels")
            ? labels(f.get("external_labels"), "external_labels")
            : Labels.EMPTY;
    return new Global(
        interval,
        timeout,
        f.duration("evaluation_interval", d.evaluationIntervalMs()),
        ext,
        f.bytes("body_size_limit", 0),
        f.intValue("sample_limit", 0),
        f.intValue("label_limit", 0),
        f.intValue("label_name_length_limit", 0),
        f.intValue("label_value_length_limit", 0),
        f.intValue("target_limit", 0),
        f.duration("rule_query_offset", 0),
        f.has("scrape_protocols")
            ? scrapeProtocols(f, Global.DEFAULT_SCRAPE_PROTOCOLS)
            : Global.DEFAULT_SCRAPE_PROTOCOLS,
        f.intValue("keep_dropped_targets", 0));
  }

  /** Prometheus's scrape protocol names and the Accept header entry of each. */
  public static final java.util.Map<String, String> SCRAPE_PROTOCOLS =
      java.util.Map.of(
          "PrometheusProto",
          "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited",
          "PrometheusText0.0.4",
          "text/plain;version=0.0.4",
          "PrometheusText1.0.0",
          "text/plain;version=1.0.0",
          "OpenMetricsText0.0.1",
          "application/openmetrics-text;version=0.0.1",
          "OpenMetricsText1.0.0",
          "application/openmetrics-text;version=1.0.0");

  private static List<String> scrapeProtocols(Fields f, List<String> def) throws ConfigException {
    if (!f.has("scrape_protocols")) {
      return def;
    }
    List<String> out = new ArrayList<>();
    for (Node n : seq(f.get("scrape_protocols"), "scrape_protocols")) {
      String p = scalar(n, "scrape_protocols");
      if (!SCRAPE_PROTOCOLS.containsKey(p)) {
        throw new ConfigException(
            line(n),
            "unknown scrape protocol "
                + p
                + ", supported: [OpenMetricsText0.0.1 OpenMetricsText1.0.0 PrometheusProto"
                + " PrometheusText0.0.4 PrometheusText1.0.0]");
      }
      if (p.equals("PrometheusProto")) {
        throw new ConfigException(
            line(n),
            "scrape protocol PrometheusProto (the protobuf format, for native histograms) is not"
                + " supported by Cardinal: list only the text formats");
      }
      if (out.contains(p)) {
        throw new ConfigException(line(n), "duplicated protocol in scrape_protocols, got " + out);
      }
      out.add(p);
    }
    if (out.isEmpty()) {
      throw new ConfigException(f.line("scrape_protocols"), "scrape_protocols cannot be empty");
    }
    return out;
  }

  private static ScrapeConfig scrapeConfig(Node node, Global g) throws ConfigException {
    Fields f =
        new Fields(
            node,
            "scrape_config",
            Set.of(
                "job_name",
                "scrape_interval",
                "scrape_timeout",
                "honor_labels",
                "honor_timestamps",
                "scheme",
                "metrics_path",
                "params",
                "basic_auth",
                "authorization",
                "bearer_token",
                "bearer_token_file",
                "tls_config",
                "sample_limit",
                "label_limit",
                "label_name_length_limit",
                "label_value_length_limit",
                "body_size_limit",
                "target_limit",
                "static_configs",
                "file_sd_configs",
                "http_sd_configs",
                "dns_sd_configs",
                "kubernetes_sd_configs",
                "relabel_configs",
                "metric_relabel_configs",
                "track_timestamps_staleness",
                "enable_compression",
                "follow_redirects",
                "enable_http2",
                "scrape_protocols",
                "keep_dropped_targets",
                "scrape_classic_histograms"),
            Set.of());
    // Accepted for what they mean here: HTTP/2 is a transport choice (Cardinal scrapes over
    // HTTP/1.1), and classic histograms are always stored while native histograms are not.
    f.bool("enable_http2", true);
    f.bool("scrape_classic_histograms", false);
    String job = f.string("job_name", "");
    if (job.isEmpty()) {
      throw new ConfigException(line(node), "job_name is empty");
    }
    long interval = f.duration("scrape_interval", g.scrapeIntervalMs());
    if (interval == 0) {
      throw new ConfigException(f.line("scrape_interval"), "scrape_interval must be positive");
    }
    long timeout;
    if (f.has("scrape_timeout")) {
      timeout = f.duration("scrape_timeout", 0);
      if (timeout > interval) {
        throw new ConfigException(
            f.line("scrape_timeout"),
            "scrape timeout greater than scrape interval for scrape config with job name \""
                + job
                + "\"");
      }
    } else {
      timeout = Math.min(g.scrapeTimeoutMs(), interval);
    }
    if (timeout == 0) {
      throw new ConfigException(f.line("scrape_timeout"), "scrape_timeout must be positive");
    }
    String scheme = f.string("scheme", "http");
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ConfigException(
          f.line("scheme"), "invalid scheme \"" + scheme + "\": must be http or https");
    }
    String path = f.string("metrics_path", "/metrics");
    if (!path.startsWith("/")) {
      throw new ConfigException(
          f.line("metrics_path"), "metrics_path \"" + path + "\" must start with /");
    }
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (f.has("params")) {
      for (NodeTuple t : map(f.get("params"), "params")) {
        String k = scalar(t.getKeyNode(), "params");
        List<String> vs = new ArrayList<>();
        for (Node v : seq(t.getValueNode(), "params." + k)) {
          vs.add(scalar(v, "params." + k));
        }
        params.put(k, List.copyOf(vs));
      }
    }
    BasicAuth basic = basicAuth(f);
    Authorization auth = authorization(f, basic);
    TlsConfig tls = tlsConfig(f);
    List<StaticConfig> statics = staticConfigs(f);
    List<FileSdConfig> files = fileSdConfigs(f);
    return new ScrapeConfig(
        job,
        interval,
        timeout,
        f.bool("honor_labels", false),
        f.bool("honor_timestamps", true),
        scheme,
        path,
        params,
        basic,
        auth,
        tls,
        f.intValue("sample_limit", g.sampleLimit()),
        f.intValue("label_limit", g.labelLimit()),
        f.intValue("label_name_length_limit", g.labelNameLengthLimit()),
        f.intValue("label_value_length_limit", g.labelValueLengthLimit()),
        f.bytes("body_size_limit", g.bodySizeLimit()),
        f.intValue("target_limit", g.targetLimit()),
        statics,
        files,
        relabelConfigs(f, "relabel_configs"),
        relabelConfigs(f, "metric_relabel_configs"),
        httpSdConfigs(f),
        dnsSdConfigs(f),
        new Config.Transfer(
            scrapeProtocols(f, g.scrapeProtocols()),
            f.bool("enable_compression", true),
            f.bool("follow_redirects", true),
            f.bool("track_timestamps_staleness", false),
            f.intValue("keep_dropped_targets", g.keepDroppedTargets())),
        kubernetesSdConfigs(f));
  }

  /** Prometheus's Kubernetes roles, and those Cardinal discovers. */
  private static final Set<String> K8S_ROLES =
      Set.of("endpoints", "endpointslice", "service", "pod", "node", "ingress");

  private static final Set<String> K8S_ROLES_SUPPORTED =
      Set.of("endpoints", "endpointslice", "service", "pod", "node");

  private static List<Config.KubernetesSdConfig> kubernetesSdConfigs(Fields f)
      throws ConfigException {
    List<Config.KubernetesSdConfig> out = new ArrayList<>();
    if (!f.has("kubernetes_sd_configs")) {
      return out;
    }
    for (Node n : seq(f.get("kubernetes_sd_configs"), "kubernetes_sd_configs")) {
      Fields k =
          new Fields(
              n,
              "kubernetes_sd_config",
              Set.of(
                  "role",
                  "api_server",
                  "kubeconfig_file",
                  "namespaces",
                  "selectors",
                  "attach_metadata",
                  "basic_auth",
                  "authorization",
                  "tls_config",
                  "bearer_token",
                  "bearer_token_file",
                  "follow_redirects",
                  "enable_http2"),
              Set.of());
      String role = k.string("role", "");
      if (role.isEmpty()) {
        throw new ConfigException(
            line(n),
            "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)");
      }
      if (!K8S_ROLES.contains(role)) {
        throw new ConfigException(k.line("role"), "unknown Kubernetes SD role \"" + role + "\"");
      }
      if (!K8S_ROLES_SUPPORTED.contains(role)) {
        throw new ConfigException(
            k.line("role"),
            "kubernetes_sd_configs role \""
                + role
                + "\" is not supported by Cardinal yet: use the pod, service, endpoints,"
                + " endpointslice or node role");
      }
      String api = k.string("api_server", "");
      String kubeconfig = k.string("kubeconfig_file", "");
      if (!api.isEmpty() && !kubeconfig.isEmpty()) {
        throw new ConfigException(
            k.line("kubeconfig_file"),
            "cannot use 'kubeconfig_file' and 'api_server' simultaneously");
      }
      boolean own = false;
      List<String> namespaces = new ArrayList<>();
      if (k.has("namespaces")) {
        Fields ns =
            new Fields(
                k.get("namespaces"), "namespaces", Set.of("own_namespace", "names"), Set.of());
        own = ns.bool("own_namespace", false);
        if (ns.has("names")) {
          for (Node nn : seq(ns.get("names"), "names")) {
            namespaces.add(scalar(nn, "names"));
          }
        }
      }
      List<Config.KubernetesSelector> selectors = new ArrayList<>();
      if (k.has("selectors")) {
        for (Node sn : seq(k.get("selectors"), "selectors")) {
          Fields sel = new Fields(sn, "selector", Set.of("role", "label", "field"), Set.of());
          String sr = sel.string("role", "");
          boolean ok =
              sr.equals(role)
                  || ((role.equals("endpoints") || role.equals("endpointslice"))
                      && (sr.equals("pod") || sr.equals("service")));
          if (!ok) {
            throw new ConfigException(
                sel.line("role"), "selector role \"" + sr + "\" is not valid for role " + role);
          }
          selectors.add(
              new Config.KubernetesSelector(sr, sel.string("label", ""), sel.string("field", "")));
        }
      }
      if (k.has("attach_metadata")) {
        Fields am =
            new Fields(
                k.get("attach_metadata"),
                "attach_metadata",
                Set.of("node", "namespace", "deployment", "job", "cronjob"),
                Set.of());
        for (String a : List.of("node", "namespace", "deployment", "job", "cronjob")) {
          if (am.bool(a, false)) {
            throw new ConfigException(
                am.line(a), "attach_metadata " + a + ": true is not supported by Cardinal yet");
          }
        }
      }
      if (!k.bool("follow_redirects", true)) {
        throw new ConfigException(
            k.line("follow_redirects"),
            "follow_redirects: false is not supported for kubernetes_sd_configs");
      }
      k.bool("enable_http2", true);
      BasicAuth basic = basicAuth(k);
      out.add(
          new Config.KubernetesSdConfig(
              role,
              api,
              kubeconfig,
              own,
              namespaces,
              selectors,
              basic,
              authorization(k, basic),
              tlsConfig(k)));
    }
    return out;
  }

  private static List<HttpSdConfig> httpSdConfigs(Fields f) throws ConfigException {
    List<HttpSdConfig> out = new ArrayList<>();
    if (!f.has("http_sd_configs")) {
      return out;
    }
    for (Node n : seq(f.get("http_sd_configs"), "http_sd_configs")) {
      Fields s =
          new Fields(
              n,
              "http_sd_config",
              Set.of("url", "refresh_interval", "basic_auth", "authorization", "tls_config"),
              Set.of());
      String url = s.string("url", "");
      if (url.isEmpty()) {
        throw new ConfigException(line(n), "URL is missing");
      }
      java.net.URI u;
      try {
        u = java.net.URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(s.line("url"), "invalid URL \"" + url + "\": " + e.getMessage());
      }
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw new ConfigException(s.line("url"), "URL scheme must be 'http' or 'https'");
      }
      if (u.getHost() == null || u.getHost().isEmpty()) {
        throw new ConfigException(s.line("url"), "host is missing in URL");
      }
      BasicAuth basic = basicAuth(s);
      out.add(
          new HttpSdConfig(
              url,
              s.duration("refresh_interval", 60_000),
              basic,
              authorization(s, basic),
              tlsConfig(s)));
    }
    return out;
  }

  /** Prometheus's DNS record types for dns_sd_configs. */
  private static final Set<String> DNS_TYPES = Set.of("SRV", "A", "AAAA", "MX", "NS");

  private static List<DnsSdConfig> dnsSdConfigs(Fields f) throws ConfigException {
    List<DnsSdConfig> out = new ArrayList<>();
    if (!f.has("dns_sd_configs")) {
      return out;
    }
    for (Node n : seq(f.get("dns_sd_configs"), "dns_sd_configs")) {
      Fields s =
          new Fields(
              n, "dns_sd_config", Set.of("names", "type", "port", "refresh_interval"), Set.of());
      List<String> names = new ArrayList<>();
      if (s.has("names")) {
        for (Node nn : seq(s.get("names"), "names")) {
          names.add(scalar(nn, "names"));
        }
      }
      if (names.isEmpty()) {
        throw new ConfigException(
            line(n), "DNS-SD config must contain at least one SRV record name");
      }
      String type = s.string("type", "SRV").toUpperCase(java.util.Locale.ROOT);
      if (!DNS_TYPES.contains(type)) {
        throw new ConfigException(s.line("type"), "invalid DNS-SD records type " + type);
      }
      int port = s.intValue("port", 0);
      if (!type.equals("SRV") && port == 0) {
        throw new ConfigException(
            line(n), "a port is required in DNS-SD configs for all record types except SRV");
      }
      if (port < 0 || port > 65535) {
        throw new ConfigException(s.line("port"), "port " + port + " is out of range");
      }
      out.add(new DnsSdConfig(names, type, port, s.duration("refresh_interval", 30_000)));
    }
    return out;
  }

  private static List<StaticConfig> staticConfigs(Fields f) throws ConfigException {
    List<StaticConfig> statics = new ArrayList<>();
    if (f.has("static_configs")) {
      for (Node n : seq(f.get("static_configs"), "static_configs")) {
        Fields s = new Fields(n, "static_config", Set.of("targets", "labels"), Set.of());
        List<String> targets = new ArrayList<>();
        if (s.has("targets")) {
          for (Node tn : seq(s.get("targets"), "targets")) {
            String target = scalar(tn, "targets");
            // A URL is a valid target here (the blackbox exporter's probes): as in Prometheus,
            // the address is checked after relabeling, when it must be host:port.
            if (target.isEmpty()) {
              throw new ConfigException(line(tn), "\"" + target + "\" is not a valid hostname");
            }
            targets.add(target);
          }
        }
        statics.add(
            new StaticConfig(
                List.copyOf(targets),
                s.has("labels") ? labels(s.get("labels"), "labels") : Labels.EMPTY));
      }
    }
    return statics;
  }

  private static List<FileSdConfig> fileSdConfigs(Fields f) throws ConfigException {
    List<FileSdConfig> files = new ArrayList<>();
    if (f.has("file_sd_configs")) {
      for (Node n : seq(f.get("file_sd_configs"), "file_sd_configs")) {
        Fields s = new Fields(n, "file_sd_config", Set.of("files", "refresh_interval"), Set.of());
        List<String> paths = new ArrayList<>();
        if (s.has("files")) {
          for (Node pn : seq(s.get("files"), "files")) {
            String p = scalar(pn, "files");
            String base =
                Path.of(p).getFileName() == null ? "" : Path.of(p).getFileName().toString();
            if (!base.endsWith(".json") && !base.endsWith(".yml") && !base.endsWith(".yaml")) {
              throw new ConfigException(
                  line(pn), "path name \"" + p + "\" is not valid for file discovery");
            }
            paths.add(p);
          }
        }
        if (paths.isEmpty()) {
          throw new ConfigException(
              line(n), "file service discovery config must contain at least one path name");
        }
        files.add(new FileSdConfig(List.copyOf(paths), s.duration("refresh_interval", 300_000)));
      }
    }
    return files;
  }

  /** {@code basic_auth} of a scrape or remote_write config, or null. */
  private static BasicAuth basicAuth(Fields f) throws ConfigException {
    BasicAuth basic = null;
    if (f.has("basic_auth")) {
      Fields b =
          new Fields(
              f.get("basic_auth"),
              "basic_auth",
              Set.of("username", "password", "password_file"),
              Set.of());
      basic =
          new BasicAuth(
              b.string("username", ""), b.string("password", ""), b.string("password_file", ""));
      if (!basic.password().isEmpty() && !basic.passwordFile().isEmpty()) {
        throw new ConfigException(
            f.line("basic_auth"),
            "at most one of basic_auth password & password_file must be configured");
      }
    }
    return basic;
  }

  /**
   * {@code authorization} (or the old bearer_token fields), or null; at most one of it and
   * basic_auth.
   */
  private static Authorization authorization(Fields f, BasicAuth basic) throws ConfigException {
    Authorization auth = null;
    if (f.has("authorization")) {
      Fields a =
          new Fields(
              f.get("authorization"),
              "authorization",
              Set.of("type", "credentials", "credentials_file"),
              Set.of());
      auth =
          new Authorization(
              a.string("type", "Bearer"),
              a.string("credentials", ""),
              a.string("credentials_file", ""));
      if (auth.type().equalsIgnoreCase("basic")) {
        throw new ConfigException(
            a.line("type"),
            "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
      }
      if (!auth.credentials().isEmpty() && !auth.credentialsFile().isEmpty()) {
        throw new ConfigException(
            f.line("authorization"),
            "at most one of authorization credentials & credentials_file must be configured");
      }
    }
    if (f.has("bearer_token") || f.has("bearer_token_file")) {
      if (auth != null) {
        throw new ConfigException(
            f.line("authorization"),
            "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
      }
      auth =
          new Authorization(
              "Bearer", f.string("bearer_token", ""), f.string("bearer_token_file", ""));
    }
    if (basic != null && auth != null) {
      throw new ConfigException(
          f.line("basic_auth"),
          "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
    }
    return auth;
  }

  private static TlsConfig tlsConfig(Fields f) throws ConfigException {
    TlsConfig tls = TlsConfig.DEFAULT;
    if (f.has("tls_config")) {
      Fields t =
          new Fields(
              f.get("tls_config"),
              "tls_config",
              Set.of("ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify"),
              Set.of("min_version", "max_version"));
      tls =
          new TlsConfig(
              t.string("ca_file", ""),
              t.string("cert_file", ""),
              t.string("key_file", ""),
              t.string("server_name", ""),
              t.bool("insecure_skip_verify", false));
      if (tls.certFile().isEmpty() != tls.keyFile().isEmpty()) {
        throw new ConfigException(
            f.line("tls_config"), "exactly one of key and cert file specified in tls_config");
      }
    }
    return tls;
  }

  private static List<RelabelConfig> relabelConfigs(Fields f, String field) throws ConfigException {
    List<RelabelConfig> out = new ArrayList<>();
    if (f.has(field)) {
      for (Node n : seq(f.get(field), field)) {
        out.add(relabelConfig(n));
      }
    }
    return out;
  }

  /** One relabel_config with Prometheus's defaults and validation. */
  public static RelabelConfig relabelConfig(Node node) throws ConfigException {
    Fields f =
        new Fields(
            node,
            "relabel_config",
            Set.of(
                "source_labels",
                "separator",
                "regex",
                "modulus",
                "target_label",
                "replacement",
                "action"),
            Set.of());
    List<String> sources = new ArrayList<>();
    if (f.has("source_labels")) {
      for (Node n : seq(f.get("source_labels"), "source_labels")) {
        String s = scalar(n, "source_labels");
        if (!Relabeler.isValidLabelName(s)) {
          throw new ConfigException(line(n), "\"" + s + "\" is not a valid label name");
        }
        sources.add(s);
      }
    }
    String actionName = f.string("action", "replace");
    RelabelAction action = RelabelAction.fromYaml(actionName);
    if (action == null) {
      throw new ConfigException(f.line("action"), "unknown relabel action \"" + actionName + "\"");
    }
    String separator = f.string("separator", ";");
    String regex = f.string("regex", RelabelConfig.DEFAULT_REGEX);
    long modulus = f.longValue("modulus", 0);
    String target = f.string("target_label", "");
    String replacement = f.string("replacement", "$1");
    RelabelConfig rc;
    try {
      rc = new RelabelConfig(sources, separator, regex, modulus, target, replacement, action);
    } catch (com.google.re2j.PatternSyntaxException e) {
      throw new ConfigException(
          f.line("regex"), "invalid regex \"" + regex + "\": " + e.getDescription());
    }
    int at = line(node);
    String a = action.yamlName();
    if (action == RelabelAction.HASHMOD && modulus == 0) {
      throw new ConfigException(at, "relabel configuration for hashmod requires non-zero modulus");
    }
    switch (action) {
      case REPLACE, HASHMOD, LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL -> {
        if (target.isEmpty()) {
          throw new ConfigException(
              at, "relabel configuration for " + a + " action requires 'target_label' value");
        }
      }
      default -> {}
    }
    if (action == RelabelAction.REPLACE && !validTemplateTarget(target)) {
      throw new ConfigException(
          f.line("target_label"),
          "\"" + target + "\" is invalid 'target_label' for replace action");
    }
    if ((action == RelabelAction.HASHMOD
            || action == RelabelAction.LOWERCASE
            || action == RelabelAction.UPPERCASE
            || action == RelabelAction.KEEPEQUAL
            || action == RelabelAction.DROPEQUAL)
        && !Relabeler.isValidLabelName(target)) {
      throw new ConfigException(
          f.line("target_label"),
          "\"" + target + "\" is invalid 'target_label' for " + a + " action");
    }
    if ((action == RelabelAction.LABELDROP || action == RelabelAction.LABELKEEP)
        && (!sources.isEmpty()
            || !target.isEmpty()
            || modulus != 0
            || !separator.equals(";")
            || !replacement.equals("$1"))) {
      throw new ConfigException(at, a + " action requires only 'regex', and no other fields");
    }
    if ((action == RelabelAction.KEEPEQUAL || action == RelabelAction.DROPEQUAL)
        && (!regex.equals(RelabelConfig.DEFAULT_REGEX)
            || modulus != 0
            || !separator.equals(";")
            || !replacement.equals("$1"))) {
      throw new ConfigException(
          at, a + " action requires only 'source_labels' and `target_label`, and no other fields");
    }
    if (action == RelabelAction.LABELMAP && !validTemplateTarget(replacement)) {
      throw new ConfigException(
          f.line("replacement"),
          "\"" + replacement + "\" is invalid 'replacement' for labelmap action");
    }
    return rc;
  }

  /** A replace target: label-name characters and {@code $1}/{@code ${name}} references. */
  private static boolean validTemplateTarget(String t) {
    if (t.isEmpty()) {
      return false;
    }
    String stripped = t.replaceAll("\\$\\{\\w+\\}", "x").replaceAll("\\$\\w+", "x");
    return Relabeler.isValidLabelName(stripped);
  }

  public static Labels labels(Node node, String field) throws ConfigException {
    Labels.Builder b = Labels.builder();
    for (NodeTuple t : map(node, field)) {
      String name = scalar(t.getKeyNode(), field);
      if (!Relabeler.isValidLabelName(name)) {
        throw new ConfigException(
            line(t.getKeyNode()), "\"" + name + "\" is not a valid label name");
      }
      b.set(name, scalar(t.getValueNode(), field + "." + name));
    }
    return b.build();
  }

  // ------------------------------------------------------------------ node helpers

  public static int line(Node n) {
    return n == null || n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
  }

  public static boolean isNull(Node n) {
    return n instanceof ScalarNode && n.getTag().equals(Tag.NULL);
  }

  public static List<Node> seq(Node n, String field) throws ConfigException {
    if (isNull(n)) {
      return List.of();
    }
    if (!(n instanceof SequenceNode)) {
      throw new ConfigException(line(n), "field " + field + " must be a list");
    }
    return ((SequenceNode) n).getValue();
  }

  public static List<NodeTuple> map(Node n, String field) throws ConfigException {
    if (isNull(n)) {
      return List.of();
    }
    if (!(n instanceof MappingNode)) {
      throw new ConfigException(line(n), "field " + field + " must be a mapping");
    }
    return ((MappingNode) n).getValue();
  }

  public static String scalar(Node n, String field) throws ConfigException {
    if (isNull(n)) {
      return "";
    }
    if (!(n instanceof ScalarNode)) {
      throw new ConfigException(line(n), "field " + field + " must be a string");
    }
    return ((ScalarNode) n).getValue();
  }

  /**
   * The fields of one YAML mapping, checked against the names the section allows; the rule file
   * loader reads its files with it too, so both name lines the same way.
   */
  public static final class Fields {
    private final String section;
    private final Map<String, Node> values = new LinkedHashMap<>();
    private final Map<String, Integer> lines = new LinkedHashMap<>();
    private final List<String> ignoredPresent = new ArrayList<>();

    public Fields(Node node, String section, Set<String> known, Set<String> ignored)
        throws ConfigException {
      this.section = section;
      for (NodeTuple t : map(node, section)) {
        String k = scalar(t.getKeyNode(), section);
        int ln = ConfigLoader.line(t.getKeyNode());
        if (ignored.contains(k)) {
          ignoredPresent.add(k);
          continue;
        }
        if (!known.contains(k)) {
          throw new ConfigException(ln, "field " + k + " not found in " + section);
        }
        if (values.containsKey(k)) {
          throw new ConfigException(ln, "field " + k + " already set in " + section);
        }
        values.put(k, t.getValueNode());
        lines.put(k, ln);
      }
    }

    public boolean has(String k) {
      Node n = values.get(k);
      return n != null && !isNull(n);
    }

    public Node get(String k) {
      return values.get(k);
    }

    public int line(String k) {
      Integer l = lines.get(k);
      return l == null ? 0 : l;
    }

    public List<String> ignoredPresent() {
      return ignoredPresent;
    }

    public String string(String k, String def) throws ConfigException {
      return has(k) ? scalar(values.get(k), section + "." + k) : def;
    }

    public boolean bool(String k, boolean def) throws ConfigException {
      if (!has(k)) {
        return def;
      }
      String s = scalar(values.get(k), k).toLowerCase(Locale.ROOT);
      if (s.equals("true")) {
        return true;
      }
      if (s.equals("false")) {
        return false;
      }
      throw new ConfigException(
          line(k), "cannot unmarshal \"" + s + "\" into " + k + ": want true or false");
    }

    public long longValue(String k, long def) throws ConfigException {
      if (!has(k)) {
        return def;
      }
      String s = scalar(values.get(k), k);
      try {
        long v = Long.parseLong(s);
        if (v < 0) {
          throw new NumberFormatException();
        }
        return v;
      } catch (NumberFormatException e) {
        throw new ConfigException(
            line(k), "cannot unmarshal \"" + s + "\" into " + k + ": want a non-negative integer");
      }
    }

    public int intValue(String k, int def) throws ConfigException {
      long v = longValue(k, def);
      if (v > Integer.MAX_VALUE) {
        throw new ConfigException(line(k), k + " " + v + " is too large");
      }
      return (int) v;
    }

    public long duration(String k, long def) throws ConfigException {
      if (!has(k)) {
        return def;
      }
      String s = scalar(values.get(k), k);
      try {
        return Durations.parse(s);
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new ConfigException(
            line(k), "invalid " + k + ": not a valid duration string: \"" + s + "\"");
      }
    }

    public long bytes(String k, long def) throws ConfigException {
      if (!has(k)) {
        return def;
      }
      String s = scalar(values.get(k), k);
      try {
        return ByteSizes.parse(s);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(line(k), "invalid " + k + ": " + e.getMessage());
      }
    }
  }
}
