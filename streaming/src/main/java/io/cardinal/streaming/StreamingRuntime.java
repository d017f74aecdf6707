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
import java.util.List;
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
 * <p>Set it as the database's commit observer ({@link #attach}). Each series is routed once: when a
 * batch creates it, or when a sample of a series not seen before arrives (its labels then come from
 * the database); the decision (which selector windows the series feeds, possibly none) is cached by
 * series reference, and found through an index of the selectors by metric name. Registering or
 * closing a plan makes each cached series decide again on its next sample.
 *
 * <p>State is bounded by time: a selector keeps the samples newer than the newest committed
 * timestamp (the watermark) minus its window minus a grace period; series whose samples all fell
 * out are dropped by a sweep that runs as the watermark advances. An evaluation at a time the state
 * no longer (or not yet) covers falls back to the PromQL engine, so results are always those of an
 * instant query.
 *
 * <p>Threads: {@link #committed} runs on the committing thread under the head's commit lock;
 * evaluations run on rule threads. Each plan has a lock taken by both; routing has its own lock
 * taken by commits, registrations and closes.
 */
public final class StreamingRuntime implements CommitObserver, AutoCloseable {

  /** Default grace period: how far behind the newest sample an evaluation may be and stay exact. */
  public static final long DEFAULT_GRACE_MS = 2 * 60_000L;

  private static final SeriesBuf[] NO_TARGETS = new SeriesBuf[0];

  /** The routing decision for one series reference. Guarded by the routing lock. */
  private static final class Route {
    final Labels labels;
    SeriesBuf[] targets = NO_TARGETS;
    int epoch;
    long lastTs = Long.MIN_VALUE;

    Route(Labels labels) {
      this.labels = labels;
    }
  }

  private final Queryable storage;
  private final LongFunction<Labels> labelsOf;
  private final LongSupplier storedMaxTime;
  private final EngineOptions options;
  private final Engine engine;
  private final long graceMs;
  private final long sweepEveryMs;

  private final ReentrantLock routing = new ReentrantLock();
  private final LongObjectHashMap<Route> routes = new LongObjectHashMap<>();
  private final HashMap<String, List<SelectorState>> byName = new HashMap<>();
  private final List<SelectorState> unnamed = new ArrayList<>();
  private final CopyOnWriteArrayList<PlanState> plans = new CopyOnWriteArrayList<>();
  private int epoch;
  private volatile long watermark = Long.MIN_VALUE;
  private long lastSweep = Long.MIN_VALUE;

  private volatile long samplesSeen;
  private volatile long samplesRouted;
  private volatile long routingDecisions;
  private final AtomicLong evaluations = new AtomicLong();
  private final AtomicLong fallbacks = new AtomicLong();

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
   */
  public StreamingRuntime(
      Queryable storage,
      LongFunction<Labels> labelsOf,
      LongSupplier storedMaxTime,
      EngineOptions options,
      long graceMs) {
    if (graceMs < 0) {
      throw new IllegalArgumentException("grace must not be negative");
    }
    this.storage = storage;
    this.labelsOf = labelsOf;
    this.storedMaxTime = storedMaxTime;
    this.options = options;
    this.engine = new Engine(options);
    this.graceMs = graceMs;
    this.sweepEveryMs = Math.max(1_000L, Math.min(60_000L, graceMs / 2 + 1));
  }

  /** A runtime over {@code db} (not yet its observer: see {@link #attach}). */
  public StreamingRuntime(Cardinal db, EngineOptions options, long graceMs) {
    this(db::querier, db::seriesLabels, () -> storedMaxTime(db), options, graceMs);
  }

  /** A runtime over {@code db} with the engine's default options and grace. */
  public StreamingRuntime(Cardinal db) {
    this(db, EngineOptions.defaults(), DEFAULT_GRACE_MS);
  }

  /** A runtime over {@code db}, set as its commit observer. */
  public static StreamingRuntime attach(Cardinal db, EngineOptions options, long graceMs) {
    StreamingRuntime r = new StreamingRuntime(db, options, graceMs);
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
   * its state is seeded from the stored samples it needs, so it evaluates right at once.
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
    PlanState ps = new PlanState(plan);
    long now;
    routing.lock();
    try {
      plans.add(ps);
      for (SelectorState s : ps.selectorArray) {
        index(s, true);
      }
      epoch++;
      now = Math.max(watermark, storedMaxTime.getAsLong());
    } finally {
      routing.unlock();
    }
    if (now != Long.MIN_VALUE) {
      seed(ps, now);
    }
    return new Handle(ps);
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
        if (s.plan.closed || !s.matches(r.labels)) {
          continue;
        }
        SeriesBuf b;
        s.plan.lock.lock();
        try {
          b = s.buffer(r.labels);
        } finally {
          s.plan.lock.unlock();
        }
        if (n == out.length) {
          out = Arrays.copyOf(out, Math.max(2, n * 2));
        }
        out[n++] = b;
      }
    }
    r.targets = n == out.length ? out : Arrays.copyOf(out, n);
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
        Route r = new Route(newLabels[i]);
        resolve(r);
        routes.put(newRefs[i], r);
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
    if (r == null) {
      Labels labels = labelsOf.apply(ref);
      if (labels == null) {
        return 0;
      }
      r = new Route(labels);
      resolve(r);
      routes.put(ref, r);
    } else if (r.epoch != epoch) {
      resolve(r);
    }
    if (ts > r.lastTs) {
      r.lastTs = ts;
    }
    boolean stale = Semantics.isStale(v);
    int fed = 0;
    SeriesBuf[] targets = r.targets;
    for (int k = 0; k < targets.length; k++) {
      SeriesBuf b = targets[k];
      if (b.dead) {
        // Swept or closed since the decision: decide again, then feed from the start (a window
        // already fed replaces the sample with itself).
        resolve(r);
        targets = r.targets;
        k = -1;
        continue;
      }
      SelectorState s = b.owner;
      if (stale && !s.key.instant()) {
        continue;
      }
      PlanState p = s.plan;
      p.lock.lock();
      try {
        b.append(ts, v, horizon(s));
        if (p.hasSubqueries && ts < p.dirtyFrom) {
          p.dirtyFrom = ts;
        }
      } finally {
        p.lock.unlock();
      }
      fed++;
    }
    return fed;
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
    for (PlanState p : plans) {
      p.lock.lock();
      try {
        p.sweep(w, graceMs);
      } finally {
        p.lock.unlock();
      }
      maxKeep = Math.max(maxKeep, p.plan.windowMs());
    }
    long oldest = w - maxKeep - graceMs;
    routes.removeAll((long ref, Route r) -> r.lastTs <= oldest);
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

  /** Loads the stored samples the plan's windows need, merging them under what commits fed. */
  private void seed(PlanState ps, long now) {
    long mint = Long.MAX_VALUE;
    for (SelectorState s : ps.selectorArray) {
      mint = Math.min(mint, now - s.keepMs - graceMs);
    }
    if (ps.selectorArray.length == 0) {
      return;
    }
    List<Object[]> loaded = new ArrayList<>();
    try (Querier q = storage.querier(mint + 1, Long.MAX_VALUE)) {
      for (SelectorState s : ps.selectorArray) {
        long from = now - s.keepMs - graceMs;
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
          loaded.add(new Object[] {s, series.labels(), t, v, size, from});
        }
      }
    }
    ps.lock.lock();
    try {
      for (SelectorState s : ps.selectorArray) {
        s.evicted(now - s.keepMs - graceMs);
      }
      for (Object[] o : loaded) {
        SelectorState s = (SelectorState) o[0];
        SeriesBuf b = s.buffer((Labels) o[1]);
        long[] t = (long[]) o[2];
        double[] v = (double[]) o[3];
        int size = (Integer) o[4];
        long firstLive = b.size() > 0 ? b.t[b.start] : Long.MAX_VALUE;
        long h = horizon(s);
        for (int i = 0; i < size && t[i] < firstLive; i++) {
          b.append(t[i], v[i], h);
        }
      }
      ps.dirtyFrom = Long.MIN_VALUE;
    } finally {
      ps.lock.unlock();
    }
  }

  // ------------------------------------------------------------------------------------- stats

  /** Plans registered. */
  public int plans() {
    return plans.size();
  }

  /** Series windows held, summed over plans and selectors. */
  public long series() {
    long n = 0;
    for (PlanState p : plans) {
      p.lock.lock();
      try {
        n += p.seriesCount();
      } finally {
        p.lock.unlock();
      }
    }
    return n;
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
    for (PlanState p : plans) {
      b += p.bytes();
    }
    return b + 72L * routedSeries();
  }

  /** Samples committed while the runtime observed the database. */
  public long samplesSeen() {
    return samplesSeen;
  }

  /** Samples appended to a plan's window (one sample feeding two windows counts twice). */
  public long samplesRouted() {
    return samplesRouted;
  }

  /**
   * Routing decisions made (new series, unknown references, re-decisions after (un)registering).
   */
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
    routing.lock();
    try {
      if (!plans.remove(ps)) {
        return;
      }
      ps.closed = true;
      for (SelectorState s : ps.selectorArray) {
        index(s, false);
      }
      // Drop the plan's windows from the cached decisions now, so its memory goes with it.
      for (ObjectCursor<Route> c : routes.values()) {
        Route r = c.value;
        int keep = 0;
        for (SeriesBuf b : r.targets) {
          if (b.owner.plan != ps) {
            keep++;
          }
        }
        if (keep != r.targets.length) {
          SeriesBuf[] t = new SeriesBuf[keep];
          int k = 0;
          for (SeriesBuf b : r.targets) {
            if (b.owner.plan != ps) {
              t[k++] = b;
            }
          }
          r.targets = keep == 0 ? NO_TARGETS : t;
        }
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
      state.lock.lock();
      try {
        if (state.complete(t)) {
          evaluations.incrementAndGet();
          return state.evaluate(t);
        }
      } finally {
        state.lock.unlock();
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
      state.lock.lock();
      try {
        return !state.closed && state.complete(t);
      } finally {
        state.lock.unlock();
      }
    }

    /** Series windows this plan holds. */
    public int series() {
      state.lock.lock();
      try {
        return state.seriesCount();
      } finally {
        state.lock.unlock();
      }
    }

    /** An estimate of the heap this plan's state takes, in bytes. */
    public long stateBytes() {
      return state.bytes();
    }

    /** Stops feeding the plan and frees its state. */
    @Override
    public void close() {
      unregister(state);
    }
  }
}
