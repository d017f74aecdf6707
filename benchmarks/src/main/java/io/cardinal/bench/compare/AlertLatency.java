package io.cardinal.bench.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.workload.LabelProfile;
import io.cardinal.tsdb.workload.ValueModel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.xerial.snappy.Snappy;

/**
 * Alert latency of a Prometheus-compatible server: from the acknowledgement (HTTP 2xx) of the
 * remote write request carrying the sample that makes an alert condition true, to the first arrival
 * of that alert at an Alertmanager-compatible receiver.
 *
 * <p>The receiver is embedded: {@code POST /api/v2/alerts} on 127.0.0.1:{@code --sink-port} answers
 * 200 and records, per value of the alert label {@code probe}, the arrival time of the first alert
 * carrying it and the alert's {@code startsAt} (the evaluation time that fired it). The server
 * under test must list that address under {@code alerting.alertmanagers} and load {@code
 * --rules-file}, which this program (re)writes, then asks the server to reload ({@code POST
 * /-/reload}).
 *
 * <p>Workload, all by remote write 1.0 to {@code BASE/api/v1/write}: {@code --series} background
 * series of the {@link LabelProfile} with {@link ValueModel} values, one sample per series every
 * {@code --step} seconds, spread evenly over the step on {@code --connections} connections (each
 * owns a slice of the series, so per-series order holds); and {@code --probes} series {@code
 * probe_metric{probe="k"}} on a connection of their own, below the threshold (100) at every step
 * until their trigger. First {@code --history} seconds of past samples are written as fast as the
 * server takes them, so that {@code [5m]} ranges are full when the rules start.
 *
 * <p>Rules: {@code --alerting} alert rules of common shapes over the background metrics, most of
 * which never fire and some stay pending, plus one rule per probe ({@code probe_metric{probe="k"} >
 * 100} or {@code max_over_time(probe_metric{probe="k"}[1m]) > 100}, alternately, {@code for: 0s}),
 * in {@code --groups} groups at {@code --interval} seconds, the probes spread over the groups and
 * over the positions within them.
 *
 * <p>Measurement: once every group has been evaluated twice and {@code --settle} seconds more have
 * passed, each probe is triggered once at a uniformly random moment of the next {@code
 * --trigger-seconds}: a request carrying just its sample above the threshold. Latency = first
 * arrival - acknowledgement. A probe whose alert has not arrived {@code --miss-after} seconds after
 * its acknowledgement is a miss. The latency is split at the firing evaluation's time ({@code
 * startsAt}): the wait for the group's next evaluation slot, and what comes after it (the group
 * reaching the rule, the notifier, the HTTP request).
 *
 * <p>Prints one JSON line; timings in seconds unless named {@code _ms}. Exit status 1 when the
 * server could not be driven (reload refused, groups never evaluated); the line then has {@code
 * error}.
 *
 * <p>Usage: {@code AlertLatency BASE_URL --rules-file FILE [--sink-port N] [--series N] [--alerting
 * N] [--groups N] [--interval S] [--probes N] [--step S] [--history S] [--batch N] [--connections
 * N] [--trigger-seconds S] [--settle S] [--miss-after S] [--ready-timeout S] [--seed N]}
 */
public final class AlertLatency {
  static final String PROBE_METRIC = "probe_metric";
  static final double THRESHOLD = 100;
  static final String GROUP_PREFIX = "latency-";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  // One clock for acknowledgements and arrivals: wall time (comparable with the server's
  // startsAt) advanced by the monotonic clock, so a wall clock step cannot show up as latency.
  private static final long BASE_NANO = System.nanoTime();
  private static final long BASE_WALL_NANOS = System.currentTimeMillis() * 1_000_000L;

  static long now() {
    return BASE_WALL_NANOS + (System.nanoTime() - BASE_NANO);
  }

  private AlertLatency() {}

  static final class Options {
    URI base;
    Path rulesFile;
    int sinkPort = 0;
    int series = 200_000;
    int alerting = 1_000;
    int groups = 20;
    int intervalS = 15;
    int probes = 100;
    int stepS = 15;
    int historyS = 300;
    int batch = 2_000;
    int connections = 2;
    double triggerS = -1;
    double settleS = -1;
    double missAfterS = -1;
    double readyTimeoutS = -1;
    long seed = 1;

