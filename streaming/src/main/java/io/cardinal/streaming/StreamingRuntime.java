package io.cardinal.streaming;

import com.carrotsearch.hppc.LongObjectHashMap;
import com.carrotsearch.hppc.cursors.ObjectCursor;
import io.cardinal.Cardinal;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.engine.Engine;
import io.cardinal.promql.engine.EngineOptions;
import io.cardinal.promql.engine.Queryable;
import io.cardinal.promql.engine.Value;
import io.cardinal.tsdb.head.CommitObserver;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.Series;
import io.cardinal.tsdb.query.SeriesSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * Streaming rule evaluation: registered plans are fed every committed sample of the series their
 * selectors match, and evaluate from that state without reading the index or chunks.
 *
 * <p>Set it as the database's commit observer ({@link #attach}). The state is kept per distinct
 * selector, shared by every plan that uses it ({@link SelectorState}): a sample is stored once per
 * distinct selector matching its series, however many rules read it. Each series is routed once:
 * when a batch creates it, or when a sample of a series not seen before arrives (its labels then
 * come from the database); the decision (which selector windows the series feeds, possibly none) is
 * cached by series reference, and found through an index of the selectors by metric name.
 * Registering a plan whose selectors are all already kept changes no decision; one that brings a
 * new selector makes each cached series decide again on its next sample.
 *
 * <p>State is bounded by time: a selector keeps the samples newer than the newest committed
 * timestamp (the watermark) minus the longest window its plans need minus a grace period; series
 * whose samples all fell out are dropped by a sweep that runs as the watermark advances. It is also
 * bounded in size: past the limit on series windows, a selector that needs another window gives up
 * its state and its plans are answered by the engine. An evaluation at a time the state no longer
 * (or not yet) covers falls back to the PromQL engine, so results are always those of an instant
 * query.
 *
 * <p>Threads: {@link #committed} runs on the committing thread under the head's commit lock;
 * evaluations run on rule threads. Each selector's monitor guards its windows: the committing
 * thread holds one at a time, evaluations take their plan's lock and then their selectors' monitors
 * in id order; routing has its own lock taken by commits, registrations and closes.
 */
public final class StreamingRuntime implements CommitObserver, AutoCloseable {

  /** Default grace period: how far behind the newest sample an evaluation may be and stay exact. */
  public static final long DEFAULT_GRACE_MS = 2 * 60_000L;

  private static final SeriesBuf[] NO_TARGETS = new SeriesBuf[0];

  /** The routing decision for one series reference. Guarded by the routing lock. */
  private static final class Route {
    final Labels labels;
    SeriesBuf[] targets = NO_TARGETS;

    /** The target when there is exactly one (most series): one object less to reach per sample. */
    SeriesBuf only;

    int epoch;
    long lastTs = Long.MIN_VALUE;

    Route(Labels labels) {
      this.labels = labels;
    }

    void targets(SeriesBuf[] t) {
      targets = t;
      only = t.length == 1 ? t[0] : null;
    }
  }

  /** The limit on series windows summed over all selectors, and how many are held. */
  static final class Budget {
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    Budget(long limit) {
      this.limit = limit;
    }

    boolean take() {
      if (limit <= 0) {
        held.incrementAndGet();
        return true;
      }
      long h;
      do {
        h = held.get();
        if (h >= limit) {
          return false;
        }
      } while (!held.compareAndSet(h, h + 1));
      return true;
    }

    void give(long n) {
      held.addAndGet(-n);
    }

    long held() {
      return held.get();
    }
  }

  private final Queryable storage;
  private final LongFunction<Labels> labelsOf;
  private final LongSupplier storedMaxTime;
  private final EngineOptions options;
  private final Engine engine;
  private final long graceMs;
  private final long sweepEveryMs;
  private final Budget budget;

  /** Serializes registrations and closes (seeding reads storage outside the routing lock). */
  private final ReentrantLock registration = new ReentrantLock();

  private final ReentrantLock routing = new ReentrantLock();
  private final LongObjectHashMap<Route> routes = new LongObjectHashMap<>();
  private final HashMap<Op.SelectorKey, SelectorState> shared = new HashMap<>();
  private final HashMap<String, List<SelectorState>> byName = new HashMap<>();
  private final List<SelectorState> unnamed = new ArrayList<>();
  private final CopyOnWriteArrayList<PlanState> plans = new CopyOnWriteArrayList<>();
  private long nextSelectorId;
  private int epoch;

  /**
   * The decision of every series that feeds no window, shared (made at {@link Route#epoch}): in a
   * server where rules read a fraction of the series, most series are such, and an object each
   * would be memory the garbage collector walks on every cycle.
   */
  private Route unrouted = unroutedAt(0);

  private int sweepsSincePurge;
  private volatile long watermark = Long.MIN_VALUE;
  private long lastSweep = Long.MIN_VALUE;

  private volatile long samplesSeen;
  private volatile long samplesRouted;
  private volatile long routingDecisions;
  private final AtomicLong evaluations = new AtomicLong();
  private final AtomicLong fallbacks = new AtomicLong();
  private final AtomicLong selectorsOverLimit = new AtomicLong();

  /**
   * A runtime over any storage.
   *
   * @param storage where seeding and fallback evaluations read
   * @param labelsOf the labels of a series reference (null when unknown)
   * @param storedMaxTime the newest stored sample time, {@link Long#MIN_VALUE} when nothing is
   *     stored
   * @param options lookback delta and default subquery step of the plans, and the engine's options
   *     for fallback evaluations
   * @param graceMs how far behind the newest committed sample an evaluation may be and still be
   *     served from state
   * @param maxSeriesWindows the most series windows held over all selectors; 0 for no limit
   */
  public StreamingRuntime(
      Queryable storage,
      LongFunction<Labels> labelsOf,
      LongSupplier storedMaxTime,
      EngineOptions options,
      long graceMs,
      long maxSeriesWindows) {
    if (graceMs < 0) {
      throw new IllegalArgumentException("grace must not be negative");
    }
    if (maxSeriesWindows < 0) {
      throw new IllegalArgumentException("the limit on series windows must not be negative");
    }
    this.storage = storage;
    this.labelsOf = labelsOf;
    this.storedMaxTime = storedMaxTime;
    this.options = options;
    this.engine = new Engine(options);
    this.graceMs = graceMs;
    this.sweepEveryMs = Math.max(1_000L, Math.min(60_000L, graceMs / 2 + 1));
    this.budget = new Budget(maxSeriesWindows);
  }

  /** A runtime over {@code db} (not yet its observer: see {@link #attach}). */
  public StreamingRuntime(Cardinal db, EngineOptions options, long graceMs, long maxSeriesWindows) {
    this(
        db::querier, db::seriesLabels, () -> storedMaxTime(db), options, graceMs, maxSeriesWindows);
  }

  /** A runtime over {@code db} with the engine's default options and grace, and no limit. */
  public StreamingRuntime(Cardinal db) {
    this(db, EngineOptions.defaults(), DEFAULT_GRACE_MS, 0);
  }

  /** A runtime over {@code db}, set as its commit observer, with no limit on series windows. */
  public static StreamingRuntime attach(Cardinal db, EngineOptions options, long graceMs) {
    return attach(db, options, graceMs, 0);
  }

  /** A runtime over {@code db}, set as its commit observer. */
  public static StreamingRuntime attach(
      Cardinal db, EngineOptions options, long graceMs, long maxSeriesWindows) {
    StreamingRuntime r = new StreamingRuntime(db, options, graceMs, maxSeriesWindows);
    db.setCommitObserver(r);
    return r;
  }

  private static long storedMaxTime(Cardinal db) {
    long head = db.headStats().maxTime();
    if (head == Long.MIN_VALUE && !db.blocks().isEmpty()) {
      // Only blocks on disk: assume they reach up to now.
      return System.currentTimeMillis();
    }
    return head;
  }

  /** The options plans are compiled with. */
  public EngineOptions options() {
    return options;
  }

  /** Compiles {@code expr} with this runtime's lookback delta and default subquery step. */
  public Plan plan(Expr expr) {
    return StreamingPlanner.compile(expr, options);
  }

  /**
   * Compiles and registers {@code expr}.
   *
   * @throws IllegalArgumentException if it is not streamable (the message is the reason)
   */
  public Handle register(Expr expr) {
    Plan p = plan(expr);
    if (!p.streamable()) {
      throw new IllegalArgumentException(p.reason());
    }
    return register(p);
  }

  /**
   * Registers a streamable plan: from now on it is fed every committed sample of its series, and
   * the windows it needs are seeded from the stored samples, so it evaluates right at once. Its
   * selectors that other plans already use are shared with them.
   *
   * @throws IllegalArgumentException if the plan is not streamable or was compiled with another
   *     lookback delta or subquery step than this runtime's
   */
  public Handle register(Plan plan) {
    if (!plan.streamable()) {
      throw new IllegalArgumentException("not streamable: " + plan.reason());
    }
    if (plan.lookbackDeltaMs() != options.lookbackDelta().toMillis()
        || plan.defaultSubqueryStepMs() != options.noStepSubqueryInterval().toMillis()) {
      throw new IllegalArgumentException(
          "the plan was compiled with other lookback or subquery step options than the runtime's");
    }
    registration.lock();
    try {
      List<SelectorState> toSeed = new ArrayList<>();
      Map<Op.SelectorKey, SelectorState> mine = new LinkedHashMap<>();
      PlanState ps;
      long now;
      routing.lock();
      try {
        for (Map.Entry<Op.SelectorKey, Long> e : plan.keep().entrySet()) {
          SelectorState s = shared.get(e.getKey());
          long need = e.getValue();
          if (s == null || s.overLimit) {
            if (s != null) {
              // A selector that gave up its state gets another chance with this registration.
              retire(s);
            }
            s = new SelectorState(e.getKey(), nextSelectorId++, need, budget);
            shared.put(e.getKey(), s);
            index(s, true);
            epoch++;
            toSeed.add(s);
          } else if (need > s.keepMs) {
            synchronized (s) {
              s.keepMs = need;
              s.evictedSinceLengthened = Long.MIN_VALUE;
            }
            toSeed.add(s);
          }
          mine.put(e.getKey(), s);
        }
        ps = new PlanState(plan, mine);
        for (SelectorState s : ps.selectorArray) {
          s.users.put(ps, plan.keep().get(s.key));
          if (ps.hasSubqueries) {
            s.subqueryUsers = append(s.subqueryUsers, ps);
          }
        }
        plans.add(ps);
        now = Math.max(watermark, storedMaxTime.getAsLong());
      } finally {
        routing.unlock();
      }
      if (now != Long.MIN_VALUE) {
        for (SelectorState s : toSeed) {
          seed(s, now);
        }
      }
      return new Handle(ps);
    } finally {
      registration.unlock();
    }
  }

  private static PlanState[] append(PlanState[] a, PlanState p) {
    PlanState[] out = Arrays.copyOf(a, a.length + 1);
    out[a.length] = p;
    return out;
  }

  private static PlanState[] remove(PlanState[] a, PlanState p) {
    int n = 0;
    PlanState[] out = new PlanState[a.length];
    for (PlanState q : a) {
      if (q != p) {
        out[n++] = q;
      }
    }
    return Arrays.copyOf(out, n);
  }

  // ----------------------------------------------------------------------------------- routing

  private void index(SelectorState s, boolean add) {
    Set<String> names = metricNames(s.matchers);
    if (names == null) {
      if (add) {
        unnamed.add(s);
      } else {
        unnamed.remove(s);
      }
      return;
    }
    for (String name : names) {
      if (add) {
        byName.computeIfAbsent(name, k -> new ArrayList<>(2)).add(s);
      } else {
        List<SelectorState> l = byName.get(name);
        if (l != null) {
          l.remove(s);
          if (l.isEmpty()) {
            byName.remove(name);
          }
        }
      }
    }
  }

  /** The metric names a selector can match, or null when it is not restricted to a finite set. */
  static Set<String> metricNames(Matcher[] matchers) {
    for (Matcher m : matchers) {
      if (!m.name().equals(Labels.METRIC_NAME)) {
        continue;
      }
      switch (m.type()) {
        case EQUAL:
          return Set.of(m.value());
        case REGEX:
          Set<String> set = m.setMatches();
          if (set != null && !set.isEmpty()) {
            return set;
          }
          break;
        default:
          break;
      }
    }
    return null;
  }

  private static Route unroutedAt(int epoch) {
    Route r = new Route(null);
    r.epoch = epoch;
    r.lastTs = Long.MAX_VALUE; // never swept by age: purged every few sweeps instead
    return r;
  }

  /** Decides and caches which windows series {@code ref} feeds. Caller holds the routing lock. */
  private Route decide(long ref, Labels labels) {
    Route r = new Route(labels);
    resolve(r);
    if (r.targets.length == 0) {
      if (unrouted.epoch != epoch) {
        unrouted = unroutedAt(epoch);
      }
      r = unrouted;
    }
    routes.put(ref, r);
    return r;
  }

  /** Decides which selector windows a series feeds. Caller holds the routing lock. */
  private void resolve(Route r) {
    r.epoch = epoch;
    routingDecisions++;
    SeriesBuf[] out = NO_TARGETS;
    int n = 0;
    List<SelectorState> named = byName.get(r.labels.metricName());
    for (int pass = 0; pass < 2; pass++) {
      List<SelectorState> candidates = pass == 0 ? named : unnamed;
      if (candidates == null) {
        continue;
      }
      for (SelectorState s : candidates) {
        if (s.dead || !s.matches(r.labels)) {
          continue;
        }
        SeriesBuf b;
        synchronized (s) {
          b = s.buffer(r.labels);
          if (b == null) {
            giveUp(s);
            continue;
          }
        }
        if (n == out.length) {
          out = Arrays.copyOf(out, Math.max(2, n * 2));
        }
        out[n++] = b;
      }
    }
    r.targets(n == out.length ? out : Arrays.copyOf(out, n));
  }

  /**
   * The limit on series windows is reached and {@code s} needs another: it frees its state and its
   * plans are answered by the engine until one of them is registered again. Caller holds the
   * selector's monitor.
   */
  private void giveUp(SelectorState s) {
    s.overLimit = true;
    s.dead = true;
    s.free();
    selectorsOverLimit.incrementAndGet();
  }

  @Override
  public void committed(
      long[] newRefs,
      Labels[] newLabels,
      int newCount,
      long[] refs,
      long[] ts,
      double[] vs,
      int n) {
    long w = watermark;
    for (int i = 0; i < n; i++) {
      if (ts[i] > w) {
        w = ts[i];
      }
    }
    watermark = w;
    samplesSeen += n;
    if (plans.isEmpty()) {
      return;
    }
    routing.lock();
    try {
      for (int i = 0; i < newCount; i++) {
        decide(newRefs[i], newLabels[i]);
      }
      long routed = 0;
      for (int i = 0; i < n; i++) {
        routed += route(refs[i], ts[i], vs[i]);
      }
      samplesRouted += routed;
      maybeSweep();
    } finally {
      routing.unlock();
    }
  }

  /** Feeds one sample to the windows of its series; returns how many took it. */
  private int route(long ref, long ts, double v) {
    Route r = routes.get(ref);
    if (r == null || (r.labels == null && r.epoch != epoch)) {
      // Not seen, or decided to feed nothing before a selector was added: decide (again).
      Labels labels = labelsOf.apply(ref);
      if (labels == null) {
        return 0;
      }
      r = decide(ref, labels);
    } else if (r.epoch != epoch) {
      resolve(r);
      if (r.targets.length == 0) {
        r = decide(ref, r.labels);
      }
    }
    if (r.labels == null) {
      return 0;
    }
    if (ts > r.lastTs) {
      r.lastTs = ts;
    }
    boolean stale = Semantics.isStale(v);
    SeriesBuf only = r.only;
    if (only != null && !only.dead) {
      return feed(only, ts, v, stale);
    }
    int fed = 0;
    SeriesBuf[] targets = r.targets;
    for (int k = 0; k < targets.length; k++) {
      SeriesBuf b = targets[k];
      if (b.dead) {
        // Swept or freed since the decision: decide again, then feed from the start (a window
        // already fed replaces the sample with itself).
        resolve(r);
        targets = r.targets;
        k = -1;
        continue;
      }
      fed += feed(b, ts, v, stale);
    }
    return fed;
  }

  private int feed(SeriesBuf b, long ts, double v, boolean stale) {
    SelectorState s = b.owner;
    if (stale && !s.key.instant()) {
      return 0;
    }
    synchronized (s) {
      b.append(ts, v, horizon(s));
      s.appended(ts);
    }
    return 1;
  }

  private long horizon(SelectorState s) {
    long w = watermark;
    if (w == Long.MIN_VALUE) {
      return Long.MIN_VALUE;
    }
    long h = w - s.keepMs - graceMs;
    return h > w ? Long.MIN_VALUE : h;
  }

  private void maybeSweep() {
    long w = watermark;
    if (lastSweep != Long.MIN_VALUE && w - lastSweep < sweepEveryMs) {
      return;
    }
    lastSweep = w;
    sweepNow();
  }

  /** Drops samples and series that fell out of every window. Caller holds the routing lock. */
  private void sweepNow() {
    long w = watermark;
    if (w == Long.MIN_VALUE) {
      return;
    }
    long maxKeep = 0;
    for (SelectorState s : shared.values()) {
      synchronized (s) {
        s.sweep(w - s.keepMs - graceMs);
      }
      maxKeep = Math.max(maxKeep, s.keepMs);
    }
    long oldest = w - maxKeep - graceMs;
    routes.removeAll((long ref, Route r) -> r.lastTs <= oldest);
    if (++sweepsSincePurge >= 10) {
      // Series that feed nothing leave no trace of when they were last seen; forgetting them all
      // now and then bounds what series that went away leave behind (the live ones are decided
      // again on their next sample).
      sweepsSincePurge = 0;
      routes.removeAll((long ref, Route r) -> r.labels == null);
    }
  }

  /**
   * Runs the sweep now rather than when the watermark next advances (for tests and for servers that
   * want memory back after a burst of churn).
   */
  public void sweep() {
    routing.lock();
    try {
      sweepNow();
    } finally {
      routing.unlock();
    }
  }

  // ----------------------------------------------------------------------------------- seeding

  /**
   * Loads the stored samples a new or lengthened selector needs, putting them in front of what
   * commits fed since it was registered (those are newer: every commit after the registration
   * reached the window). Caller holds the registration lock.
   */
  private void seed(SelectorState s, long now) {
    long from = now - s.keepMs - graceMs;
    List<Object[]> loaded = new ArrayList<>();
    try (Querier q = storage.querier(from + 1, Long.MAX_VALUE)) {
      SeriesSet set = q.select(false, from + 1, Long.MAX_VALUE, s.matchers);
      SampleIterator it = null;
      while (set.next()) {
        Series series = set.at();
        it = series.iterator(it);
        long[] t = new long[16];
        double[] v = new double[16];
        int size = 0;
        boolean ok = it.seek(from + 1);
        while (ok) {
          long ts = it.timestamp();
          double val = it.value();
          if (ts > from && (s.key.instant() || !Semantics.isStale(val))) {
            if (size == t.length) {
              t = Arrays.copyOf(t, size * 2);
              v = Arrays.copyOf(v, size * 2);
            }
            t[size] = ts;
            v[size] = val;
            size++;
          }
          ok = it.next();
        }
        if (it.error() != null) {
          throw new IllegalStateException("seeding a streaming plan: " + it.error());
        }
        loaded.add(new Object[] {series.labels(), t, v, size});
      }
    }
    synchronized (s) {
      if (s.dead) {
        return;
      }
      for (Object[] o : loaded) {
        int size = (Integer) o[3];
        if (size == 0) {
          continue;
        }
        SeriesBuf b = s.buffer((Labels) o[0]);
        if (b == null) {
          giveUp(s);
          return;
        }
        long[] t = (long[]) o[1];
        double[] v = (double[]) o[2];
        long firstLive = b.size() > 0 ? b.t[b.start] : Long.MAX_VALUE;
        int k = 0;
        while (k < size && t[k] < firstLive) {
          k++;
        }
        b.prepend(t, v, k);
      }
      s.evictedUpTo = Math.max(from, s.evictedSinceLengthened);
      for (PlanState p : s.subqueryUsers) {
        p.invalidateSteps();
      }
    }
  }

  // ------------------------------------------------------------------------------------- stats

  /** Plans registered. */
  public int plans() {
    return plans.size();
  }

  /** Distinct selectors whose windows are kept (shared by the plans that use them). */
  public int selectors() {
    routing.lock();
    try {
      return shared.size();
    } finally {
      routing.unlock();
    }
  }

  /** Series windows held, summed over the distinct selectors. */
  public long series() {
    return budget.held();
  }

  /** Selectors that gave up their state because the limit on series windows was reached. */
  public long selectorsOverLimit() {
    return selectorsOverLimit.get();
  }

  /** Series references with a cached routing decision. */
  public int routedSeries() {
    routing.lock();
    try {
      return routes.size();
    } finally {
      routing.unlock();
    }
  }

  /** An estimate of the heap the state takes, in bytes. */
  public long stateBytes() {
    long b = 0;
    routing.lock();
    try {
      for (SelectorState s : shared.values()) {
        b += s.bytes();
      }
      b += 24L * routes.size() + 48L * budget.held();
    } finally {
      routing.unlock();
    }
    for (PlanState p : plans) {
      b += p.bytes();
    }
    return b;
  }

  /** Samples committed while the runtime observed the database. */
  public long samplesSeen() {
    return samplesSeen;
  }

  /** Samples appended to a selector's window (one sample feeding two windows counts twice). */
  public long samplesRouted() {
    return samplesRouted;
  }

  /** Routing decisions made (new series, unknown references, re-decisions after a new selector). */
  public long routingDecisions() {
    return routingDecisions;
  }

  /** Evaluations served from state. */
  public long evaluations() {
    return evaluations.get();
  }

  /** Evaluations the state could not serve exactly, answered by the PromQL engine instead. */
  public long fallbacks() {
    return fallbacks.get();
  }

  /** The newest committed sample time seen. */
  public long watermark() {
    return watermark;
  }

  /** Closes every plan. */
  @Override
  public void close() {
    for (PlanState p : plans) {
      unregister(p);
    }
  }

  private void unregister(PlanState ps) {
    registration.lock();
    routing.lock();
    try {
      if (!plans.remove(ps)) {
        return;
      }
      ps.closed = true;
      boolean retired = false;
      for (SelectorState s : ps.selectorArray) {
        s.users.remove(ps);
        s.subqueryUsers = remove(s.subqueryUsers, ps);
        if (s.users.isEmpty()) {
          retire(s);
          retired = true;
        } else {
          long keep = 0;
          for (long k : s.users.values()) {
            keep = Math.max(keep, k);
          }
          // A shorter window: the sweep trims what no remaining plan needs.
          s.keepMs = keep;
        }
      }
      if (retired) {
        dropDeadTargets();
      }
      ps.lock.lock();
      try {
        ps.freeState();
      } finally {
        ps.lock.unlock();
      }
      if (plans.isEmpty()) {
        routes.clear();
      }
    } finally {
      routing.unlock();
      registration.unlock();
    }
  }

  /** Removes a selector no plan uses (or one over the limit being replaced). Routing lock held. */
  private void retire(SelectorState s) {
    if (shared.get(s.key) == s) {
      shared.remove(s.key);
    }
    index(s, false);
    synchronized (s) {
      s.dead = true;
      s.free();
    }
  }

  /** Drops freed windows from the cached decisions now, so their memory goes with them. */
  private void dropDeadTargets() {
    for (ObjectCursor<Route> c : routes.values()) {
      Route r = c.value;
      int keep = 0;
      for (SeriesBuf b : r.targets) {
        if (!b.dead) {
          keep++;
        }
      }
      if (keep != r.targets.length) {
        SeriesBuf[] t = new SeriesBuf[keep];
        int k = 0;
        for (SeriesBuf b : r.targets) {
          if (!b.dead) {
            t[k++] = b;
          }
        }
        r.targets(keep == 0 ? NO_TARGETS : t);
      }
    }
  }

  /** A registered plan, evaluated by rule threads. */
  public final class Handle implements AutoCloseable {
    private final PlanState state;

    private Handle(PlanState state) {
      this.state = state;
    }

    public Plan plan() {
      return state.plan;
    }

    /**
     * The rule's result at {@code t}, as an instant query at t gives it: a vector, or a scalar as
     * one sample without labels.
     *
     * @throws StreamingEvaluationException where the engine's evaluation fails, with its message
     * @throws io.cardinal.promql.engine.QueryException from a fallback evaluation by the engine
     */
    public List<Value.Sample> evaluate(long t) {
      if (state.closed) {
        throw new IllegalStateException("the streaming plan is closed");
      }
      List<Value.Sample> fromState =
          state.locked(
              () -> {
                if (!state.complete(t)) {
                  return null;
                }
                evaluations.incrementAndGet();
                return state.evaluate(t);
              });
      if (fromState != null) {
        return fromState;
      }
      fallbacks.incrementAndGet();
      Value v = engine.instantQuery(storage, state.plan.expr(), t).value();
      if (v instanceof Value.Vector vec) {
        return vec.samples();
      }
      if (v instanceof Value.Scalar s) {
        return List.of(new Value.Sample(Labels.EMPTY, s.timestamp(), s.value()));
      }
      throw new IllegalStateException("rule result is not a vector or scalar");
    }

    /** Whether an evaluation at t would be served from state (rather than by the engine). */
    public boolean servesFromState(long t) {
      return state.locked(() -> !state.closed && state.complete(t));
    }

    /**
     * Why every evaluation is answered by the engine for now (the state was given up), or null
     * while the plan streams.
     */
    public String degradedReason() {
      return state.degradedReason();
    }

    /** Series windows of this plan's selectors (shared ones included). */
    public int series() {
      return state.locked(state::seriesCount);
    }

    /**
     * An estimate of the heap this plan's state takes, in bytes, its shared selectors counted in
     * full.
     */
    public long stateBytes() {
      long b = state.bytes();
      for (SelectorState s : state.selectorArray) {
        b += s.bytes();
      }
      return b;
    }

    /** Stops feeding the plan and frees its state (and that of selectors no other plan uses). */
    @Override
    public void close() {
      unregister(state);
    }
  }
}
