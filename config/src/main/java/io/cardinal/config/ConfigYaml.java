package io.cardinal.config;

import io.cardinal.config.Config.ScrapeConfig;
import io.cardinal.config.Config.StaticConfig;
import io.cardinal.tsdb.labels.Labels;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link Config} as YAML with every default written out, as {@code /api/v1/status/config}
 * shows it. Secrets become {@code <secret>} unless asked for; {@link ConfigLoader#parse} reads the
 * unmasked form back to an equal config.
 */
public final class ConfigYaml {
  private ConfigYaml() {}

  public static String render(Config c, boolean showSecrets) {
    StringBuilder sb = new StringBuilder();
    Config.Global g = c.global();
    sb.append("global:\n");
    kv(sb, 2, "scrape_interval", Durations.format(g.scrapeIntervalMs()));
    kv(sb, 2, "scrape_timeout", Durations.format(g.scrapeTimeoutMs()));
    kv(sb, 2, "evaluation_interval", Durations.format(g.evaluationIntervalMs()));
    if (!g.externalLabels().isEmpty()) {
      sb.append("  external_labels:\n");
      labels(sb, 4, g.externalLabels());
    }
    limits(
        sb,
        2,
        g.bodySizeLimit(),
        g.sampleLimit(),
        g.labelLimit(),
        g.labelNameLengthLimit(),
        g.labelValueLengthLimit(),
        g.targetLimit());
    if (g.ruleQueryOffsetMs() != 0) {
      kv(sb, 2, "rule_query_offset", Durations.format(g.ruleQueryOffsetMs()));
    }
    alerting(sb, c, showSecrets);
    if (c.scrapeConfigs().isEmpty()) {
      remoteWrites(sb, c, showSecrets);
      return sb.toString();
    }
    sb.append("scrape_configs:\n");
    for (ScrapeConfig s : c.scrapeConfigs()) {
      sb.append("- job_name: ").append(quote(s.jobName())).append('\n');
      kv(sb, 2, "honor_labels", String.valueOf(s.honorLabels()));
      kv(sb, 2, "honor_timestamps", String.valueOf(s.honorTimestamps()));
      // Written only when not the default, so that Prometheus 2.42 (which predates these fields)
      // reads the rendering of a configuration that does not use them.
      Config.Transfer tr = s.transfer();
      if (tr.trackTimestampsStaleness()) {
        kv(sb, 2, "track_timestamps_staleness", "true");
      }
      if (!tr.scrapeProtocols().equals(Config.Global.DEFAULT_SCRAPE_PROTOCOLS)) {
        sb.append("  scrape_protocols:\n");
        for (String p : tr.scrapeProtocols()) {
          sb.append("  - ").append(p).append('\n');
        }
      }
      if (!tr.enableCompression()) {
        kv(sb, 2, "enable_compression", "false");
      }
      if (!tr.followRedirects()) {
        kv(sb, 2, "follow_redirects", "false");
      }
      if (tr.keepDroppedTargets() != 0) {
        kv(sb, 2, "keep_dropped_targets", String.valueOf(tr.keepDroppedTargets()));
      }
      kv(sb, 2, "scrape_interval", Durations.format(s.scrapeIntervalMs()));
      kv(sb, 2, "scrape_timeout", Durations.format(s.scrapeTimeoutMs()));
      kv(sb, 2, "metrics_path", quote(s.metricsPath()));
      kv(sb, 2, "scheme", s.scheme());
      if (!s.params().isEmpty()) {
        sb.append("  params:\n");
        for (Map.Entry<String, List<String>> e : new java.util.TreeMap<>(s.params()).entrySet()) {
          sb.append("    ").append(quote(e.getKey())).append(":\n");
          for (String v : e.getValue()) {
            sb.append("    - ").append(quote(v)).append('\n');
          }
        }
      }
      httpClient(sb, s.basicAuth(), s.authorization(), s.tlsConfig(), showSecrets);
      limits(
          sb,
          2,
          s.bodySizeLimit(),
          s.sampleLimit(),
          s.labelLimit(),
          s.labelNameLengthLimit(),
          s.labelValueLengthLimit(),
          s.targetLimit());
      discovery(sb, s.staticConfigs(), s.fileSdConfigs());
      for (Config.HttpSdConfig h : s.httpSdConfigs()) {
        if (h == s.httpSdConfigs().get(0)) {
          sb.append("  http_sd_configs:\n");
        }
        sb.append("  - url: ").append(quote(h.url())).append('\n');
        sb.append("    refresh_interval: ")
            .append(Durations.format(h.refreshIntervalMs()))
            .append('\n');
        discoveryClient(sb, h.basicAuth(), h.authorization(), h.tlsConfig(), showSecrets);
      }
      for (Config.KubernetesSdConfig k : s.kubernetesSdConfigs()) {
        if (k == s.kubernetesSdConfigs().get(0)) {
          sb.append("  kubernetes_sd_configs:\n");
        }
        sb.append("  - role: ").append(k.role()).append('\n');
        if (!k.apiServer().isEmpty()) {
          sb.append("    api_server: ").append(quote(k.apiServer())).append('\n');
        }
        if (!k.kubeconfigFile().isEmpty()) {
          sb.append("    kubeconfig_file: ").append(quote(k.kubeconfigFile())).append('\n');
        }
        if (k.ownNamespace() || !k.namespaces().isEmpty()) {
          sb.append("    namespaces:\n      own_namespace: ").append(k.ownNamespace()).append('\n');
          if (!k.namespaces().isEmpty()) {
            sb.append("      names:\n");
            for (String n : k.namespaces()) {
              sb.append("      - ").append(quote(n)).append('\n');
            }
          }
        }
        if (!k.selectors().isEmpty()) {
          sb.append("    selectors:\n");
          for (Config.KubernetesSelector sel : k.selectors()) {
            sb.append("    - role: ").append(sel.role()).append('\n');
            if (!sel.label().isEmpty()) {
              sb.append("      label: ").append(quote(sel.label())).append('\n');
            }
            if (!sel.field().isEmpty()) {
              sb.append("      field: ").append(quote(sel.field())).append('\n');
            }
          }
        }
        discoveryClient(sb, k.basicAuth(), k.authorization(), k.tlsConfig(), showSecrets);
      }
      for (Config.DnsSdConfig d : s.dnsSdConfigs()) {
        if (d == s.dnsSdConfigs().get(0)) {
          sb.append("  dns_sd_configs:\n");
        }
        sb.append("  - names:\n");
        for (String n : d.names()) {
          sb.append("    - ").append(quote(n)).append('\n');
        }
        sb.append("    refresh_interval: ")
            .append(Durations.format(d.refreshIntervalMs()))
            .append('\n');
        sb.append("    type: ").append(d.type()).append('\n');
        sb.append("    port: ").append(d.port()).append('\n');
      }
      relabels(sb, "relabel_configs", s.relabelConfigs());
      relabels(sb, "metric_relabel_configs", s.metricRelabelConfigs());
    }
    remoteWrites(sb, c, showSecrets);
    return sb.toString();
  }

  private static void discovery(
      StringBuilder sb, List<StaticConfig> statics, List<Config.FileSdConfig> files) {
    if (!statics.isEmpty()) {
      sb.append("  static_configs:\n");
      for (StaticConfig sc : statics) {
        sb.append("  - targets:\n");
        for (String target : sc.targets()) {
          sb.append("    - ").append(quote(target)).append('\n');
        }
        if (!sc.labels().isEmpty()) {
          sb.append("    labels:\n");
          labels(sb, 6, sc.labels());
        }
      }
    }
    if (!files.isEmpty()) {
      sb.append("  file_sd_configs:\n");
      for (Config.FileSdConfig f : files) {
        sb.append("  - files:\n");
        for (String file : f.files()) {
          sb.append("    - ").append(quote(file)).append('\n');
        }
        sb.append("    refresh_interval: ")
            .append(Durations.format(f.refreshIntervalMs()))
            .append('\n');
      }
    }
  }

  private static void alerting(StringBuilder sb, Config c, boolean showSecrets) {
    Config.Alerting a = c.alerting();
    if (!a.alertRelabelConfigs().isEmpty() || !a.alertmanagers().isEmpty()) {
      sb.append("alerting:\n");
      relabels(sb, "alert_relabel_configs", a.alertRelabelConfigs());
      if (!a.alertmanagers().isEmpty()) {
        sb.append("  alertmanagers:\n");
        for (Config.AlertmanagerConfig am : a.alertmanagers()) {
          StringBuilder e = new StringBuilder();
          kv(e, 2, "scheme", am.scheme());
          kv(e, 2, "path_prefix", quote(am.pathPrefix()));
          kv(e, 2, "timeout", Durations.format(am.timeoutMs()));
          kv(e, 2, "api_version", am.apiVersion());
          httpClient(e, am.basicAuth(), am.authorization(), am.tlsConfig(), showSecrets);
          discovery(e, am.staticConfigs(), am.fileSdConfigs());
          relabels(e, "relabel_configs", am.relabelConfigs());
          relabels(e, "alert_relabel_configs", am.alertRelabelConfigs());
          String text = e.toString().replaceAll("(?m)^", "  ");
          sb.append("  -").append(text.substring(3));
        }
      }
    }
    if (!c.ruleFiles().isEmpty()) {
      sb.append("rule_files:\n");
      for (String r : c.ruleFiles()) {
        sb.append("- ").append(quote(r)).append('\n');
      }
    }
  }

  private static void remoteWrites(StringBuilder sb, Config c, boolean showSecrets) {
    if (c.remoteWriteConfigs().isEmpty()) {
      return;
    }
    sb.append("remote_write:\n");
    for (Config.RemoteWriteConfig r : c.remoteWriteConfigs()) {
      sb.append("- url: ").append(quote(r.url())).append('\n');
      kv(sb, 2, "remote_timeout", Durations.format(r.remoteTimeoutMs()));
      if (!r.headers().isEmpty()) {
        sb.append("  headers:\n");
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(r.headers()).entrySet()) {
          kv(sb, 4, quote(e.getKey()), quote(showSecrets ? e.getValue() : "<secret>"));
        }
      }
      kv(sb, 2, "name", quote(r.name()));
      httpClient(sb, r.basicAuth(), r.authorization(), r.tlsConfig(), showSecrets);
      Config.QueueConfig q = r.queueConfig();
      sb.append("  queue_config:\n");
      kv(sb, 4, "capacity", String.valueOf(q.capacity()));
      kv(sb, 4, "max_shards", String.valueOf(q.maxShards()));
      kv(sb, 4, "min_shards", String.valueOf(q.minShards()));
      kv(sb, 4, "max_samples_per_send", String.valueOf(q.maxSamplesPerSend()));
      kv(sb, 4, "batch_send_deadline", Durations.format(q.batchSendDeadlineMs()));
      kv(sb, 4, "min_backoff", Durations.format(q.minBackoffMs()));
      kv(sb, 4, "max_backoff", Durations.format(q.maxBackoffMs()));
      kv(sb, 4, "retry_on_http_429", String.valueOf(q.retryOnHttp429()));
      kv(sb, 4, "sample_age_limit", Durations.format(q.sampleAgeLimitMs()));
      relabels(sb, "write_relabel_configs", r.writeRelabelConfigs());
    }
  }

  /** A discovery entry's client settings: those of a scrape config, two more spaces in. */
  private static void discoveryClient(
      StringBuilder sb,
      Config.BasicAuth basic,
      Config.Authorization auth,
      Config.TlsConfig tls,
      boolean showSecrets) {
    StringBuilder client = new StringBuilder();
    httpClient(client, basic, auth, tls, showSecrets);
    sb.append(client.toString().replace("\n  ", "\n    ").replaceFirst("^  ", "    "));
  }

  private static void httpClient(
      StringBuilder sb,
      Config.BasicAuth basic,
      Config.Authorization auth,
      Config.TlsConfig tls,
      boolean showSecrets) {
    if (basic != null) {
      sb.append("  basic_auth:\n");
      kv(sb, 4, "username", quote(basic.username()));
      if (!basic.password().isEmpty()) {
        kv(sb, 4, "password", quote(showSecrets ? basic.password() : "<secret>"));
      }
      if (!basic.passwordFile().isEmpty()) {
        kv(sb, 4, "password_file", quote(basic.passwordFile()));
      }
    }
    if (auth != null) {
      sb.append("  authorization:\n");
      kv(sb, 4, "type", quote(auth.type()));
      if (!auth.credentials().isEmpty()) {
        kv(sb, 4, "credentials", quote(showSecrets ? auth.credentials() : "<secret>"));
      }
      if (!auth.credentialsFile().isEmpty()) {
        kv(sb, 4, "credentials_file", quote(auth.credentialsFile()));
      }
    }
    Config.TlsConfig t = tls;
    if (!t.equals(Config.TlsConfig.DEFAULT)) {
      sb.append("  tls_config:\n");
      if (!t.caFile().isEmpty()) {
        kv(sb, 4, "ca_file", quote(t.caFile()));
      }
      if (!t.certFile().isEmpty()) {
        kv(sb, 4, "cert_file", quote(t.certFile()));
      }
      if (!t.keyFile().isEmpty()) {
        kv(sb, 4, "key_file", quote(t.keyFile()));
      }
      if (!t.serverName().isEmpty()) {
        kv(sb, 4, "server_name", quote(t.serverName()));
      }
      kv(sb, 4, "insecure_skip_verify", String.valueOf(t.insecureSkipVerify()));
    }
  }

  private static void relabels(StringBuilder sb, String field, List<RelabelConfig> list) {
    if (list.isEmpty()) {
      return;
    }
    sb.append("  ").append(field).append(":\n");
    for (RelabelConfig r : list) {
      String first = "  - ";
      if (!r.sourceLabels.isEmpty()) {
        sb.append(first).append("source_labels: [");
        for (int i = 0; i < r.sourceLabels.size(); i++) {
          sb.append(i == 0 ? "" : ", ").append(r.sourceLabels.get(i));
        }
        sb.append("]\n");
        first = "    ";
      }
      boolean equal = r.action == RelabelAction.KEEPEQUAL || r.action == RelabelAction.DROPEQUAL;
      if (equal) {
        // Only source_labels and target_label: Prometheus 2.42 refuses even default values of
        // the other fields on these actions, so they are not written.
        sb.append(first).append("target_label: ").append(quote(r.targetLabel)).append('\n');
        sb.append("    action: ").append(r.action.yamlName()).append('\n');
        continue;
      }
      sb.append(first).append("separator: ").append(quote(r.separator)).append('\n');
      sb.append("    regex: ").append(quote(r.regex)).append('\n');
      if (r.modulus != 0) {
        sb.append("    modulus: ").append(r.modulus).append('\n');
      }
      if (!r.targetLabel.isEmpty()) {
        sb.append("    target_label: ").append(quote(r.targetLabel)).append('\n');
      }
      sb.append("    replacement: ").append(quote(r.replacement)).append('\n');
      sb.append("    action: ").append(r.action.yamlName()).append('\n');
    }
  }

  private static void limits(
      StringBuilder sb,
      int indent,
      long body,
      int sample,
      int label,
      int nameLen,
      int valueLen,
      int target) {
    if (body != 0) {
      kv(sb, indent, "body_size_limit", ByteSizes.format(body));
    }
    if (sample != 0) {
      kv(sb, indent, "sample_limit", String.valueOf(sample));
    }
    if (label != 0) {
      kv(sb, indent, "label_limit", String.valueOf(label));
    }
    if (nameLen != 0) {
      kv(sb, indent, "label_name_length_limit", String.valueOf(nameLen));
    }
    if (valueLen != 0) {
      kv(sb, indent, "label_value_length_limit", String.valueOf(valueLen));
    }
    if (target != 0) {
      kv(sb, indent, "target_limit", String.valueOf(target));
    }
  }

  private static void labels(StringBuilder sb, int indent, Labels l) {
    for (int i = 0; i < l.size(); i++) {
      kv(sb, indent, l.name(i), quote(l.value(i)));
    }
  }

  private static void kv(StringBuilder sb, int indent, String k, String v) {
    sb.append(" ".repeat(indent)).append(k).append(": ").append(v).append('\n');
  }

  /** A YAML double-quoted scalar. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
