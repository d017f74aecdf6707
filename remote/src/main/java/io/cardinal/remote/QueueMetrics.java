package io.cardinal.remote;

import io.cardinal.tsdb.text.GoFloat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one remote_write queue, exported with labels {@code remote_name} and {@code url}.
 */
final class QueueMetrics {
  final String remoteName;
  final String url;

  /** Samples delivered (answered 2xx). */
  final LongAdder samplesSent = new LongAdder();

  /** Samples given up on: non-retryable answers (4xx other than a retried 429). */
  final LongAdder samplesFailed = new LongAdder();

  /** Samples in requests that were retried, once per retry. */
  final LongAdder samplesRetried = new LongAdder();

  /** Samples read from the WAL and not queued, by reason. */
  final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();

  /** Samples given up on, by reason ({@code http_400}, ...). */
  final Map<String, LongAdder> failedByReason = new ConcurrentHashMap<>();

  /** Samples queued and neither delivered nor given up on. */
  final AtomicLong pending = new AtomicLong();

  /** Highest sample timestamp delivered, milliseconds; Long.MIN_VALUE before the first. */
  final AtomicLong highestSentMs = new AtomicLong(Long.MIN_VALUE);

  final AtomicInteger shards = new AtomicInteger();
  final AtomicInteger desiredShards = new AtomicInteger();
  final LongAdder walSegmentsSkipped = new LongAdder();
  final LongAdder walCorruptRecords = new LongAdder();
  final LongAdder requests = new LongAdder();
  final LongAdder requestsFailed = new LongAdder();
  volatile int minShards;
  volatile int maxShards;
  volatile int shardCapacity;

  QueueMetrics(String remoteName, String url) {
    this.remoteName = remoteName;
    this.url = url;
  }

  void drop(String reason, long n) {
    dropped.computeIfAbsent(reason, k -> new LongAdder()).add(n);
  }

  void fail(String reason, long n) {
    samplesFailed.add(n);
    failedByReason.computeIfAbsent(reason, k -> new LongAdder()).add(n);
  }

  void sent(long n, long maxT) {
    samplesSent.add(n);
    highestSentMs.accumulateAndGet(maxT, Math::max);
  }

  long dropped(String reason) {
    LongAdder a = dropped.get(reason);
    return a == null ? 0 : a.sum();
  }

