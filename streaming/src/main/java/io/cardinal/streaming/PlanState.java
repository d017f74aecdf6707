package io.cardinal.streaming;

import com.carrotsearch.hppc.LongObjectHashMap;
import com.carrotsearch.hppc.cursors.ObjectCursor;
import io.cardinal.promql.ast.AggregateOp;
import io.cardinal.promql.ast.BinaryOp;
import io.cardinal.promql.ast.VectorMatching;
import io.cardinal.promql.engine.Value;
import io.cardinal.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One registered plan: its subquery step caches and its evaluation. The per-series windows it reads
 * are the runtime's shared {@link SelectorState}s. An evaluation takes {@link #lock} and then the
 * monitors of the plan's selectors in their id order; the committing thread holds one selector's
 * monitor at a time and never this lock, so the two cannot deadlock.
 */
final class PlanState {
  final Plan plan;
  final long lookbackMs;
  final ReentrantLock lock = new ReentrantLock();
  final Map<Op.SelectorKey, SelectorState> selectors;

  /** The selectors in lock order, and the window this plan needs from each. */
  final SelectorState[] selectorArray;

  private final long[] needMs;

  /** Inner results of count_over_time subqueries by step time, per subquery operator. */
  private final IdentityHashMap<Op.CountSubquery, LongObjectHashMap<Step>> stepCache =
      new IdentityHashMap<>();

  /**
   * What a vector/vector match inside a subquery saw at one step. The engine evaluates a subquery's
   * inner expression over all its steps at once, and fails a match when its "one" side has two
   * series for a key at any step while its "many" side has a series at any step (not necessarily
   * the same one); steps evaluated here one at a time record these facts, and the evaluation fails
   * once a match has both.
   */
  private record Fact(Op.VectorVector node, boolean many, String duplicate) {}

  /** A cached inner result of a subquery at one step, with the facts met computing it. */
  private record Step(Vec vec, List<Fact> facts) {}

  /** >0 while a subquery's inner expression is evaluated. */
  private int depth;

  /** Where facts of the step being evaluated go. */
  private List<Fact> facts = new ArrayList<>();

  final boolean hasSubqueries;

  /** The oldest sample time appended since the step caches were last brought up to date. */
  private final AtomicLong dirtyFrom = new AtomicLong(Long.MAX_VALUE);

  volatile boolean closed;
  private volatile long bytes;

  /**
   * @param selectors the shared selector state for each of the plan's selector keys
   */
  PlanState(Plan plan, Map<Op.SelectorKey, SelectorState> selectors) {
    this.plan = plan;
    this.lookbackMs = plan.lookbackDeltaMs();
    this.selectors = selectors;
    selectorArray = selectors.values().toArray(new SelectorState[0]);
    Arrays.sort(selectorArray, Comparator.comparingLong(s -> s.id));
    needMs = new long[selectorArray.length];
    for (int i = 0; i < selectorArray.length; i++) {
      needMs[i] = plan.keep().get(selectorArray[i].key);
    }
    collectSubqueries(plan.root());
    hasSubqueries = !stepCache.isEmpty();
    addBytes(200 + 16L * selectorArray.length);
  }

  /**
   * Runs {@code body} holding the plan's lock and its selectors' monitors, taken in the order every
   * evaluation takes them.
   */
  <T> T locked(Supplier<T> body) {
    lock.lock();
    try {
      return lockFrom(0, body);
    } finally {
      lock.unlock();
    }
  }

  private <T> T lockFrom(int i, Supplier<T> body) {
    if (i == selectorArray.length) {
      return body.get();
    }
    synchronized (selectorArray[i]) {
      return lockFrom(i + 1, body);
    }
  }

  /** A sample at {@code ts} was appended to one of the plan's windows. Any thread. */
  void dirty(long ts) {
    long d = dirtyFrom.get();
    while (ts < d && !dirtyFrom.compareAndSet(d, ts)) {
      d = dirtyFrom.get();
    }
  }

  private void collectSubqueries(Op op) {
    if (op instanceof Op.CountSubquery c) {
      stepCache.put(c, new LongObjectHashMap<>());
      collectSubqueries(c.inner());
    } else if (op instanceof Op.Negate n) {
      collectSubqueries(n.child());
    } else if (op instanceof Op.VectorScalar v) {
      collectSubqueries(v.vector());
    } else if (op instanceof Op.VectorVector v) {
      collectSubqueries(v.lhs());
      collectSubqueries(v.rhs());
    } else if (op instanceof Op.SetOp s) {
      collectSubqueries(s.lhs());
      collectSubqueries(s.rhs());
    } else if (op instanceof Op.Aggregate a) {
      collectSubqueries(a.child());
    }
  }

