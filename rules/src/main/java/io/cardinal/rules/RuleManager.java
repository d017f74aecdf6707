package io.cardinal.rules;

import io.cardinal.Cardinal;
import io.cardinal.exposition.MetricsSource;
import io.cardinal.exposition.Summary;
import io.cardinal.promql.engine.Engine;
import io.cardinal.promql.engine.EngineOptions;
import io.cardinal.promql.engine.Queryable;
import io.cardinal.tsdb.Appender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs recording and alerting rules against a database, as Prometheus's rule manager does: groups
 * on their own schedule, results written back, alerts handed to {@link AlertListener}s (the
 * server's notifier, or an embedder's code).
 *
 * <pre>{@code
 * RuleManager rules = new RuleManager(db, RuleOptions.defaults());
 * rules.addListener(new AlertListener() {
 *   public void stateChanged(String rule, ActiveAlert a, AlertState previous) { ... }
 * });
 * rules.update(RuleFiles.load(Path.of("rules.yml")));
 * }</pre>
 *
 * <p>{@link #update} replaces the groups: an unchanged group keeps running untouched, a changed one
 * restarts with the state of its unchanged alerting rules, a removed one has its series marked
 * stale.
 */
public final class RuleManager implements MetricsSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RuleManager.class);

  private final RuleContext ctx;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Group> groups = new LinkedHashMap<>();
  // Prometheus's objectives for this summary.
  private final Summary groupDurations = new Summary(10 * 60_000L, 0.01, 0.05, 0.5, 0.9, 0.99);
  private boolean started;
  private boolean closed;

  /** Rules over an embedded database with a default PromQL engine. */
  public RuleManager(Cardinal db, RuleOptions options) {
    this(
        new Engine(
            EngineOptions.defaults().withNoStepSubqueryInterval(options.evaluationInterval())),
        db::querier,
        db::appender,
        System::currentTimeMillis,
        options);
  }

  /**
   * Rules over any storage: {@code storage} for queries, {@code appenders} for results (one
   * appender per evaluation), {@code clockMs} for wall time.
   */
  public RuleManager(
      Engine engine,
      Queryable storage,
      Supplier<Appender> appenders,
      LongSupplier clockMs,
      RuleOptions options) {
    this.ctx = new RuleContext(engine, storage, appenders, clockMs, options);
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf =
        r -> {
          Thread t = new Thread(r, "rule-eval-" + n.incrementAndGet());
          t.setDaemon(true);
          // Rules yield to scraping and queries when the processors are busy.
          t.setPriority(Thread.NORM_PRIORITY - 1);
          return t;
        };
    this.scheduler = Executors.newScheduledThreadPool(options.threads(), tf);
  }

  public void addListener(AlertListener l) {
    ctx.listeners.add(l);
  }

  public void removeListener(AlertListener l) {
    ctx.listeners.remove(l);
  }

  private volatile StreamingBackend streaming;

  /**
   * Evaluates the rules it can take incrementally from the append path (null: every rule as a
   * query). Applies to groups started from now on; call before {@link #update}.
   */
  public void setStreamingBackend(StreamingBackend backend) {
    this.streaming = backend;
  }

  /** Changes the engine rules query through (a reload changed the evaluation interval). */
  public void setEngine(Engine engine) {
    ctx.engine = engine;
  }

  /** Changes the options (a reload changed the global section); running groups keep theirs. */
  public void setOptions(RuleOptions options) {
    ctx.options = options;
  }

  /** Loads rule files and applies them; on error nothing changes. */
  public void loadFiles(List<Path> files) throws RuleFileException {
    update(RuleFiles.load(files));
  }

  /** Replaces the running groups with {@code specs}. */
  public synchronized void update(List<GroupSpec> specs) {
    if (closed) {
      throw new IllegalStateException("rule manager is closed");
    }
    boolean firstLoad = !started;
    started = true;
    Map<String, Group> next = new LinkedHashMap<>();
    for (GroupSpec s : specs) {
      if (next.containsKey(s.key())) {
        throw new IllegalArgumentException("rule group " + s.key() + " given twice");
      }
      Group old = groups.get(s.key());
      if (old != null && old.spec.equals(s) && intervalOf(s) == old.intervalMs) {
        next.put(s.key(), old);
        continue;
      }
      Group g = new Group(s, ctx.options);
      StreamingBackend backend = streaming;
      if (backend != null) {
        g.startStreaming(backend);
      }
      if (old != null) {
        g.copyStateFrom(old);
      } else {
        g.shouldRestore = firstLoad;
        if (!firstLoad) {
          // A group added by a reload has no state to restore: its alerts count from now.
          g.rules.stream()
              .filter(r -> r instanceof AlertingRule)
              .forEach(r -> ((AlertingRule) r).restored = true);
        }
      }
      next.put(s.key(), g);
    }
    for (Map.Entry<String, Group> e : groups.entrySet()) {
      Group old = e.getValue();
      if (next.get(e.getKey()) == old) {
        continue;
      }
      stop(old);
      if (!next.containsKey(e.getKey())) {
        long now = ctx.clockMs.getAsLong();
        // Two intervals give a renamed rule the chance to write its series first.
        scheduler.schedule(
            () -> old.markAllStale(ctx, now), 2 * old.intervalMs, TimeUnit.MILLISECONDS);
      }
    }
    for (Group g : next.values()) {
      if (groups.get(g.key()) != g) {
        schedule(g, true);
      }
    }
    groups.clear();
    groups.putAll(next);
  }

  private long intervalOf(GroupSpec s) {
    return s.intervalMs() > 0 ? s.intervalMs() : ctx.options.evaluationIntervalMs();
  }

  private void stop(Group g) {
    g.stopped = true;
    g.stopStreaming();
    if (g.next != null) {
      g.next.cancel(false);
    }
  }

  private void schedule(Group g, boolean first) {
    long nowNanos = ctx.clockMs.getAsLong() * 1_000_000L;
    if (first) {
      g.nextSlotNanos = g.evalTimestampNanos(nowNanos) + g.intervalMs * 1_000_000L;
    }
    long delayNanos = Math.max(0, g.nextSlotNanos - nowNanos);
    g.next = scheduler.schedule(() -> run(g), delayNanos, TimeUnit.NANOSECONDS);
  }

  private void run(Group g) {
    if (g.stopped) {
      return;
    }
    long interval = g.intervalMs * 1_000_000L;
    long slot = g.nextSlotNanos;
    try {
      g.eval(ctx, Math.floorDiv(slot, 1_000_000L));
      groupDurations.observe(g.lastDurationNanos / 1e9);
      if (g.shouldRestore) {
        g.shouldRestore = false;
        long now = ctx.clockMs.getAsLong();
        for (Rule r : g.rules) {
          if (r instanceof AlertingRule ar) {
            ar.restore(ctx, now);
          }
        }
      }
    } catch (RuntimeException e) {
      log.error("msg=\"Rule group evaluation failed\" group=\"{}\"", g.key(), e);
    }
    synchronized (this) {
      if (g.stopped || closed) {
        return;
      }
      long nowNanos = ctx.clockMs.getAsLong() * 1_000_000L;
      long next = slot + interval;
      if (nowNanos >= next + interval) {
        // Evaluations that could not start in their slot are skipped, not run late.
        long skipped = (nowNanos - next) / interval;
        g.missed.addAndGet(skipped);
        next += skipped * interval;
      }
      g.nextSlotNanos = next;
      schedule(g, false);
    }
  }

  /** The groups in the order of their files, with each rule's last evaluation. */
  public synchronized List<GroupStatus> groups() {
    List<GroupStatus> out = new ArrayList<>();
    Warnings w = warnings;
    for (Group g : groups.values()) {
      out.add(g.status(r -> w == null ? List.of() : w.of(g.spec, r)));
    }
    return out;
  }

  /** What a linter says about one rule of one group; an empty list when nothing. */
  @FunctionalInterface
  public interface Warnings {
    List<String> of(GroupSpec group, RuleSpec rule);
  }

  private volatile Warnings warnings;

  /**
   * Attaches warnings to the rules, shown in {@link #groups()} (and so in /api/v1/rules) until
   * replaced: the server lints the rules against the stored data when they load.
   */
  public void setWarnings(Warnings w) {
    this.warnings = w;
  }

  /** Every pending or firing alert. */
  public synchronized List<ActiveAlert> alerts() {
    List<ActiveAlert> out = new ArrayList<>();
    for (Group g : groups.values()) {
      for (Rule r : g.rules) {
        if (r instanceof AlertingRule ar) {
          out.addAll(ar.activeAlerts());
        }
      }
    }
    return out;
  }

  @Override
  public void writeMetrics(StringBuilder sb) {
    List<Group> gs;
    synchronized (this) {
      gs = new ArrayList<>(groups.values());
    }
    family(
        sb,
        "prometheus_rule_evaluations_total",
        "counter",
        "The total number of rule evaluations.");
    for (Group g : gs) {
      sample(sb, "prometheus_rule_evaluations_total", g, g.evaluations.get());
    }
    family(
        sb,
        "prometheus_rule_evaluation_failures_total",
        "counter",
        "The total number of rule evaluation failures.");
    for (Group g : gs) {
      sample(sb, "prometheus_rule_evaluation_failures_total", g, g.failures.get());
    }
    family(
        sb,
        "prometheus_rule_group_iterations_total",
        "counter",
        "The total number of scheduled rule group evaluations, whether executed or missed.");
    for (Group g : gs) {
      sample(sb, "prometheus_rule_group_iterations_total", g, g.iterations.get() + g.missed.get());
    }
    family(
        sb,
        "prometheus_rule_group_iterations_missed_total",
        "counter",
        "The total number of rule group evaluations missed due to slow rule group evaluation.");
    for (Group g : gs) {
      sample(sb, "prometheus_rule_group_iterations_missed_total", g, g.missed.get());
    }
    family(sb, "prometheus_rule_group_interval_seconds", "gauge", "The interval of a rule group.");
    for (Group g : gs) {
      sample(sb, "prometheus_rule_group_interval_seconds", g, g.intervalMs / 1000.0);
    }
    family(
        sb,
        "prometheus_rule_group_last_duration_seconds",
        "gauge",
        "The duration of the last rule group evaluation.");
    for (Group g : gs) {
      sample(sb, "prometheus_rule_group_last_duration_seconds", g, g.lastDurationNanos / 1e9);
    }
    family(
        sb,
        "prometheus_rule_group_last_rule_duration_sum_seconds",
        "gauge",
        "The sum of time in seconds it took to evaluate each rule in the group regardless of"
            + " concurrency.");
    for (Group g : gs) {
      sample(
          sb,
          "prometheus_rule_group_last_rule_duration_sum_seconds",
          g,
          g.lastRuleDurationSumNanos / 1e9);
    }
    family(
        sb,
        "prometheus_rule_group_last_evaluation_samples",
        "gauge",
        "The number of samples returned during the last rule group evaluation.");
    for (Group g : gs) {
      sample(sb, "prometheus_rule_group_last_evaluation_samples", g, g.lastSamples);
    }
    family(
        sb,
        "prometheus_rule_group_last_evaluation_timestamp_seconds",
        "gauge",
        "The timestamp of the last rule group evaluation in seconds.");
    for (Group g : gs) {
      sample(
          sb,
          "prometheus_rule_group_last_evaluation_timestamp_seconds",
          g,
          g.iterations.get() == 0 ? 0 : g.lastEvalTimestampMs / 1000.0);
    }
    family(sb, "prometheus_rule_group_rules", "gauge", "The number of rules.");
    for (Group g : gs) {
      sample(sb, "prometheus_rule_group_rules", g, g.rules.size());
    }
    family(
        sb,
        "prometheus_rule_group_duration_seconds",
        "summary",
        "The duration of rule group evaluations.");
    groupDurations.write(sb, "prometheus_rule_group_duration_seconds", null, null);
  }

  private static void family(StringBuilder sb, String name, String type, String help) {
    MetricsSource.header(sb, name, type, help);
  }

  private static void sample(StringBuilder sb, String name, Group g, double v) {
    sb.append(name).append("{rule_group=\"");
    String key = g.key();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '\\' || c == '"') {
        sb.append('\\').append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else {
        sb.append(c);
      }
    }
    sb.append("\"} ").append(format(v)).append('\n');
  }

  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.valueOf((long) v);
    }
    return String.format(Locale.ROOT, "%s", v);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      groups.values().forEach(this::stop);
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