  /** Writes one family's HELP/TYPE once and a sample per queue. */
  static void family(
      StringBuilder sb,
      String name,
      String type,
      String help,
      Iterable<QueueMetrics> queues,
      java.util.function.BiConsumer<QueueMetrics, StringBuilder> samples) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    for (QueueMetrics q : queues) {
      samples.accept(q, sb);
    }
  }

  void sample(StringBuilder sb, String name, String extraName, String extraValue, double v) {
    sb.append(name).append("{remote_name=\"");
    escape(sb, remoteName);
    sb.append("\",url=\"");
    escape(sb, url);
    sb.append('"');
    if (extraName != null) {
      sb.append(',').append(extraName).append("=\"");
      escape(sb, extraValue);
      sb.append('"');
    }
    sb.append("} ").append(GoFloat.formatG(v)).append('\n');
  }

  /** A label value in the text format: backslash, double quote and newline escaped. */
  static void escape(StringBuilder sb, String s) {
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

  static void write(StringBuilder sb, Iterable<QueueMetrics> queues, long highestInMs) {
    sb.append(
        "# HELP prometheus_remote_storage_highest_timestamp_in_seconds Highest timestamp that has come into "
            + "the remote storage via the WAL, in seconds since epoch.\n");
    sb.append("# TYPE prometheus_remote_storage_highest_timestamp_in_seconds gauge\n");
    sb.append("prometheus_remote_storage_highest_timestamp_in_seconds ")
        .append(GoFloat.formatG(highestInMs == Long.MIN_VALUE ? 0 : highestInMs / 1000.0))
        .append('\n');
    family(
        sb,
        "prometheus_remote_storage_samples_total",
        "counter",
        "Total number of samples sent to remote storage.",
        queues,
        (q, b) ->
            q.sample(
                b, "prometheus_remote_storage_samples_total", null, null, q.samplesSent.sum()));
    family(
        sb,
        "prometheus_remote_storage_samples_failed_total",
        "counter",
        "Total number of samples which failed on send to remote storage, non-recoverable errors.",
        queues,
        (q, b) ->
            q.sample(
                b,
                "prometheus_remote_storage_samples_failed_total",
                null,
                null,
                q.samplesFailed.sum()));
    family(
        sb,
        "prometheus_remote_storage_samples_retried_total",
        "counter",
        "Total number of samples which failed on send to remote storage but were retried because the send error "
            + "was recoverable.",
        queues,
        (q, b) ->
            q.sample(
                b,
                "prometheus_remote_storage_samples_retried_total",
                null,
                null,
                q.samplesRetried.sum()));
    family(
        sb,
        "prometheus_remote_storage_samples_dropped_total",
        "counter",
        "Total number of samples which were dropped after being read from the WAL before being sent via remote "
            + "write, by reason.",
        queues,
        (q, b) -> {
          for (Map.Entry<String, LongAdder> e : new TreeMap<>(q.dropped).entrySet()) {
            q.sample(
                b,
                "prometheus_remote_storage_samples_dropped_total",
                "reason",
                e.getKey(),
                e.getValue().sum());
          }
        });
    family(
        sb,
        "prometheus_remote_storage_samples_pending",
        "gauge",
        "The number of samples pending in the queues shards to be sent to the remote storage.",
        queues,
        (q, b) ->
            q.sample(b, "prometheus_remote_storage_samples_pending", null, null, q.pending.get()));
    family(
        sb,
        "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
        "gauge",
        "Timestamp from a WAL sample, the highest successfully sent by this queue, in seconds since epoch.",
        queues,
        (q, b) ->
            q.sample(
                b,
                "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
                null,
                null,
                q.highestSentMs.get() == Long.MIN_VALUE ? 0 : q.highestSentMs.get() / 1000.0));
    family(
        sb,
        "prometheus_remote_storage_shards",
        "gauge",
        "The number of shards used for parallel sending to " + "the remote storage.",
        queues,
        (q, b) -> q.sample(b, "prometheus_remote_storage_shards", null, null, q.shards.get()));
    family(
        sb,
        "prometheus_remote_storage_shards_desired",
        "gauge",
        "The number of shards that the queues shard "
            + "calculation wants to run based on the rate of samples in vs. samples out.",
        queues,
        (q, b) ->
            q.sample(
                b, "prometheus_remote_storage_shards_desired", null, null, q.desiredShards.get()));
    family(
        sb,
        "prometheus_remote_storage_shards_min",
        "gauge",
        "The minimum number of shards that the queue is " + "allowed to run.",
        queues,
        (q, b) -> q.sample(b, "prometheus_remote_storage_shards_min", null, null, q.minShards));
    family(
        sb,
        "prometheus_remote_storage_shards_max",
        "gauge",
        "The maximum number of shards that the queue is " + "allowed to run.",
        queues,
        (q, b) -> q.sample(b, "prometheus_remote_storage_shards_max", null, null, q.maxShards));
    family(
        sb,
        "prometheus_remote_storage_shard_capacity",
        "gauge",
        "The capacity of each shard of the queue used "
            + "for parallel sending to the remote storage.",
        queues,
        (q, b) ->
            q.sample(b, "prometheus_remote_storage_shard_capacity", null, null, q.shardCapacity));
    family(
        sb,
        "cardinal_remote_storage_samples_failed_by_reason_total",
        "counter",
        "Samples given up on (prometheus_remote_storage_samples_failed_total), by reason: http_<status>.",
        queues,
        (q, b) -> {
          for (Map.Entry<String, LongAdder> e : new TreeMap<>(q.failedByReason).entrySet()) {
            q.sample(
                b,
                "cardinal_remote_storage_samples_failed_by_reason_total",
                "reason",
                e.getKey(),
                e.getValue().sum());
          }
        });
    family(
        sb,
        "cardinal_remote_storage_requests_total",
        "counter",
        "Remote write requests sent, retries included.",
        queues,
        (q, b) ->
            q.sample(b, "cardinal_remote_storage_requests_total", null, null, q.requests.sum()));
    family(
        sb,
        "cardinal_remote_storage_requests_failed_total",
        "counter",
        "Remote write requests that did not get "
            + "a 2xx answer (network errors included), retries included.",
        queues,
        (q, b) ->
            q.sample(
                b,
                "cardinal_remote_storage_requests_failed_total",
                null,
                null,
                q.requestsFailed.sum()));
    family(
        sb,
        "cardinal_remote_storage_wal_segments_skipped_total",
        "counter",
        "WAL segments deleted (by WAL "
            + "truncation) before this queue read them: their samples were not sent.",
        queues,
        (q, b) ->
            q.sample(
                b,
                "cardinal_remote_storage_wal_segments_skipped_total",
                null,
                null,
                q.walSegmentsSkipped.sum()));
    family(
        sb,
        "cardinal_remote_storage_wal_corrupt_records_total",
        "counter",
        "Unreadable WAL records skipped by " + "this queue.",
        queues,
        (q, b) ->
            q.sample(
                b,
                "cardinal_remote_storage_wal_corrupt_records_total",
                null,
                null,
                q.walCorruptRecords.sum()));
  }
}
