package io.cardinal.streaming;

import io.cardinal.promql.ast.AggregateExpr;
import io.cardinal.promql.ast.BinaryExpr;
import io.cardinal.promql.ast.BinaryOp;
import io.cardinal.promql.ast.Call;
import io.cardinal.promql.ast.DurationExpr;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.MatrixSelector;
import io.cardinal.promql.ast.NumberLiteral;
import io.cardinal.promql.ast.ParenExpr;
import io.cardinal.promql.ast.StringLiteral;
import io.cardinal.promql.ast.SubqueryExpr;
import io.cardinal.promql.ast.UnaryExpr;
import io.cardinal.promql.ast.ValueType;
import io.cardinal.promql.ast.VectorMatching;
import io.cardinal.promql.ast.VectorSelector;
import io.cardinal.promql.engine.EngineOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compiles a rule expression into a tree of incremental operators ({@link Plan}), or explains why
 * it cannot be evaluated from ingest-time state.
 *
 * <p>Streamable: number literals and arithmetic between them; instant vector selectors; {@code
 * rate}, {@code increase}, {@code delta}, {@code irate}, {@code idelta}, {@code resets}, {@code
 * changes} and the {@code count/present/last/sum/avg/min/max/stddev/stdvar_over_time} functions
 * over a range selector; {@code count_over_time((expr)[R:S])} over a streamable inner expression;
 * the aggregations {@code sum}, {@code avg}, {@code min}, {@code max}, {@code count}, {@code
 * group}, {@code stddev}, {@code stdvar} with {@code by}/{@code without}; unary minus; arithmetic
 * and comparisons (with or without {@code bool}) between a vector and a scalar or between two
 * vectors with {@code on}/{@code ignoring}/{@code group_left}/{@code group_right}; {@code and},
 * {@code unless} and {@code or}. Offsets, {@code @}, duration expressions and every other function
 * or aggregation are not.
 */
public final class StreamingPlanner {
  private StreamingPlanner() {}

  /** Compiles with the default step of subqueries written without one (1m). */
  public static Plan compile(Expr expr, long lookbackDeltaMs) {
    return compile(
        expr, lookbackDeltaMs, EngineOptions.defaults().noStepSubqueryInterval().toMillis());
  }

  /** Compiles with the engine's lookback delta and default subquery step. */
  public static Plan compile(Expr expr, EngineOptions options) {
    return compile(
        expr, options.lookbackDelta().toMillis(), options.noStepSubqueryInterval().toMillis());
  }

  /**
   * Compiles {@code expr}.
   *
   * @param lookbackDeltaMs how far back an instant selector looks for a sample
   * @param defaultSubqueryStepMs the step of subqueries written without one ({@code [1h:]})
   */
  public static Plan compile(Expr expr, long lookbackDeltaMs, long defaultSubqueryStepMs) {
    if (lookbackDeltaMs <= 0 || defaultSubqueryStepMs <= 0) {
      throw new IllegalArgumentException("lookback delta and subquery step must be positive");
    }
    Compiler c = new Compiler(lookbackDeltaMs, defaultSubqueryStepMs);
    try {
      if (expr.type() != ValueType.VECTOR && expr.type() != ValueType.SCALAR) {
        throw new NotStreamable(
            "a rule must yield a vector or a scalar, not a " + expr.type().documentedName());
      }
      Op root = c.compile(expr, 0, false);
      return new Plan(expr, root, c.keep, lookbackDeltaMs, defaultSubqueryStepMs, null);
    } catch (NotStreamable e) {
      return new Plan(expr, null, Map.of(), lookbackDeltaMs, defaultSubqueryStepMs, e.getMessage());
    }
  }

  /** Why a subtree cannot be streamed; unwinds the compilation. */
  private static final class NotStreamable extends RuntimeException {
    NotStreamable(String reason) {
      super(reason, null, false, false);
    }
  }

  private static final class Compiler {
    final long lookback;
    final long defaultStep;

    /** How far back from the evaluation time each selector's samples are needed (ms). */
    final Map<Op.SelectorKey, Long> keep = new LinkedHashMap<>();

    Compiler(long lookback, long defaultStep) {
      this.lookback = lookback;
      this.defaultStep = defaultStep;
    }

    /**
     * @param extraMs how far back the enclosing subqueries evaluate their inner expression
     * @param inSubquery whether the expression is the inner expression of a subquery
     */
    Op compile(Expr e, long extraMs, boolean inSubquery) {
      if (e instanceof ParenExpr p) {
        return compile(p.expr(), extraMs, inSubquery);
      }
      if (e instanceof NumberLiteral num) {
        return new Op.Const(num.value());
      }
      if (e instanceof StringLiteral) {
        throw new NotStreamable("string literals are not streamable");
      }
      if (e instanceof UnaryExpr u) {
        Op child = compile(u.expr(), extraMs, inSubquery);
        if (!u.negate()) {
          return child;
        }
        if (child instanceof Op.Const k) {
          return new Op.Const(-k.value());
        }
        return new Op.Negate(child);
      }
      if (e instanceof VectorSelector vs) {
        checkSelector(vs);
        Op.SelectorKey key = new Op.SelectorKey(vs.matchers(), true);
        need(key, extraMs + lookback);
        return new Op.Select(key);
      }
      if (e instanceof MatrixSelector) {
        throw new NotStreamable(
            "range selectors are only streamable as the argument of a supported range function");
      }
      if (e instanceof SubqueryExpr) {
        throw new NotStreamable(
            "subqueries other than count_over_time((expr)[R:S]) are not streamable");
      }
      if (e instanceof Call call) {
        return call(call, extraMs, inSubquery);
      }
      if (e instanceof AggregateExpr a) {
        return aggregate(a, extraMs, inSubquery);
      }
      if (e instanceof BinaryExpr b) {
        return binary(b, extraMs, inSubquery);
      }
      throw new NotStreamable("expression " + e.toPromQL() + " is not streamable");
    }

