package io.cardinal.rulelint;

import io.cardinal.promql.ast.Expr;
import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.RuleSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code label/missing}: a label a selector matches on (with a value that needs the label), or a
 * {@code by}/{@code without}, {@code on}/{@code ignoring} or {@code group_left}/{@code group_right}
 * clause names, that never appears on the series of the metrics involved within retention. Labels
 * the expression adds on the way ({@code label_replace}, {@code label_join}, {@code count_values})
 * or a linted recording rule gives its output count as present; when the labels cannot be told the
 * check stays quiet.
 */
public final class LabelCheck implements Check {
  public static final String ID = "label/missing";

  @Override
  public String id() {
    return ID;
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
    List<LabelFlow.Issue> issues = new ArrayList<>();
    new LabelFlow(ctx).flow(e, issues);
    Set<String> said = new HashSet<>();
    for (LabelFlow.Issue i : issues) {
      if (!said.add(i.message())) {
        continue;
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("label", i.label());
      d.put("usedIn", i.clause());
      d.put("metrics", List.copyOf(i.metrics()));
      out.add(Finding.of(group, rule, ID, Severity.WARNING, i.message(), d));
    }
  }
}
