package io.cardinal.promql.engine;

import io.cardinal.promql.ast.AggregateExpr;
import io.cardinal.promql.ast.AggregateOp;
import io.cardinal.promql.ast.AtModifier;
import io.cardinal.promql.ast.BinaryExpr;
import io.cardinal.promql.ast.BinaryOp;
import io.cardinal.promql.ast.Call;
import io.cardinal.promql.ast.DurationExpr;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.promql.ast.MatrixSelector;
import io.cardinal.promql.ast.NumberLiteral;
import io.cardinal.promql.ast.ParenExpr;
import io.cardinal.promql.ast.StringLiteral;
import io.cardinal.promql.ast.SubqueryExpr;
import io.cardinal.promql.ast.UnaryExpr;
import io.cardinal.promql.ast.VectorMatching;
import io.cardinal.promql.ast.VectorSelector;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.Series;
import io.cardinal.tsdb.query.SeriesSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates an expression over a grid of steps {@code start, start+interval, …, end}. Every node
 * yields, for all steps at once, either a {@code double[]} (scalar), a {@code String} or a list of
 * {@link Col} (one column of step values per output series, with a presence mask). Series are
 * streamed from the storage one at a time through a reused iterator and reused primitive sample
 * buffers; range functions slide a window over those buffers step by step instead of re-selecting.
 * Subqueries run a child evaluator on their own step grid.
 */
final class Evaluator {

  /** One output series: its value at each step where {@code has[i]}. */
  static final class Col {
    Labels labels;
    final double[] v;
    final boolean[] has;
    boolean dropName;

    Col(Labels labels, int n) {
      this.labels = labels;
      this.v = new double[n];
      this.has = new boolean[n];
    }

    boolean any() {
      for (boolean b : has) {
        if (b) {
          return true;
        }
      }
      return false;
    }
  }

  final QueryContext ctx;
  final long start;
  final long end;
  final long interval;
  final int n;
  final long[] times;

  /**
   * True for the top level of an instant query: Prometheus keeps duplicates until the final cleanup
   * then.
   */
  final boolean instant;

  Evaluator(QueryContext ctx, long start, long end, long interval, boolean instant) {
    this.ctx = ctx;
    this.start = start;
    this.end = end;
    this.interval = interval;
    this.instant = instant;
    this.n = end < start ? 0 : (int) ((end - start) / interval) + 1;
    this.times = new long[n];
    for (int i = 0; i < n; i++) {
      times[i] = start + i * interval;
    }
  }

  // ----------------------------------------------------------------------------------------------
  // dispatch

