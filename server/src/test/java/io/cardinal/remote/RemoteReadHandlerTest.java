package io.cardinal.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.config.ServerOptions;
import io.cardinal.remote.prompb.Prompb;
import io.cardinal.server.ServerHarness;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POST /api/v1/read with the SAMPLES response type: matchers, time ranges, external labels, limits,
 * errors.
 */
class RemoteReadHandlerTest {
  static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;

  private ServerHarness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  private void start(String yaml, UnaryOperator<ServerOptions> tweak) throws Exception {
    h = ServerHarness.start(dir, yaml, tweak);
    Appender app = h.server.db().appender();
    for (int i = 0; i < 10; i++) {
      long t = T0 + i * 10_000L;
      app.append(0, Labels.of("__name__", "rr", "job", "a", "i", "1"), t, i);
      app.append(0, Labels.of("__name__", "rr", "job", "b", "i", "2"), t, 10 + i);
      app.append(0, Labels.of("__name__", "other", "job", "a"), t, -i);
    }
    app.commit();
  }

  static Prompb.LabelMatcher m(Prompb.LabelMatcher.Type type, String name, String value) {
    return Prompb.LabelMatcher.newBuilder().setType(type).setName(name).setValue(value).build();
  }

  static Prompb.Query query(long start, long end, Prompb.LabelMatcher... ms) {
    Prompb.Query.Builder q =
        Prompb.Query.newBuilder().setStartTimestampMs(start).setEndTimestampMs(end);
    for (Prompb.LabelMatcher x : ms) {
      q.addMatchers(x);
    }
    return q.build();
  }

  private HttpResponse<byte[]> post(byte[] body) throws Exception {
    return h.postBytes(
        "/api/v1/read",
        body,
        "Content-Type",
        "application/x-protobuf",
        "Content-Encoding",
        "snappy",
        "X-Prometheus-Remote-Read-Version",
        "0.1.0");
  }

  private Prompb.ReadResponse read(Prompb.Query... queries) throws Exception {
    Prompb.ReadRequest.Builder req = Prompb.ReadRequest.newBuilder();
    for (Prompb.Query q : queries) {
      req.addQueries(q);
    }
    HttpResponse<byte[]> r = post(Snappy.encode(req.build().toByteArray()));
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    assertEquals("application/x-protobuf", r.headers().firstValue("Content-Type").orElse(""));
    assertEquals("snappy", r.headers().firstValue("Content-Encoding").orElse(""));
    return Prompb.ReadResponse.parseFrom(Snappy.decode(r.body(), 1 << 30));
  }

  /** A series as text: {labels} t:v t:v ... */
  static List<String> render(Prompb.QueryResult qr) {
    List<String> out = new ArrayList<>();
    for (Prompb.TimeSeries ts : qr.getTimeseriesList()) {
      StringBuilder sb = new StringBuilder("{");
      for (Prompb.Label l : ts.getLabelsList()) {
        sb.append(sb.length() > 1 ? "," : "").append(l.getName()).append('=').append(l.getValue());
      }
      sb.append('}');
      for (Prompb.Sample s : ts.getSamplesList()) {
        sb.append(' ').append((s.getTimestamp() - T0) / 1000).append(':').append(s.getValue());
      }
      out.add(sb.toString());
    }
    return out;
  }

