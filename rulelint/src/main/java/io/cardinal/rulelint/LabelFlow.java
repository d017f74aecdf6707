package io.cardinal.rulelint;

import io.cardinal.promql.ast.AggregateExpr;
import io.cardinal.promql.ast.AggregateOp;
import io.cardinal.promql.ast.BinaryExpr;
import io.cardinal.promql.ast.BinaryOp;
import io.cardinal.promql.ast.Call;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.promql.ast.MatrixSelector;
import io.cardinal.promql.ast.ParenExpr;
import io.cardinal.promql.ast.StringLiteral;
import io.cardinal.promql.ast.SubqueryExpr;
import io.cardinal.promql.ast.UnaryExpr;
import io.cardinal.promql.ast.ValueType;
import io.cardinal.promql.ast.VectorMatching;
import io.cardinal.promql.ast.VectorSelector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which labels can reach each point of an expression, from the series its selectors read (and, for
 * metrics a linted recording rule writes, what that rule's expression yields); and the label uses
 * that name a label that cannot be there. When a step cannot be followed (an unknown metric, a
 * function that adds labels of its own) the flow is open and nothing downstream is flagged.
 */
final class LabelFlow {
  /**
   * Labels that may be present.
   *
   * @param labels the names that may be on the series at this point
   * @param seen every name the underlying series carry, before any step removed some
   * @param metrics the metrics read, for messages
   * @param open true when more labels than {@code labels} may be present
   */
  record Flow(Set<String> labels, Set<String> seen, Set<String> metrics, boolean open) {
    static final Flow NONE = new Flow(Set.of(), Set.of(), Set.of(), false);

    Flow {
      labels = Set.copyOf(labels);
      seen = Set.copyOf(seen);
      metrics = new TreeSet<>(metrics);
    }

    static Flow open(Set<String> metrics) {
      return new Flow(Set.of(), Set.of(), metrics, true);
    }

    /** Whether {@code label} certainly cannot be present. */
    boolean lacks(String label) {
      return !open && !labels.contains(label);
    }

    Flow union(Flow o) {
      return new Flow(
          join(labels, o.labels), join(seen, o.seen), join(metrics, o.metrics), open || o.open);
    }

    Flow plus(Collection<String> added) {
      return new Flow(join(labels, added), join(seen, added), metrics, open);
    }

    Flow minus(Collection<String> removed) {
      Set<String> l = new LinkedHashSet<>(labels);
      l.removeAll(removed);
      return new Flow(l, seen, metrics, open);
    }

    Flow keep(Collection<String> kept) {
      Set<String> l = new LinkedHashSet<>();
      for (String k : kept) {
        if (open || labels.contains(k)) {
          l.add(k);
        }
      }
      // Only what is kept can be there, whatever came in.
      return new Flow(l, seen, metrics, false);
    }

    private static Set<String> join(Collection<String> a, Collection<String> b) {
      Set<String> s = new LinkedHashSet<>(a);
      s.addAll(b);
      return s;
    }
  }

  /**
   * A label used where it cannot be present.
   *
   * @param clause where it was used, as written ({@code by (instnce)})
   */
  record Issue(String label, String clause, Set<String> metrics, String message) {}

  private final LintContext ctx;

  LabelFlow(LintContext ctx) {
    this.ctx = ctx;
  }

  /** The flow out of {@code e}; label uses that cannot work are added to {@code issues}. */
  Flow flow(Expr e, List<Issue> issues) throws LintSourceException {
    if (e instanceof VectorSelector v) {
      return selector(v, issues);
    }
    if (e instanceof MatrixSelector m) {
      return selector(m.selector(), issues);
    }
    if (e instanceof SubqueryExpr s) {
      return flow(s.expr(), issues);
    }
    if (e instanceof ParenExpr p) {
      return flow(p.expr(), issues);
    }
    if (e instanceof UnaryExpr u) {
      return flow(u.expr(), issues);
    }
    if (e instanceof Call c) {
      return call(c, issues);
    }
    if (e instanceof AggregateExpr a) {
      return aggregate(a, issues);
    }
    if (e instanceof BinaryExpr b) {
      return binary(b, issues);
    }
    return Flow.NONE;
  }

  private Flow selector(VectorSelector v, List<Issue> issues) throws LintSourceException {
    String metric = Exprs.metricName(v);
    Flow f;
    if (metric == null) {
      List<String> names = ctx.labelNames(v.matchers());
      f =
          names.isEmpty()
              ? Flow.open(Set.of(v.toPromQL()))
              : new Flow(Set.copyOf(names), Set.copyOf(names), Set.of(v.toPromQL()), false);
      // Without a metric name the series are whatever matches: nothing to hold the matchers to.
      return f;
    }
    List<String> stored = ctx.labelNames(Exprs.byName(metric));
    if (ctx.isRecorded(metric)) {
      Flow inferred = ctx.recordedFlow(metric);
      f =
          new Flow(inferred.labels(), inferred.labels(), Set.of(metric), inferred.open())
              .plus(stored);
    } else if (stored.isEmpty()) {
      // No series at all: series/missing says so; the labels cannot be told.
      return Flow.open(Set.of(metric));
    } else {
      f = new Flow(Set.copyOf(stored), Set.copyOf(stored), Set.of(metric), false);
    }
    for (LabelMatcher m : v.matchers()) {
      if (m.name().equals(LabelMatcher.METRIC_NAME) || m.matches("")) {
        continue;
      }
      if (f.lacks(m.name())) {
        issues.add(
            new Issue(
                m.name(),
                v.toPromQL(),
                f.metrics(),
                "label \""
                    + m.name()
                    + "\" used in selector "
                    + v.toPromQL()
                    + " never appears on series of "
                    + metric
                    + (ctx.isRecorded(metric) ? " (nor does its recording rule add it)" : "")
                    + ", so the selector matches nothing"));
      }
    }
    return f;
  }

  private Flow call(Call c, List<Issue> issues) throws LintSourceException {
    String fn = c.function().name();
    List<Flow> args = new ArrayList<>();
    for (Expr a : c.args()) {
      args.add(flow(a, issues));
    }
    if (c.type() == ValueType.SCALAR) {
      return Flow.NONE;
    }
    switch (fn) {
      case "vector":
        return Flow.NONE;
      case "label_replace":
      case "label_join":
        if (c.args().size() > 1 && c.args().get(1) instanceof StringLiteral dst) {
          return args.get(0).plus(List.of(dst.value()));
        }
        return Flow.open(args.get(0).metrics());
      case "absent":
      case "absent_over_time":
        {
          // The labels of the equality matchers of a lone selector, and nothing else.
          Set<String> names = new LinkedHashSet<>();
          Expr a = c.args().get(0);
          VectorSelector v =
              a instanceof VectorSelector vs
                  ? vs
                  : a instanceof MatrixSelector ms ? ms.selector() : null;
          if (v != null) {
            for (LabelMatcher m : v.matchers()) {
              if (m.type() == LabelMatcher.Type.EQ && !m.name().equals(LabelMatcher.METRIC_NAME)) {
                names.add(m.name());
              }
            }
          }
          return new Flow(names, names, args.get(0).metrics(), false);
        }
      case "histogram_quantile":
        return args.get(args.size() - 1).minus(List.of("le"));
      case "info":
        // adds the labels of info metrics it finds at run time
        return Flow.open(args.isEmpty() ? Set.of() : args.get(0).metrics());
      default:
        {
          Flow out = Flow.NONE;
          for (int i = 0; i < c.args().size(); i++) {
            ValueType t = c.args().get(i).type();
            if (t == ValueType.VECTOR || t == ValueType.MATRIX) {
              out = out.union(args.get(i));
            }
          }
          return out;
        }
    }
  }

  private Flow aggregate(AggregateExpr a, List<Issue> issues) throws LintSourceException {
    if (a.param() != null) {
      flow(a.param(), issues);
    }
    Flow in = flow(a.expr(), issues);
    String clause = (a.without() ? "without" : "by") + " (" + String.join(", ", a.grouping()) + ")";
    for (String g : a.grouping()) {
      if (g.equals(LabelMatcher.METRIC_NAME) || !in.lacks(g)) {
        continue;
      }
      String effect =
          a.without()
              ? "so leaving it out changes nothing"
              : "so every series is grouped under an empty value";
      issues.add(
          new Issue(
              g,
              clause,
              in.metrics(),
              absentMessage(g, a.op().keyword() + " " + clause, in, effect)));
    }
    Flow out;
    if (a.op() == AggregateOp.TOPK
        || a.op() == AggregateOp.BOTTOMK
        || a.op() == AggregateOp.LIMITK
        || a.op() == AggregateOp.LIMIT_RATIO) {
      out = in;
    } else if (a.without()) {
      List<String> removed = new ArrayList<>(a.grouping());
      removed.add(LabelMatcher.METRIC_NAME);
      out = in.minus(removed);
    } else {
      out = in.keep(a.grouping());
    }
    if (a.op() == AggregateOp.COUNT_VALUES && a.param() instanceof StringLiteral s) {
      out = out.plus(List.of(s.value()));
    }
    return out;
  }

  private static String absentMessage(String label, String clause, Flow in, String effect) {
    String where =
        in.metrics().isEmpty()
            ? "on its input (which has no labels)"
            : "on series of " + String.join(", ", in.metrics());
    if (in.seen().contains(label)) {
      return "label \""
          + label
          + "\" used in "
          + clause
          + " is removed earlier in the expression and is not "
          + (in.metrics().isEmpty() ? "on its input" : "on what reaches it")
          + ", "
          + effect;
    }
    return "label \"" + label + "\" used in " + clause + " never appears " + where + ", " + effect;
  }

  private Flow binary(BinaryExpr b, List<Issue> issues) throws LintSourceException {
    Flow l = flow(b.lhs(), issues);
    Flow r = flow(b.rhs(), issues);
    boolean lv = b.lhs().type() != ValueType.SCALAR;
    boolean rv = b.rhs().type() != ValueType.SCALAR;
    if (!lv && !rv) {
      return Flow.NONE;
    }
    if (!lv || !rv) {
      return lv ? l : r;
    }
    VectorMatching m = b.matching();
    if (m == null) {
      m = VectorMatching.oneToOne();
    }
    String clause =
        (m.on() ? "on" : "ignoring") + " (" + String.join(", ", m.matchingLabels()) + ")";
    if (m.on()) {
      for (String label : m.matchingLabels()) {
        if (l.lacks(label) && r.lacks(label)) {
          issues.add(
              new Issue(
                  label,
                  clause,
                  l.union(r).metrics(),
                  absentMessage(
                      label, clause, l.union(r), "so it matches on an empty value on both sides")));
        } else if (l.lacks(label) || r.lacks(label)) {
          Flow side = l.lacks(label) ? l : r;
          String which = l.lacks(label) ? "left-hand side" : "right-hand side";
          issues.add(
              new Issue(
                  label,
                  clause,
                  side.metrics(),
                  absentMessage(
                      label, clause + " (" + which + ")", side, "so the sides never match")));
        }
      }
    } else {
      for (String label : m.matchingLabels()) {
        if (l.lacks(label) && r.lacks(label)) {
          issues.add(
              new Issue(
                  label,
                  clause,
                  l.union(r).metrics(),
                  absentMessage(label, clause, l.union(r), "so ignoring it changes nothing")));
        }
      }
    }
    if (!m.include().isEmpty()) {
      boolean left = m.cardinality() == VectorMatching.Cardinality.MANY_TO_ONE;
      Flow one = left ? r : l;
      String inc =
          (left ? "group_left" : "group_right") + " (" + String.join(", ", m.include()) + ")";
      for (String label : m.include()) {
        if (one.lacks(label)) {
          issues.add(
              new Issue(
                  label,
                  inc,
                  one.metrics(),
                  absentMessage(label, inc, one, "so there is nothing to copy")));
        }
      }
    }
    BinaryOp op = b.op();
    if (op == BinaryOp.OR) {
      return l.union(r);
    }
    if (op == BinaryOp.AND || op == BinaryOp.UNLESS) {
      return l;
    }
    Flow out;
    if (op.isComparison()) {
      // a filter keeps the left-hand series (labels as they were, to be safe)
      out =
          m.cardinality() == VectorMatching.Cardinality.ONE_TO_MANY
              ? r.union(l)
              : l.plus(m.include());
    } else if (m.cardinality() == VectorMatching.Cardinality.ONE_TO_MANY) {
      out = r.plus(m.include());
    } else if (m.cardinality() == VectorMatching.Cardinality.MANY_TO_ONE) {
      out = l.plus(m.include());
    } else if (m.on()) {
      out = l.keep(m.matchingLabels());
    } else {
      out = l.minus(m.matchingLabels());
    }
    return out;
  }
}
