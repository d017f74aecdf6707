package io.cardinal.rulelint;

import io.cardinal.promql.ast.Expr;
import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.RuleSpec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Metrics a rule reads that have no series now. {@code series/missing}: the metric never had a
 * sample within retention (a typo, or an exporter that was never deployed). {@code
 * series/disappeared}: it had, and stopped being exported at a known time. Metrics a linted
 * recording rule writes, the rule engine's own {@code ALERTS} series, and selectors under {@code
 * absent()} are left alone.
 */
public final class SeriesCheck implements Check {
  public static final String MISSING = "series/missing";
  public static final String DISAPPEARED = "series/disappeared";

  private final boolean disappeared;

  private SeriesCheck(boolean disappeared) {
    this.disappeared = disappeared;
  }

  /** {@code series/missing}: never existed within retention (a problem). */
  public static SeriesCheck missing() {
    return new SeriesCheck(false);
  }

  /** {@code series/disappeared}: existed, but not now (a warning). */
  public static SeriesCheck disappeared() {
    return new SeriesCheck(true);
  }

  @Override
  public String id() {
    return disappeared ? DISAPPEARED : MISSING;
  }

  @Override
  public boolean needsSource() {
    return true;
  }

  @Override
  public void check(LintContext ctx, GroupSpec group, RuleSpec rule, List<Finding> out)
      throws LintSourceException {
    Expr e = ctx.expr(rule);
    if (e == null) {
      return;
    }
    Set<String> metrics = new LinkedHashSet<>();
    for (Exprs.SelectorUse use : Exprs.selectors(e)) {
      String m = Exprs.metricName(use.selector());
      if (m != null
          && !use.insideAbsence()
          && !ctx.isRecorded(m)
          && !LintContext.ALERT_METRICS.contains(m)) {
        metrics.add(m);
      }
    }
    for (String m : metrics) {
      LintContext.MetricState s = ctx.metricState(m);
      if (s.presentNow()) {
        continue;
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("metric", m);
      d.put("searchedFrom", Instant.ofEpochMilli(ctx.searchStart()).toString());
      if (s.lastSample().isEmpty() && !disappeared) {
        out.add(
            Finding.of(
                group,
                rule,
                id(),
                Severity.PROBLEM,
                "metric " + m + " has no series now and never existed within retention",
                d));
      } else if (s.lastSample().isPresent() && disappeared) {
        String at = Instant.ofEpochMilli(s.lastSample().getAsLong()).toString();
        d.put("lastSample", at);
        out.add(
            Finding.of(
                group,
                rule,
                id(),
                Severity.WARNING,
                "metric " + m + " has no series now: metric stopped being exported at " + at,
                d));
      }
    }
  }
}
