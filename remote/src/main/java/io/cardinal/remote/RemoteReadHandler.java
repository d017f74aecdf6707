package io.cardinal.remote;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cardinal.exposition.MetricsSource;
import io.cardinal.promql.engine.Queryable;
import io.cardinal.remote.prompb.Prompb;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.MatchType;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code POST /api/v1/read}: Prometheus remote read with the {@code SAMPLES} response type. The
 * request is a snappy-compressed {@code ReadRequest}; each query's matchers select series over
 * [start, end] (inclusive, in milliseconds) across blocks and head, and the answer is one
 * snappy-compressed {@code ReadResponse} with one {@code QueryResult} per query, in request order,
 * each holding the raw samples of the matching series.
 *
 * <p>External labels ({@code global.external_labels}) are added to every returned series that does
 * not have the label itself, and an equality matcher on an external label with the external value
 * is rewritten to match the empty string, so that the storage (which does not hold external labels)
 * can answer it, as Prometheus does.
 *
 * <p>Errors are plain text: 400 for an undecodable request, a bad matcher, only unsupported
 * response types requested, or more samples than the limit ({@code exceeded sample limit (N)}); 500
 * when the storage fails.
 */
public final class RemoteReadHandler implements MetricsSource {
  /** Prometheus's --storage.remote.read-concurrent-limit default. */
  static final int CONCURRENCY = 10;

  private final Queryable storage;
  private final long maxCompressedBytes;
  private final long sampleLimit;
  private final Supplier<Labels> externalLabels;
  private final Semaphore gate = new Semaphore(CONCURRENCY, true);
  private final AtomicInteger active = new AtomicInteger();

