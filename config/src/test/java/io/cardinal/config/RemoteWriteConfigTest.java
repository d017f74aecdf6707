package io.cardinal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.config.Config.QueueConfig;
import io.cardinal.config.Config.RemoteWriteConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The remote_write section: defaults, every supported field, validation messages, rendering back.
 */
class RemoteWriteConfigTest {
  static final String FULL =
      "remote_write:\n"
          + "  - url: https://example.invalid/api/v1/write\n"
          + "    name: primary\n"
          + "    remote_timeout: 10s\n"
          + "    headers:\n      X-Scope-OrgID: team-a\n"
          + "    authorization:\n      credentials: tok3n\n"
          + "    tls_config:\n      ca_file: /etc/ca.pem\n      insecure_skip_verify: false\n"
          + "    write_relabel_configs:\n      - source_labels: [__name__]\n        regex: go_.*\n        action: drop\n"
          + "    queue_config:\n      capacity: 500\n      max_shards: 8\n      min_shards: 2\n"
          + "      max_samples_per_send: 100\n      batch_send_deadline: 2s\n      min_backoff: 50ms\n"
          + "      max_backoff: 10s\n      retry_on_http_429: false\n      sample_age_limit: 1h\n"
          + "    send_exemplars: true\n"
          + "  - url: http://127.0.0.1:9201/write\n"
          + "    basic_auth:\n      username: u\n      password: p\n";

  @Test
  void fullAndDefaults() throws Exception {
    Config c = ConfigLoader.parse(FULL);
    assertEquals(2, c.remoteWriteConfigs().size());
    RemoteWriteConfig a = c.remoteWriteConfigs().get(0);
    assertEquals("primary", a.name());
    assertEquals(10_000, a.remoteTimeoutMs());
    assertEquals(Map.of("X-Scope-OrgID", "team-a"), a.headers());
    assertEquals("Bearer", a.authorization().type());
    assertEquals("/etc/ca.pem", a.tlsConfig().caFile());
    assertEquals(1, a.writeRelabelConfigs().size());
    assertEquals(
        new QueueConfig(500, 8, 2, 100, 2_000, 50, 10_000, false, 3_600_000), a.queueConfig());
    RemoteWriteConfig b = c.remoteWriteConfigs().get(1);
    assertEquals(6, b.name().length());
    assertEquals(30_000, b.remoteTimeoutMs());
    assertEquals(QueueConfig.DEFAULT, b.queueConfig());
    assertEquals("u", b.basicAuth().username());
    assertEquals(List.of(), c.ignoredSections());

    String yaml = ConfigYaml.render(c, true);
    Config back = ConfigLoader.parse(yaml);
    assertEquals(c.remoteWriteConfigs(), back.remoteWriteConfigs());
    assertEquals(yaml, ConfigYaml.render(back, true));
    String masked = ConfigYaml.render(c, false);
    assertTrue(
        masked.contains("<secret>")
            && !masked.contains("tok3n")
            && !masked.contains("password: \"p\""),
        masked);
  }

  @Test
  void errorsNameTheLine() {
    assertError("remote_write:\n  - name: x\n", "line 2: url for remote_write is empty");
    assertError(
        "remote_write:\n  - url: ftp://x/y\n",
        "line 2: invalid remote_write url \"ftp://x/y\": scheme must be http or https with a host");
    assertError(
        "remote_write:\n  - url: http://a/w\n    headers:\n      Content-Type: x\n",
        "line 4: Content-Type is a reserved header. It must not be changed");
    assertError(
        "remote_write:\n  - url: http://a/w\n    sigv4:\n      region: x\n",
        "line 3: remote_write sigv4 is not supported by Cardinal");
    assertError(
        "remote_write:\n  - url: http://a/w\n    protobuf_message: io.prometheus.write.v2.Request\n",
        "line 3: remote_write protobuf_message \"io.prometheus.write.v2.Request\" is not supported by Cardinal: "
            + "only prometheus.WriteRequest (remote write 1.0)");
    assertError(
        "remote_write:\n  - url: http://a/w\n    name: n\n  - url: http://b/w\n    name: n\n",
        "line 4: found multiple remote write configs with job name \"n\"");
    assertError(
        "remote_write:\n  - url: http://a/w\n    queue_config:\n      min_shards: 5\n      max_shards: 2\n",
        "line 4: queue_config min_shards (5) must not be greater than max_shards (2)");
    assertError(
        "remote_write:\n  - url: http://a/w\n    queue_config:\n      capacty: 5\n",
        "line 4: field capacty not found in queue_config");
    assertError(
        "remote_write:\n  - url: http://a/w\n    basic_auth:\n      username: u\n    authorization:\n"
            + "      credentials: c\n",
        "line 3: at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be "
            + "configured");
  }

  private static void assertError(String yaml, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml));
    assertEquals(message, e.getMessage());
  }
}
