package io.cardinal.web;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prometheus's HTTP self-metrics, with its names, labels and buckets, so the standard overview
 * dashboards read them unchanged: {@code prometheus_http_requests_total{handler,code}}, {@code
 * prometheus_http_request_duration_seconds{handler}} and {@code
 * prometheus_http_response_size_bytes{handler}}. The handler label is the route, never the raw path
 * ({@code /api/v1/label/:name/values}), and paths that match no route are not counted, so a client
 * cannot grow these series.
 */
final class HttpMetrics {
  /** Prometheus's buckets for request durations, in seconds. */
  static final double[] DURATION_BUCKETS = {0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120};

  /** Prometheus's buckets for response sizes: 100 bytes times powers of ten, eight of them. */
  static final double[] SIZE_BUCKETS = {100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

  private static final class Histogram {
    final double[] bounds;
    final LongAdder[] counts;
    final DoubleAdder sum = new DoubleAdder();
    final LongAdder count = new LongAdder();

    Histogram(double[] bounds) {
      this.bounds = bounds;
      this.counts = new LongAdder[bounds.length];
      for (int i = 0; i < bounds.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double v) {
      for (int i = 0; i < bounds.length; i++) {
        if (v <= bounds[i]) {
          counts[i].increment();
          break;
        }
      }
      sum.add(v);
      count.increment();
    }

    void write(StringBuilder sb, String name, String handler) {
      long cumulative = 0;
      for (int i = 0; i < bounds.length; i++) {
        cumulative += counts[i].sum();
        sb.append(name)
            .append("_bucket{handler=\"")
            .append(handler)
            .append("\",le=\"")
            .append(le(bounds[i]))
            .append("\"} ")
            .append(cumulative)
            .append('\n');
      }
      long total = count.sum();
      sb.append(name)
          .append("_bucket{handler=\"")
          .append(handler)
          .append("\",le=\"+Inf\"} ")
          .append(total)
          .append('\n');
      sb.append(name).append("_sum{handler=\"").append(handler).append("\"} ");
      sb.append(Formats.formatFloat(sum.sum())).append('\n');
      sb.append(name).append("_count{handler=\"").append(handler).append("\"} ");
      sb.append(total).append('\n');
    }

    private static String le(double b) {
      return b == Math.rint(b) && b < 1e15 ? Formats.formatFloat(b) : String.valueOf(b);
    }
  }

  private static final class PerHandler {
    final Histogram duration = new Histogram(DURATION_BUCKETS);
    final Histogram size = new Histogram(SIZE_BUCKETS);
    final Map<Integer, LongAdder> byCode = new ConcurrentHashMap<>();
  }

  private final Map<String, PerHandler> handlers = new ConcurrentHashMap<>();

  /** Counts one request to {@code handler} (a route name, see {@link #handlerOf}). */
  void observe(String handler, int code, long nanos, long bytes) {
    PerHandler h = handlers.computeIfAbsent(handler, k -> new PerHandler());
    h.byCode.computeIfAbsent(code, k -> new LongAdder()).increment();
    h.duration.observe(nanos / 1e9);
    h.size.observe(bytes);
  }

  /**
   * The route a path belongs to, as Prometheus names its handlers, or null for a path that is no
   * route. {@code apiKnown} says whether /api/v1 knows the path.
   */
  static String handlerOf(String path, boolean apiKnown, boolean registered) {
    switch (path) {
      case "/-/healthy", "/-/ready", "/-/reload", "/-/quit", "/metrics", "/federate" -> {
        return path;
      }
      default -> {}
    }
    if (registered) {
      return path;
    }
    if (path.startsWith("/api/v1/label/") && path.endsWith("/values")) {
      return apiKnown ? "/api/v1/label/:name/values" : null;
    }
    return apiKnown ? path : null;
  }

  void write(StringBuilder sb) {
    Map<String, PerHandler> sorted = new TreeMap<>(handlers);
    sb.append("# HELP prometheus_http_requests_total Counter of HTTP requests.\n");
    sb.append("# TYPE prometheus_http_requests_total counter\n");
    sorted.forEach(
        (handler, h) ->
            new TreeMap<>(h.byCode)
                .forEach(
                    (code, n) ->
                        sb.append("prometheus_http_requests_total{code=\"")
                            .append(code)
                            .append("\",handler=\"")
                            .append(handler)
                            .append("\"} ")
                            .append(n.sum())
                            .append('\n')));
    sb.append(
        "# HELP prometheus_http_request_duration_seconds Histogram of latencies for HTTP"
            + " requests.\n");
    sb.append("# TYPE prometheus_http_request_duration_seconds histogram\n");
    sorted.forEach(
        (handler, h) -> h.duration.write(sb, "prometheus_http_request_duration_seconds", handler));
    sb.append(
        "# HELP prometheus_http_response_size_bytes Histogram of response size for HTTP"
            + " requests.\n");
    sb.append("# TYPE prometheus_http_response_size_bytes histogram\n");
    sorted.forEach(
        (handler, h) -> h.size.write(sb, "prometheus_http_response_size_bytes", handler));
  }
}
