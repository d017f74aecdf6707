package io.cardinal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.config.Config.ScrapeConfig;
import io.cardinal.tsdb.labels.Labels;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
  static final String FULL =
      """
      global:
        scrape_interval: 30s
        scrape_timeout: 5s
        evaluation_interval: 1m
        external_labels:
          cluster: eu-1
        rule_query_offset: 30s
      rule_files: ['rules/*.yml', 'more/*.yaml']
      alerting:
        alert_relabel_configs:
          - regex: replica
            action: labeldrop
        alertmanagers:
          - scheme: https
            path_prefix: /am
            timeout: 5s
            basic_auth:
              username: u
              password: p
            static_configs:
              - targets: ['am1:9093', 'am2:9093']
            file_sd_configs:
              - files: ['am/*.json']
            relabel_configs:
              - source_labels: [__address__]
                regex: 'am2.*'
                action: drop
      scrape_configs:
        - job_name: node
          honor_labels: true
          honor_timestamps: false
          scrape_interval: 1m30s
          scheme: https
          metrics_path: /probe
          params:
            module: [http_2xx, tcp]
          basic_auth:
            username: admin
            password: s3cret
          tls_config:
            ca_file: /etc/ca.pem
            insecure_skip_verify: true
          sample_limit: 1000
          label_limit: 30
          label_name_length_limit: 100
          label_value_length_limit: 200
          body_size_limit: 10MB
          target_limit: 50
          static_configs:
            - targets: ['a:9100', 'b:9100']
              labels:
                env: prod
          file_sd_configs:
            - files: ['targets/*.json']
              refresh_interval: 1m
          relabel_configs:
            - source_labels: [__address__]
              regex: '(.*):9100'
              target_label: host
              replacement: '${1}'
            - action: hashmod
              source_labels: [__address__]
              modulus: 4
              target_label: __tmp_shard
          metric_relabel_configs:
            - source_labels: [__name__]
              regex: 'go_.*'
              action: drop
        - job_name: self
          authorization:
            credentials: tok
          static_configs:
            - targets: ['localhost:9090']
      """;

  @Test
  void loadsEveryFieldWithDefaults() throws Exception {
    Config c = ConfigLoader.parse(FULL);
    assertEquals(30_000, c.global().scrapeIntervalMs());
    assertEquals(Labels.of("cluster", "eu-1"), c.global().externalLabels());
    assertEquals(List.of(), c.ignoredSections());
    assertEquals(List.of("rules/*.yml", "more/*.yaml"), c.ruleFiles());
    assertEquals(30_000, c.global().ruleQueryOffsetMs());
    assertEquals(1, c.alerting().alertRelabelConfigs().size());
    Config.AlertmanagerConfig am = c.alerting().alertmanagers().get(0);
    assertEquals("https", am.scheme());
    assertEquals("/am", am.pathPrefix());
    assertEquals(5_000, am.timeoutMs());
    assertEquals("v2", am.apiVersion());
    assertEquals("u", am.basicAuth().username());
    assertEquals(List.of("am1:9093", "am2:9093"), am.staticConfigs().get(0).targets());
    assertEquals(List.of("am/*.json"), am.fileSdConfigs().get(0).files());
    assertEquals(1, am.relabelConfigs().size());
    ScrapeConfig node = c.scrapeConfigs().get(0);
    assertEquals(90_000, node.scrapeIntervalMs());
    assertEquals(5_000, node.scrapeTimeoutMs());
    assertTrue(node.honorLabels());
    assertFalse(node.honorTimestamps());
    assertEquals(List.of("http_2xx", "tcp"), node.params().get("module"));
    assertEquals(10L << 20, node.bodySizeLimit());
    assertEquals(1000, node.sampleLimit());
    assertEquals(RelabelAction.REPLACE, node.relabelConfigs().get(0).action);
    assertEquals(";", node.relabelConfigs().get(0).separator);
    assertEquals(4, node.relabelConfigs().get(1).modulus);
    ScrapeConfig self = c.scrapeConfigs().get(1);
    assertEquals(30_000, self.scrapeIntervalMs());
    assertEquals("/metrics", self.metricsPath());
    assertEquals("http", self.scheme());
    assertEquals("Bearer", self.authorization().type());
    assertTrue(self.honorTimestamps());
  }

  @Test
  void renderedConfigReadsBackEqual() throws Exception {
    Config c = ConfigLoader.parse(FULL);
    String yaml = ConfigYaml.render(c, true);
    Config back = ConfigLoader.parse(yaml);
    assertEquals(c.global(), back.global());
    assertEquals(c.scrapeConfigs(), back.scrapeConfigs());
    assertEquals(yaml, ConfigYaml.render(back, true));
    assertTrue(ConfigYaml.render(c, false).contains("<secret>"));
    assertFalse(ConfigYaml.render(c, false).contains("s3cret"));
  }

  @Test
  void emptyFileIsTheDefaultConfig() throws Exception {
    Config c = ConfigLoader.parse("");
    assertEquals(60_000, c.global().scrapeIntervalMs());
    assertTrue(c.scrapeConfigs().isEmpty());
  }

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        Arguments.of(
            "global:\n  scrape_intervall: 1m\n",
            "line 2: field scrape_intervall not found in global"),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    static_config: []\n",
            "line 3: field static_config not found in scrape_config"),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    scrape_interval: 10x\n",
            "line 3: invalid scrape_interval: not a valid duration string: \"10x\""),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n",
            "line 4: scrape timeout greater than scrape interval for scrape config with job name \"a\""),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n  - job_name: a\n",
            "line 3: found multiple scrape configs with job name \"a\""),
        Arguments.of("scrape_configs:\n  - scrape_interval: 5s\n", "line 2: job_name is empty"),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    sample_limit: lots\n",
            "line 3: cannot unmarshal \"lots\" into sample_limit: want a non-negative integer"),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: explode\n",
            "line 4: unknown relabel action \"explode\""),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: hashmod\n"
                + "        target_label: x\n",
            "line 4: relabel configuration for hashmod requires non-zero modulus"),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - regex: '(a'\n"
                + "        target_label: x\n",
            "line 4: invalid regex \"(a\": missing closing )"),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: labeldrop\n"
                + "        regex: x\n        target_label: y\n",
            "line 4: labeldrop action requires only 'regex', and no other fields"),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    scheme: ftp\n",
            "line 3: invalid scheme \"ftp\": must be http or https"),
        Arguments.of(
            "alerting:\n  alertmanagers:\n    - api_version: v1\n",
            "line 3: expected Alertmanager api version to be one of [v2] but got v1"),
        Arguments.of(
            "alerting:\n  alertmanagers:\n    - kubernetes_sd_configs: []\n",
            "line 3: field kubernetes_sd_configs not found in alertmanager_config"),
        Arguments.of(
            "rule_files: ['rules/[a.yml']\n", "line 1: invalid rule file path \"rules/[a.yml\""),
        Arguments.of(
            "storage:\n  tsdb:\n    out_of_order_time_window: 30m\n",
            "line 3: storage.tsdb.out_of_order_time_window is not supported: Cardinal refuses"
                + " out-of-order samples; remove the field or set it to 0s"),
        Arguments.of(
            "storage:\n  tsdb:\n    stale_series_compaction_threshold: 1.5\n",
            "line 3: storage.tsdb.stale_series_compaction_threshold must be a number between 0"
                + " and 1, got \"1.5\""),
        Arguments.of(
            "storage:\n  tsdb:\n    retention:\n      percentage: 150\n",
            "line 4: storage.tsdb.retention.percentage must be between 0 and 100, got 150"),
        Arguments.of(
            "storage:\n  tsdb:\n    retention:\n      size: lots\n",
            "line 4: invalid size: not a valid byte size: \"lots\""),
        Arguments.of(
            "storage:\n  tsdb:\n    retention:\n      days: 3\n",
            "line 4: field days not found in retention"),
        Arguments.of(
            "storage:\n  tsdb:\n    chunk_encoding: {floats: xor2}\n",
            "line 3: storage.tsdb.chunk_encoding.floats \"xor2\" is not supported: Cardinal"
                + " writes Prometheus's xor chunks only"),
        Arguments.of(
            "runtime:\n  gogc: 75\n",
            "line 2: runtime.gogc has no meaning for the JVM: remove it, and size the heap with"
                + " -Xmx (CARDINAL_JAVA_OPTS) instead"),
        Arguments.of(
            "storage:\n  tsdb:\n    stale_series_threshold: 0.5\n",
            "line 3: field stale_series_threshold not found in tsdb"),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    scrape_protocols: [PrometheusText0.0.4, Text]\n",
            "line 3: unknown scrape protocol Text, supported: [OpenMetricsText0.0.1"
                + " OpenMetricsText1.0.0 PrometheusProto PrometheusText0.0.4 PrometheusText1.0.0]"),
        Arguments.of(
            "global:\n  scrape_protocols:\n    - PrometheusProto\n",
            "line 3: scrape protocol PrometheusProto (the protobuf format, for native histograms)"
                + " is not supported by Cardinal: list only the text formats"),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    scrape_protocols:\n      - PrometheusText0.0.4\n"
                + "      - PrometheusText0.0.4\n",
            "line 5: duplicated protocol in scrape_protocols, got [PrometheusText0.0.4]"),
        Arguments.of(
            "global:\n  metric_name_validation_scheme: utf8\n",
            "line 2: metric_name_validation_scheme \"utf8\" is not supported: Cardinal validates"
                + " metric and label names as \"legacy\""),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    follow_redirects: maybe\n",
            "line 3: cannot unmarshal \"maybe\" into follow_redirects: want true or false"),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n      - namespaces: {}\n",
            "line 4: role missing (one of: pod, service, endpoints, endpointslice, node, ingress)"),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n      - role: pods\n",
            "line 4: unknown Kubernetes SD role \"pods\""),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n      - role: ingress\n",
            "line 4: kubernetes_sd_configs role \"ingress\" is not supported by Cardinal yet: use"
                + " the pod, service, endpoints, endpointslice or node role"),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n      - role: pod\n"
                + "        api_server: https://k:6443\n        kubeconfig_file: k.yml\n",
            "line 6: cannot use 'kubeconfig_file' and 'api_server' simultaneously"),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n      - role: pod\n"
                + "        selectors: [{role: node, label: a=b}]\n",
            "line 5: selector role \"node\" is not valid for role pod"),
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n      - role: pod\n"
                + "        attach_metadata: {node: true}\n",
            "line 5: attach_metadata node: true is not supported by Cardinal yet"),
        Arguments.of(
            "scrape_configs: [\n",
            "line 2: invalid YAML: expected the node content, but found '<stream end>'"));
  }

  @Test
  void transferSettingsAreReadWithGlobalDefaults() throws Exception {
    Config c =
        ConfigLoader.parse(
            "global:\n  scrape_protocols: [OpenMetricsText1.0.0, PrometheusText0.0.4]\n"
                + "  keep_dropped_targets: 5\n  metric_name_validation_scheme: legacy\n"
                + "scrape_configs:\n"
                + "  - job_name: inherits\n"
                + "  - job_name: own\n    scrape_protocols: [PrometheusText0.0.4]\n"
                + "    enable_compression: false\n    follow_redirects: false\n"
                + "    track_timestamps_staleness: true\n    keep_dropped_targets: 1\n"
                + "    enable_http2: false\n    scrape_classic_histograms: true\n");
    assertEquals(
        new Config.Transfer(
            List.of("OpenMetricsText1.0.0", "PrometheusText0.0.4"), true, true, false, 5),
        c.scrapeConfigs().get(0).transfer());
    assertEquals(
        new Config.Transfer(List.of("PrometheusText0.0.4"), false, false, true, 1),
        c.scrapeConfigs().get(1).transfer());
    assertEquals(
        Config.Transfer.DEFAULT,
        ConfigLoader.parse("scrape_configs: [{job_name: x}]\n").scrapeConfigs().get(0).transfer());
    // The rendering reads back the same.
    assertEquals(c.scrapeConfigs(), ConfigLoader.parse(ConfigYaml.render(c, true)).scrapeConfigs());
  }

  @Test
  void kubernetesSdConfigsReadAndRenderBack() throws Exception {
    // Debian's promtool 2.42 is built without Kubernetes discovery, so this one is checked here.
    Config c =
        ConfigLoader.parse(
            "scrape_configs:\n  - job_name: k\n    kubernetes_sd_configs:\n"
                + "      - role: endpoints\n        api_server: https://10.0.0.1:6443\n"
                + "        namespaces: {names: [shop, default]}\n"
                + "        selectors:\n          - {role: pod, label: 'app=web', field: 'spec.nodeName=a'}\n"
                + "          - {role: service, label: 'tier!=db'}\n"
                + "        tls_config: {insecure_skip_verify: true}\n        bearer_token: t\n"
                + "      - role: node\n        kubeconfig_file: kube.yml\n");
    List<Config.KubernetesSdConfig> ks = c.scrapeConfigs().get(0).kubernetesSdConfigs();
    assertEquals(2, ks.size());
    assertEquals("endpoints", ks.get(0).role());
    assertEquals(List.of("shop", "default"), ks.get(0).namespaces());
    assertEquals(
        List.of(
            new Config.KubernetesSelector("pod", "app=web", "spec.nodeName=a"),
            new Config.KubernetesSelector("service", "tier!=db", "")),
        ks.get(0).selectors());
    assertTrue(ks.get(0).tlsConfig().insecureSkipVerify());
    assertEquals("t", ks.get(0).authorization().credentials());
    assertEquals("kube.yml", ks.get(1).kubeconfigFile());
    assertEquals(c.scrapeConfigs(), ConfigLoader.parse(ConfigYaml.render(c, true)).scrapeConfigs());
  }

  @ParameterizedTest
  @MethodSource("badConfigs")
  void badConfigNamesFieldAndLine(String yaml, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml));
    assertEquals(message, e.getMessage());
  }

  @Test
  void scrapeConfigFilesAreReadRelativeToTheConfigFileWithItsGlobals(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("jobs.d"));
    java.nio.file.Files.writeString(
        dir.resolve("jobs.d/a.yml"),
        "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [x:1]\n");
    java.nio.file.Files.writeString(
        dir.resolve("jobs.d/b.yml"),
        "scrape_configs:\n  - job_name: b\n    scrape_interval: 5s\n"
            + "    static_configs:\n      - targets: [y:2]\n");
    java.nio.file.Files.writeString(dir.resolve("jobs.d/ignored.txt"), "not yaml: [");
    java.nio.file.Path main = dir.resolve("prometheus.yml");
    java.nio.file.Files.writeString(
        main,
        "global:\n  scrape_interval: 30s\nscrape_config_files: ['jobs.d/*.yml']\n"
            + "scrape_configs:\n  - job_name: main\n    static_configs:\n      - targets: [z:3]\n");
    Config c = ConfigLoader.load(main);
    assertEquals(
        List.of("main", "a", "b"), c.scrapeConfigs().stream().map(ScrapeConfig::jobName).toList());
    assertEquals(30_000, c.scrapeConfigs().get(1).scrapeIntervalMs(), "the main file's global");
    assertEquals(5_000, c.scrapeConfigs().get(2).scrapeIntervalMs());
    assertEquals(List.of(), c.ignoredSections());

    // A bad included file: its name and line; a job name used twice across files: refused.
    java.nio.file.Files.writeString(
        dir.resolve("jobs.d/c.yml"),
        "scrape_configs:\n  - job_name: c\n    scrape_intervall: 1s\n");
    ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLoader.load(main));
    assertEquals(
        dir.resolve("jobs.d/c.yml") + ": line 3: field scrape_intervall not found in scrape_config",
        bad.getMessage());
    java.nio.file.Files.writeString(
        dir.resolve("jobs.d/c.yml"),
        "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [w:4]\n");
    ConfigException twice = assertThrows(ConfigException.class, () -> ConfigLoader.load(main));
    assertTrue(twice.getMessage().contains("found multiple scrape configs with job name \"a\""));
    java.nio.file.Files.writeString(
        dir.resolve("jobs.d/c.yml"), "scrape_configs: []\nrule_files: [x]\n");
    ConfigException other = assertThrows(ConfigException.class, () -> ConfigLoader.load(main));
    assertTrue(
        other.getMessage().endsWith("line 2: field rule_files not found in scrape config file"),
        other.getMessage());
  }

  @Test
  void storageSectionIsReadNotIgnored() throws ConfigException {
    Config c =
        ConfigLoader.parse(
            "storage:\n  tsdb:\n    stale_series_compaction_threshold: 0.25\n"
                + "    out_of_order_time_window: 0s\n  exemplars:\n    max_exemplars: 500\n");
    assertEquals(0.25, c.storage().staleSeriesCompactionThreshold());
    assertEquals(Config.Retention.UNSET, c.storage().retention());
    assertEquals(
        new Config.Retention(30L * 24 * 3_600_000, 512L << 20, 0),
        ConfigLoader.parse("storage:\n  tsdb:\n    retention: {time: 30d, size: 512MB}\n")
            .storage()
            .retention());
    assertEquals(
        new Config.Retention(0, -1, 80),
        ConfigLoader.parse("storage:\n  tsdb:\n    retention: {time: 0s, percentage: 80}\n")
            .storage()
            .retention(),
        "0s disables time retention; an absent size is not set");
    assertEquals(500, c.storage().maxExemplars());
    assertEquals(List.of(), c.ignoredSections());
    assertEquals(Config.Storage.DEFAULT, ConfigLoader.parse("global: {}\n").storage());
  }

  @Test
  void durations() {
    assertEquals(90_000, Durations.parse("1m30s"));
    assertEquals(100, Durations.parse("100ms"));
    assertEquals(15L * 24 * 3600 * 1000, Durations.parse("15d"));
    assertEquals("1m30s", Durations.format(90_000));
    assertEquals("2w", Durations.format(14L * 24 * 3600 * 1000));
    assertEquals("100ms", Durations.format(100));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("5s1m"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("1.5s"));
  }

  // ------------------------------------------------------------------ relabelling

  static Stream<Arguments> relabelCases() {
    Labels in =
        Labels.of(
            "__address__", "host-1:9100", "job", "node", "env", "Prod", "__meta_kube_pod", "web-7");
    return Stream.of(
        Arguments.of(
            "replace default regex",
            in,
            "source_labels: [job]\ntarget_label: copy",
            in.toBuilder().set("copy", "node").build()),
        Arguments.of(
            "replace with groups",
            in,
            "source_labels: [__address__]\nregex: '(.*):(\\d+)'\ntarget_label: host\nreplacement: '${1}_$2'",
            in.toBuilder().set("host", "host-1_9100").build()),
        Arguments.of(
            "replace $1x names group 1x (empty) so deletes",
            in,
            "source_labels: [job]\nregex: '(.*)'\ntarget_label: env\nreplacement: '$1x'",
            in.toBuilder().delete("env").build()),
        Arguments.of(
            "replace no match leaves labels",
            in,
            "source_labels: [job]\nregex: 'nomatch'\ntarget_label: x",
            in),
        Arguments.of(
            "replace regex is anchored",
            in,
            "source_labels: [job]\nregex: 'od'\ntarget_label: x\nreplacement: hit",
            in),
        Arguments.of(
            "replace joins with separator",
            in,
            "source_labels: [job, env]\nseparator: '/'\ntarget_label: both",
            in.toBuilder().set("both", "node/Prod").build()),
        Arguments.of("keep match", in, "source_labels: [job]\nregex: no.*\naction: keep", in),
        Arguments.of("keep no match", in, "source_labels: [job]\nregex: other\naction: keep", null),
        Arguments.of("drop match", in, "source_labels: [env]\nregex: Prod\naction: drop", null),
        Arguments.of("drop no match", in, "source_labels: [env]\nregex: prod\naction: drop", in),
        Arguments.of(
            "keepequal equal",
            Labels.of("a", "x", "b", "x"),
            "source_labels: [a]\ntarget_label: b\naction: keepequal",
            Labels.of("a", "x", "b", "x")),
        Arguments.of(
            "keepequal differ",
            Labels.of("a", "x", "b", "y"),
            "source_labels: [a]\ntarget_label: b\naction: keepequal",
            null),
        Arguments.of(
            "dropequal equal",
            Labels.of("a", "x", "b", "x"),
            "source_labels: [a]\ntarget_label: b\naction: dropequal",
            null),
        Arguments.of(
            "dropequal differ",
            Labels.of("a", "x", "b", "y"),
            "source_labels: [a]\ntarget_label: b\naction: dropequal",
            Labels.of("a", "x", "b", "y")),
        Arguments.of(
            "hashmod",
            in,
            "source_labels: [__address__]\nmodulus: 8\ntarget_label: shard\naction: hashmod",
            in.toBuilder()
                .set(
                    "shard",
                    Long.toUnsignedString(
                        Long.remainderUnsigned(Relabeler.md5Low64("host-1:9100"), 8)))
                .build()),
        Arguments.of(
            "labelmap",
            in,
            "regex: __meta_kube_(.*)\naction: labelmap",
            in.toBuilder().set("pod", "web-7").build()),
        Arguments.of(
            "labelmap with replacement",
            in,
            "regex: __meta_kube_(.*)\nreplacement: k8s_$1\naction: labelmap",
            in.toBuilder().set("k8s_pod", "web-7").build()),
        Arguments.of(
            "labeldrop",
            in,
            "regex: __meta_.*\naction: labeldrop",
            in.toBuilder().delete("__meta_kube_pod").build()),
        Arguments.of(
            "labelkeep",
            in,
            "regex: job|env\naction: labelkeep",
            Labels.of("job", "node", "env", "Prod")),
        Arguments.of(
            "lowercase",
            in,
            "source_labels: [env]\ntarget_label: env\naction: lowercase",
            in.toBuilder().set("env", "prod").build()),
        Arguments.of(
            "uppercase",
            in,
            "source_labels: [job]\ntarget_label: JOB\naction: uppercase",
            in.toBuilder().set("JOB", "NODE").build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("relabelCases")
  void relabelActions(String name, Labels in, String yaml, Labels want) throws Exception {
    String doc =
        "scrape_configs:\n  - job_name: x\n    relabel_configs:\n      - "
            + yaml.replace("\n", "\n        ")
            + "\n";
    List<RelabelConfig> rcs = ConfigLoader.parse(doc).scrapeConfigs().get(0).relabelConfigs();
    Labels got = Relabeler.process(in, rcs);
    if (want == null) {
      assertNull(got);
    } else {
      assertEquals(want, got);
    }
  }

  @Test
  void hashmodMatchesPrometheus() {
    // md5("foo") = acbd18db4cc2f85cedef654fccc4a4d8; the low 8 bytes big-endian mod 10 is what
    // Prometheus uses.
    assertEquals(Long.parseUnsignedLong("edef654fccc4a4d8", 16), Relabeler.md5Low64("foo"));
  }
}