    static Options parse(String[] args) {
      if (args.length == 0 || args[0].startsWith("--")) {
        throw new IllegalArgumentException("usage: AlertLatency BASE_URL --rules-file FILE ...");
      }
      Options o = new Options();
      o.base = URI.create(args[0].replaceAll("/+$", ""));
      for (int i = 1; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + args[i] + " needs a value");
        }
        String v = args[i + 1];
        switch (args[i]) {
          case "--rules-file" -> o.rulesFile = Path.of(v);
          case "--sink-port" -> o.sinkPort = Integer.parseInt(v);
          case "--series" -> o.series = Integer.parseInt(v);
          case "--alerting" -> o.alerting = Integer.parseInt(v);
          case "--groups" -> o.groups = Integer.parseInt(v);
          case "--interval" -> o.intervalS = Integer.parseInt(v);
          case "--probes" -> o.probes = Integer.parseInt(v);
          case "--step" -> o.stepS = Integer.parseInt(v);
          case "--history" -> o.historyS = Integer.parseInt(v);
          case "--batch" -> o.batch = Integer.parseInt(v);
          case "--connections" -> o.connections = Integer.parseInt(v);
          case "--trigger-seconds" -> o.triggerS = Double.parseDouble(v);
          case "--settle" -> o.settleS = Double.parseDouble(v);
          case "--miss-after" -> o.missAfterS = Double.parseDouble(v);
          case "--ready-timeout" -> o.readyTimeoutS = Double.parseDouble(v);
          case "--seed" -> o.seed = Long.parseLong(v);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (o.rulesFile == null) {
        throw new IllegalArgumentException("--rules-file is required");
      }
      if (o.series < 1 || o.probes < 1 || o.groups < 1 || o.intervalS < 1 || o.stepS < 1) {
        throw new IllegalArgumentException(
            "--series, --probes, --groups, --interval and --step must be positive");
      }
      o.connections = Math.max(1, Math.min(o.connections, o.series));
      // Several intervals, so that the moments fall evenly over every group's evaluation phase.
      o.triggerS = o.triggerS >= 0 ? o.triggerS : 4.0 * o.intervalS;
      o.settleS = o.settleS >= 0 ? o.settleS : o.intervalS;
      o.missAfterS = o.missAfterS > 0 ? o.missAfterS : 4.0 * o.intervalS + 30;
      o.readyTimeoutS = o.readyTimeoutS > 0 ? o.readyTimeoutS : Math.max(300, 20.0 * o.intervalS);
      return o;
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("series", o.series);
    out.put("alerting", o.alerting);
    out.put("probes", o.probes);
    out.put("groups", o.groups);
    out.put("interval_s", o.intervalS);
    int status;
    try (Sink sink = new Sink(o.sinkPort)) {
      status = run(o, sink, out);
    }
    System.out.println(MAPPER.writeValueAsString(out));
    System.out.flush();
    // The HTTP client threads of an abandoned request must not keep the JVM alive.
    System.exit(status);
  }

