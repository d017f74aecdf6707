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
          "auth, TLS, file_sd, limits, ignored sections",
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
      ConfigLoader.load(f); // ours first: a good config must be good for us
      Interop.Result r = Interop.run(60_000, promtool.toString(), "check", "config", f.toString());
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
