package io.cardinal.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.config.ServerOptions;
import io.cardinal.server.ServerHarness;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * remote_write end to end: the server follows its WAL and sends to an in-test receiver on 127.0.0.1
 * that fails for a while; every committed sample must arrive exactly once, in order per series.
 */
class RemoteWriteSenderTest {
  static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  @TempDir Path dir;

  private ServerHarness h;
  private final java.util.List<AutoCloseable> closeables = new java.util.ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    if (h != null) {
      h.close();
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private TestReceiver receiver() throws Exception {
    TestReceiver r = new TestReceiver();
    closeables.add(r);
    return r;
  }

  static String queue(String extra) {
    return "    queue_config:\n      capacity: 200\n      max_samples_per_send: 50\n      batch_send_deadline: 100ms\n"
        + "      min_backoff: 10ms\n      max_backoff: 200ms\n"
        + extra;
  }

  private void start(String yaml, UnaryOperator<ServerOptions> tweak) throws Exception {
    h =
        ServerHarness.start(
            dir,
            yaml,
            o -> {
              ServerOptions quick = o.withRemoteWriteFlushDeadline(Duration.ofSeconds(2));
              return tweak == null ? quick : tweak.apply(quick);
            });
    ServerHarness.await(
        "remote write queues started",
        20_000,
        () ->
            h.server.remoteWrites().queues().values().stream().allMatch(RemoteWriteQueue::started));
  }

  /**
   * Appends {@code perSeries} samples to each of {@code n} series named {@code name}, one commit
   * per round.
   */
  private Map<String, Long> append(String name, int n, int perSeries, long t0, boolean staleAtEnd) {
    Map<String, Long> expected = new LinkedHashMap<>();
    Appender app = h.server.db().appender();
    for (int i = 0; i < perSeries; i++) {
      long t = t0 + i * 100L;
      for (int s = 0; s < n; s++) {
        double v =
            staleAtEnd && i == perSeries - 1 ? Double.longBitsToDouble(STALE_NAN_BITS) : i * 10 + s;
        Labels l = Labels.of("__name__", name, "s", Integer.toString(s));
        app.append(0, l, t, v);
        expected.put("{__name__=" + name + ",s=" + s + "} " + t, Double.doubleToRawLongBits(v));
      }
      app.commit();
    }
    return expected;
  }

  private static double metric(String metrics, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private void assertExactlyOnce(TestReceiver r, Map<String, Long> expected) {
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      AtomicInteger c = r.received.get(e.getKey());
      assertTrue(c != null, "never arrived: " + e.getKey());
      assertEquals(1, c.get(), "arrived " + c.get() + " times: " + e.getKey());
      assertEquals(e.getValue(), r.values.get(e.getKey()), e.getKey());
    }
    assertTrue(r.errors.isEmpty(), r.errors.toString());
  }

  @Test
  void failingEndpointRecoversAndEverySampleArrivesExactlyOnce() throws Exception {
    TestReceiver r = receiver();
    long failUntil = System.nanoTime() + 2_000_000_000L;
    // 503 for two seconds, then every other request once more (a flapping endpoint), then all fine.
    r.status = n -> System.nanoTime() < failUntil ? 503 : n < 40 && n % 2 == 0 ? 500 : 204;
    start(
        "scrape_configs: []\nremote_write:\n  - url: "
            + r.url("/receive")
            + "\n    name: flaky\n"
            + queue("      min_shards: 2\n      max_shards: 4\n"),
        null);
    long t0 = System.currentTimeMillis() - 600_000;
    Map<String, Long> expected = append("flaky_metric", 20, 100, t0, true);
    ServerHarness.await("every sample delivered", 60_000, () -> r.samples() >= expected.size());
    String lbl = "{remote_name=\"flaky\",url=\"" + r.url("/receive") + "\"}";
    ServerHarness.await(
        "queue drained",
        10_000,
        () -> metric(metrics(), "prometheus_remote_storage_samples_pending" + lbl) == 0);
    assertExactlyOnce(r, expected);
    assertEquals(expected.size(), r.samples());
    String m = metrics();
    assertEquals(expected.size(), metric(m, "prometheus_remote_storage_samples_total" + lbl), m);
    assertTrue(metric(m, "prometheus_remote_storage_samples_retried_total" + lbl) > 0, m);
    assertEquals(0, metric(m, "prometheus_remote_storage_samples_failed_total" + lbl), m);
    assertEquals(
        (t0 + 99 * 100L) / 1000.0,
        metric(m, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds" + lbl),
        1e-9);
    assertEquals(
        (t0 + 99 * 100L) / 1000.0,
        metric(m, "prometheus_remote_storage_highest_timestamp_in_seconds"),
        1e-9);
    assertEquals(2, metric(m, "prometheus_remote_storage_shards" + lbl), m);
    // The spec's headers on every request.
    Map<String, String> hd = r.headers.get(r.headers.size() - 1);
    assertEquals("snappy", hd.get("content-encoding"));
    assertEquals("application/x-protobuf", hd.get("content-type"));
    assertEquals("0.1.0", hd.get("x-prometheus-remote-write-version"));
    assertTrue(hd.get("user-agent").startsWith("Cardinal/"), hd.toString());
  }

  private String metrics() {
    try {
      return h.get("/metrics").body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void clientErrorsAreDroppedAndCountedAnd429IsRetried() throws Exception {
    TestReceiver r = receiver();
    AtomicInteger mode = new AtomicInteger(400);
    r.status = n -> mode.get();
    start(
        "scrape_configs: []\nremote_write:\n  - url: "
            + r.url("/a")
            + "\n    name: retry429\n"
            + queue("")
            + "  - url: "
            + r.url("/b")
            + "\n    name: no429\n"
            + queue("      retry_on_http_429: false\n"),
        null);
    long t0 = System.currentTimeMillis() - 600_000;
    append("rejected", 2, 10, t0, false);
    String la = "{remote_name=\"retry429\",url=\"" + r.url("/a") + "\"";
    String lb = "{remote_name=\"no429\",url=\"" + r.url("/b") + "\"";
    ServerHarness.await(
        "400s counted as failed",
        20_000,
        () -> {
          String m = metrics();
          return metric(m, "prometheus_remote_storage_samples_failed_total" + la + "}") == 20
              && metric(m, "prometheus_remote_storage_samples_failed_total" + lb + "}") == 20;
        });
    String m = metrics();
    assertEquals(
        20,
        metric(
            m,
            "cardinal_remote_storage_samples_failed_by_reason_total"
                + la
                + ",reason=\"http_400\"}"));
    assertEquals(0, metric(m, "prometheus_remote_storage_samples_retried_total" + la + "}"));
    assertEquals(0, r.samples());

    mode.set(429);
    append("limited", 1, 5, t0 + 10_000, false);
    ServerHarness.await(
        "429 given up by no429 and retried by retry429",
        20_000,
        () -> {
          String x = metrics();
          return metric(x, "prometheus_remote_storage_samples_failed_total" + lb + "}") == 25
              && metric(x, "prometheus_remote_storage_samples_retried_total" + la + "}") > 0;
        });
    m = metrics();
    assertEquals(
        5,
        metric(
            m,
            "cardinal_remote_storage_samples_failed_by_reason_total"
                + lb
                + ",reason=\"http_429\"}"));
    mode.set(204);
    ServerHarness.await("retried 429 batch delivered", 20_000, () -> r.samples() == 5);
    for (int i = 0; i < 5; i++) {
      String key = "{__name__=limited,s=0} " + (t0 + 10_000 + i * 100L);
      assertEquals(1, r.received.get(key).get(), key);
    }
    // Only retry429's copy arrived: it went to /a.
    assertTrue(r.headers.stream().filter(x -> x.get(":path").equals("/b")).count() >= 2);
  }

  @Test
  void externalLabelsRelabellingAuthHeadersAndRetryAfter() throws Exception {
    TestReceiver r = receiver();
    AtomicInteger calls = new AtomicInteger();
    r.status = n -> calls.incrementAndGet() == 1 ? 503 : 204;
    r.retryAfter = "1";
    start(
        "global:\n  external_labels:\n    cluster: c1\n    s: ignored\nscrape_configs: []\nremote_write:\n"
            + "  - url: "
            + r.url("/w")
            + "\n    basic_auth:\n      username: alice\n      password: s3cret\n"
            + "    headers:\n      X-Scope-OrgID: tenant-1\n"
            + "    write_relabel_configs:\n      - source_labels: [__name__]\n        regex: secret_.*\n"
            + "        action: drop\n"
            + queue(""),
        null);
    long t0 = System.currentTimeMillis() - 600_000;
    append("kept", 1, 3, t0, false);
    append("secret_stuff", 2, 3, t0, false);
    long started = System.nanoTime();
    ServerHarness.await("kept samples", 20_000, () -> r.samples() == 3);
    // Retry-After: 1 was honoured for the first (503) answer.
    assertTrue(System.nanoTime() - started >= 900_000_000L);
    // External labels are added where the series lacks them; its own "s" wins.
    assertEquals(1, r.received.get("{__name__=kept,cluster=c1,s=0} " + t0).get());
    Map<String, String> hd = r.headers.get(r.headers.size() - 1);
    assertEquals(
        "Basic " + java.util.Base64.getEncoder().encodeToString("alice:s3cret".getBytes()),
        hd.get("authorization"));
    assertEquals("tenant-1", hd.get("x-scope-orgid"));
    String m = metrics();
    assertTrue(
        m.contains("prometheus_remote_storage_samples_dropped_total{remote_name=\"")
            && m.contains(",reason=\"dropped_series\"} 6\n"),
        m);
    // The config page masks the password.
    String cfg = h.get("/api/v1/status/config").body();
    assertTrue(
        cfg.contains("remote_write:")
            && cfg.contains("\\u003csecret\\u003e")
            && !cfg.contains("s3cret"),
        cfg);
  }

  @Test
  void followsSegmentsCompressionAndCheckpoints() throws Exception {
    TestReceiver r = receiver();
    start(
        "scrape_configs: []\nremote_write:\n  - url: "
            + r.url("/w")
            + "\n    name: seg\n"
            + queue(""),
        o -> o.withWalSegmentSize(32 * 1024).withWalCompression(true));
    long t0 = System.currentTimeMillis() - 1_800_000;
    Map<String, Long> expected = new LinkedHashMap<>(append("seg_a", 100, 100, t0, false));
    ServerHarness.await("first half delivered", 60_000, () -> r.samples() >= expected.size());
    int segmentsBefore = io.cardinal.storage.wal.Segments.list(dir.resolve("data/wal")).length;
    assertTrue(segmentsBefore >= 3, "segments: " + segmentsBefore);
    // Head truncation writes a checkpoint and deletes the segments it folds; the queue keeps
    // following.
    h.server.db().truncate(t0 + 5_000);
    assertTrue(io.cardinal.storage.wal.Checkpoint.last(dir.resolve("data/wal")).isPresent());
    // The same series again (known to the queue only through the checkpoint / earlier segments) and
    // new ones.
    expected.putAll(append("seg_a", 100, 50, t0 + 100 * 100L, false));
    expected.putAll(append("seg_b", 10, 50, t0 + 100 * 100L, false));
    ServerHarness.await("second half delivered", 60_000, () -> r.samples() >= expected.size());
    assertExactlyOnce(r, expected);
    assertEquals(expected.size(), r.samples());
    String m = metrics();
    assertFalse(m.contains("reason=\"unknown_series_ref\""), m);
    assertEquals(
        0,
        metric(
            m,
            "cardinal_remote_storage_wal_segments_skipped_total{remote_name=\"seg\",url=\""
                + r.url("/w")
                + "\"}"));
  }

  @Test
  void samplesCommittedBeforeTheQueueStartedAreNotSent() throws Exception {
    TestReceiver r = receiver();
    h =
        ServerHarness.start(
            dir,
            "scrape_configs: []\n",
            o -> o.withRemoteWriteFlushDeadline(Duration.ofSeconds(1)));
    long t0 = System.currentTimeMillis() - 600_000;
    append("before", 1, 5, t0, false);
    h.close();
    h = null;
    start("scrape_configs: []\nremote_write:\n  - url: " + r.url("/w") + "\n" + queue(""), null);
    Map<String, Long> after = append("before", 1, 5, t0 + 1_000, false);
    ServerHarness.await("new samples", 20_000, () -> r.samples() >= 5);
    Thread.sleep(300);
    assertEquals(5, r.samples());
    assertExactlyOnce(r, after);
  }

  @Test
  void reshardsUpWhenTheEndpointIsSlowAndKeepsOrder() throws Exception {
    TestReceiver r = receiver();
    r.delayMs = 40;
    start(
        "scrape_configs: []\nremote_write:\n  - url: "
            + r.url("/w")
            + "\n    name: slow\n"
            + queue("      min_shards: 1\n      max_shards: 4\n"),
        null);
    RemoteWriteQueue q = h.server.remoteWrites().queues().get("slow");
    q.reshardIntervalMs = 300;
    long t0 = System.currentTimeMillis() - 600_000;
    Map<String, Long> expected = append("slow_metric", 40, 60, t0, false);
    ServerHarness.await("every sample delivered", 60_000, () -> r.samples() >= expected.size());
    assertExactlyOnce(r, expected);
    String m = metrics();
    assertTrue(
        metric(
                    m,
                    "prometheus_remote_storage_shards_desired{remote_name=\"slow\",url=\""
                        + r.url("/w")
                        + "\"}")
                > 1
            || m.contains(
                "prometheus_remote_storage_shards{remote_name=\"slow\",url=\""
                    + r.url("/w")
                    + "\"} 4"),
        m);
  }

  @Test
  void walTruncationBeyondALaggingQueueIsCountedNotHidden() throws Exception {
    TestReceiver r = receiver();
    AtomicInteger mode = new AtomicInteger(503);
    r.status = n -> mode.get();
    start(
        "scrape_configs: []\nremote_write:\n  - url: "
            + r.url("/w")
            + "\n    name: lag\n"
            + queue(""),
        o -> o.withWalSegmentSize(32 * 1024));
    long t0 = System.currentTimeMillis() - 1_800_000;
    append("lagging", 100, 100, t0, false);
    Path wal = dir.resolve("data/wal");
    int[] segs = io.cardinal.storage.wal.Segments.list(wal);
    assertTrue(segs.length >= 3, "segments: " + segs.length);
    // The queue is stuck on its first batches; truncation folds and deletes the segments it has not
    // read.
    h.server.db().truncate(t0);
    mode.set(204);
    Map<String, Long> later = append("lagging", 100, 10, t0 + 100 * 100L, false);
    ServerHarness.await(
        "samples committed after the truncation delivered",
        60_000,
        () -> later.keySet().stream().allMatch(r.received::containsKey));
    assertExactlyOnce(r, later);
    String m = metrics();
    assertTrue(
        metric(
                m,
                "cardinal_remote_storage_wal_segments_skipped_total{remote_name=\"lag\",url=\""
                    + r.url("/w")
                    + "\"}")
            > 0,
        m);
  }
}