  @Test
  void queriesWithEveryMatcherTypeAndInclusiveRanges() throws Exception {
    start("scrape_configs: []\n", null);
    Prompb.ReadResponse resp =
        read(
            query(T0 + 20_000, T0 + 40_000, m(Prompb.LabelMatcher.Type.EQ, "__name__", "rr")),
            query(
                T0,
                T0 + 10_000,
                m(Prompb.LabelMatcher.Type.RE, "__name__", "rr|other"),
                m(Prompb.LabelMatcher.Type.NEQ, "job", "b")),
            query(
                T0 + 85_000,
                T0 + 1_000_000,
                m(Prompb.LabelMatcher.Type.NRE, "job", "a"),
                m(Prompb.LabelMatcher.Type.EQ, "__name__", "rr")),
            query(T0, T0 + 1_000_000, m(Prompb.LabelMatcher.Type.EQ, "__name__", "nothing")));
    assertEquals(4, resp.getResultsCount());
    assertEquals(
        List.of(
            "{__name__=rr,i=1,job=a} 20:2.0 30:3.0 40:4.0",
            "{__name__=rr,i=2,job=b} 20:12.0 30:13.0 40:14.0"),
        render(resp.getResults(0)));
    assertEquals(
        List.of("{__name__=other,job=a} 0:0.0 10:-1.0", "{__name__=rr,i=1,job=a} 0:0.0 10:1.0"),
        render(resp.getResults(1)));
    assertEquals(List.of("{__name__=rr,i=2,job=b} 90:19.0"), render(resp.getResults(2)));
    assertEquals(List.of(), render(resp.getResults(3)));
    // Matchers that all match the empty string still select (every series has a name).
    assertEquals(
        3,
        read(query(T0, T0, m(Prompb.LabelMatcher.Type.RE, "job", ".*")))
            .getResults(0)
            .getTimeseriesCount());
    assertTrue(h.get("/metrics").body().contains("\nprometheus_api_remote_read_queries 0\n"));
  }

  @Test
  void externalLabelsAreAddedAndMatched() throws Exception {
    start("global:\n  external_labels:\n    cluster: c1\n    job: ext\nscrape_configs: []\n", null);
    Prompb.ReadResponse resp =
        read(
            query(
                T0,
                T0,
                m(Prompb.LabelMatcher.Type.EQ, "__name__", "other"),
                m(Prompb.LabelMatcher.Type.EQ, "cluster", "c1")),
            query(
                T0,
                T0,
                m(Prompb.LabelMatcher.Type.EQ, "__name__", "other"),
                m(Prompb.LabelMatcher.Type.EQ, "cluster", "c2")));
    // The series' own job wins over the external one.
    assertEquals(List.of("{__name__=other,cluster=c1,job=a} 0:0.0"), render(resp.getResults(0)));
    assertEquals(List.of(), render(resp.getResults(1)));
  }

  @Test
  void errorsAndLimits() throws Exception {
    start("scrape_configs: []\n", o -> o.withRemoteReadSampleLimit(5));
    Prompb.ReadRequest req =
        Prompb.ReadRequest.newBuilder()
            .addQueries(query(T0, T0 + 1_000_000, m(Prompb.LabelMatcher.Type.EQ, "__name__", "rr")))
            .build();
    HttpResponse<byte[]> r = post(Snappy.encode(req.toByteArray()));
    assertEquals(400, r.statusCode());
    assertEquals("exceeded sample limit (5)\n", new String(r.body(), StandardCharsets.UTF_8));
    r = post("nope".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, r.statusCode());
    assertEquals("snappy: corrupt input\n", new String(r.body(), StandardCharsets.UTF_8));
    r =
        post(
            Snappy.encode(
                req.toBuilder()
                    .addAcceptedResponseTypes(Prompb.ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
                    .build()
                    .toByteArray()));
    assertEquals(400, r.statusCode());
    assertEquals(
        "server does not support any of the requested response types: [STREAMED_XOR_CHUNKS]; "
            + "supported: [SAMPLES]\n",
        new String(r.body(), StandardCharsets.UTF_8));
    // SAMPLES among the accepted types is chosen.
    r =
        post(
            Snappy.encode(
                Prompb.ReadRequest.newBuilder()
                    .addQueries(query(T0, T0, m(Prompb.LabelMatcher.Type.EQ, "__name__", "rr")))
                    .addAcceptedResponseTypes(Prompb.ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
                    .addAcceptedResponseTypes(Prompb.ReadRequest.ResponseType.SAMPLES)
                    .build()
                    .toByteArray()));
    assertEquals(200, r.statusCode());
    r =
        post(
            Snappy.encode(
                Prompb.ReadRequest.newBuilder()
                    .addQueries(
                        query(T0, T0, m(Prompb.LabelMatcher.Type.RE, "__name__", "(unclosed")))
                    .build()
                    .toByteArray()));
    assertEquals(400, r.statusCode());
    assertTrue(new String(r.body(), StandardCharsets.UTF_8).startsWith("invalid matcher __name__"));
    assertEquals(405, h.get("/api/v1/read").status());
  }
}
