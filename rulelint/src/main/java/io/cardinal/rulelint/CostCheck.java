package io.cardinal.rulelint;

import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.RuleSpec;
import io.cardinal.tsdb.labels.Labels;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code record/cost}: how many series each recording rule creates now (its expression evaluated at
 * one instant, its output named and labelled as the rule engine would), and, given a figure of
 * bytes per series, their memory; then one total per file. A rule whose output collides after
 * relabeling, or goes over its group's {@code limit}, would fail: that is a problem, not an info.
 */
public final class CostCheck implements Check {
  public static final String ID = "record/cost";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public boolean needsSource() {
    return true;
  }

  /** The running total of one file. */
  private static final class Total {
    long series;
    int rules;
  }

  @Override
  public void check(LintContext ctx, GroupSpec group, RuleSpec rule, List<Finding> out)
      throws LintSourceException {
    if (rule.isAlerting() || ctx.expr(rule) == null) {
      return;
    }
    List<LintSource.Sample> samples = ctx.source().query(rule.expr(), ctx.now());
    Set<Labels> sets = new HashSet<>();
    for (LintSource.Sample s : samples) {
      Labels.Builder b = s.labels().toBuilder();
      for (int i = 0; i < group.labels().size(); i++) {
        b.set(group.labels().name(i), group.labels().value(i));
      }
      for (int i = 0; i < rule.labels().size(); i++) {
        b.set(rule.labels().name(i), rule.labels().value(i));
      }
      b.set(Labels.METRIC_NAME, rule.record());
      sets.add(b.build());
    }
    long n = sets.size();
    Total t = ctx.scratch(ID + "\u0000" + group.file(), Total::new);
    t.series += n;
    t.rules++;
    long bps = ctx.options().bytesPerSeries();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("series", n);
    if (bps > 0) {
      d.put("bytes", n * bps);
      d.put("bytesPerSeries", bps);
    }
    StringBuilder msg = new StringBuilder("creates ").append(n).append(" series").append(" now");
    if (bps > 0) {
      msg.append(" (~")
          .append(bytes(n * bps))
          .append(" at ")
          .append(bps)
          .append(" bytes per series)");
    }
    Severity sev = Severity.INFO;
    if (sets.size() < samples.size()) {
      sev = Severity.PROBLEM;
      d.put("collisions", samples.size() - sets.size());
      msg.append("; the expression yields ")
          .append(samples.size())
          .append(" samples that collide once named and labelled, so the rule would fail");
    }
    if (group.limit() > 0 && n > group.limit()) {
      sev = Severity.PROBLEM;
      d.put("limit", group.limit());
      msg.append("; over the group's limit of ")
          .append(group.limit())
          .append(", so the rule would fail");
    }
    out.add(Finding.of(group, rule, ID, sev, msg.toString(), d));
  }

  @Override
  public void finishFile(LintContext ctx, String file, List<Finding> out) {
    Total t = ctx.scratch(ID + "\u0000" + file, Total::new);
    if (t.rules == 0) {
      return;
    }
    long bps = ctx.options().bytesPerSeries();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("rules", t.rules);
    d.put("series", t.series);
    if (bps > 0) {
      d.put("bytes", t.series * bps);
      d.put("bytesPerSeries", bps);
    }
    String msg =
        "the "
            + t.rules
            + " recording rule(s) of this file create "
            + t.series
            + " series now"
            + (bps > 0 ? " (~" + bytes(t.series * bps) + ")" : "");
    out.add(new Finding(file, 0, "", "", ID, Severity.INFO, msg, d));
  }

  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