  void addBytes(long delta) {
    bytes += delta;
  }

  long bytes() {
    return bytes;
  }

  /** Series windows of the plan's selectors (caller holds the locks or accepts a racy count). */
  int seriesCount() {
    int n = 0;
    for (SelectorState s : selectorArray) {
      n += s.series.size();
    }
    return n;
  }

  /**
   * Whether every sample an evaluation at t reads is held. Caller holds the locks ({@link
   * #locked}).
   */
  boolean complete(long t) {
    for (int i = 0; i < selectorArray.length; i++) {
      SelectorState s = selectorArray[i];
      if (s.overLimit || s.evictedUpTo > t - needMs[i]) {
        return false;
      }
    }
    return true;
  }

  /** Why evaluations are answered by the engine for good, or null. */
  String degradedReason() {
    for (SelectorState s : selectorArray) {
      if (s.overLimit) {
        return "the streaming state reached its limit of series windows";
      }
    }
    return null;
  }

  void freeState() {
    stepCache.clear();
    bytes = 0;
  }

  // ------------------------------------------------------------------------------- evaluation

  /**
   * The result at t as an instant query gives it. Caller holds the lock and checked {@link
   * #complete}.
   */
  List<Value.Sample> evaluate(long t) {
    Op root = plan.root();
    if (root instanceof Op.Const c) {
      return List.of(new Value.Sample(Labels.EMPTY, t, c.value()));
    }
    refreshCaches();
    facts = new ArrayList<>();
    depth = 0;
    Vec v = eval(root, t);
    failOnFacts();
    pruneCaches(t);
    List<Value.Sample> out = new ArrayList<>(v.size);
    HashSet<Labels> seen = new HashSet<>(v.size * 2);
    for (int i = 0; i < v.size; i++) {
      Labels l = v.dropName[i] ? Semantics.withoutMetadata(v.labels[i]) : v.labels[i];
      if (!seen.add(l)) {
        throw StreamingEvaluationException.sameLabelset();
      }
      out.add(new Value.Sample(l, t, v.values[i]));
    }
    return out;
  }

  private void failOnFacts() {
    if (facts.isEmpty()) {
      return;
    }
    IdentityHashMap<Op.VectorVector, Boolean> many = new IdentityHashMap<>();
    for (Fact f : facts) {
      if (f.many()) {
        many.put(f.node(), true);
      }
    }
    for (Fact f : facts) {
      if (f.duplicate() != null && many.containsKey(f.node())) {
        throw new StreamingEvaluationException(f.duplicate());
      }
    }
  }

  private void refreshCaches() {
    long from = dirtyFrom.getAndSet(Long.MAX_VALUE);
    if (from == Long.MAX_VALUE) {
      return;
    }
    for (LongObjectHashMap<Step> cache : stepCache.values()) {
      forget(cache, step -> step >= from);
    }
  }

  /** Forgets every cached step (the windows gained older samples). */
  void invalidateSteps() {
    dirty(Long.MIN_VALUE);
  }

  private void pruneCaches(long t) {
    for (Map.Entry<Op.CountSubquery, LongObjectHashMap<Step>> e : stepCache.entrySet()) {
      long oldest = t - e.getKey().extraMs() - e.getKey().rangeMs();
      forget(e.getValue(), step -> step <= oldest);
    }
  }

  private void forget(LongObjectHashMap<Step> cache, java.util.function.LongPredicate which) {
    if (cache.isEmpty()) {
      return;
    }
    long[] freed = {0};
    cache.removeAll(
        (long step, Step v) -> {
          if (which.test(step)) {
            freed[0] += v.vec().bytes() + 48;
            return true;
          }
          return false;
        });
    addBytes(-freed[0]);
  }

  Vec eval(Op op, long t) {
    if (op instanceof Op.Select s) {
      return select(selectors.get(s.key()), t);
    }
    if (op instanceof Op.Range r) {
      return range(r, selectors.get(r.key()), t);
    }
    if (op instanceof Op.Aggregate a) {
      return aggregate(a, eval(a.child(), t));
    }
    if (op instanceof Op.VectorScalar vs) {
      return vectorScalar(vs, eval(vs.vector(), t));
    }
    if (op instanceof Op.VectorVector vv) {
      Vec l = eval(vv.lhs(), t);
      Vec r = eval(vv.rhs(), t);
      return vectorVector(vv, l, r);
    }
    if (op instanceof Op.SetOp so) {
      Vec l = eval(so.lhs(), t);
      Vec r = eval(so.rhs(), t);
      return setOp(so, l, r);
    }
    if (op instanceof Op.Negate n) {
      Vec c = eval(n.child(), t);
      for (int i = 0; i < c.size; i++) {
        c.values[i] = -c.values[i];
        c.dropName[i] = true;
      }
      return c;
    }
    if (op instanceof Op.CountSubquery c) {
      return countSubquery(c, t);
    }
    throw new IllegalStateException("operator " + op + " where a vector is expected");
  }

