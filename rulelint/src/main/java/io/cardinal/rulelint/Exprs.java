package io.cardinal.rulelint;

import io.cardinal.promql.ast.AggregateExpr;
import io.cardinal.promql.ast.BinaryExpr;
import io.cardinal.promql.ast.Call;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.promql.ast.MatrixSelector;
import io.cardinal.promql.ast.ParenExpr;
import io.cardinal.promql.ast.SubqueryExpr;
import io.cardinal.promql.ast.UnaryExpr;
import io.cardinal.promql.ast.VectorSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Walking a PromQL tree: its selectors, where each stands, and its range-function calls. */
final class Exprs {
  private Exprs() {}

  /** Functions whose result is about the absence of their argument. */
  static final Set<String> ABSENCE = Set.of("absent", "absent_over_time");

  /**
   * A selector and where it stands.
   *
   * @param insideAbsence under {@code absent()} or {@code absent_over_time()}, where a missing
   *     metric is the point
   */
  record SelectorUse(VectorSelector selector, boolean insideAbsence) {}

  /** The metric name a selector asks for by equality, or null. */
  static String metricName(VectorSelector s) {
    for (LabelMatcher m : s.matchers()) {
      if (m.name().equals(LabelMatcher.METRIC_NAME) && m.type() == LabelMatcher.Type.EQ) {
        return m.value();
      }
    }
    return null;
  }

  /** The matcher list asking for one metric by name. */
  static List<LabelMatcher> byName(String metric) {
    return List.of(LabelMatcher.eq(LabelMatcher.METRIC_NAME, metric));
  }

  /** The children of a node, in writing order. */
  static List<Expr> children(Expr e) {
    if (e instanceof AggregateExpr a) {
      List<Expr> out = new ArrayList<>();
      if (a.param() != null) {
        out.add(a.param());
      }
      out.add(a.expr());
      return out;
    }
    if (e instanceof BinaryExpr b) {
      return List.of(b.lhs(), b.rhs());
    }
    if (e instanceof Call c) {
      return c.args();
    }
    if (e instanceof MatrixSelector m) {
      return List.of(m.selector());
    }
    if (e instanceof ParenExpr p) {
      return List.of(p.expr());
    }
    if (e instanceof SubqueryExpr s) {
      return List.of(s.expr());
    }
    if (e instanceof UnaryExpr u) {
      return List.of(u.expr());
    }
    return List.of();
  }

  /** Every vector selector, in writing order. */
  static List<SelectorUse> selectors(Expr e) {
    List<SelectorUse> out = new ArrayList<>();
    collect(e, false, out);
    return out;
  }

  private static void collect(Expr e, boolean absence, List<SelectorUse> out) {
    if (e instanceof VectorSelector v) {
      out.add(new SelectorUse(v, absence));
      return;
    }
    boolean inner = absence || (e instanceof Call c && ABSENCE.contains(c.function().name()));
    for (Expr child : children(e)) {
      collect(child, inner, out);
    }
  }

  /** Every function call, in writing order. */
  static List<Call> calls(Expr e) {
    List<Call> out = new ArrayList<>();
    collectCalls(e, out);
    return out;
  }

  private static void collectCalls(Expr e, List<Call> out) {
    if (e instanceof Call c) {
      out.add(c);
    }
    for (Expr child : children(e)) {
      collectCalls(child, out);
    }
  }
}