  private static int run(Options o, Sink sink, Map<String, Object> out) throws Exception {
    Writer w = new Writer(o);
    System.err.printf(
        "sink on 127.0.0.1:%d; writing %d s of history for %d series and %d probes%n",
        sink.port(), o.historyS, o.series, o.probes);
    long t0 = now();
    w.start();
    if (!w.backfilled.await((long) (o.readyTimeoutS * 4), TimeUnit.SECONDS)) {
      return fail(w, out, "history not written in time");
    }
    out.put("history_write_s", round3((now() - t0) / 1e9));

    writeAtomically(o.rulesFile, ruleFile(o));
    String reload = post(o.base.resolve("/-/reload"));
    if (reload != null) {
      return fail(w, out, "reload: " + reload);
    }
    long loaded = now();
    System.err.println("rules loaded; waiting for every group to be evaluated twice");
    long deadline = loaded + (long) (o.readyTimeoutS * 1e9);
    while (true) {
      Map<String, Double> it = ours(metrics(o.base), "prometheus_rule_group_iterations_total");
      long done = it.values().stream().filter(v -> v >= 2).count();
      if (done >= o.groups) {
        break;
      }
      if (now() > deadline) {
        return fail(w, out, "only " + done + " of " + o.groups + " groups evaluated twice");
      }
      Thread.sleep(250);
    }
    out.put("ready_s", round3((now() - loaded) / 1e9));
    sleepUntil(now() + (long) (o.settleS * 1e9), new AtomicBoolean());
    String before = metrics(o.base);

    // ---- triggers ----
    SplittableRandom rnd = new SplittableRandom(o.seed ^ 0x5DEECE66DL);
    long start = now() + 200_000_000L;
    for (int k = 0; k < o.probes; k++) {
      w.triggers.add(new Trigger(start + (long) (rnd.nextDouble() * o.triggerS * 1e9), k));
    }
    System.err.printf("triggering %d probes over %.0f s%n", o.probes, o.triggerS);
    long missAfter = (long) (o.missAfterS * 1e9);
    long hardDeadline = start + (long) (o.triggerS * 1e9) + missAfter + 120_000_000_000L;
    while (now() < hardDeadline) {
      if (w.triggers.isEmpty() && w.inFlight.get() == 0) {
        long t = now();
        boolean waiting = false;
        for (int k = 0; k < o.probes; k++) {
          long ack = w.ackAt.get(k);
          if (ack > 0 && !sink.first.containsKey(Integer.toString(k)) && t - ack < missAfter) {
            waiting = true;
            break;
          }
        }
        if (!waiting) {
          break;
        }
      }
      Thread.sleep(50);
    }
    String after = metrics(o.base);
    w.stop();

    // ---- results ----
    List<Double> lat = new ArrayList<>();
    List<Double> slotWait = new ArrayList<>();
    List<Double> afterSlot = new ArrayList<>();
    List<Double> ackMs = new ArrayList<>();
    int misses = 0;
    int writeErrors = 0;
    for (int k = 0; k < o.probes; k++) {
      long ack = w.ackAt.get(k);
      if (ack <= 0) {
        writeErrors++;
        continue;
      }
      ackMs.add((ack - w.sentAt.get(k)) / 1e6);
      Arrival a = sink.first.get(Integer.toString(k));
      if (a == null || a.atNanos() - ack > missAfter) {
        misses++;
        continue;
      }
      lat.add((a.atNanos() - ack) / 1e9);
      if (a.startsAtNanos() != Long.MIN_VALUE) {
        slotWait.add((a.startsAtNanos() - ack) / 1e9);
        afterSlot.add((a.atNanos() - a.startsAtNanos()) / 1e9);
      }
      // Per probe, for the log: which group and where the time went.
      System.err.printf(
          Locale.ROOT,
          "probe %d group %s%d: latency %.3f s, slot wait %.3f s, after slot %.3f s%n",
          k,
          GROUP_PREFIX,
          k % o.groups,
          (a.atNanos() - ack) / 1e9,
          (a.startsAtNanos() - ack) / 1e9,
          (a.atNanos() - a.startsAtNanos()) / 1e9);
    }
    out.put("count", lat.size());
    out.put("misses", misses);
    out.put("write_errors", writeErrors);
    out.put("p50_s", pct(lat, 0.50));
    out.put("p99_s", pct(lat, 0.99));
    out.put("max_s", pct(lat, 1.0));
    out.put("min_s", pct(lat, 0.0));
    out.put(
        "mean_s",
        lat.isEmpty() ? null : round3(lat.stream().mapToDouble(d -> d).average().orElse(0)));
    out.put("slot_wait_p50_s", pct(slotWait, 0.50));
    out.put("slot_wait_p99_s", pct(slotWait, 0.99));
    out.put("after_slot_p50_s", pct(afterSlot, 0.50));
    out.put("after_slot_p99_s", pct(afterSlot, 0.99));
    out.put("after_slot_max_s", pct(afterSlot, 1.0));
    out.put("write_ack_p50_ms", pct(ackMs, 0.50));
    out.put("write_ack_p99_ms", pct(ackMs, 0.99));
    out.put("alert_posts", sink.posts.get());
    out.put("alerts_received", sink.alerts.get());
    out.put("background_requests", w.requests.get());
    out.put("background_errors", w.errors.get());
    out.put("background_max_lag_s", round3(w.maxLagNanos.get() / 1e9));
    out.put("first_write_error", w.firstError.get());
    out.put("rules_loaded", sum(ours(after, "prometheus_rule_group_rules")));
    Map<String, Double> durations = ours(after, "prometheus_rule_group_last_duration_seconds");
    out.put("group_duration_median_s", pct(new ArrayList<>(durations.values()), 0.5));
    out.put("group_duration_max_s", pct(new ArrayList<>(durations.values()), 1.0));
    out.put(
        "missed_iterations", delta(before, after, "prometheus_rule_group_iterations_missed_total"));
    out.put("rule_failures", delta(before, after, "prometheus_rule_evaluation_failures_total"));
    out.put(
        "notifications_dropped", delta(before, after, "prometheus_notifications_dropped_total"));
    out.put("notifications_errors", delta(before, after, "prometheus_notifications_errors_total"));
    Map<String, Double> plans = series(after, "cardinal_rules_streaming_plans");
    out.put("streaming_plans", plans.isEmpty() ? null : sum(plans));
    return 0;
  }

