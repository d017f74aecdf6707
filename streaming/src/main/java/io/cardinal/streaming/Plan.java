package io.cardinal.streaming;

import io.cardinal.promql.ast.Expr;
import java.util.Map;

/**
 * A compiled rule expression: either streamable, with the operator tree its results are computed
 * from, or not, with the reason. Immutable; one plan may be registered any number of times.
 */
public final class Plan {
  private final Expr expr;
  private final Op root;
  private final Map<Op.SelectorKey, Long> keep;
  private final long lookbackDeltaMs;
  private final long defaultSubqueryStepMs;
  private final String reason;

  Plan(
      Expr expr,
      Op root,
      Map<Op.SelectorKey, Long> keep,
      long lookbackDeltaMs,
      long defaultSubqueryStepMs,
      String reason) {
    this.expr = expr;
    this.root = root;
    this.keep = Map.copyOf(keep);
    this.lookbackDeltaMs = lookbackDeltaMs;
    this.defaultSubqueryStepMs = defaultSubqueryStepMs;
    this.reason = reason;
  }

  /** The expression compiled. */
  public Expr expr() {
    return expr;
  }

  /** Whether the expression can be evaluated from ingest-time state. */
  public boolean streamable() {
    return reason == null;
  }

  /** Why the expression is not streamable, or null when it is. */
  public String reason() {
    return reason;
  }

  /** The lookback delta instant selectors were compiled with (ms). */
  public long lookbackDeltaMs() {
    return lookbackDeltaMs;
  }

  /** The step of subqueries written without one (ms). */
  public long defaultSubqueryStepMs() {
    return defaultSubqueryStepMs;
  }

  /** How far before the evaluation time the plan needs samples (ms); 0 when not streamable. */
  public long windowMs() {
    long w = 0;
    for (long v : keep.values()) {
      w = Math.max(w, v);
    }
    return w;
  }

  /** The number of distinct selectors whose samples the plan keeps. */
  public int selectors() {
    return keep.size();
  }

  Op root() {
    return root;
  }

  Map<Op.SelectorKey, Long> keep() {
    return keep;
  }

  /** The operator tree, one operator per line, for logs and debugging. */
  public String describe() {
    if (root == null) {
      return "not streamable: " + reason;
    }
    StringBuilder sb = new StringBuilder();
    describe(root, 0, sb);
    return sb.toString();
  }

  private static void describe(Op op, int depth, StringBuilder sb) {
    sb.append("  ".repeat(depth));
    if (op instanceof Op.Const c) {
      sb.append("const ").append(c.value()).append('\n');
    } else if (op instanceof Op.Select s) {
      sb.append("select ").append(s.key().matchers()).append('\n');
    } else if (op instanceof Op.Range r) {
      sb.append(r.fn().function)
          .append(' ')
          .append(r.key().matchers())
          .append('[')
          .append(r.rangeMs())
          .append("ms]\n");
    } else if (op instanceof Op.CountSubquery c) {
      sb.append("count_over_time subquery [")
          .append(c.rangeMs())
          .append("ms:")
          .append(c.stepMs())
          .append("ms]\n");
      describe(c.inner(), depth + 1, sb);
    } else if (op instanceof Op.Negate n) {
      sb.append("negate\n");
      describe(n.child(), depth + 1, sb);
    } else if (op instanceof Op.VectorScalar v) {
      sb.append(v.op().symbol())
          .append(v.bool() ? " bool" : "")
          .append(v.scalarLeft() ? " scalar " : " by scalar ")
          .append(v.scalar())
          .append('\n');
      describe(v.vector(), depth + 1, sb);
    } else if (op instanceof Op.VectorVector v) {
      sb.append(v.op().symbol())
          .append(v.bool() ? " bool " : " ")
          .append(v.matching())
          .append('\n');
      describe(v.lhs(), depth + 1, sb);
      describe(v.rhs(), depth + 1, sb);
    } else if (op instanceof Op.SetOp s) {
      sb.append(s.op().symbol()).append(' ').append(s.matching()).append('\n');
      describe(s.lhs(), depth + 1, sb);
      describe(s.rhs(), depth + 1, sb);
    } else if (op instanceof Op.Aggregate a) {
      sb.append(a.op().keyword())
          .append(a.without() ? " without " : " by ")
          .append(a.grouping())
          .append('\n');
      describe(a.child(), depth + 1, sb);
    }
  }

  @Override
  public String toString() {
    return streamable() ? "Plan[" + expr.toPromQL() + "]" : "Plan[not streamable: " + reason + "]";
  }
}
