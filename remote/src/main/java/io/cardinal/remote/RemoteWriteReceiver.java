package io.cardinal.remote;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cardinal.Cardinal;
import io.cardinal.exposition.MetricsSource;
import io.cardinal.remote.prompb.Prompb;
import io.cardinal.tsdb.AppendStatus;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.labels.Labels;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/write}: Prometheus remote write 1.0. The body is a snappy (block format)
 * compressed protobuf {@code WriteRequest}; its samples go through the database's {@link Appender},
 * so the global series limit, out-of-order and out-of-bounds checks apply exactly as to scraped
 * samples.
 *
 * <p>Answers:
 *
 * <ul>
 *   <li>204 when every sample was stored;
 *   <li>400 when the request cannot be decoded (bad snappy, malformed protobuf) &mdash; nothing is
 *       stored;
 *   <li>400 when some samples were refused (invalid, unsorted or duplicate labels, no {@code
 *       __name__}, out of order, duplicate timestamp, out of bounds, the series limit, native
 *       histograms): every valid sample of the request <em>is</em> stored and committed first, and
 *       the body says what was refused and how much was stored, so the sender (which must not retry
 *       a 4xx) loses only what could never be stored;
 *   <li>413 when the compressed or the decoded body exceeds the limits; 415 for a Content-Encoding
 *       other than snappy or a Content-Type other than protobuf;
 *   <li>500 when the write itself failed (the WAL could not be written): nothing of the request is
 *       stored and the sender retries.
 * </ul>
 */
public final class RemoteWriteReceiver implements MetricsSource {
  private static final Logger log = LoggerFactory.getLogger(RemoteWriteReceiver.class);

  /** Refusal reasons that are not an AppendStatus. */
  private static final String INVALID_LABELS = "invalid_labels";

  private static final String HISTOGRAM = "native_histogram";

  private final Cardinal db;
  private final long maxCompressedBytes;
  private final long maxDecodedBytes;
  private final ThreadLocal<Appender> appenders;
  private final LongAdder[] statusCounts = new LongAdder[AppendStatus.count()];
  private final LongAdder invalidLabelSamples = new LongAdder();
  private final LongAdder histogramSamples = new LongAdder();
  private final LongAdder exemplarsIgnored = new LongAdder();
  private final java.util.concurrent.ConcurrentHashMap<Integer, LongAdder> requestsByCode =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The outcome: HTTP status and a plain-text body (empty for 204). */
  public record Response(int status, String body) {}

  public RemoteWriteReceiver(Cardinal db, long maxCompressedBytes, long maxDecodedBytes) {
    this.db = db;
    this.maxCompressedBytes = maxCompressedBytes;
    this.maxDecodedBytes = maxDecodedBytes;
    this.appenders = ThreadLocal.withInitial(db::appender);
    for (int i = 0; i < statusCounts.length; i++) {
      statusCounts[i] = new LongAdder();
    }
  }

  public long maxCompressedBytes() {
    return maxCompressedBytes;
  }

  /**
   * Handles one request whose body (already read, at most {@link #maxCompressedBytes()}) is {@code
   * body}.
   */
  public Response handle(String contentType, String contentEncoding, byte[] body) {
    Response r = handle0(contentType, contentEncoding, body);
    requestsByCode.computeIfAbsent(r.status(), k -> new LongAdder()).increment();
    if (r.status() >= 400) {
      log.warn(
          "msg=\"remote write request refused\" status={} err=\"{}\"",
          r.status(),
          r.body().strip());
    }
    return r;
  }

  /** A 413 for a body over the limit (counted like any other answer). */
  public Response tooLarge() {
    requestsByCode.computeIfAbsent(413, k -> new LongAdder()).increment();
    return new Response(413, "request body too large: limit is " + maxCompressedBytes + " bytes\n");
  }