  private static int fail(Writer w, Map<String, Object> out, String error) {
    w.stop();
    out.put("error", error);
    out.put("first_write_error", w.firstError.get());
    System.err.println("error: " + error);
    return 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Rule file

  /** The rule file: {@code --alerting} common alert rules and one rule per probe. */
  static String ruleFile(Options o) {
    int names = Math.min(250, o.series);
    String[] metric = new String[names];
    for (int m = 0; m < names; m++) {
      metric[m] = LabelProfile.DEFAULT.labels(m).metricName();
    }
    // Matchers only on label values the generated series carry: a selector that matches nothing
    // would make a rule cheaper than any real one.
    int targets = Math.max(1, (o.series + 249) / 250);
    int jobs = Math.min(20, targets);
    int namespaces = Math.min(60, targets);
    List<List<String>> groups = new ArrayList<>();
    for (int g = 0; g < o.groups; g++) {
      groups.add(new ArrayList<>());
    }
    int per = Math.max(1, (o.alerting + o.groups - 1) / o.groups);
    for (int i = 0; i < o.alerting; i++) {
      String m = metric[i % names];
      int k = i / names;
      String expr;
      String forDuration;
      switch (i % 5) {
        case 0 -> {
          expr = "sum by (job) (rate(" + m + "[5m])) > 1e12";
          forDuration = "5m";
        }
        case 1 -> {
          expr = "rate(" + m + "{job=\"job-" + (k % jobs) + "\"}[5m]) < 0";
          forDuration = "0s";
        }
        case 2 -> {
          expr = "max_over_time(" + m + "{namespace=\"ns-" + (k % namespaces) + "\"}[5m]) > 1e15";
          forDuration = "0s";
        }
        case 3 -> {
          // True for every region: pending alerts the server keeps state for, never sent.
          expr = "sum by (region) (rate(" + m + "[5m])) > 0";
          forDuration = "1h";
        }
        default -> {
          expr = "absent(" + m + "{job=\"job-" + (k % jobs) + "\"})";
          forDuration = "10m";
        }
      }
      groups
          .get(Math.min(o.groups - 1, i / per))
          .add(
              rule(
                  "Alert" + i,
                  expr,
                  forDuration,
                  "warning",
                  "{{ $labels.job }} {{ $value | humanize }}"));
    }
    // Probes round-robin over the groups, evenly spaced within each: where a rule sits in its
    // group decides how long after the group's slot it is evaluated.
    for (int g = 0; g < o.groups; g++) {
      List<Integer> mine = new ArrayList<>();
      for (int k = g; k < o.probes; k += o.groups) {
        mine.add(k);
      }
      List<String> rules = groups.get(g);
      int base = rules.size();
      for (int j = mine.size() - 1; j >= 0; j--) {
        int k = mine.get(j);
        String sel = PROBE_METRIC + "{probe=\"" + k + "\"}";
        String expr =
            (k % 2 == 0 ? sel : "max_over_time(" + sel + "[1m])") + " > " + (int) THRESHOLD;
        int at = (int) ((j + 0.5) * base / mine.size());
        rules.add(
            at, rule("Probe" + k, expr, "0s", "page", "probe {{ $labels.probe }} at {{ $value }}"));
      }
    }
    StringBuilder sb = new StringBuilder("groups:\n");
    for (int g = 0; g < o.groups; g++) {
      if (groups.get(g).isEmpty()) {
        continue;
      }
      sb.append("  - name: ").append(GROUP_PREFIX).append(g).append('\n');
      sb.append("    interval: ").append(o.intervalS).append("s\n    rules:\n");
      groups.get(g).forEach(sb::append);
    }
    return sb.toString();
  }

  private static String rule(
      String name, String expr, String forDuration, String severity, String summary) {
    // Single-quoted YAML: the expressions hold double quotes and braces, never single quotes.
    return "      - alert: "
        + name
        + "\n        expr: '"
        + expr
        + "'\n        for: "
        + forDuration
        + "\n        labels: {severity: "
        + severity
        + "}\n        annotations: {summary: '"
        + summary
        + "'}\n";
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  record Trigger(long atNanos, int probe) implements Comparable<Trigger> {
    @Override
    public int compareTo(Trigger o) {
      return Long.compare(atNanos, o.atNanos);
    }
  }

  /** The background writers and the probe writer, each on its own connection and thread. */
  static final class Writer {
    final Options o;
    final long stepNanos;
    final CountDownLatch backfilled;
    final AtomicBoolean stopped = new AtomicBoolean();
    final PriorityBlockingQueue<Trigger> triggers = new PriorityBlockingQueue<>();
    final AtomicLong inFlight = new AtomicLong();
    final AtomicLongArray sentAt;
    final AtomicLongArray ackAt;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong maxLagNanos = new AtomicLong();
    final AtomicReference<String> firstError = new AtomicReference<>();
    final List<Thread> threads = new ArrayList<>();
    final URI writeUri;
    final long historyStartMs;
    final int historyRounds;

    Writer(Options o) {
      this.o = o;
      this.stepNanos = o.stepS * 1_000_000_000L;
      this.backfilled = new CountDownLatch(o.connections + 1);
      this.sentAt = new AtomicLongArray(o.probes);
      this.ackAt = new AtomicLongArray(o.probes);
      this.writeUri = o.base.resolve("/api/v1/write");
      long stepMs = o.stepS * 1000L;
      this.historyRounds = Math.max(1, o.historyS / o.stepS);
      // Aligned rounds ending one step before now: the first live sample is newer than all.
      this.historyStartMs = (now() / 1_000_000L / stepMs - historyRounds) * stepMs;
    }

    void start() {
      int per = (o.series + o.connections - 1) / o.connections;
      for (int c = 0; c < o.connections; c++) {
        int from = c * per;
        int to = Math.min(o.series, from + per);
        int conn = c;
        threads.add(daemon(() -> background(conn, from, to), "background-" + c));
      }
      threads.add(daemon(this::probes, "probes"));
      threads.forEach(Thread::start);
    }

    void stop() {
      stopped.set(true);
      for (Thread t : threads) {
        try {
          t.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private void background(int conn, int from, int to) {
      HttpClient client = client();
      boolean counted = false;
      try {
        int n = to - from;
        byte[][] labels = new byte[n][];
        double[] values = new double[n];
        ValueModel[] models = new ValueModel[n];
        SplittableRandom rnd = new SplittableRandom(o.seed * 1_000_003L + conn);
        for (int i = 0; i < n; i++) {
          labels[i] = RemoteWriteLoad.encodeLabels(LabelProfile.DEFAULT.labels(from + i));
          models[i] = ValueModel.forSeries(from + i);
          values[i] = models[i].initial(rnd);
        }
        int batches = (n + o.batch - 1) / o.batch;
        for (int r = 0; r < historyRounds && !stopped.get(); r++) {
          long ts = historyStartMs + r * o.stepS * 1000L;
          for (int b = 0; b < batches && !stopped.get(); b++) {
            sendBatch(client, labels, values, models, rnd, b, n, ts);
          }
        }
        backfilled.countDown();
        counted = true;
        long lastTs = historyStartMs + (historyRounds - 1) * o.stepS * 1000L;
        long round = now();
        while (!stopped.get()) {
          for (int b = 0; b < batches && !stopped.get(); b++) {
            // Spread over the step as a fleet of scrapers would, not in one burst per step.
            long due = round + b * stepNanos / batches;
            sleepUntil(due, stopped);
            maxLagNanos.accumulateAndGet(now() - due, Math::max);
            long ts = Math.max(now() / 1_000_000L, lastTs + 1);
            lastTs = ts;
            sendBatch(client, labels, values, models, rnd, b, n, ts);
          }
          round += stepNanos;
          sleepUntil(round, stopped);
        }
      } catch (Exception e) {
        firstError.compareAndSet(null, e.toString());
      } finally {
        if (!counted) {
          backfilled.countDown();
        }
      }
    }

    private void sendBatch(
        HttpClient client,
        byte[][] labels,
        double[] values,
        ValueModel[] models,
        SplittableRandom rnd,
        int b,
        int n,
        long ts)
        throws IOException, InterruptedException {
      int lo = b * o.batch;
      int hi = Math.min(n, lo + o.batch);
      for (int i = lo; i < hi; i++) {
        values[i] = models[i].next(values[i], rnd);
      }
      requests.incrementAndGet();
      if (send(client, RemoteWriteLoad.encodeRequest(labels, values, lo, hi, ts)) / 100 != 2) {
        errors.incrementAndGet();
      }
    }

    private void probes() {
      HttpClient client = client();
      boolean counted = false;
      try {
        byte[][] labels = new byte[o.probes][];
        double[] values = new double[o.probes];
        SplittableRandom rnd = new SplittableRandom(o.seed * 7_919L);
        for (int k = 0; k < o.probes; k++) {
          labels[k] =
              RemoteWriteLoad.encodeLabels(
                  Labels.of(
                      Labels.METRIC_NAME,
                      PROBE_METRIC,
                      "job",
                      "probe",
                      "instance",
                      "probe-" + k,
                      "probe",
                      Integer.toString(k)));
        }
        for (int r = 0; r < historyRounds && !stopped.get(); r++) {
          below(values, rnd);
          sendChecked(
              client,
              RemoteWriteLoad.encodeRequest(
                  labels, values, 0, o.probes, historyStartMs + r * o.stepS * 1000L));
        }
        backfilled.countDown();
        counted = true;
        long lastTs = historyStartMs + (historyRounds - 1) * o.stepS * 1000L;
        long heartbeat = now();
        boolean[] fired = new boolean[o.probes];
        while (!stopped.get()) {
          long t = now();
          Trigger next = triggers.peek();
          if (next != null && next.atNanos() <= t) {
            inFlight.incrementAndGet();
            triggers.poll();
            int k = next.probe();
            fired[k] = true;
            values[k] = THRESHOLD * 10;
            long ts = Math.max(t / 1_000_000L, lastTs + 1);
            lastTs = ts;
            // Only this sample in the request: its acknowledgement is the trigger's.
            byte[] body = RemoteWriteLoad.encodeRequest(labels, values, k, k + 1, ts);
            long sent = now();
            int code = send(client, body);
            long ack = now();
            if (code / 100 == 2) {
              sentAt.set(k, sent);
              ackAt.set(k, ack);
            }
            inFlight.decrementAndGet();
            continue;
          }
          if (heartbeat <= t) {
            // Keeps every probe series fresh (within the lookback) with a value below the
            // threshold until it fires; fired ones stay above.
            for (int k = 0; k < o.probes; k++) {
              values[k] = fired[k] ? THRESHOLD * 10 : rnd.nextDouble() * THRESHOLD / 2;
            }
            long ts = Math.max(t / 1_000_000L, lastTs + 1);
            lastTs = ts;
            sendChecked(client, RemoteWriteLoad.encodeRequest(labels, values, 0, o.probes, ts));
            heartbeat += stepNanos;
            continue;
          }
          long wake = Math.min(heartbeat, next == null ? t + 50_000_000L : next.atNanos());
          LockSupport.parkNanos(Math.min(wake - t, 50_000_000L));
        }
      } catch (Exception e) {
        firstError.compareAndSet(null, "probes: " + e);
      } finally {
        if (!counted) {
          backfilled.countDown();
        }
      }
    }

    private static void below(double[] values, SplittableRandom rnd) {
      for (int k = 0; k < values.length; k++) {
        values[k] = rnd.nextDouble() * THRESHOLD / 2;
      }
    }

    private void sendChecked(HttpClient client, byte[] raw)
        throws IOException, InterruptedException {
      requests.incrementAndGet();
      if (send(client, raw) / 100 != 2) {
        errors.incrementAndGet();
      }
    }

    /** POSTs one uncompressed WriteRequest; the status, or -1 when the exchange failed. */
    private int send(HttpClient client, byte[] raw) throws IOException, InterruptedException {
      HttpRequest req =
          RemoteWriteLoad.writeRequest(writeUri, Snappy.compress(raw), "cardinal-alert-latency");
      try {
        HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() / 100 != 2) {
          firstError.compareAndSet(
              null, resp.statusCode() + " " + resp.body().lines().findFirst().orElse("").strip());
        }
        return resp.statusCode();
      } catch (IOException e) {
        firstError.compareAndSet(null, e.toString());
        return -1;
      }
    }

    private static HttpClient client() {
      return HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The receiver

  record Arrival(long atNanos, long startsAtNanos) {}

  /** An Alertmanager v2 alerts endpoint that only records when each probe's alert first came. */
  static final class Sink implements AutoCloseable {
    final HttpServer server;
    final Map<String, Arrival> first = new ConcurrentHashMap<>();
    final AtomicLong posts = new AtomicLong();
    final AtomicLong alerts = new AtomicLong();

    Sink(int port) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
      server.createContext("/", this::handle);
      // Several threads: a slow request must not delay the arrival time of the next.
      server.setExecutor(
          Executors.newFixedThreadPool(
              4,
              r -> {
                Thread t = new Thread(r, "alert-sink");
                t.setDaemon(true);
                return t;
              }));
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
      long at = now();
      try {
        byte[] body = ex.getRequestBody().readAllBytes();
        if (!"POST".equals(ex.getRequestMethod())
            || !"/api/v2/alerts".equals(ex.getRequestURI().getPath())) {
          ex.sendResponseHeaders(404, -1);
          return;
        }
        JsonNode arr;
        try {
          arr = MAPPER.readTree(body);
        } catch (IOException e) {
          ex.sendResponseHeaders(400, -1);
          return;
        }
        posts.incrementAndGet();
        for (JsonNode a : arr) {
          alerts.incrementAndGet();
          JsonNode probe = a.path("labels").path("probe");
          if (probe.isTextual()) {
            first.putIfAbsent(
                probe.asText(), new Arrival(at, parseTime(a.path("startsAt").asText(""))));
          }
        }
        ex.sendResponseHeaders(200, -1);
      } finally {
        ex.close();
      }
    }

    private static long parseTime(String s) {
      try {
        var i = OffsetDateTime.parse(s).toInstant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
      } catch (DateTimeParseException e) {
        return Long.MIN_VALUE;
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The server's own figures

  /**
   * One HTTP/1.1 client for the polling of /metrics and the reloads. A client per request, with
   * HTTP/2 by h2c upgrade, had a /metrics response wait for the server's idle timeout (five
   * minutes) with no server thread busy, and failed the run; reusing one connection avoids both.
   */
  private static final HttpClient ADMIN =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static String metrics(URI base) throws IOException, InterruptedException {
    HttpResponse<String> r =
        ADMIN.send(
            HttpRequest.newBuilder(base.resolve("/metrics"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? r.body() : "";
  }

  /** POSTs an empty body; null on 2xx, else what went wrong. */
  private static String post(URI uri) throws InterruptedException {
    try {
      HttpResponse<String> r =
          ADMIN.send(
              HttpRequest.newBuilder(uri)
                  .timeout(Duration.ofSeconds(600))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() / 100 == 2 ? null : r.statusCode() + " " + r.body().strip();
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Samples of metric {@code name} in a text exposition, by their label set. */
  static Map<String, Double> series(String text, String name) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith(name) || line.length() <= name.length()) {
        continue;
      }
      char c = line.charAt(name.length());
      if (c != '{' && c != ' ') {
        continue;
      }
      int end = c == '{' ? line.lastIndexOf('}') + 1 : name.length();
      String[] rest = line.substring(end).trim().split("\\s+");
      try {
        m.put(line.substring(name.length(), end), Double.parseDouble(rest[0]));
      } catch (NumberFormatException e) {
        // not a sample line
      }
    }
    return m;
  }

  /** The samples of this benchmark's groups only. */
  static Map<String, Double> ours(String text, String name) {
    Map<String, Double> m = new LinkedHashMap<>();
    series(text, name)
        .forEach(
            (k, v) -> {
              if (k.contains(";" + GROUP_PREFIX)) {
                m.put(k, v);
              }
            });
    return m;
  }

  private static double sum(Map<String, Double> m) {
    return m.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static double delta(String before, String after, String name) {
    return sum(series(after, name)) - sum(series(before, name));
  }

  // ---------------------------------------------------------------------------------------------

  /** Nearest-rank percentile, rounded to the millisecond; null for no values. */
  static Double pct(List<Double> values, double p) {
    if (values.isEmpty()) {
      return null;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    int rank = (int) Math.ceil(p * v.length);
    return round3(v[Math.max(0, Math.min(v.length - 1, rank - 1))]);
  }

  private static double round3(double d) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.3f", d));
  }

  private static void sleepUntil(long deadlineNanos, AtomicBoolean stop) {
    long t;
    while (!stop.get() && (t = now()) < deadlineNanos) {
      LockSupport.parkNanos(Math.min(deadlineNanos - t, 100_000_000L));
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
