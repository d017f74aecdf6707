package io.cardinal.notifier;

import io.cardinal.config.Config;
import io.cardinal.config.Config.AlertmanagerConfig;
import io.cardinal.config.RelabelConfig;
import io.cardinal.config.Relabeler;
import io.cardinal.exposition.MetricsSource;
import io.cardinal.scrape.BuildInfo;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alerts to Alertmanagers as Prometheus's notifier does.
 *
 * <p>{@link #send} relabels the alerts (external labels first, then {@code alert_relabel_configs})
 * and appends them to a bounded queue; it never blocks, and beyond the capacity the oldest queued
 * alerts are dropped. One dispatcher thread takes up to the batch size (default {@value
 * #MAX_BATCH_SIZE}) alerts at a time and POSTs them, as one JSON body, to every Alertmanager of
 * every set at once, each request bounded by its set's timeout; a set's own {@code
 * alert_relabel_configs} apply first, and a set left with no alerts gets no request. The batch
 * counts as delivered when every set it was sent to had at least one Alertmanager answer 2xx;
 * otherwise its alerts count as dropped. A failed batch is not retried: the rule engine resends
 * firing alerts.
 *
 * <p>Alertmanagers come from each set's static and file discovery; file_sd files are polled in the
 * background (every {@value #POLL_INTERVAL_MS} ms for changes, fully once per refresh_interval).
 *
 * <p>Thread safety: {@link #send} may be called from any thread (rule evaluation), {@link #apply}
 * from the reload thread; the configuration is one immutable snapshot replaced as a whole.
 */
public final class Notifier implements MetricsSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);

  /** Alerts per request, as Prometheus's {@code --alertmanager.notification-batch-size}. */
  public static final int MAX_BATCH_SIZE = 256;

  private final int batchSize;

  static final String USER_AGENT = "Cardinal/" + BuildInfo.VERSION;
  static final long POLL_INTERVAL_MS = 1_000;

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** What {@link #apply} installs: replaced as a whole, never changed in place. */
  private record State(
      Labels externalLabels, List<RelabelConfig> alertRelabelConfigs, List<AlertmanagerSet> sets) {
    static final State EMPTY = new State(Labels.EMPTY, List.of(), List.of());
  }

  private final int capacity;
  private final boolean drainOnShutdown;
  private final NotifierMetrics metrics = new NotifierMetrics();

  /** Guards {@link #queue} and {@link #closed}; the dispatcher waits on it. */
  private final Object lock = new Object();

  private final ArrayDeque<Alert> queue = new ArrayDeque<>();
  private boolean closed;

  private volatile State state = State.EMPTY;

  /** Serializes {@link #apply} with the discovery polls. */
  private final Object discoveryLock = new Object();

  private final ExecutorService httpExecutor;
  private final ScheduledExecutorService discovery;
  private final Thread dispatcher;

  /**
   * A notifier with nothing to send to until {@link #apply}; its threads start now.
   *
   * @param queueCapacity {@code --alertmanager.notification-queue-capacity} (Prometheus: 10000)
   * @param drainOnShutdown {@code --alertmanager.drain-notification-queue-on-shutdown} (true)
   */
  public Notifier(int queueCapacity, boolean drainOnShutdown) {
    this(queueCapacity, drainOnShutdown, MAX_BATCH_SIZE);
  }

  /**
   * @param batchSize {@code --alertmanager.notification-batch-size} (Prometheus 3: 256): most
   *     alerts per request
   */
  public Notifier(int queueCapacity, boolean drainOnShutdown, int batchSize) {
    if (queueCapacity <= 0) {
      throw new IllegalArgumentException("queue capacity must be positive: " + queueCapacity);
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive: " + batchSize);
    }
    this.batchSize = batchSize;
    this.capacity = queueCapacity;
    this.drainOnShutdown = drainOnShutdown;
    int id = INSTANCES.incrementAndGet();
    AtomicInteger httpThreads = new AtomicInteger();
    this.httpExecutor =
        Executors.newCachedThreadPool(
            r -> daemon(r, "notifier-" + id + "-http-" + httpThreads.incrementAndGet()));
    this.discovery =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "notifier-" + id + "-discovery"));
    this.discovery.scheduleWithFixedDelay(
        this::pollDiscovery, POLL_INTERVAL_MS, POLL_INTERVAL_MS, TimeUnit.MILLISECONDS);
    this.dispatcher = daemon(this::dispatch, "notifier-" + id + "-dispatcher");
    this.dispatcher.start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Applies (or re-applies on reload) the alerting section: {@code externalLabels} are added to
   * every alert that lacks them, relative file_sd paths resolve against {@code baseDir}. Static
   * targets and the file_sd files as they are now take effect before this returns; the files are
   * then polled in the background. Queued alerts stay queued and go to the new Alertmanagers.
   *
   * @throws IllegalArgumentException when a set's TLS settings cannot be loaded (a CA or key file
   *     that is missing or invalid); the previous configuration then stays in force
   */
  public void apply(Config.Alerting alerting, Labels externalLabels, Path baseDir) {
    Path base = baseDir == null ? Path.of("") : baseDir;
    synchronized (discoveryLock) {
      long now = System.currentTimeMillis();
      List<AlertmanagerSet> sets = new ArrayList<>();
      for (AlertmanagerConfig c : alerting.alertmanagers()) {
        try {
          sets.add(new AlertmanagerSet(c, base, httpExecutor, now));
        } catch (IOException e) {
          throw new IllegalArgumentException(
              "alertmanager_config " + sets.size() + ": " + e.getMessage(), e);
        }
      }
      state =
          new State(
              externalLabels == null ? Labels.EMPTY : externalLabels,
              alerting.alertRelabelConfigs(),
              List.copyOf(sets));
      retainMetrics();
    }
  }

  private void pollDiscovery() {
    try {
      synchronized (discoveryLock) {
        long now = System.currentTimeMillis();
        boolean changed = false;
        for (AlertmanagerSet s : state.sets()) {
          changed |= s.poll(now, false);
        }
        if (changed) {
          retainMetrics();
        }
      }
    } catch (RuntimeException e) {
      log.error("msg=\"Alertmanager discovery failed\" component=\"notifier\" err=\"{}\"", e, e);
    }
  }

  private void retainMetrics() {
    Set<String> urls = new LinkedHashSet<>();
    for (AlertmanagerSet s : state.sets()) {
      urls.addAll(s.active());
    }
    metrics.retain(urls);
  }

  /**
   * Queues alerts for sending: external labels are added where an alert lacks them, then the global
   * {@code alert_relabel_configs} apply; alerts they drop, or leave without labels, are not queued.
   * When the queue would exceed its capacity the oldest alerts are dropped (and counted in {@code
   * prometheus_notifications_dropped_total}). Never blocks on the network.
   */
  public void send(List<Alert> alerts) {
    if (alerts.isEmpty()) {
      return;
    }
    State s = state;
    List<Alert> relabeled = relabel(alerts, s.externalLabels(), s.alertRelabelConfigs());
    if (relabeled.isEmpty()) {
      return;
    }
    synchronized (lock) {
      if (closed) {
        metrics.dropped.addAndGet(relabeled.size());
        log.warn(
            "msg=\"Notifier closed, dropping alerts\" component=\"notifier\" num_dropped={}",
            relabeled.size());
        return;
      }
      int over = relabeled.size() - capacity;
      if (over > 0) {
        relabeled = relabeled.subList(over, relabeled.size());
        metrics.dropped.addAndGet(over);
        log.warn(
            "msg=\"Alert batch larger than queue capacity, dropping alerts\""
                + " component=\"notifier\" num_dropped={}",
            over);
      }
      int full = queue.size() + relabeled.size() - capacity;
      if (full > 0) {
        for (int i = 0; i < full; i++) {
          queue.pollFirst();
        }
        metrics.dropped.addAndGet(full);
        log.warn(
            "msg=\"Alert notification queue full, dropping alerts\" component=\"notifier\""
                + " num_dropped={}",
            full);
      }
      queue.addAll(relabeled);
      lock.notifyAll();
    }
  }

  /**
   * Adds the external labels an alert lacks, then relabels; drops alerts the configs drop or leave
   * empty.
   */
  static List<Alert> relabel(
      List<Alert> alerts, Labels externalLabels, List<RelabelConfig> configs) {
    if (externalLabels.isEmpty() && configs.isEmpty()) {
      List<Alert> out = new ArrayList<>(alerts.size());
      for (Alert a : alerts) {
        if (!a.labels().isEmpty()) {
          out.add(a);
        }
      }
      return out;
    }
    List<Alert> out = new ArrayList<>(alerts.size());
    for (Alert a : alerts) {
      Labels l = a.labels();
      if (!externalLabels.isEmpty()) {
        Labels.Builder b = null;
        for (int i = 0; i < externalLabels.size(); i++) {
          if (!l.has(externalLabels.name(i))) {
            if (b == null) {
              b = l.toBuilder();
            }
            b.set(externalLabels.name(i), externalLabels.value(i));
          }
        }
        if (b != null) {
          l = b.build();
        }
      }
      l = Relabeler.process(l, configs);
      if (l == null || l.isEmpty()) {
        continue;
      }
      out.add(l == a.labels() ? a : a.withLabels(l));
    }
    return out;
  }

  /** The Alertmanagers alerts go to now, every set in configuration order. */
  public List<AlertmanagerTarget> activeAlertmanagers() {
    List<AlertmanagerTarget> out = new ArrayList<>();
    for (AlertmanagerSet s : state.sets()) {
      for (String u : s.active()) {
        out.add(new AlertmanagerTarget(u));
      }
    }
    return out;
  }

  /** The discovered Alertmanagers that {@code relabel_configs} dropped, with their URLs before. */
  public List<AlertmanagerTarget> droppedAlertmanagers() {
    List<AlertmanagerTarget> out = new ArrayList<>();
    for (AlertmanagerSet s : state.sets()) {
      for (String u : s.dropped()) {
        out.add(new AlertmanagerTarget(u));
      }
    }
    return out;
  }

  /** Alerts queued and not yet taken by the dispatcher. */
  public int queueLength() {
    synchronized (lock) {
      return queue.size();
    }
  }

  @Override
  public void writeMetrics(StringBuilder sb) {
    int discovered = 0;
    for (AlertmanagerSet s : state.sets()) {
      discovered += s.active().size();
    }
    metrics.write(sb, capacity, queueLength(), discovered);
  }

  /**
   * Stops the notifier. With drainOnShutdown the queued alerts are sent first, batch after batch,
   * each request bounded by its set's timeout (draining stops early when a batch reached no
   * Alertmanager at all, the rest counting as dropped); without it they are dropped and counted.
   * Returns when the dispatcher has finished. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      lock.notifyAll();
    }
    discovery.shutdownNow();
    try {
      dispatcher.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    httpExecutor.shutdownNow();
  }

  private List<Alert> nextBatch() {
    int n = Math.min(batchSize, queue.size());
    List<Alert> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(queue.pollFirst());
    }
    return batch;
  }

  private void dispatch() {
    while (true) {
      List<Alert> batch;
      synchronized (lock) {
        while (queue.isEmpty() && !closed) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            // Only close() ends the dispatcher.
          }
        }
        if (closed) {
          break;
        }
        batch = nextBatch();
      }
      sendBatch(batch);
    }
    if (!drainOnShutdown) {
      int left;
      synchronized (lock) {
        left = queue.size();
        queue.clear();
      }
      if (left > 0) {
        metrics.dropped.addAndGet(left);
        log.warn(
            "msg=\"Draining remaining notifications on shutdown is disabled, and some"
                + " notifications have been dropped\" component=\"notifier\" count={}",
            left);
      }
      return;
    }
    log.info("msg=\"Draining any remaining notifications...\" component=\"notifier\"");
    while (true) {
      List<Alert> batch;
      synchronized (lock) {
        if (queue.isEmpty()) {
          break;
        }
        batch = nextBatch();
      }
      Outcome o = sendBatch(batch);
      if (o.attempted > 0 && o.accepted == 0) {
        int left;
        synchronized (lock) {
          left = queue.size();
          queue.clear();
        }
        if (left > 0) {
          metrics.dropped.addAndGet(left);
          log.warn(
              "msg=\"No Alertmanager reachable while draining, dropping the remaining"
                  + " notifications\" component=\"notifier\" count={}",
              left);
        }
        break;
      }
    }
    log.info("msg=\"Remaining notifications drained\" component=\"notifier\"");
  }

  /** What one batch came to: requests made, requests answered 2xx. */
  private record Outcome(int attempted, int accepted) {}

  /** One request in flight; {@code result} completes with it (null error for a 2xx answer). */
  private record Pending(
      int set,
      String url,
      int count,
      long deadlineNanos,
      CompletableFuture<HttpResponse<Void>> request,
      CompletableFuture<Result> result) {}

  /** How one request ended: the error (null when answered 2xx) and when it ended. */
  private record Result(String error, long endNanos) {}

  /** Sends one batch; its alerts count as dropped when a set it was meant for got it nowhere. */
  private Outcome sendBatch(List<Alert> batch) {
    try {
      return sendAll(batch);
    } catch (RuntimeException e) {
      log.error("msg=\"Sending alerts failed\" component=\"notifier\" err=\"{}\"", e, e);
      metrics.dropped.addAndGet(batch.size());
      return new Outcome(0, 0);
    }
  }

  private Outcome sendAll(List<Alert> batch) {
    List<AlertmanagerSet> sets = state.sets();
    long begin = System.nanoTime();
    byte[] shared = null;
    List<Pending> pending = new ArrayList<>();
    boolean[] attempted = new boolean[sets.size()];
    boolean[] covered = new boolean[sets.size()];
    for (int k = 0; k < sets.size(); k++) {
      AlertmanagerSet s = sets.get(k);
      List<String> urls = s.active();
      if (urls.isEmpty()) {
        continue;
      }
      List<Alert> amAlerts = batch;
      byte[] payload;
      if (!s.config.alertRelabelConfigs().isEmpty()) {
        amAlerts = relabel(batch, Labels.EMPTY, s.config.alertRelabelConfigs());
        if (amAlerts.isEmpty()) {
          continue;
        }
        payload = AlertJson.encode(amAlerts);
      } else {
        if (shared == null) {
          shared = AlertJson.encode(batch);
        }
        payload = shared;
      }
      attempted[k] = true;
      String auth;
      try {
        auth = s.authorizationHeader();
      } catch (IOException e) {
        for (String u : urls) {
          recordError(
              u,
              amAlerts.size(),
              "unable to read authorization credentials: " + e.getMessage(),
              System.nanoTime() - begin);
        }
        continue;
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(s.config.timeoutMs());
      for (String u : urls) {
        CompletableFuture<HttpResponse<Void>> request;
        try {
          request = s.post(u, payload, auth);
        } catch (RuntimeException e) {
          recordError(u, amAlerts.size(), e.toString(), System.nanoTime() - begin);
          continue;
        }
        CompletableFuture<Result> result =
            request.handle(
                (r, ex) -> {
                  long end = System.nanoTime();
                  if (ex != null) {
                    Throwable c = ex.getCause() != null ? ex.getCause() : ex;
                    return new Result(c.toString(), end);
                  }
                  int code = r.statusCode();
                  return new Result(code / 100 == 2 ? null : "bad response status " + code, end);
                });
        pending.add(new Pending(k, u, amAlerts.size(), deadline, request, result));
      }
    }
    int accepted = 0;
    for (Pending p : pending) {
      Result r = await(p);
      if (r.error() == null) {
        accepted++;
        covered[p.set()] = true;
        NotifierMetrics.PerAlertmanager m = metrics.of(p.url());
        if (m != null) {
          m.latency.observe((r.endNanos() - begin) / 1e9, System.currentTimeMillis());
          m.sent.addAndGet(p.count());
        }
      } else {
        recordError(p.url(), p.count(), r.error(), r.endNanos() - begin);
      }
    }
    for (int k = 0; k < sets.size(); k++) {
      if (attempted[k] && !covered[k]) {
        metrics.dropped.addAndGet(batch.size());
        break;
      }
    }
    return new Outcome(pending.size(), accepted);
  }

  /** Waits for one request until its deadline, then cancels it. */
  private static Result await(Pending p) {
    try {
      long left = p.deadlineNanos() - System.nanoTime();
      return p.result().get(Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      p.request().cancel(true);
      return new Result("request timed out", System.nanoTime());
    } catch (ExecutionException e) {
      return new Result(String.valueOf(e.getCause()), System.nanoTime());
    } catch (InterruptedException e) {
      p.request().cancel(true);
      Thread.currentThread().interrupt();
      return new Result("interrupted", System.nanoTime());
    }
  }

  /** An Alertmanager that did not take a batch: logged, and counted in errors and sent. */
  private void recordError(String url, int count, String err, long elapsedNanos) {
    log.error(
        "msg=\"Error sending alerts\" component=\"notifier\" alertmanager={} count={} err=\"{}\"",
        url,
        count,
        err);
    NotifierMetrics.PerAlertmanager m = metrics.of(url);
    if (m != null) {
      m.errors.addAndGet(count);
      m.latency.observe(elapsedNanos / 1e9, System.currentTimeMillis());
      m.sent.addAndGet(count);
    }
  }
}
