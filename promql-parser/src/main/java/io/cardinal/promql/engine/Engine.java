package io.cardinal.promql.engine;

import io.cardinal.promql.DeepStack;
import io.cardinal.promql.PromQL;
import io.cardinal.promql.ast.AggregateExpr;
import io.cardinal.promql.ast.BinaryExpr;
import io.cardinal.promql.ast.Call;
import io.cardinal.promql.ast.DurationExpr;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.MatrixSelector;
import io.cardinal.promql.ast.ParenExpr;
import io.cardinal.promql.ast.SubqueryExpr;
import io.cardinal.promql.ast.UnaryExpr;
import io.cardinal.promql.ast.ValueType;
import io.cardinal.promql.ast.VectorSelector;
import io.cardinal.promql.engine.Evaluator.Col;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.query.Querier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The PromQL engine: instant and range queries against a {@link Querier}, with Prometheus 3
 * semantics (lookback and staleness, left-open ranges, step-aligned subqueries, delayed {@code
 * __name__} removal).
 *
 * <p>Thread-safe; queries beyond {@link EngineOptions#maxConcurrentQueries()} wait for a slot until
 * their timeout. Failures are {@link QueryException}s (evaluation) or {@link
 * io.cardinal.promql.PromQLParseException}s (syntax).
 */
public final class Engine {
  /** Prometheus' API limit on points per series of a range query. */
  public static final int MAX_POINTS_PER_SERIES = 11_000;

  private final EngineOptions opts;
  private final Semaphore slots;

  public Engine(EngineOptions opts) {
    this.opts = opts;
    this.slots = new Semaphore(opts.maxConcurrentQueries(), true);
  }

  public Engine() {
    this(EngineOptions.defaults());
  }

  public EngineOptions options() {
    return opts;
  }

  public QueryResult instantQuery(Queryable storage, String query, long timeMs) {
    return instantQuery(storage, PromQL.parse(query), timeMs);
  }

  public QueryResult instantQuery(Queryable storage, Expr expr, long timeMs) {
    return run(storage, null, expr, timeMs, timeMs, 0);
  }

  public QueryResult instantQuery(Querier querier, String query, long timeMs) {
    return run(null, querier, PromQL.parse(query), timeMs, timeMs, 0);
  }

  public QueryResult instantQuery(Querier querier, Expr expr, long timeMs) {
    return run(null, querier, expr, timeMs, timeMs, 0);
  }

  public QueryResult rangeQuery(
      Queryable storage, String query, long startMs, long endMs, long stepMs) {
    return rangeQuery(storage, PromQL.parse(query), startMs, endMs, stepMs);
  }

  public QueryResult rangeQuery(
      Queryable storage, Expr expr, long startMs, long endMs, long stepMs) {
    checkRange(startMs, endMs, stepMs);
    return run(storage, null, expr, startMs, endMs, stepMs);
  }

  public QueryResult rangeQuery(
      Querier querier, String query, long startMs, long endMs, long stepMs) {
    return rangeQuery(querier, PromQL.parse(query), startMs, endMs, stepMs);
  }

  public QueryResult rangeQuery(Querier querier, Expr expr, long startMs, long endMs, long stepMs) {
    checkRange(startMs, endMs, stepMs);
    return run(null, querier, expr, startMs, endMs, stepMs);
  }

  private static void checkRange(long start, long end, long step) {
    if (step <= 0) {
      throw QueryException.badData(
          "zero or negative query resolution step widths are not accepted. Try a positive integer");
    }
    if (end < start) {
      throw QueryException.badData("end timestamp must not be before start time");
    }
    // Prometheus allows (end - start) / step == 11,000, i.e. 11,001 points.
    if ((end - start) / step > MAX_POINTS_PER_SERIES) {
      throw QueryException.badData(
          "exceeded maximum resolution of 11,000 points per timeseries. "
              + "Try decreasing the query resolution (?step=XX)");
    }
  }

  private QueryResult run(
      Queryable storage, Querier given, Expr expr, long start, long end, long step) {
    try {
      return DeepStack.call("evaluation", () -> runOnce(storage, given, expr, start, end, step));
    } catch (DeepStack.TooDeepException e) {
      throw QueryException.badData(e.getMessage());
    }
  }

  private QueryResult runOnce(
      Queryable storage, Querier given, Expr expr, long start, long end, long step) {
    checkFeatures(expr);
    boolean instant = step == 0;
    if (instant
        && expr.type() != ValueType.VECTOR
        && expr.type() != ValueType.SCALAR
        && expr.type() != ValueType.MATRIX
        && expr.type() != ValueType.STRING) {
      throw QueryException.badData("unsupported expression type");
    }
    if (!instant && expr.type() != ValueType.VECTOR && expr.type() != ValueType.SCALAR) {
      throw QueryException.badData(
          "invalid expression type \""
              + expr.type().documentedName()
              + "\" for range query, must be Scalar or instant Vector");
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(opts.timeoutMs());
    try {
      if (!slots.tryAcquire(opts.timeoutMs(), TimeUnit.MILLISECONDS)) {
        throw QueryException.timeout("query queue");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw QueryException.canceled("query queue");
    }
    Querier q = given;
    try {
      if (q == null) {
        long[] bounds = timeBounds(expr, start, end);
        q = storage.querier(bounds[0], bounds[1]);
      }
      QueryContext ctx = new QueryContext(q, opts, start, end, instant ? 0 : step, deadline);
      Value v;
      try {
        v = evaluate(ctx, expr, start, end, instant ? 1 : step, instant);
      } catch (java.io.UncheckedIOException e) {
        // A block's index or chunks failed to read (corruption names file and offset): an
        // evaluation error, as Prometheus reports it, not a crash of the request.
        throw QueryException.storage(
            e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
      }
      return new QueryResult(v, new ArrayList<>(ctx.warnings), new ArrayList<>(ctx.infos));
    } finally {
      if (given == null && q != null) {
        q.close();
      }
      slots.release();
    }
  }

  private static Value evaluate(
      QueryContext ctx, Expr expr, long start, long end, long step, boolean instant) {
    Expr e = Evaluator.unwrap(expr);
    Evaluator ev = new Evaluator(ctx, start, end, step, instant);
    if (instant && (e instanceof MatrixSelector || e instanceof SubqueryExpr)) {
      return rangeVector(ev, e);
    }
    Object r = ev.eval(e);
    if (r instanceof String s) {
      return new Value.Str(start, s);
    }
    if (r instanceof double[] d) {
      if (instant) {
        return new Value.Scalar(start, d[0]);
      }
      long[] ts = ev.times.clone();
      return new Value.Matrix(List.of(new Value.Series(Labels.EMPTY, ts, d.clone())));
    }
    List<Col> cols = Evaluator.cols(r);
    for (Col c : cols) {
      if (c.dropName) {
        c.labels = Evaluator.dropMetadata(c.labels);
      }
    }
    if (instant) {
      List<Value.Sample> out = new ArrayList<>(cols.size());
      Set<Labels> seen = new HashSet<>();
      for (Col c : cols) {
        if (!c.has[0]) {
          continue;
        }
        if (!seen.add(c.labels)) {
          throw QueryException.sameLabelset();
        }
        out.add(new Value.Sample(c.labels, start, c.v[0]));
      }
      return new Value.Vector(out);
    }
    cols = ev.mergeSameLabels(cols);
    List<Value.Series> series = new ArrayList<>(cols.size());
    for (Col c : cols) {
      series.add(toSeries(c, ev.times));
    }
    series.sort((a, b) -> a.labels().compareTo(b.labels()));
    return new Value.Matrix(series);
  }

  private static Value.Series toSeries(Col c, long[] times) {
    int k = 0;
    for (boolean b : c.has) {
      if (b) {
        k++;
      }
    }
    long[] ts = new long[k];
    double[] vs = new double[k];
    int j = 0;
    for (int i = 0; i < c.has.length; i++) {
      if (c.has[i]) {
        ts[j] = times[i];
        vs[j] = c.v[i];
        j++;
      }
    }
    return new Value.Series(c.labels, ts, vs);
  }

  /**
   * An instant query whose result is a range vector: the raw samples (or subquery points) in the
   * window.
   */
  private static Value rangeVector(Evaluator ev, Expr e) {
    long end = ev.windowEnds(e)[0];
    long range = ev.rangeOf(e);
    List<Value.Series> out = new ArrayList<>();
    List<Boolean> drop = new ArrayList<>();
    ev.forEachRangeSeries(
        e,
        new long[] {end},
        range,
        (labels, dropName, t, v, size) -> {
          int lo = 0;
          while (lo < size && t[lo] <= end - range) {
            lo++;
          }
          int hi = size - 1;
          while (hi >= 0 && t[hi] > end) {
            hi--;
          }
          if (lo > hi) {
            return;
          }
          ev.ctx.addSamples(hi - lo + 1);
          long[] ts = java.util.Arrays.copyOfRange(t, lo, hi + 1);
          double[] vs = java.util.Arrays.copyOfRange(v, lo, hi + 1);
          out.add(new Value.Series(dropName ? Evaluator.dropMetadata(labels) : labels, ts, vs));
        });
    return new Value.Matrix(out);
  }

  /**
   * The time range the query reads, for opening a querier: widened by lookback, ranges, offsets
   * and @.
   */
  static long[] timeBounds(Expr expr, long start, long end) {
    long[] b = {Long.MAX_VALUE, Long.MIN_VALUE};
    bounds(expr, start, end, 0, b, start, end);
    if (b[0] > b[1]) {
      return new long[] {start, end};
    }
    return b;
  }

  private static void bounds(Expr e, long s, long en, long extra, long[] b, long qs, long qe) {
    if (e instanceof ParenExpr p) {
      bounds(p.expr(), s, en, extra, b, qs, qe);
    } else if (e instanceof UnaryExpr u) {
      bounds(u.expr(), s, en, extra, b, qs, qe);
    } else if (e instanceof BinaryExpr be) {
      bounds(be.lhs(), s, en, extra, b, qs, qe);
      bounds(be.rhs(), s, en, extra, b, qs, qe);
    } else if (e instanceof AggregateExpr a) {
      bounds(a.expr(), s, en, extra, b, qs, qe);
      if (a.param() != null) {
        bounds(a.param(), s, en, extra, b, qs, qe);
      }
    } else if (e instanceof Call c) {
      for (Expr a : c.args()) {
        bounds(a, s, en, extra, b, qs, qe);
      }
    } else if (e instanceof VectorSelector vs) {
      selectorBounds(vs, s, en, extra + 5 * 60_000L * 12, b, qs, qe);
    } else if (e instanceof MatrixSelector ms) {
      selectorBounds(ms.selector(), s, en, extra + millis(ms.range()), b, qs, qe);
    } else if (e instanceof SubqueryExpr sq) {
      long off = millis(sq.offset());
      long ss = sq.at() != null ? at(sq.at(), qs, qe) : s;
      long se = sq.at() != null ? at(sq.at(), qs, qe) : en;
      bounds(sq.expr(), ss - off - millis(sq.range()) - extra, se + off, 0, b, qs, qe);
    }
  }

  private static void selectorBounds(
      VectorSelector vs, long s, long en, long back, long[] b, long qs, long qe) {
    long off = millis(vs.offset());
    long ss = vs.at() != null ? at(vs.at(), qs, qe) : s;
    long se = vs.at() != null ? at(vs.at(), qs, qe) : en;
    // Offsets may be negative: widen both ends by their magnitude (millis() is already generous).
    b[0] = Math.min(b[0], ss - off - back);
    b[1] = Math.max(b[1], se + off);
  }

  private static long at(io.cardinal.promql.ast.AtModifier a, long qs, long qe) {
    return switch (a.kind()) {
      case START -> qs;
      case END -> qe;
      case TIMESTAMP -> a.timestampMillis();
    };
  }

  private static long millis(DurationExpr d) {
    if (d == null) {
      return 0;
    }
    try {
      return Math.abs(d.evaluateMillis(0, 0)) + 60 * 60_000L;
    } catch (RuntimeException e) {
      return 24 * 60 * 60_000L;
    }
  }

  /** Rejects experimental features unless enabled, with Prometheus' messages. */
  private void checkFeatures(Expr e) {
    if (opts.enableExperimentalFunctions()) {
      return;
    }
    walkFeatures(e);
  }

  private static void walkFeatures(Expr e) {
    if (e instanceof ParenExpr p) {
      walkFeatures(p.expr());
    } else if (e instanceof UnaryExpr u) {
      walkFeatures(u.expr());
    } else if (e instanceof BinaryExpr be) {
      walkFeatures(be.lhs());
      walkFeatures(be.rhs());
    } else if (e instanceof AggregateExpr a) {
      if (a.op().isExperimental()) {
        throw QueryException.badData(
            a.op().keyword()
                + "() is experimental and must be enabled with --enable-feature=promql-experimental-functions");
      }
      walkFeatures(a.expr());
      if (a.param() != null) {
        walkFeatures(a.param());
      }
    } else if (e instanceof Call c) {
      if (c.function().experimental()) {
        throw QueryException.badData("function \"" + c.function().name() + "\" is not enabled");
      }
      for (Expr a : c.args()) {
        walkFeatures(a);
      }
    } else if (e instanceof SubqueryExpr sq) {
      walkFeatures(sq.expr());
    }
  }
}