  /** The answer: status, and for 200 the snappy-compressed ReadResponse; otherwise a text body. */
  public record Response(int status, String contentType, String contentEncoding, byte[] body) {
    static Response text(int status, String msg) {
      return new Response(
          status, "text/plain; charset=utf-8", null, (msg + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  public RemoteReadHandler(
      Queryable storage,
      long maxCompressedBytes,
      long sampleLimit,
      Supplier<Labels> externalLabels) {
    this.storage = storage;
    this.maxCompressedBytes = maxCompressedBytes;
    this.sampleLimit = sampleLimit;
    this.externalLabels = externalLabels;
  }

  public long maxCompressedBytes() {
    return maxCompressedBytes;
  }

  public Response handle(byte[] body) {
    active.incrementAndGet();
    try {
      gate.acquire();
    } catch (InterruptedException e) {
      active.decrementAndGet();
      Thread.currentThread().interrupt();
      return Response.text(503, "interrupted while waiting for a remote read slot");
    }
    try {
      return handle0(body);
    } finally {
      gate.release();
      active.decrementAndGet();
    }
  }

  private Response handle0(byte[] body) {
    Prompb.ReadRequest req;
    try {
      req =
          Prompb.ReadRequest.parseFrom(
              Snappy.decode(body, Math.max(maxCompressedBytes * 8, 64L << 20)));
    } catch (InvalidProtocolBufferException e) {
      return Response.text(400, "malformed protobuf ReadRequest: " + e.getMessage());
    } catch (IOException e) {
      return Response.text(400, e.getMessage());
    }
    if (req.getAcceptedResponseTypesCount() > 0
        && !req.getAcceptedResponseTypesList().contains(Prompb.ReadRequest.ResponseType.SAMPLES)) {
      return Response.text(
          400,
          "server does not support any of the requested response types: "
              + req.getAcceptedResponseTypesList()
              + "; supported: [SAMPLES]");
    }
    Labels external = externalLabels.get();
    Prompb.ReadResponse.Builder resp = Prompb.ReadResponse.newBuilder();
    long[] budget = {sampleLimit};
    for (Prompb.Query q : req.getQueriesList()) {
      Matcher[] matchers;
      try {
        matchers = matchers(q.getMatchersList(), external);
      } catch (IllegalArgumentException e) {
        return Response.text(400, e.getMessage());
      }
      try {
        Prompb.QueryResult result =
            query(q.getStartTimestampMs(), q.getEndTimestampMs(), matchers, external, budget);
        if (result == null) {
          return Response.text(400, "exceeded sample limit (" + sampleLimit + ")");
        }
        resp.addResults(result);
      } catch (RuntimeException e) {
        return Response.text(500, "remote read query failed: " + e.getMessage());
      }
    }
    return new Response(
        200, "application/x-protobuf", "snappy", Snappy.encode(resp.build().toByteArray()));
  }

  /**
   * The series matching {@code matchers} with their samples in [start, end]; null past the sample
   * budget.
   */
  private Prompb.QueryResult query(
      long start, long end, Matcher[] matchers, Labels external, long[] budget) {
    Prompb.QueryResult.Builder out = Prompb.QueryResult.newBuilder();
    if (end < start) {
      return out.build();
    }
    try (Querier q = storage.querier(start, end)) {
      SeriesSet ss = q.select(true, start, end, matchers);
      SampleIterator it = null;
      while (ss.next()) {
        it = ss.at().iterator(it);
        Prompb.TimeSeries.Builder ts = Prompb.TimeSeries.newBuilder();
        if (it.seek(start)) {
          do {
            long t = it.timestamp();
            if (t > end) {
              break;
            }
            if (--budget[0] < 0) {
              return null;
            }
            ts.addSamples(Prompb.Sample.newBuilder().setTimestamp(t).setValue(it.value()));
          } while (it.next());
        }
        if (it.error() != null) {
          throw new IllegalStateException(it.error());
        }
        if (ts.getSamplesCount() == 0) {
          continue;
        }
        for (Prompb.Label l : labels(ss.at().labels(), external)) {
          ts.addLabels(l);
        }
        out.addTimeseries(ts);
      }
    }
    return out.build();
  }

  /** The series' labels with the external labels it lacks, sorted by name. */
  static List<Prompb.Label> labels(Labels series, Labels external) {
    Labels merged = series;
    if (!external.isEmpty()) {
      Labels.Builder b = null;
      for (int i = 0; i < external.size(); i++) {
        if (!series.has(external.name(i))) {
          if (b == null) {
            b = series.toBuilder();
          }
          b.set(external.name(i), external.value(i));
        }
      }
      if (b != null) {
        merged = b.build();
      }
    }
    List<Prompb.Label> out = new ArrayList<>(merged.size());
    for (int i = 0; i < merged.size(); i++) {
      out.add(Prompb.Label.newBuilder().setName(merged.name(i)).setValue(merged.value(i)).build());
    }
    return out;
  }

  /**
   * The request's matchers; an equality matcher on an external label with its external value
   * matches the empty string instead (the storage does not hold external labels).
   */
  static Matcher[] matchers(List<Prompb.LabelMatcher> pb, Labels external) {
    Matcher[] out = new Matcher[pb.size()];
    boolean nonEmpty = false;
    for (int i = 0; i < pb.size(); i++) {
      Prompb.LabelMatcher m = pb.get(i);
      MatchType type =
          switch (m.getType()) {
            case EQ -> MatchType.EQUAL;
            case NEQ -> MatchType.NOT_EQUAL;
            case RE -> MatchType.REGEX;
            case NRE -> MatchType.NOT_REGEX;
            default ->
                throw new IllegalArgumentException("invalid matcher type " + m.getTypeValue());
          };
      String value = m.getValue();
      if (type == MatchType.EQUAL && !value.isEmpty() && value.equals(external.get(m.getName()))) {
        value = "";
      }
      try {
        out[i] = Matcher.of(type, m.getName(), value);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "invalid matcher "
                + m.getName()
                + " "
                + type
                + " \""
                + m.getValue()
                + "\": "
                + e.getMessage());
      }
      nonEmpty |= !out[i].matchesEmpty();
    }
    if (!nonEmpty) {
      // The head's index needs one matcher that does not match the empty string; every stored
      // series has a
      // name, so this selects what the request's matchers alone would.
      Matcher[] widened = java.util.Arrays.copyOf(out, out.length + 1);
      widened[out.length] = Matcher.of(MatchType.REGEX, Labels.METRIC_NAME, ".+");
      return widened;
    }
    return out;
  }

  @Override
  public void writeMetrics(StringBuilder sb) {
    sb.append(
        "# HELP prometheus_api_remote_read_queries The current number of remote read queries being executed "
            + "or waiting.\n");
    sb.append("# TYPE prometheus_api_remote_read_queries gauge\n");
    sb.append("prometheus_api_remote_read_queries ").append(active.get()).append('\n');
  }
}
