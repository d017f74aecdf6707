package io.cardinal.rulelint;

import io.cardinal.config.Durations;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.promql.ast.VectorSelector;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A lint source over a Prometheus-compatible HTTP API (Prometheus itself, or Cardinal's server):
 * {@code /api/v1/series}, {@code labels}, {@code label/<name>/values}, {@code query}, {@code
 * query_range}, {@code targets} for the scrape interval of each job, {@code status/runtimeinfo} for
 * the retention, {@code status/config} for the default evaluation interval, and the server's own
 * {@code /metrics} for the oldest stored sample where it exports {@code
 * prometheus_tsdb_lowest_timestamp}.
 */
public final class HttpSource implements LintSource {
  /** Prometheus's limit on the points of one range query. */
  private static final int MAX_STEPS = 11_000;

  /** The look-back of an instant selector on a default Prometheus. */
  private static final long LOOKBACK_MS = 300_000;

  private static final int SPACING_SERIES = 5;

  private final URI base;
  private final Duration timeout;
  private final HttpClient client;
  private Map<String, Long> intervalsByJob;
  private boolean retentionFetched;
  private OptionalLong retention = OptionalLong.empty();
  private boolean oldestFetched;
  private boolean evaluationFetched;
  private OptionalLong evaluation = OptionalLong.empty();
  private OptionalLong oldest = OptionalLong.empty();

  /**
   * @param base the server's address, such as {@code http://localhost:9090} (a path prefix is kept)
   * @param timeout for each request
   */
  public HttpSource(URI base, Duration timeout) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** A source with a 30 s timeout per request. */
  public HttpSource(URI base) {
    this(base, Duration.ofSeconds(30));
  }

  static String selector(List<LabelMatcher> matchers) {
    return new VectorSelector(null, matchers, null, null, false, false).toPromQL();
  }

  static String seconds(long ms) {
    return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private String get(String path, Map<String, String> params, boolean api)
      throws LintSourceException {
    StringBuilder url = new StringBuilder(base.toString()).append(path);
    char sep = '?';
    for (Map.Entry<String, String> e : params.entrySet()) {
      url.append(sep).append(enc(e.getKey())).append('=').append(enc(e.getValue()));
      sep = '&';
    }
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url.toString())).timeout(timeout).GET().build();
    HttpResponse<String> resp;
    try {
      resp = client.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new LintSourceException(
          LintSourceException.Kind.UNAVAILABLE,
          "cannot reach " + base + path + ": " + describe(e),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LintSourceException(LintSourceException.Kind.UNAVAILABLE, "interrupted", e);
    }
    if (!api) {
      if (resp.statusCode() != 200) {
        throw new LintSourceException(
            LintSourceException.Kind.UNAVAILABLE, path + ": HTTP " + resp.statusCode());
      }
      return resp.body();
    }
    return resp.body() == null ? "" : check(path, resp.statusCode(), resp.body());
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return m == null || m.isEmpty() ? e.getClass().getSimpleName() : m;
  }

  private static String check(String path, int status, String body) throws LintSourceException {
    Object parsed;
    try {
      parsed = Json.parse(body);
    } catch (IllegalArgumentException e) {
      throw new LintSourceException(
          LintSourceException.Kind.UNAVAILABLE,
          path + ": HTTP " + status + ", not a Prometheus API answer: " + e.getMessage());
    }
    if (parsed instanceof Map<?, ?> m && "success".equals(m.get("status")) && status == 200) {
      return body;
    }
    if (parsed instanceof Map<?, ?> m && "error".equals(m.get("status"))) {
      String type = String.valueOf(m.get("errorType"));
      String msg = String.valueOf(m.get("error"));
      // bad_data and execution (400, 422) are about the query; anything else is the server's.
      boolean query =
          status == 400
              || status == 422
              || type.equals("bad_data")
              || type.equals("execution")
              || type.equals("timeout")
              || type.equals("canceled");
      throw new LintSourceException(
          query ? LintSourceException.Kind.QUERY : LintSourceException.Kind.UNAVAILABLE,
          query ? msg : path + ": " + type + ": " + msg);
    }
    throw new LintSourceException(
        LintSourceException.Kind.UNAVAILABLE, path + ": HTTP " + status + ", unexpected answer");
  }

  private Object data(String path, Map<String, String> params) throws LintSourceException {
    String body = get(path, params, true);
    Object parsed = Json.parse(body);
    return ((Map<?, ?>) parsed).get("data");
  }

  private static Map<String, String> params(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int k = 0; k < kv.length; k += 2) {
      m.put(kv[k], kv[k + 1]);
    }
    return m;
  }

  private static Labels labels(Object o) {
    Map<String, String> m = new TreeMap<>();
    if (o instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        m.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
      }
    }
    return Labels.fromMap(m);
  }

  private static List<String> strings(Object o) {
    List<String> out = new ArrayList<>();
    if (o instanceof List<?> l) {
      for (Object x : l) {
        out.add(String.valueOf(x));
      }
    }
    return out;
  }

  static double value(Object o) {
    String s = String.valueOf(o);
    return switch (s) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }

  static long millis(Object o) {
    if (o instanceof Long l) {
      return l * 1000;
    }
    return new BigDecimal(String.valueOf(o)).movePointRight(3).longValue();
  }

  @Override
  public List<Labels> series(List<LabelMatcher> matchers, long mint, long maxt)
      throws LintSourceException {
    Object d =
        data(
            "/api/v1/series",
            params("match[]", selector(matchers), "start", seconds(mint), "end", seconds(maxt)));
    List<Labels> out = new ArrayList<>();
    if (d instanceof List<?> l) {
      for (Object o : l) {
        out.add(labels(o));
      }
    }
    return out;
  }

  @Override
  public List<String> labelNames(List<LabelMatcher> matchers, long mint, long maxt)
      throws LintSourceException {
    return strings(
        data(
            "/api/v1/labels",
            params("match[]", selector(matchers), "start", seconds(mint), "end", seconds(maxt))));
  }

  @Override
  public List<String> labelValues(String name, List<LabelMatcher> matchers, long mint, long maxt)
      throws LintSourceException {
    return strings(
        data(
            "/api/v1/label/" + enc(name) + "/values",
            params("match[]", selector(matchers), "start", seconds(mint), "end", seconds(maxt))));
  }

  @Override
  public OptionalLong lastSampleTime(List<LabelMatcher> matchers, long mint, long maxt)
      throws LintSourceException {
    // First the newest step at which the metric was visible, in chunks of at most MAX_STEPS steps
    // of the look-back, newest chunk first; then the raw samples around it for the exact time.
    String expr = "max(timestamp(" + selector(matchers) + "))";
    long step = LOOKBACK_MS;
    long chunk = step * (MAX_STEPS - 1);
    long hi = maxt;
    while (hi >= mint) {
      long lo = Math.max(mint, hi - chunk);
      List<Series> r = queryRange(expr, lo, hi, step);
      long seen = Long.MIN_VALUE;
      for (Series s : r) {
        for (double v : s.values()) {
          seen = Math.max(seen, Math.round(v * 1000));
        }
      }
      if (seen != Long.MIN_VALUE) {
        long at = Math.min(maxt, seen + 2 * step);
        long range = at - seen + step;
        Object d =
            data(
                "/api/v1/query",
                params(
                    "query",
                    selector(matchers) + "[" + Durations.format(range) + "]",
                    "time",
                    seconds(at)));
        long best = seen;
        for (long[] ts : rawTimes(d)) {
          for (long t : ts) {
            if (t <= maxt && t > best) {
              best = t;
            }
          }
        }
        return OptionalLong.of(best);
      }
      if (lo == mint) {
        break;
      }
      hi = lo - 1;
    }
    return OptionalLong.empty();
  }

  /** The timestamps of each series of a matrix answer. */
  private static List<long[]> rawTimes(Object data) {
    List<long[]> out = new ArrayList<>();
    if (!(data instanceof Map<?, ?> m) || !(m.get("result") instanceof List<?> result)) {
      return out;
    }
    for (Object o : result) {
      Object values = ((Map<?, ?>) o).get("values");
      if (values instanceof List<?> vs) {
        long[] ts = new long[vs.size()];
        for (int k = 0; k < ts.length; k++) {
          ts[k] = millis(((List<?>) vs.get(k)).get(0));
        }
        out.add(ts);
      }
    }
    return out;
  }

  @Override
  public OptionalLong sampleIntervalMs(List<LabelMatcher> matchers, long mint, long maxt)
      throws LintSourceException {
    List<Long> deltas = new ArrayList<>();
    List<Labels> series = series(matchers, mint, maxt);
    for (int k = 0; k < Math.min(SPACING_SERIES, series.size()); k++) {
      List<LabelMatcher> exact = new ArrayList<>();
      Labels l = series.get(k);
      for (int j = 0; j < l.size(); j++) {
        exact.add(LabelMatcher.eq(l.name(j), l.value(j)));
      }
      Object d =
          data(
              "/api/v1/query",
              params(
                  "query",
                  selector(exact) + "[" + Durations.format(Math.max(1, maxt - mint)) + "]",
                  "time",
                  seconds(maxt)));
      for (long[] ts : rawTimes(d)) {
        for (int j = 1; j < ts.length; j++) {
          if (ts[j] > ts[j - 1]) {
            deltas.add(ts[j] - ts[j - 1]);
          }
        }
      }
    }
    return DatabaseSource.median(deltas);
  }

  @Override
  public List<Sample> query(String expr, long timeMs) throws LintSourceException {
    Object d = data("/api/v1/query", params("query", expr, "time", seconds(timeMs)));
    List<Sample> out = new ArrayList<>();
    Map<?, ?> m = (Map<?, ?>) d;
    String type = String.valueOf(m.get("resultType"));
    Object result = m.get("result");
    if (type.equals("scalar")) {
      out.add(new Sample(Labels.EMPTY, value(((List<?>) result).get(1))));
    } else if (type.equals("vector")) {
      for (Object o : (List<?>) result) {
        Map<?, ?> s = (Map<?, ?>) o;
        out.add(new Sample(labels(s.get("metric")), value(((List<?>) s.get("value")).get(1))));
      }
    } else {
      throw new LintSourceException(
          LintSourceException.Kind.QUERY, "expected an instant vector or a scalar, got a " + type);
    }
    return out;
  }

  @Override
  public List<Series> queryRange(String expr, long startMs, long endMs, long stepMs)
      throws LintSourceException {
    Object d =
        data(
            "/api/v1/query_range",
            params(
                "query",
                expr,
                "start",
                seconds(startMs),
                "end",
                seconds(endMs),
                "step",
                seconds(stepMs)));
    List<Series> out = new ArrayList<>();
    Map<?, ?> m = (Map<?, ?>) d;
    for (Object o : (List<?>) m.get("result")) {
      Map<?, ?> s = (Map<?, ?>) o;
      List<?> vs = (List<?>) s.get("values");
      long[] ts = new long[vs.size()];
      double[] values = new double[ts.length];
      for (int k = 0; k < ts.length; k++) {
        List<?> p = (List<?>) vs.get(k);
        ts[k] = millis(p.get(0));
        values[k] = value(p.get(1));
      }
      out.add(new Series(labels(s.get("metric")), ts, values));
    }
    return out;
  }

  @Override
  public OptionalLong scrapeIntervalMs(String job) throws LintSourceException {
    if (intervalsByJob == null) {
      Map<String, Long> byJob = new HashMap<>();
      Object d = data("/api/v1/targets", params("state", "active"));
      if (d instanceof Map<?, ?> m && m.get("activeTargets") instanceof List<?> targets) {
        for (Object o : targets) {
          Map<?, ?> t = (Map<?, ?>) o;
          Object iv = t.get("scrapeInterval");
          Labels l = labels(t.get("labels"));
          String j = l.get("job");
          if (iv == null || j == null) {
            continue;
          }
          try {
            byJob.merge(j, Durations.parse(String.valueOf(iv)), Math::max);
          } catch (IllegalArgumentException | ArithmeticException e) {
            // an interval this reader does not know: fall back to the sample spacing
          }
        }
      }
      intervalsByJob = byJob;
    }
    Long iv = intervalsByJob.get(job);
    return iv == null ? OptionalLong.empty() : OptionalLong.of(iv);
  }

  @Override
  public OptionalLong evaluationIntervalMs() throws LintSourceException {
    if (!evaluationFetched) {
      evaluationFetched = true;
      Object d;
      try {
        d = data("/api/v1/status/config", Map.of());
      } catch (LintSourceException e) {
        if (e.getMessage().startsWith("cannot reach")) {
          throw e;
        }
        return evaluation;
      }
      if (d instanceof Map<?, ?> m && m.get("yaml") instanceof String yaml) {
        evaluation = globalEvaluationInterval(yaml);
      }
    }
    return evaluation;
  }

  /**
   * {@code global.evaluation_interval} of a configuration as the server renders it (every default
   * written out, two-space indentation); empty when it is not there.
   */
  static OptionalLong globalEvaluationInterval(String yaml) {
    boolean inGlobal = false;
    for (String line : yaml.split("\n")) {
      if (!line.startsWith(" ") && !line.isBlank()) {
        inGlobal = line.startsWith("global:");
        continue;
      }
      String t = line.trim();
      if (inGlobal && t.startsWith("evaluation_interval:")) {
        String v = t.substring("evaluation_interval:".length()).trim();
        if (v.length() > 1 && (v.startsWith("\"") || v.startsWith("'"))) {
          v = v.substring(1, v.length() - 1);
        }
        try {
          return OptionalLong.of(Durations.parse(v));
        } catch (IllegalArgumentException | ArithmeticException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  @Override
  public OptionalLong oldestSampleTime() throws LintSourceException {
    if (!oldestFetched) {
      oldestFetched = true;
      String text;
      try {
        text = get("/metrics", Map.of(), false);
      } catch (LintSourceException e) {
        return oldest;
      }
      oldest = oldestFromMetrics(text);
    }
    return oldest;
  }

  /**
   * The oldest sample time a server's own metrics tell: {@code prometheus_tsdb_lowest_timestamp}
   * (Prometheus), else the head's minimum time when no block is loaded.
   */
  static OptionalLong oldestFromMetrics(String text) {
    Map<String, Double> values = new HashMap<>();
    for (String line : text.split("\n")) {
      int sp = line.indexOf(' ');
      if (line.startsWith("prometheus_tsdb_") && sp > 0 && line.indexOf('{') < 0) {
        try {
          values.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1).trim()));
        } catch (NumberFormatException e) {
          // not a plain sample line
        }
      }
    }
    Double lowest = values.get("prometheus_tsdb_lowest_timestamp");
    // Prometheus reports math.MaxInt64 while the database is empty.
    if (lowest != null && lowest > 0 && lowest < 9.2e18) {
      return OptionalLong.of(lowest.longValue());
    }
    Double blocks = values.get("prometheus_tsdb_blocks_loaded");
    Double headMin = values.get("prometheus_tsdb_head_min_time");
    if (blocks != null && blocks == 0 && headMin != null && headMin > 0 && headMin < 9.2e18) {
      return OptionalLong.of(headMin.longValue());
    }
    return OptionalLong.empty();
  }

  @Override
  public OptionalLong retentionMs() throws LintSourceException {
    if (!retentionFetched) {
      retentionFetched = true;
      Object d;
      try {
        d = data("/api/v1/status/runtimeinfo", Map.of());
      } catch (LintSourceException e) {
        if (e.kind() == LintSourceException.Kind.UNAVAILABLE
            && e.getMessage().startsWith("cannot reach")) {
          throw e;
        }
        return retention;
      }
      if (d instanceof Map<?, ?> m && m.get("storageRetention") != null) {
        // "15d", "15d or 10GiB", or only a size
        String r = String.valueOf(m.get("storageRetention")).split(" ")[0];
        try {
          retention = OptionalLong.of(Durations.parse(r));
        } catch (IllegalArgumentException | ArithmeticException e) {
          // a size retention only: unknown
        }
      }
    }
    return retention;
  }
}