  private Vec select(SelectorState s, long t) {
    Vec out = new Vec(s.series.size());
    for (SeriesBuf b : s.series.values()) {
      int p = b.firstAfter(t) - 1;
      if (p >= b.start && b.t[p] > t - lookbackMs && !Semantics.isStale(b.v[p])) {
        out.add(b.labels, b.v[p], false);
      }
    }
    return out;
  }

  private static Vec range(Op.Range r, SelectorState s, long t) {
    Vec out = new Vec(s.series.size());
    long from = t - r.rangeMs();
    boolean drop = !r.fn().keepsName();
    for (SeriesBuf b : s.series.values()) {
      int lo = b.firstAfter(from);
      int hi = b.firstAfter(t) - 1;
      if (lo > hi) {
        continue;
      }
      double x = apply(r.fn(), b.t, b.v, lo, hi, from, t, r.rangeMs());
      if (!Semantics.isNone(x)) {
        out.add(b.labels, x, drop);
      }
    }
    return out;
  }

  static double apply(
      Op.RangeFn fn, long[] t, double[] v, int lo, int hi, long from, long to, long rangeMs) {
    switch (fn) {
      case RATE:
        return Semantics.extrapolated(t, v, lo, hi, from, to, rangeMs, true, true);
      case INCREASE:
        return Semantics.extrapolated(t, v, lo, hi, from, to, rangeMs, true, false);
      case DELTA:
        return Semantics.extrapolated(t, v, lo, hi, from, to, rangeMs, false, false);
      case IRATE:
        return Semantics.lastTwo(t, v, lo, hi, true);
      case IDELTA:
        return Semantics.lastTwo(t, v, lo, hi, false);
      case RESETS:
        {
          int k = 0;
          for (int j = lo + 1; j <= hi; j++) {
            if (v[j] < v[j - 1]) {
              k++;
            }
          }
          return k;
        }
      case CHANGES:
        {
          int k = 0;
          for (int j = lo + 1; j <= hi; j++) {
            boolean bothNaN = Double.isNaN(v[j]) && Double.isNaN(v[j - 1]);
            if (v[j] != v[j - 1] && !bothNaN) {
              k++;
            }
          }
          return k;
        }
      case COUNT_OVER_TIME:
        return hi - lo + 1;
      case PRESENT_OVER_TIME:
        return 1;
      case LAST_OVER_TIME:
        return v[hi];
      case SUM_OVER_TIME:
        {
          Semantics.Compensated s = new Semantics.Compensated(0, 0);
          for (int j = lo; j <= hi; j++) {
            s.add(v[j]);
          }
          return s.total();
        }
      case AVG_OVER_TIME:
        return Semantics.mean(v, lo, hi);
      case MIN_OVER_TIME:
      case MAX_OVER_TIME:
        {
          boolean max = fn == Op.RangeFn.MAX_OVER_TIME;
          double best = v[lo];
          for (int j = lo + 1; j <= hi; j++) {
            double x = v[j];
            if ((max ? x > best : x < best) || Double.isNaN(best)) {
              best = x;
            }
          }
          return best;
        }
      case STDDEV_OVER_TIME:
        return Math.sqrt(Semantics.variance(v, lo, hi));
      case STDVAR_OVER_TIME:
        return Semantics.variance(v, lo, hi);
      default:
        throw new IllegalStateException(fn.function);
    }
  }

  private Vec countSubquery(Op.CountSubquery c, long t) {
    LongObjectHashMap<Step> cache = stepCache.get(c);
    long step = c.stepMs();
    long first = Math.floorDiv(t - c.rangeMs(), step) * step;
    if (first <= t - c.rangeMs()) {
      first += step;
    }
    LinkedHashMap<Labels, int[]> counts = new LinkedHashMap<>();
    for (long tau = first; tau <= t; tau += step) {
      Step cached = cache.get(tau);
      if (cached == null) {
        List<Fact> outer = facts;
        facts = new ArrayList<>(0);
        depth++;
        try {
          Vec v = eval(c.inner(), tau);
          cached = new Step(v, facts.isEmpty() ? List.of() : facts);
        } finally {
          depth--;
          outer.addAll(facts);
          facts = outer;
        }
        cache.put(tau, cached);
        addBytes(cached.vec().bytes() + 48);
      } else {
        facts.addAll(cached.facts());
      }
      Vec inner = cached.vec();
      for (int i = 0; i < inner.size; i++) {
        counts.computeIfAbsent(inner.labels[i], k -> new int[1])[0]++;
      }
    }
    Vec out = new Vec(counts.size());
    for (Map.Entry<Labels, int[]> e : counts.entrySet()) {
      out.add(e.getKey(), e.getValue()[0], true);
    }
    return out;
  }