  private Response handle0(String contentType, String contentEncoding, byte[] body) {
    if (contentEncoding != null
        && !contentEncoding.isEmpty()
        && !contentEncoding.trim().equalsIgnoreCase("snappy")) {
      return new Response(
          415,
          "unsupported Content-Encoding \""
              + contentEncoding
              + "\": remote write 1.0 bodies must be snappy compressed\n");
    }
    if (contentType != null
        && !contentType.isEmpty()
        && !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-protobuf")) {
      return new Response(
          415,
          "unsupported Content-Type \""
              + contentType
              + "\": remote write 1.0 bodies are application/x-protobuf\n");
    }
    byte[] raw;
    try {
      raw = Snappy.decode(body, maxDecodedBytes);
    } catch (Snappy.TooLargeException e) {
      return new Response(413, e.getMessage() + "\n");
    } catch (java.io.IOException e) {
      return new Response(400, e.getMessage() + "\n");
    }
    Prompb.WriteRequest req;
    try {
      req = Prompb.WriteRequest.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      return new Response(400, "malformed protobuf WriteRequest: " + e.getMessage() + "\n");
    }
    return write(req);
  }

  /** Appends a decoded request (also used by tests and in-process senders). */
  public Response write(Prompb.WriteRequest req) {
    Appender app = appenders.get();
    String firstError = null;
    long offered = 0;
    long invalid = 0;
    long histograms = 0;
    CommitResult result;
    try {
      for (Prompb.TimeSeries ts : req.getTimeseriesList()) {
        offered += ts.getSamplesCount() + ts.getHistogramsCount();
        exemplarsIgnored.add(ts.getExemplarsCount());
        String bad = null;
        Labels labels = null;
        try {
          labels = labels(ts.getLabelsList());
        } catch (IllegalArgumentException e) {
          bad = e.getMessage();
        }
        if (bad != null) {
          invalid += ts.getSamplesCount() + ts.getHistogramsCount();
          if (firstError == null) {
            firstError = bad;
          }
          continue;
        }
        if (ts.getHistogramsCount() > 0) {
          histograms += ts.getHistogramsCount();
          if (firstError == null) {
            firstError = "native histograms are not supported by Cardinal (series " + labels + ")";
          }
        }
        long ref = 0;
        for (Prompb.Sample s : ts.getSamplesList()) {
          long r = app.append(ref, labels, s.getTimestamp(), s.getValue());
          if (r > 0) {
            ref = r;
          } else if (firstError == null) {
            AppendStatus st = AppendStatus.of(r);
            firstError =
                st.message() + " for series " + labels + " at timestamp " + s.getTimestamp();
          }
        }
      }
      result = app.commit();
    } catch (RuntimeException e) {
      app.rollback();
      log.error("msg=\"Error appending remote write\" err=\"{}\"", e.toString());
      return new Response(500, "error appending remote write: " + e + "\n");
    }
    for (AppendStatus st : AppendStatus.values()) {
      statusCounts[st.ordinal()].add(result.count(st));
    }
    invalidLabelSamples.add(invalid);
    histogramSamples.add(histograms);
    long refused = result.rejected() + invalid + histograms;
    if (refused == 0) {
      return new Response(204, "");
    }
    if (firstError == null) {
      // Refused at commit (two samples of one series in the request colliding): name the reason.
      for (AppendStatus st : AppendStatus.values()) {
        if (st != AppendStatus.APPENDED && result.count(st) > 0) {
          firstError = st.message();
          break;
        }
      }
    }
    StringBuilder sb = new StringBuilder(firstError);
    sb.append("; ").append(refused).append(" of ").append(offered).append(" samples not stored (");
    boolean first = true;
    for (AppendStatus st : AppendStatus.values()) {
      if (st != AppendStatus.APPENDED && result.count(st) > 0) {
        sb.append(first ? "" : ", ").append(st.message()).append(": ").append(result.count(st));
        first = false;
      }
    }
    if (invalid > 0) {
      sb.append(first ? "" : ", ").append("invalid labels: ").append(invalid);
      first = false;
    }
    if (histograms > 0) {
      sb.append(first ? "" : ", ").append("native histograms: ").append(histograms);
    }
    sb.append("); the other ").append(result.appended()).append(" were stored\n");
    return new Response(400, sb.toString());
  }

