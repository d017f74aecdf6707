package io.cardinal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cardinal.testing.Interop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The real {@code promtool check config} (Prometheus 2.42) agrees with {@link ConfigLoader}: every
 * configuration we accept (the loader tests' full files, every relabel action, every
 * scrape/auth/TLS/SD field 2.42 knows) is valid for promtool, and every file we reject for a real
 * error is rejected by promtool too. Skipped loudly without promtool.
 */
class PromtoolCheckConfigTest {
  @TempDir Path dir;

  private Path promtool;

  @BeforeEach
  void setUp() {
    promtool = Interop.requireBinary("promtool");
  }

  /**
   * Fields of a later Prometheus than 2.42 that Cardinal accepts; 2.42's promtool does not know
   * them.
   */
  static final String NEWER_THAN_2_42 = "      sample_age_limit: 1h\n";

  /**
   * Files Cardinal rejects at load time that promtool 2.42 accepts because Prometheus fails them
   * only later, when scraping: an unknown {@code scheme} (Prometheus: every scrape fails with
   * "unsupported protocol scheme").
   */
  static final List<String> STRICTER_THAN_PROMTOOL =
      List.of(
          "invalid scheme \"ftp\"",
          // Prometheus 3 removed Alertmanager's v1 API; 2.42 still sent to it.
          "expected Alertmanager api version to be one of [v2]",
          // Refused rather than ignored: Cardinal has no out-of-order window (yet).
          "Cardinal refuses out-of-order samples");

  /** The global field of Prometheus 2.53 and later that ConfigLoaderTest.FULL sets. */
  static final String RULE_QUERY_OFFSET = "  rule_query_offset: 30s\n";