  private static Vec vectorScalar(Op.VectorScalar op, Vec in) {
    BinaryOp bop = op.op();
    boolean cmp = bop.isComparison();
    boolean dropsName = Semantics.dropsName(bop) || op.bool();
    Vec out = new Vec(in.size);
    for (int i = 0; i < in.size; i++) {
      double x = in.values[i];
      double l = op.scalarLeft() ? op.scalar() : x;
      double r = op.scalarLeft() ? x : op.scalar();
      double val;
      boolean keep = true;
      if (cmp) {
        keep = Semantics.compare(bop, l, r);
        val = x;
      } else {
        val = Semantics.scalarOp(bop, l, r);
      }
      if (op.bool()) {
        val = keep ? 1 : 0;
        keep = true;
      }
      if (keep) {
        out.add(in.labels[i], val, in.dropName[i] || dropsName);
      }
    }
    return out;
  }

  private static Vec setOp(Op.SetOp op, Vec l, Vec r) {
    VectorMatching m = op.matching();
    Vec out = new Vec(l.size + r.size);
    if (op.op() == BinaryOp.OR) {
      HashSet<Labels> left = new HashSet<>();
      for (int i = 0; i < l.size; i++) {
        left.add(Semantics.matchKey(l.labels[i], m));
        out.add(l.labels[i], l.values[i], l.dropName[i]);
      }
      for (int i = 0; i < r.size; i++) {
        if (!left.contains(Semantics.matchKey(r.labels[i], m))) {
          out.add(r.labels[i], r.values[i], r.dropName[i]);
        }
      }
      return out;
    }
    HashSet<Labels> right = new HashSet<>();
    for (int i = 0; i < r.size; i++) {
      right.add(Semantics.matchKey(r.labels[i], m));
    }
    boolean and = op.op() == BinaryOp.AND;
    for (int i = 0; i < l.size; i++) {
      if (right.contains(Semantics.matchKey(l.labels[i], m)) == and) {
        out.add(l.labels[i], l.values[i], l.dropName[i]);
      }
    }
    return out;
  }

  private Vec vectorVector(Op.VectorVector op, Vec l, Vec r) {
    VectorMatching m = op.matching();
    BinaryOp bop = op.op();
    boolean swapped = m.cardinality() == VectorMatching.Cardinality.ONE_TO_MANY;
    Vec many = swapped ? r : l;
    Vec one = swapped ? l : r;
    Vec out = new Vec(many.size);
    if (depth > 0 && many.size > 0) {
      facts.add(new Fact(op, true, null));
    }
    if (one.size == 0) {
      return out;
    }
    // The "one" side by match key, in the order the engine builds it (its error names the first
    // key with two series, in this map's iteration order).
    HashMap<Labels, List<Integer>> oneByKey = new HashMap<>();
    for (int k = 0; k < one.size; k++) {
      oneByKey
          .computeIfAbsent(Semantics.matchKey(one.labels[k], m), x -> new ArrayList<>(1))
          .add(k);
    }
    for (Map.Entry<Labels, List<Integer>> e : oneByKey.entrySet()) {
      List<Integer> ks = e.getValue();
      if (ks.size() > 1) {
        StreamingEvaluationException dup =
            StreamingEvaluationException.duplicateOnOneSide(
                e.getKey(), swapped, one.labels[ks.get(1)], one.labels[ks.get(0)]);
        if (many.size > 0) {
          throw dup;
        }
        if (depth > 0) {
          facts.add(new Fact(op, false, dup.getMessage()));
        }
        return out;
      }
    }
    if (many.size == 0) {
      return out;
    }
    boolean cmp = bop.isComparison();
    HashSet<Labels> matchedOneToOne = new HashSet<>();
    HashMap<Labels, HashSet<Labels>> matchedManyToOne = new HashMap<>();
    HashSet<Labels> produced = new HashSet<>();
    for (int j = 0; j < many.size; j++) {
      Labels key = Semantics.matchKey(many.labels[j], m);
      List<Integer> ks = oneByKey.get(key);
      if (ks == null) {
        continue;
      }
      int k = ks.get(0);
      double fl = swapped ? one.values[k] : many.values[j];
      double fr = swapped ? many.values[j] : one.values[k];
      double val;
      boolean keep = true;
      if (cmp) {
        keep = Semantics.compare(bop, fl, fr);
        val = fl;
      } else {
        val = Semantics.scalarOp(bop, fl, fr);
      }
      if (op.bool()) {
        val = keep ? 1 : 0;
      }
      Labels metric = Semantics.matchedLabels(many.labels[j], one.labels[k], bop, m);
      if (m.cardinality() == VectorMatching.Cardinality.ONE_TO_ONE) {
        if (!matchedOneToOne.add(key)) {
          throw StreamingEvaluationException.multipleMatchesOneToOne();
        }
      } else if (!matchedManyToOne.computeIfAbsent(key, x -> new HashSet<>()).add(metric)) {
        throw StreamingEvaluationException.multipleMatchesManyToOne();
      }
      if (!keep && !op.bool()) {
        continue;
      }
      if (!produced.add(metric)) {
        throw StreamingEvaluationException.sameLabelset();
      }
      out.add(metric, val, op.bool() || many.dropName[j]);
    }
    return out;
  }