  /**
   * The series' labels, validated as remote write 1.0 requires: names sorted and unique, legacy
   * name syntax, a valid {@code __name__}. Empty values mean "no such label" (as everywhere in
   * Prometheus) and are dropped.
   */
  static Labels labels(List<Prompb.Label> list) {
    String[] pairs = new String[list.size() * 2];
    String prev = null;
    boolean hasName = false;
    for (int i = 0; i < list.size(); i++) {
      Prompb.Label l = list.get(i);
      String n = l.getName();
      if (prev != null) {
        int c = Labels.compareStrings(prev, n);
        if (c == 0) {
          throw new IllegalArgumentException(
              "label name \"" + n + "\" is not unique in series " + describe(list));
        }
        if (c > 0) {
          throw new IllegalArgumentException(
              "labels are not sorted by name (\""
                  + prev
                  + "\" before \""
                  + n
                  + "\") in series "
                  + describe(list));
        }
      }
      prev = n;
      // A regex here cost a Matcher per label: a third of what the receiver allocated.
      if (!Labels.isValidLabelName(n)) {
        throw new IllegalArgumentException(
            "invalid label name \"" + n + "\" in series " + describe(list));
      }
      if (n.equals(Labels.METRIC_NAME)) {
        if (!Labels.isValidMetricName(l.getValue())) {
          throw new IllegalArgumentException(
              "invalid metric name \"" + l.getValue() + "\" in series " + describe(list));
        }
        hasName = true;
      }
      pairs[2 * i] = n;
      pairs[2 * i + 1] = l.getValue();
    }
    if (!hasName) {
      throw new IllegalArgumentException("missing __name__ label in series " + describe(list));
    }
    return Labels.of(pairs);
  }

  private static String describe(List<Prompb.Label> list) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(list.get(i).getName()).append('=');
      Labels.quote(sb, list.get(i).getValue());
    }
    return sb.append('}').toString();
  }

  @Override
  public void writeMetrics(StringBuilder sb) {
    sb.append(
        "# HELP cardinal_remote_write_requests_total Remote write requests received, by HTTP status "
            + "code of the answer.\n");
    sb.append("# TYPE cardinal_remote_write_requests_total counter\n");
    new java.util.TreeMap<>(requestsByCode)
        .forEach(
            (code, n) ->
                sb.append("cardinal_remote_write_requests_total{code=\"")
                    .append(code)
                    .append("\"} ")
                    .append(n.sum())
                    .append('\n'));
    sb.append(
        "# HELP cardinal_remote_write_samples_total Samples received by remote write, by what happened to "
            + "them.\n");
    sb.append("# TYPE cardinal_remote_write_samples_total counter\n");
    for (AppendStatus st : AppendStatus.values()) {
      long n = statusCounts[st.ordinal()].sum();
      if (n > 0 || st == AppendStatus.APPENDED) {
        sb.append("cardinal_remote_write_samples_total{result=\"")
            .append(st.name().toLowerCase(Locale.ROOT))
            .append("\"} ")
            .append(n)
            .append('\n');
      }
    }
    if (invalidLabelSamples.sum() > 0) {
      sb.append("cardinal_remote_write_samples_total{result=\"")
          .append(INVALID_LABELS)
          .append("\"} ")
          .append(invalidLabelSamples.sum())
          .append('\n');
    }
    if (histogramSamples.sum() > 0) {
      sb.append("cardinal_remote_write_samples_total{result=\"")
          .append(HISTOGRAM)
          .append("\"} ")
          .append(histogramSamples.sum())
          .append('\n');
    }
    sb.append(
        "# HELP cardinal_remote_write_exemplars_ignored_total Exemplars received by remote write and not "
            + "stored (Cardinal has no exemplar storage).\n");
    sb.append("# TYPE cardinal_remote_write_exemplars_ignored_total counter\n");
    sb.append("cardinal_remote_write_exemplars_ignored_total ")
        .append(exemplarsIgnored.sum())
        .append('\n');
  }

  Cardinal db() {
    return db;
  }
}