  /** Good configurations: name, YAML. Files they name are created in the test directory first. */
  private List<String[]> goodConfigs() throws Exception {
    List<String[]> out = new ArrayList<>();
    out.add(
        new String[] {
          "ConfigLoaderTest.FULL (without fields newer than 2.42)",
          ConfigLoaderTest.FULL.replace(RULE_QUERY_OFFSET, "")
        });
    out.add(
        new String[] {
          "RemoteWriteConfigTest.FULL (without fields newer than 2.42)",
          RemoteWriteConfigTest.FULL.replace(NEWER_THAN_2_42, "")
        });
    out.add(new String[] {"empty file", ""});
    // Every relabel action case of the loader tests, as relabel_configs and as
    // metric_relabel_configs.
    StringBuilder relabel = new StringBuilder("scrape_configs:\n");
    int i = 0;
    for (Arguments a : ConfigLoaderTest.relabelCases().toList()) {
      String yaml = (String) a.get()[2];
      String item = "      - " + yaml.replace("\n", "\n        ") + "\n";
      relabel
          .append("  - job_name: relabel_")
          .append(i++)
          .append("\n    relabel_configs:\n")
          .append(item)
          .append("    metric_relabel_configs:\n")
          .append(item);
    }
    out.add(new String[] {"every relabel action", relabel.toString()});
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "s3cret\n");
    Path cert = dir.resolve("client.pem");
    Path key = dir.resolve("client.key");
    Files.writeString(cert, "placeholder\n");
    Files.writeString(key, "placeholder\n");
    Files.writeString(
        dir.resolve("targets.json"),
        "[{\"targets\": [\"127.0.0.1:9100\"], \"labels\": {\"a\": \"b\"}}]\n");
    Files.writeString(dir.resolve("targets.yml"), "- targets: ['127.0.0.1:9101']\n");
    out.add(
        new String[] {
          "auth, TLS, file_sd, http_sd, dns_sd, blackbox, limits, ignored sections",
          """
        global:
          scrape_interval: 15s
          scrape_timeout: 15s
          evaluation_interval: 30s
          query_log_file: query.log
          external_labels: {region: eu, replica: "1"}
        rule_files: ['rules/*.yml']
        alerting:
          alertmanagers:
            - static_configs:
                - targets: ['127.0.0.1:9093']
        remote_read:
          - url: http://127.0.0.1:9201/read
            read_recent: true
        storage:
          tsdb:
            out_of_order_time_window: 0s
          exemplars:
            max_exemplars: 1000
        tracing:
          endpoint: 127.0.0.1:4317
          insecure: true
        scrape_configs:
          - job_name: password_file
            scrape_interval: 5s
            scrape_timeout: 2s
            honor_labels: false
            honor_timestamps: true
            follow_redirects: false
            enable_http2: false
            basic_auth: {username: u, password_file: SECRET}
            tls_config: {cert_file: CERT, key_file: KEY, server_name: example.org, insecure_skip_verify: false, min_version: TLS12}
            body_size_limit: 512KiB
            sample_limit: 10
            label_limit: 5
            label_name_length_limit: 50
            label_value_length_limit: 100
            target_limit: 3
            file_sd_configs:
              - files: ['targets.json', 'targets.yml']
                refresh_interval: 30s
          - job_name: credentials_file
            authorization: {type: Token, credentials_file: SECRET}
            static_configs: [{targets: ['127.0.0.1:1']}]
          - job_name: bearer_token
            bearer_token: tok
            static_configs: [{targets: ['127.0.0.1:2'], labels: {x: y}}]
          - job_name: http_sd
            http_sd_configs:
              - url: http://127.0.0.1:8080/targets
                refresh_interval: 15s
                basic_auth: {username: sd, password_file: SECRET}
          - job_name: dns_sd
            dns_sd_configs:
              - names: ['_node._tcp.example.org']
              - names: [a.example.org, b.example.org]
                type: A
                port: 9100
                refresh_interval: 1m
              - names: [example.org]
                type: mx
                port: 25
          - job_name: blackbox
            metrics_path: /probe
            params: {module: [http_2xx]}
            static_configs: [{targets: ['http://example.org/health', 'https://example.com']}]
            relabel_configs:
              - {source_labels: [__address__], target_label: __param_target}
              - {source_labels: [__param_target], target_label: instance}
              - {target_label: __address__, replacement: '127.0.0.1:9115'}
          - job_name: bearer_token_file
            scheme: https
            bearer_token_file: SECRET
            metrics_path: /federate
            params: {'match[]': ['{job="a"}', 'up']}
            static_configs: [{targets: ['127.0.0.1:3']}]
        """
              .replace("SECRET", secret.toString())
              .replace("CERT", cert.toString())
              .replace("KEY", key.toString())
        });
    return out;
  }

  @Test
  void everyConfigWeAcceptPromtoolAccepts() throws Exception {
    for (String[] c : goodConfigs()) {
      Path f = dir.resolve("good.yml");
      Files.writeString(f, c[1]);
      Config loaded = ConfigLoader.load(f); // ours first: a good config must be good for us
      Interop.Result r = Interop.run(60_000, promtool.toString(), "check", "config", f.toString());
      // What /api/v1/status/config shows must load the same, here and in promtool.
      Path shown = dir.resolve("shown.yml");
      Files.writeString(shown, ConfigYaml.render(loaded, true));
      assertEquals(
          loaded.scrapeConfigs(),
          ConfigLoader.load(shown).scrapeConfigs(),
          c[0] + ": the rendered configuration loads differently:\n" + Files.readString(shown));
      // The rendering is Prometheus 3's, whose queue_config has sample_age_limit: 2.42's promtool
      // knows no such field, so it checks the rendering without it.
      Files.writeString(
          shown, Files.readString(shown).replaceAll("(?m)^ *sample_age_limit: .*\n", ""));
      Interop.Result rs =
          Interop.run(60_000, promtool.toString(), "check", "config", shown.toString());
      assertEquals(
          0, rs.exit(), c[0] + ": promtool rejected the rendered configuration\n" + rs.stderr());
      assertEquals(
          0,
          r.exit(),
          c[0]
              + ": promtool rejected a configuration Cardinal accepts\n"
              + c[1]
              + "\nstdout: "
              + r.stdout()
              + "\nstderr: "
              + r.stderr());
    }
  }

  @Test
  void everyConfigWeRejectPromtoolRejects() throws Exception {
    List<Arguments> bad = new ArrayList<>(ConfigLoaderTest.badConfigs().toList());
    bad.add(
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    metric_relabel_configs:\n      - source_labels: [x]\n"
                + "        regex: '[z-a]'\n        action: drop\n",
            null));
    bad.add(
        Arguments.of(
            "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [x]\n"
                + "        lables: {a: b}\n",
            null));
    bad.add(
        Arguments.of(
            "remote_write:\n  - url: http://x/y\n    queue_config:\n      max_shard: 3\n", null));
    bad.add(Arguments.of("bogus_section: {}\n", null));
    int n = 0;
    for (Arguments a : bad) {
      String yaml = (String) a.get()[0];
      Path f = dir.resolve("bad-" + n++ + ".yml");
      Files.writeString(f, yaml);
      ConfigException ours = assertThrows(ConfigException.class, () -> ConfigLoader.load(f), yaml);
      Interop.Result r = Interop.run(60_000, promtool.toString(), "check", "config", f.toString());
      if (STRICTER_THAN_PROMTOOL.stream().anyMatch(ours.getMessage()::contains)) {
        // Pinned so that a change on either side shows up here.
        assertEquals(0, r.exit(), "promtool now rejects " + yaml + r.stdout());
        System.err.println("stricter than promtool 2.42 (by design): " + ours.getMessage());
        continue;
      }
      assertNotEquals(
          0,
          r.exit(),
          "promtool accepted a configuration Cardinal rejects ("
              + ours.getMessage()
              + ")\n"
              + yaml
              + "\nstdout: "
              + r.stdout());
      System.err.println(
          "both reject: ours \""
              + ours.getMessage()
              + "\"; promtool: "
              + (r.stdout() + r.stderr()).strip().replace('\n', ' '));
    }
  }
}
