package io.cardinal.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.config.ServerOptions;
import io.cardinal.remote.prompb.Prompb;
import io.cardinal.server.ServerHarness;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POST /api/v1/write with hand-built requests: status codes, messages, and what is (and is not)
 * stored.
 */
class RemoteWriteReceiverTest {
  static final long T0 = System.currentTimeMillis() - 60_000;
  static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  @TempDir Path dir;

  private ServerHarness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  private void start(UnaryOperator<ServerOptions> tweak) throws Exception {
    h =
        ServerHarness.start(
            dir,
            "scrape_configs: []\n",
            o -> {
              ServerOptions receiving = o.withEnableRemoteWriteReceiver(true);
              return tweak == null ? receiving : tweak.apply(receiving);
            });
  }

  /** A series from alternating label names and values, in the given (possibly wrong) order. */
  static Prompb.TimeSeries.Builder series(String... nv) {
    Prompb.TimeSeries.Builder b = Prompb.TimeSeries.newBuilder();
    for (int i = 0; i < nv.length; i += 2) {
      b.addLabels(Prompb.Label.newBuilder().setName(nv[i]).setValue(nv[i + 1]));
    }
    return b;
  }

  static Prompb.TimeSeries.Builder sample(Prompb.TimeSeries.Builder b, long t, double v) {
    return b.addSamples(Prompb.Sample.newBuilder().setTimestamp(t).setValue(v));
  }

  private HttpResponse<byte[]> send(byte[] body) throws Exception {
    return h.postBytes(
        "/api/v1/write",
        body,
        "Content-Type",
        "application/x-protobuf",
        "Content-Encoding",
        "snappy",
        "X-Prometheus-Remote-Write-Version",
        "0.1.0",
        "User-Agent",
        "cardinal-test/1");
  }