  private static final class Group {
    final Labels labels;
    boolean dropName;
    double value;
    double mean;
    double comp;
    double count;
    boolean incremental;

    Group(Labels labels) {
      this.labels = labels;
    }
  }

  private static Vec aggregate(Op.Aggregate a, Vec in) {
    AggregateOp op = a.op();
    LinkedHashMap<Labels, Group> groups = new LinkedHashMap<>();
    HashMap<Labels, Labels> keys = new HashMap<>();
    Semantics.Compensated acc = new Semantics.Compensated(0, 0);
    for (int i = 0; i < in.size; i++) {
      Labels key =
          keys.computeIfAbsent(in.labels[i], l -> Semantics.groupKey(l, a.grouping(), a.without()));
      double f = in.values[i];
      Group g = groups.get(key);
      if (g == null) {
        g = new Group(key);
        groups.put(key, g);
        g.dropName = in.dropName[i];
        g.value = f;
        g.mean = f;
        g.count = 1;
        if (op == AggregateOp.STDDEV || op == AggregateOp.STDVAR) {
          g.value = Double.isNaN(f) || Double.isInfinite(f) ? Double.NaN : 0;
        } else if (op == AggregateOp.GROUP) {
          g.value = 1;
        }
        continue;
      }
      g.dropName |= in.dropName[i];
      switch (op) {
        case SUM -> {
          acc.sum = g.value;
          acc.c = g.comp;
          acc.add(f);
          g.value = acc.sum;
          g.comp = acc.c;
        }
        case AVG -> {
          g.count++;
          if (!g.incremental) {
            acc.sum = g.value;
            acc.c = g.comp;
            acc.add(f);
            if (!Double.isInfinite(acc.sum)) {
              g.value = acc.sum;
              g.comp = acc.c;
              break;
            }
            g.incremental = true;
            g.mean = g.value / (g.count - 1);
            g.comp = g.comp / (g.count - 1);
          }
          double q = (g.count - 1) / g.count;
          acc.sum = q * g.mean;
          acc.c = q * g.comp;
          acc.add(f / g.count);
          g.mean = acc.sum;
          g.comp = acc.c;
        }
        case MAX -> {
          if (g.value < f || Double.isNaN(g.value)) {
            g.value = f;
          }
        }
        case MIN -> {
          if (g.value > f || Double.isNaN(g.value)) {
            g.value = f;
          }
        }
        case COUNT -> g.count++;
        case STDDEV, STDVAR -> {
          g.count++;
          double delta = f - g.mean;
          g.mean += delta / g.count;
          g.value += delta * (f - g.mean);
        }
        default -> {}
      }
    }
    Vec out = new Vec(groups.size());
    for (Group g : groups.values()) {
      double r =
          switch (op) {
            case SUM -> Double.isInfinite(g.value) ? g.value : g.value + g.comp;
            case AVG -> g.incremental ? g.mean + g.comp : g.value / g.count + g.comp / g.count;
            case COUNT -> g.count;
            case STDVAR -> g.value / g.count;
            case STDDEV -> Math.sqrt(g.value / g.count);
            default -> g.value;
          };
      out.add(g.labels, r, g.dropName);
    }
    return out;
  }

  /** Cache entries held, for tests. */
  int cachedSteps() {
    int n = 0;
    for (LongObjectHashMap<Step> c : stepCache.values()) {
      for (ObjectCursor<Step> ignored : c.values()) {
        n++;
      }
    }
    return n;
  }
}
