package io.cardinal.rules;

import io.cardinal.promql.PromQL;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.engine.Value;
import io.cardinal.tsdb.labels.Labels;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A rule of a running group: its parsed expression, its labels, and its last evaluation. */
abstract class Rule {
  final RuleSpec spec;
  final Expr expr;
  final String query;

  /** The group's labels under the rule's own. */
  final Labels labels;

  volatile String health = "unknown";
  volatile String lastError = "";
  volatile long lastEvaluationMs;
  volatile long evaluationNanos;

  /** Set when the rule runs on the streaming backend; null runs it as a query. */
  volatile StreamingBackend.Handle streaming;

  /** Why the rule runs as a query ("" when streaming, or when no backend is configured). */
  volatile String queryReason = "";

  /** Series written at the last successful evaluation, to mark stale when they disappear. */
  Set<Labels> seriesInPreviousEval = new HashSet<>();

  Rule(RuleSpec spec, Labels groupLabels) {
    this.spec = spec;
    this.expr = PromQL.parse(spec.expr());
    this.query = expr.toPromQL();
    Labels.Builder b = groupLabels.toBuilder();
    for (int i = 0; i < spec.labels().size(); i++) {
      b.set(spec.labels().name(i), spec.labels().value(i));
    }
    this.labels = b.build();
  }

  String name() {
    return spec.name();
  }

  /**
   * Evaluates at {@code tsMs} (the slot of the group's schedule); queries and results are at {@code
   * tsMs - offsetMs}.
   */
  abstract List<Value.Sample> eval(RuleContext ctx, long tsMs, long offsetMs, int limit)
      throws RuleContext.RuleEvalException;

  abstract RuleStatus status();

  /**
   * The expression's value at {@code t}: from the streaming state when it has one, else queried.
   */
  List<Value.Sample> query(RuleContext ctx, long t) throws RuleContext.RuleEvalException {
    StreamingBackend.Handle h = streaming;
    if (h == null) {
      return ctx.query(expr, t);
    }
    try {
      return h.evaluate(t);
    } catch (RuleContext.RuleEvalException e) {
      throw e;
    } catch (Exception e) {
      throw new RuleContext.RuleEvalException(String.valueOf(e.getMessage()));
    }
  }

  String evaluationMode() {
    StreamingBackend.Handle h = streaming;
    return h != null && h.degradedReason() == null ? "streaming" : "query";
  }

  /**
   * Why the rule runs as a query although streaming is on; "" when it streams or streaming is off.
   */
  String queryReason() {
    StreamingBackend.Handle h = streaming;
    String degraded = h == null ? null : h.degradedReason();
    return degraded != null ? degraded : queryReason;
  }

  void setFailed(String error) {
    health = "err";
    lastError = error;
  }

  static Map<String, String> map(Labels l) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < l.size(); i++) {
      m.put(l.name(i), l.value(i));
    }
    return m;
  }

  /** Whether two specs describe the same rule (state carries over a reload between them). */
  static boolean sameRule(RuleSpec a, RuleSpec b) {
    return a.name().equals(b.name())
        && a.isAlerting() == b.isAlerting()
        && a.expr().equals(b.expr())
        && a.forMs() == b.forMs()
        && a.keepFiringForMs() == b.keepFiringForMs()
        && a.labels().equals(b.labels())
        && a.annotations().equals(b.annotations());
  }
}