  private HttpResponse<byte[]> send(Prompb.TimeSeries.Builder... series) throws Exception {
    Prompb.WriteRequest.Builder req = Prompb.WriteRequest.newBuilder();
    for (Prompb.TimeSeries.Builder s : series) {
      req.addTimeseries(s);
    }
    return send(Snappy.encode(req.build().toByteArray()));
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /** labels -> list of {t, v bits} for series matching name. */
  private Map<Labels, List<long[]>> stored(String name) {
    Map<Labels, List<long[]>> out = new LinkedHashMap<>();
    try (Querier q = h.server.db().querier(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2)) {
      SeriesSet ss =
          q.select(true, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2, Matcher.equal("__name__", name));
      SampleIterator it = null;
      while (ss.next()) {
        it = ss.at().iterator(it);
        List<long[]> l = new ArrayList<>();
        while (it.next()) {
          l.add(new long[] {it.timestamp(), Double.doubleToRawLongBits(it.value())});
        }
        out.put(ss.at().labels(), l);
      }
    }
    return out;
  }

  @Test
  void validRequestIsStoredAnd204() throws Exception {
    start(null);
    Prompb.TimeSeries.Builder a = series("__name__", "rw_metric", "instance", "x", "job", "j");
    Prompb.TimeSeries.Builder b = series("__name__", "rw_metric", "instance", "y", "job", "j");
    for (int i = 0; i < 5; i++) {
      sample(a, T0 + i * 1000L, i);
      sample(b, T0 + i * 1000L, i * 0.5);
    }
    sample(b, T0 + 5000, Double.longBitsToDouble(STALE_NAN_BITS));
    // An exemplar and metadata are accepted and ignored.
    a.addExemplars(
        Prompb.Exemplar.newBuilder()
            .setValue(1)
            .setTimestamp(T0)
            .addLabels(Prompb.Label.newBuilder().setName("trace_id").setValue("abc")));
    HttpResponse<byte[]> r =
        send(
            Snappy.encode(
                Prompb.WriteRequest.newBuilder()
                    .addTimeseries(a)
                    .addTimeseries(b)
                    .addMetadata(
                        Prompb.MetricMetadata.newBuilder()
                            .setMetricFamilyName("rw_metric")
                            .setType(Prompb.MetricMetadata.MetricType.GAUGE)
                            .setHelp("h"))
                    .build()
                    .toByteArray()));
    assertEquals(204, r.statusCode(), text(r));
    assertEquals(0, r.body().length);
    Map<Labels, List<long[]>> s = stored("rw_metric");
    assertEquals(2, s.size());
    List<long[]> y = s.get(Labels.of("__name__", "rw_metric", "instance", "y", "job", "j"));
    assertEquals(6, y.size());
    assertEquals(STALE_NAN_BITS, y.get(5)[1]);
    assertEquals(Double.doubleToRawLongBits(2.0), y.get(4)[1]);
    // Visible to PromQL too.
    assertTrue(
        h.get("/api/v1/query?query=rw_metric%7Binstance%3D%22x%22%7D&time=" + (T0 + 4000) / 1000.0)
            .body()
            .contains(",\"4\"]"));
    String metrics = h.get("/metrics").body();
    assertTrue(metrics.contains("cardinal_remote_write_requests_total{code=\"204\"} 1\n"), metrics);
    assertTrue(
        metrics.contains("cardinal_remote_write_samples_total{result=\"appended\"} 11\n"), metrics);
    assertTrue(metrics.contains("cardinal_remote_write_exemplars_ignored_total 1\n"), metrics);
  }

  @Test
  void undecodableRequestsAre400AndStoreNothing() throws Exception {
    start(null);
    HttpResponse<byte[]> r = send("definitely not snappy".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, r.statusCode());
    assertEquals("snappy: corrupt input\n", text(r));
    r = send(new byte[0]);
    assertEquals(400, r.statusCode());
    assertEquals("snappy: corrupt input\n", text(r));
    // Valid snappy around bytes that are not a WriteRequest (a truncated length-delimited field).
    byte[] good =
        Prompb.WriteRequest.newBuilder()
            .addTimeseries(sample(series("__name__", "never"), T0, 1))
            .build()
            .toByteArray();
    r = send(Snappy.encode(java.util.Arrays.copyOf(good, good.length - 3)));
    assertEquals(400, r.statusCode());
    assertTrue(text(r).startsWith("malformed protobuf WriteRequest: "), text(r));
    r = send(Snappy.encode(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
    assertEquals(400, r.statusCode());
    assertTrue(stored("never").isEmpty());
  }

  @Test
  void invalidLabelsAre400ButTheValidSeriesAreStored() throws Exception {
    start(null);
    HttpResponse<byte[]> r =
        send(
            sample(series("__name__", "ok_a", "job", "j"), T0, 1),
            sample(series("job", "j", "__name__", "unsorted"), T0, 1),
            sample(series("__name__", "ok_b", "job", "j"), T0, 2));
    assertEquals(400, r.statusCode());
    assertEquals(
        "labels are not sorted by name (\"job\" before \"__name__\") in series {job=\"j\", "
            + "__name__=\"unsorted\"}; 1 of 3 samples not stored (invalid labels: 1); the other 2 were stored\n",
        text(r));
    assertEquals(1, stored("ok_a").size());
    assertEquals(1, stored("ok_b").size());
    assertTrue(stored("unsorted").isEmpty());

    r = send(sample(series("__name__", "dup", "job", "a", "job", "b"), T0, 1));
    assertEquals(400, r.statusCode());
    assertTrue(
        text(r)
            .startsWith(
                "label name \"job\" is not unique in series {__name__=\"dup\", job=\"a\", "
                    + "job=\"b\"}; 1 of 1 samples not stored"),
        text(r));

    r = send(sample(series("job", "j"), T0, 1), sample(series("__name__", "ok_c"), T0, 1));
    assertEquals(400, r.statusCode());
    assertTrue(text(r).startsWith("missing __name__ label in series {job=\"j\"}"), text(r));
    assertEquals(1, stored("ok_c").size());

    r = send(sample(series("__name__", "bad-name"), T0, 1));
    assertEquals(400, r.statusCode());
    assertTrue(text(r).startsWith("invalid metric name \"bad-name\""), text(r));
    r = send(sample(series("__name__", "x", "bad.label", "v"), T0, 1));
    assertEquals(400, r.statusCode());
    assertTrue(text(r).startsWith("invalid label name \"bad.label\""), text(r));
  }

  @Test
  void oneSampleTenYearsAheadIsRefusedAndDoesNotStopLaterWrites() throws Exception {
    start(null);
    long tenYears = java.time.Duration.ofDays(3650).toMillis();
    HttpResponse<byte[]> r =
        send(
            sample(
                series("__name__", "future", "job", "j"), System.currentTimeMillis() + tenYears, 1),
            sample(series("__name__", "ok_now", "job", "j"), T0, 1));
    assertEquals(400, r.statusCode());
    assertTrue(text(r).contains("too far in the future"), text(r));
    assertTrue(stored("future").isEmpty());
    assertEquals(1, stored("ok_now").size());
    // Before the window, the head's newest time was ten years ahead now and this was out of bounds.
    r = send(sample(series("__name__", "ok_now", "job", "j"), T0 + 1000, 2));
    assertEquals(204, r.statusCode(), text(r));
    assertEquals(2, stored("ok_now").get(stored("ok_now").keySet().iterator().next()).size());
  }

  @Test
  void outOfOrderAndDuplicateSamplesAre400AfterTheValidOnesAreStored() throws Exception {
    start(null);
    assertEquals(
        204, send(sample(sample(series("__name__", "ooo"), T0, 1), T0 + 1000, 2)).statusCode());
    // One new valid sample, then one older than the newest, then a duplicate timestamp with another
    // value.
    Prompb.TimeSeries.Builder s = series("__name__", "ooo");
    sample(s, T0 + 2000, 3);
    HttpResponse<byte[]> r = send(s, sample(series("__name__", "ooo", "x", "1"), T0, 7));
    assertEquals(204, r.statusCode(), text(r));
    r =
        send(
            sample(series("__name__", "ooo"), T0 + 500, 9),
            sample(series("__name__", "ooo"), T0 + 2000, 4),
            sample(series("__name__", "ooo", "x", "1"), T0 + 1000, 8));
    assertEquals(400, r.statusCode());
    assertEquals(
        "out of order sample for series {__name__=\"ooo\"} at timestamp "
            + (T0 + 500)
            + "; 2 of 3 samples not stored (out of order sample: 1, duplicate sample for timestamp: 1); "
            + "the other 1 were stored\n",
        text(r));
    Map<Labels, List<long[]>> st = stored("ooo");
    assertEquals(3, st.get(Labels.of("__name__", "ooo")).size());
    assertEquals(2, st.get(Labels.of("__name__", "ooo", "x", "1")).size());
    // Re-sending samples already stored with the same values is not an error (Prometheus ignores
    // them).
    assertEquals(204, send(sample(series("__name__", "ooo"), T0 + 2000, 3)).statusCode());
    String metrics = h.get("/metrics").body();
    assertTrue(
        metrics.contains("cardinal_remote_write_samples_total{result=\"out_of_order\"} 1\n"),
        metrics);
    assertTrue(metrics.contains("cardinal_remote_write_requests_total{code=\"400\"} 1\n"), metrics);
  }

  @Test
  void outOfOrderWithinOneRequestIsCaughtAtCommit() throws Exception {
    start(null);
    HttpResponse<byte[]> r = send(sample(sample(series("__name__", "inreq"), T0 + 1000, 1), T0, 2));
    assertEquals(400, r.statusCode());
    assertTrue(text(r).startsWith("out of order sample; 1 of 2 samples not stored"), text(r));
    assertEquals(1, stored("inreq").get(Labels.of("__name__", "inreq")).size());
  }

  @Test
  void globalSeriesLimitAppliesToPushedData() throws Exception {
    start(o -> o.withMaxSeries(2));
    assertEquals(
        204,
        send(
                sample(series("__name__", "lim", "i", "1"), T0, 1),
                sample(series("__name__", "lim", "i", "2"), T0, 1))
            .statusCode());
    HttpResponse<byte[]> r =
        send(
            sample(series("__name__", "lim", "i", "1"), T0 + 1000, 2),
            sample(series("__name__", "lim", "i", "3"), T0 + 1000, 2));
    assertEquals(400, r.statusCode());
    assertEquals(
        "skipped: head series limit reached for series {__name__=\"lim\", i=\"3\"} at timestamp "
            + (T0 + 1000)
            + "; 1 of 2 samples not stored (skipped: head series limit reached: 1); the other 1 were "
            + "stored\n",
        text(r));
    Map<Labels, List<long[]>> st = stored("lim");
    assertEquals(2, st.size());
    assertEquals(2, st.get(Labels.of("__name__", "lim", "i", "1")).size());
    assertTrue(
        h.get("/metrics").body().contains("cardinal_head_series_limit_skipped_samples_total 1\n"));
  }

  @Test
  void nativeHistogramsAreRefusedAndCounted() throws Exception {
    start(null);
    Prompb.TimeSeries.Builder s = sample(series("__name__", "hist"), T0, 1);
    s.addHistograms(com.google.protobuf.ByteString.copyFrom(new byte[] {0x08, 0x01}));
    HttpResponse<byte[]> r = send(s);
    assertEquals(400, r.statusCode());
    assertTrue(text(r).startsWith("native histograms are not supported by Cardinal"), text(r));
    assertTrue(
        text(r)
            .endsWith(
                "1 of 2 samples not stored (native histograms: 1); the other 1 were stored\n"),
        text(r));
  }

  @Test
  void limitsHeadersMethodsAndDisabled() throws Exception {
    start(o -> o.withRemoteWriteMaxBytes(8192).withRemoteWriteMaxDecodedBytes(4096));
    HttpResponse<byte[]> r = send(new byte[10_000]);
    assertEquals(413, r.statusCode());
    // Small on the wire, large decoded: refused from the declared length, before decoding.
    r = send(Snappy.encode(new byte[100_000]));
    assertEquals(413, r.statusCode());
    assertTrue(
        text(r).startsWith("decoded body of 100000 bytes exceeds the limit of 4096 bytes"),
        text(r));
    r = h.postBytes("/api/v1/write", Snappy.encode(new byte[0]), "Content-Encoding", "gzip");
    assertEquals(415, r.statusCode());
    assertEquals(405, h.get("/api/v1/write").status());
    h.close();
    h = null;
    h = ServerHarness.start(dir.resolve("off"), "scrape_configs: []\n", null);
    r = h.postBytes("/api/v1/write", new byte[0]);
    assertEquals(404, r.statusCode());
    assertEquals(
        "remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n",
        text(r));
  }
}