  Object eval(Expr e) {
    ctx.checkDeadline();
    if (e instanceof ParenExpr p) {
      return eval(p.expr());
    }
    if (e instanceof NumberLiteral num) {
      double[] r = new double[n];
      Arrays.fill(r, num.value());
      return r;
    }
    if (e instanceof StringLiteral s) {
      return s.value();
    }
    if (e instanceof UnaryExpr u) {
      Object o = eval(u.expr());
      if (!u.negate()) {
        return o;
      }
      if (o instanceof double[] d) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
          r[i] = -d[i];
        }
        return r;
      }
      List<Col> cols = cols(o);
      for (Col c : cols) {
        for (int i = 0; i < n; i++) {
          c.v[i] = -c.v[i];
        }
        c.dropName = true;
      }
      return cols;
    }
    if (e instanceof VectorSelector vs) {
      return selectVector(vs, false);
    }
    if (e instanceof BinaryExpr b) {
      return Binary.eval(this, b);
    }
    if (e instanceof AggregateExpr a) {
      return Aggregation.eval(this, a);
    }
    if (e instanceof Call c) {
      return FunctionCalls.eval(this, c);
    }
    throw QueryException.badData(
        "cannot evaluate " + e.type().documentedName() + " expression here: " + e.toPromQL());
  }

  @SuppressWarnings("unchecked")
  static List<Col> cols(Object o) {
    return (List<Col>) o;
  }

  double[] scalar(Expr e) {
    Object o = eval(e);
    if (o instanceof double[] d) {
      return d;
    }
    throw QueryException.badData("expected scalar, got " + e.type().documentedName());
  }

  // ------------------------------------------------------------------------------------------ time
  // helpers

  long durationMs(DurationExpr d) {
    if (d == null) {
      return 0;
    }
    return d.evaluateMillis(ctx.queryStep, ctx.queryEnd - ctx.queryStart);
  }

  long atMs(AtModifier at) {
    return switch (at.kind()) {
      case START -> ctx.queryStart;
      case END -> ctx.queryEnd;
      case TIMESTAMP -> at.timestampMillis();
    };
  }

  /** Reference time per step of a selector or subquery: {@code (@ or step time) - offset}. */
  long[] refTimes(AtModifier at, DurationExpr offset) {
    long off = durationMs(offset);
    long[] r = new long[n];
    for (int i = 0; i < n; i++) {
      r[i] = (at != null ? atMs(at) : times[i]) - off;
    }
    return r;
  }

  /**
   * Compiled matchers by the selector's matchers: compiling a regex (re2j, and the finite-set
   * check) costs more than the lookup of a small query, and dashboards send the same selectors
   * again and again. Matchers are immutable; the table is emptied when it grows past its bound.
   */
  private static final java.util.concurrent.ConcurrentHashMap<List<LabelMatcher>, Matcher[]>
      COMPILED = new java.util.concurrent.ConcurrentHashMap<>();

  private static final int MAX_COMPILED = 4096;

  static Matcher[] matchers(List<LabelMatcher> ms) {
    Matcher[] cached = COMPILED.get(ms);
    if (cached == null) {
      cached = compile(ms);
      if (COMPILED.size() >= MAX_COMPILED) {
        COMPILED.clear();
      }
      COMPILED.put(List.copyOf(ms), cached);
    }
    return cached.clone();
  }

  private static Matcher[] compile(List<LabelMatcher> ms) {
    return LabelMatcher.toMatchers(ms);
  }

  // ------------------------------------------------------------------------------------------
  // sample buffer

  /** Reusable primitive buffer holding one series' samples of the selected range. */
  static final class SampleBuf {
    long[] t = new long[256];
    double[] v = new double[256];
    int size;

    void add(long ts, double val) {
      if (size == t.length) {
        t = Arrays.copyOf(t, size * 2);
        v = Arrays.copyOf(v, size * 2);
      }
      t[size] = ts;
      v[size] = val;
      size++;
    }
  }

  SampleIterator it;

  /**
   * Loads the samples of {@code s} with mint <= t <= maxt into {@code buf}; stale markers kept iff
   * keepStale.
   */
  void load(Series s, long mint, long maxt, SampleBuf buf, boolean keepStale) {
    buf.size = 0;
    it = s.iterator(it);
    boolean ok = it.seek(mint);
    while (ok) {
      long t = it.timestamp();
      if (t > maxt) {
        break;
      }
      if (t >= mint) {
        double v = it.value();
        if (keepStale || !Numbers.isStale(v)) {
          buf.add(t, v);
        }
      }
      ok = it.next();
    }
    String err = it.error();
    if (err != null) {
      throw QueryException.storage(err);
    }
  }

  // -------------------------------------------------------------------------------------- vector
  // selectors

  /**
   * Instant vector selector over all steps; with {@code timestamps} the values are the sample times
   * (s).
   */
  List<Col> selectVector(VectorSelector vs, boolean timestamps) {
    List<Col> out = new ArrayList<>();
    if (n == 0) {
      return out;
    }
    long[] refs = refTimes(vs.at(), vs.offset());
    long lookback = ctx.opts.lookbackDeltaMs();
    long minRef = Long.MAX_VALUE;
    long maxRef = Long.MIN_VALUE;
    for (long r : refs) {
      minRef = Math.min(minRef, r);
      maxRef = Math.max(maxRef, r);
    }
    long mint = minRef - lookback + 1;
    SeriesSet set = ctx.querier.select(true, mint, maxRef, matchers(vs.matchers()));
    SampleBuf buf = ctx.buf;
    while (set.next()) {
      ctx.checkDeadline();
      Series s = set.at();
      load(s, mint, maxRef, buf, true);
      if (buf.size == 0) {
        continue;
      }
      Col c = null;
      int p = -1;
      long count = 0;
      for (int i = 0; i < n; i++) {
        long ref = refs[i];
        if (i > 0 && ref < refs[i - 1]) {
          p = -1;
        }
        while (p + 1 < buf.size && buf.t[p + 1] <= ref) {
          p++;
        }
        if (p >= 0 && buf.t[p] > ref - lookback && !Numbers.isStale(buf.v[p])) {
          if (c == null) {
            c = new Col(s.labels(), n);
          }
          c.v[i] = timestamps ? buf.t[p] / 1000.0 : buf.v[p];
          c.has[i] = true;
          count++;
        }
      }
      if (c != null) {
        ctx.addSamples(count);
        out.add(c);
      }
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // range args

  /**
   * Receives one input series of a range-vector argument, as parallel arrays, plus the per-step
   * window ends.
   */
  interface WindowConsumer {
    void accept(Labels labels, boolean dropName, long[] t, double[] v, int size);
  }

  /**
   * Streams the series of a matrix selector or subquery argument. {@code ends[i]} is the
   * (inclusive) end of step i's window, {@code rangeMs} its length; windows are left-open: (end -
   * range, end].
   */
  void forEachRangeSeries(Expr arg, long[] ends, long rangeMs, WindowConsumer consumer) {
    if (n == 0) {
      return;
    }
    long minEnd = Long.MAX_VALUE;
    long maxEnd = Long.MIN_VALUE;
    for (long e : ends) {
      minEnd = Math.min(minEnd, e);
      maxEnd = Math.max(maxEnd, e);
    }
    if (arg instanceof MatrixSelector ms) {
      long mint = minEnd - rangeMs + 1;
      SeriesSet set = ctx.querier.select(true, mint, maxEnd, matchers(ms.selector().matchers()));
      SampleBuf buf = ctx.buf;
      while (set.next()) {
        ctx.checkDeadline();
        Series s = set.at();
        load(s, mint, maxEnd, buf, false);
        if (buf.size == 0) {
          continue;
        }
        ctx.addSamples(buf.size);
        consumer.accept(s.labels(), false, buf.t, buf.v, buf.size);
        ctx.releaseSamples(buf.size);
      }
      return;
    }
    SubqueryExpr sq = (SubqueryExpr) arg;
    Evaluator inner = subqueryEvaluator(sq, minEnd - rangeMs, maxEnd);
    if (inner.n == 0) {
      return;
    }
    Object r = inner.eval(sq.expr());
    List<Col> cols;
    if (r instanceof double[] d) {
      Col c = new Col(Labels.EMPTY, inner.n);
      System.arraycopy(d, 0, c.v, 0, inner.n);
      Arrays.fill(c.has, true);
      cols = List.of(c);
    } else {
      cols = cols(r);
    }
    long[] t = new long[inner.n];
    double[] v = new double[inner.n];
    for (Col c : cols) {
      int size = 0;
      for (int j = 0; j < inner.n; j++) {
        if (c.has[j]) {
          t[size] = inner.times[j];
          v[size] = c.v[j];
          size++;
        }
      }
      if (size > 0) {
        consumer.accept(c.labels, c.dropName, t, v, size);
      }
    }
  }

  /**
   * A child evaluator whose steps are the multiples of the subquery step in (rawStart, innerEnd].
   */
  Evaluator subqueryEvaluator(SubqueryExpr sq, long rawStart, long innerEnd) {
    long step = sq.step() != null ? durationMs(sq.step()) : ctx.opts.noStepSubqueryIntervalMs();
    if (step <= 0) {
      throw QueryException.badData("subquery step must be positive");
    }
    long innerStart = Math.floorDiv(rawStart, step) * step;
    if (innerStart <= rawStart) {
      innerStart += step;
    }
    return new Evaluator(ctx, innerStart, innerEnd, step, false);
  }

  /** Window ends per step for a matrix selector or subquery argument. */
  long[] windowEnds(Expr arg) {
    if (arg instanceof MatrixSelector ms) {
      return refTimes(ms.selector().at(), ms.selector().offset());
    }
    SubqueryExpr sq = (SubqueryExpr) arg;
    return refTimes(sq.at(), sq.offset());
  }

  long rangeOf(Expr arg) {
    if (arg instanceof MatrixSelector ms) {
      return durationMs(ms.range());
    }
    return durationMs(((SubqueryExpr) arg).range());
  }

  // -------------------------------------------------------------------------------------------
  // merging

  /**
   * Merges series with equal label sets (as Prometheus' range evaluation does): allowed when they
   * never have a value at the same step, an error otherwise.
   */
  List<Col> mergeSameLabels(List<Col> in) {
    if (in.size() <= 1) {
      return in;
    }
    HashMap<Labels, Col> seen = new HashMap<>(in.size() * 2);
    List<Col> out = null;
    for (int k = 0; k < in.size(); k++) {
      Col c = in.get(k);
      Col prev = seen.putIfAbsent(c.labels, c);
      if (prev == null) {
        if (out != null) {
          out.add(c);
        }
        continue;
      }
      if (out == null) {
        out = new ArrayList<>(in.subList(0, k));
      }
      for (int i = 0; i < c.has.length; i++) {
        if (c.has[i]) {
          if (prev.has[i]) {
            throw QueryException.sameLabelset();
          }
          prev.has[i] = true;
          prev.v[i] = c.v[i];
        }
      }
    }
    return out == null ? in : out;
  }

  /**
   * Range evaluation merges outputs by label set per step; instant evaluation leaves that to the
   * final cleanup.
   */
  List<Col> rangeMerge(List<Col> in) {
    return instant ? in : mergeSameLabels(in);
  }

  static List<Col> dropEmpty(List<Col> in) {
    List<Col> out = new ArrayList<>(in.size());
    for (Col c : in) {
      if (c.any()) {
        out.add(c);
      }
    }
    return out;
  }

  static Expr unwrap(Expr e) {
    while (e instanceof ParenExpr p) {
      e = p.expr();
    }
    return e;
  }

  /**
   * Labels for absent()/absent_over_time(): the equality matchers that name a label exactly once.
   */
  static Labels absentLabels(Expr arg) {
    arg = unwrap(arg);
    List<LabelMatcher> ms;
    if (arg instanceof VectorSelector vs) {
      ms = vs.matchers();
    } else if (arg instanceof MatrixSelector m) {
      ms = m.selector().matchers();
    } else {
      return Labels.EMPTY;
    }
    Map<String, String> kept = new LinkedHashMap<>();
    Set<String> has = new HashSet<>();
    for (LabelMatcher m : ms) {
      if (m.name().equals(Labels.METRIC_NAME)) {
        continue;
      }
      if (m.type() == LabelMatcher.Type.EQ && !has.contains(m.name())) {
        kept.put(m.name(), m.value());
        has.add(m.name());
      } else {
        kept.remove(m.name());
      }
    }
    return Labels.fromMap(kept);
  }

  static Labels dropMetadata(Labels l) {
    if (!l.has(Labels.METRIC_NAME) && !l.has("__type__") && !l.has("__unit__")) {
      return l;
    }
    return l.toBuilder().delete(Labels.METRIC_NAME, "__type__", "__unit__").build();
  }

  static boolean isComparison(BinaryOp op) {
    return op.isComparison();
  }

  static boolean changesSchema(BinaryOp op) {
    return switch (op) {
      case ADD, SUB, MUL, DIV, POW, MOD, ATAN2 -> true;
      default -> false;
    };
  }

  static VectorMatching defaultMatching(BinaryExpr b) {
    if (b.matching() != null) {
      return b.matching();
    }
    return b.op().isSetOperator()
        ? VectorMatching.oneToOne().withCardinality(VectorMatching.Cardinality.MANY_TO_MANY)
        : VectorMatching.oneToOne();
  }

  static boolean isExperimental(AggregateOp op) {
    return op.isExperimental();
  }
}