    private void need(Op.SelectorKey key, long ms) {
      keep.merge(key, ms, Math::max);
    }

    private static void checkSelector(VectorSelector vs) {
      if (vs.at() != null) {
        throw new NotStreamable(
            "offset/@ modifiers are not streamable: the state holds only the window before the"
                + " evaluation time");
      }
      if (vs.offset() != null && !(vs.offset().isLiteral() && vs.offset().literalMillis() == 0)) {
        throw new NotStreamable(
            "offset/@ modifiers are not streamable: the state holds only the window before the"
                + " evaluation time");
      }
      if (vs.anchored() || vs.smoothed()) {
        throw new NotStreamable("anchored/smoothed selectors are not streamable");
      }
    }

    private static long literal(DurationExpr d, String what) {
      if (!d.isLiteral()) {
        throw new NotStreamable(
            "duration expressions are not streamable (" + what + " must be a literal)");
      }
      return d.literalMillis();
    }

    private Op call(Call call, long extraMs, boolean inSubquery) {
      String name = call.function().name();
      if (call.args().size() != 1) {
        throw new NotStreamable("function " + name + " is not streamable");
      }
      Expr arg = call.args().get(0);
      while (arg instanceof ParenExpr p) {
        arg = p.expr();
      }
      if (arg instanceof SubqueryExpr sq) {
        if (!name.equals("count_over_time")) {
          throw new NotStreamable(
              "subqueries other than count_over_time((expr)[R:S]) are not streamable");
        }
        if (sq.offset() != null || sq.at() != null) {
          throw new NotStreamable(
              "offset/@ modifiers are not streamable: the state holds only the window before the"
                  + " evaluation time");
        }
        long range = literal(sq.range(), "the subquery range");
        long step = sq.step() == null ? defaultStep : literal(sq.step(), "the subquery step");
        if (range <= 0 || step <= 0) {
          throw new NotStreamable("subquery range and step must be positive to be streamed");
        }
        if (sq.expr().type() != ValueType.VECTOR) {
          throw new NotStreamable("subqueries over a scalar are not streamable");
        }
        Op inner = compile(sq.expr(), extraMs + range, true);
        return new Op.CountSubquery(inner, range, step, extraMs);
      }
      Op.RangeFn fn = Op.RangeFn.of(name);
      if (fn == null || !(arg instanceof MatrixSelector ms)) {
        throw new NotStreamable("function " + name + " is not streamable");
      }
      checkSelector(ms.selector());
      long range = literal(ms.range(), "the range");
      if (range <= 0) {
        throw new NotStreamable("a range must be positive to be streamed");
      }
      Op.SelectorKey key = new Op.SelectorKey(ms.selector().matchers(), false);
      need(key, extraMs + range);
      return new Op.Range(fn, key, range);
    }

    private Op aggregate(AggregateExpr a, long extraMs, boolean inSubquery) {
      switch (a.op()) {
        case SUM, AVG, MIN, MAX, COUNT, GROUP, STDDEV, STDVAR -> {}
        default ->
            throw new NotStreamable("aggregation " + a.op().keyword() + " is not streamable");
      }
      Op child = compile(a.expr(), extraMs, inSubquery);
      if (child instanceof Op.Const) {
        throw new NotStreamable("aggregating a scalar is not streamable");
      }
      return new Op.Aggregate(a.op(), child, a.grouping(), a.without());
    }

    private Op binary(BinaryExpr b, long extraMs, boolean inSubquery) {
      BinaryOp op = b.op();
      if (op == BinaryOp.TRIM_LOWER || op == BinaryOp.TRIM_UPPER) {
        throw new NotStreamable("operator " + op.symbol() + " is not streamable");
      }
      Op l = compile(b.lhs(), extraMs, inSubquery);
      Op r = compile(b.rhs(), extraMs, inSubquery);
      if (l instanceof Op.Const lc && r instanceof Op.Const rc) {
        if (op.isSetOperator()) {
          throw new NotStreamable("operator " + op.symbol() + " is not streamable between scalars");
        }
        return new Op.Const(Semantics.scalarOp(op, lc.value(), rc.value()));
      }
      if (r instanceof Op.Const rc) {
        return new Op.VectorScalar(op, l, rc.value(), false, b.returnBool());
      }
      if (l instanceof Op.Const lc) {
        return new Op.VectorScalar(op, r, lc.value(), true, b.returnBool());
      }
      VectorMatching m = b.matching();
      if (m == null) {
        m =
            op.isSetOperator()
                ? VectorMatching.oneToOne().withCardinality(VectorMatching.Cardinality.MANY_TO_MANY)
                : VectorMatching.oneToOne();
      }
      if (m.hasFill()) {
        throw new NotStreamable("fill modifiers are not streamable");
      }
      if (op.isSetOperator()) {
        if (op == BinaryOp.OR && inSubquery) {
          throw new NotStreamable("'or' inside a subquery is not streamable");
        }
        return new Op.SetOp(op, l, r, m);
      }
      return new Op.VectorVector(op, l, r, m, b.returnBool());
    }
  }
}
