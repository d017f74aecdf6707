package io.cardinal.notifier;

import io.cardinal.exposition.MetricsSource;
import io.cardinal.exposition.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus's notifier metrics, with its names and help texts. The per-Alertmanager series ({@code
 * sent_total}, {@code errors_total}, {@code latency_seconds}) exist for the Alertmanagers currently
 * discovered: counters start at 0 when one appears and its series go away when it is no longer
 * discovered by any set; the latency summary appears with its first observation.
 */
final class NotifierMetrics {
  /** Counters of one Alertmanager URL. */
  static final class PerAlertmanager {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final Summary latency = new Summary();
  }

  final AtomicLong dropped = new AtomicLong();
  private final Map<String, PerAlertmanager> perUrl = new ConcurrentSkipListMap<>();

  /** The series of {@code url}, or null when it is not (or no longer) discovered. */
  PerAlertmanager of(String url) {
    return perUrl.get(url);
  }

  /** Keeps the series of exactly these URLs, creating the missing ones at 0. */
  synchronized void retain(Set<String> urls) {
    perUrl.keySet().retainAll(urls);
    for (String u : urls) {
      perUrl.computeIfAbsent(u, k -> new PerAlertmanager());
    }
  }

  void write(StringBuilder sb, int capacity, int queueLength, int discovered) {
    long now = System.currentTimeMillis();
    List<Map.Entry<String, PerAlertmanager>> entries = new ArrayList<>(perUrl.entrySet());
    header(
        sb,
        "prometheus_notifications_alertmanagers_discovered",
        "The number of alertmanagers discovered and active.",
        "gauge");
    sb.append("prometheus_notifications_alertmanagers_discovered ").append(discovered).append('\n');
    header(
        sb,
        "prometheus_notifications_dropped_total",
        "Total number of alerts dropped due to errors when sending to Alertmanager.",
        "counter");
    sb.append("prometheus_notifications_dropped_total ").append(dropped.get()).append('\n');
    header(
        sb,
        "prometheus_notifications_errors_total",
        "Total number of sent alerts affected by errors.",
        "counter");
    for (Map.Entry<String, PerAlertmanager> e : entries) {
      sample(sb, "prometheus_notifications_errors_total", e.getKey(), null);
      sb.append(e.getValue().errors.get()).append('\n');
    }
    header(
        sb,
        "prometheus_notifications_latency_seconds",
        "Latency quantiles for sending alert notifications.",
        "summary");
    for (Map.Entry<String, PerAlertmanager> e : entries) {
      double[] s = e.getValue().latency.snapshot(now);
      double[] qs = e.getValue().latency.quantiles();
      long count = (long) s[qs.length + 1];
      if (count == 0) {
        continue;
      }
      for (int q = 0; q < qs.length; q++) {
        sample(sb, "prometheus_notifications_latency_seconds", e.getKey(), Double.toString(qs[q]));
        sb.append(format(s[q])).append('\n');
      }
      sample(sb, "prometheus_notifications_latency_seconds_sum", e.getKey(), null);
      sb.append(format(s[qs.length])).append('\n');
      sample(sb, "prometheus_notifications_latency_seconds_count", e.getKey(), null);
      sb.append(count).append('\n');
    }
    header(
        sb,
        "prometheus_notifications_queue_capacity",
        "The capacity of the alert notifications queue.",
        "gauge");
    sb.append("prometheus_notifications_queue_capacity ").append(capacity).append('\n');
    header(
        sb,
        "prometheus_notifications_queue_length",
        "The number of alert notifications in the queue.",
        "gauge");
    sb.append("prometheus_notifications_queue_length ").append(queueLength).append('\n');
    header(sb, "prometheus_notifications_sent_total", "Total number of alerts sent.", "counter");
    for (Map.Entry<String, PerAlertmanager> e : entries) {
      sample(sb, "prometheus_notifications_sent_total", e.getKey(), null);
      sb.append(e.getValue().sent.get()).append('\n');
    }
  }

  private static void header(StringBuilder sb, String name, String help, String type) {
    MetricsSource.header(sb, name, type, help);
  }

  /** {@code name{alertmanager="url"[,quantile="q"]} } without the value. */
  private static void sample(StringBuilder sb, String name, String url, String quantile) {
    sb.append(name).append("{alertmanager=\"");
    escape(sb, url);
    sb.append('"');
    if (quantile != null) {
      sb.append(",quantile=\"").append(quantile).append('"');
    }
    sb.append("} ");
  }

  /** Label value escaping of the text format 0.0.4: backslash, quote and newline. */
  private static void escape(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
  }

  static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
