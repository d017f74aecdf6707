package io.cardinal.rulelint;

import io.cardinal.config.Durations;
import io.cardinal.promql.ast.Call;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.promql.ast.MatrixSelector;
import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.RuleSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code rate/short-range}: {@code rate}, {@code irate}, {@code increase} or {@code deriv} over a
 * range shorter than two sample intervals of the series it reads: such a window often holds fewer
 * than two samples, and the function then returns nothing. The interval of a scraped metric is the
 * scrape interval of the jobs its series belong to (from the configuration, or the server's
 * targets), failing that the spacing of its stored samples; a metric a linted recording rule writes
 * has its group's evaluation interval.
 */
public final class RateRangeCheck implements Check {
  public static final String ID = "rate/short-range";

  static final Set<String> FUNCTIONS = Set.of("rate", "irate", "increase", "deriv");

  /** How far back the jobs of a metric and the spacing of its samples are looked up. */
  private static final long RECENT_MS = 3_600_000;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public boolean needsSource() {
    return true;
  }

  /** An interval and where it comes from, for the message. */
  private record Interval(long ms, String from) {}

  @Override
  public void check(LintContext ctx, GroupSpec group, RuleSpec rule, List<Finding> out)
      throws LintSourceException {
    Expr e = ctx.expr(rule);
    if (e == null) {
      return;
    }
    for (Call c : Exprs.calls(e)) {
      if (!FUNCTIONS.contains(c.function().name())
          || c.args().isEmpty()
          || !(c.args().get(0) instanceof MatrixSelector ms)
          || !ms.range().isLiteral()) {
        continue;
      }
      long range = ms.rangeMillis();
      Interval iv = interval(ctx, ms);
      if (iv == null || range >= 2 * iv.ms()) {
        continue;
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("function", c.function().name());
      d.put("rangeMs", range);
      d.put("intervalMs", iv.ms());
      d.put("intervalFrom", iv.from());
      String min = Durations.format(2 * iv.ms());
      out.add(
          Finding.of(
              group,
              rule,
              ID,
              Severity.WARNING,
              c.toPromQL()
                  + " uses a "
                  + Durations.format(range)
                  + " range, shorter than two intervals of "
                  + Durations.format(iv.ms())
                  + " ("
                  + iv.from()
                  + "): the window often holds fewer than two samples and the result is empty;"
                  + " use at least ["
                  + min
                  + "]",
              d));
    }
  }

  private static Interval interval(LintContext ctx, MatrixSelector ms) throws LintSourceException {
    String metric = Exprs.metricName(ms.selector());
    if (metric != null && ctx.isRecorded(metric)) {
      long worst = 0;
      String from = null;
      for (LintContext.Recorded r : ctx.recorders(metric)) {
        long g = ctx.evaluationIntervalMs(r.group());
        if (g > worst) {
          worst = g;
          from = "evaluation interval of group \"" + r.group().name() + "\"";
        }
      }
      return new Interval(worst, from);
    }
    List<LabelMatcher> matchers = new ArrayList<>();
    for (LabelMatcher m : ms.selector().matchers()) {
      matchers.add(m);
    }
    LintSource src = ctx.source();
    long now = ctx.now();
    long from = Math.max(ctx.searchStart(), now - 24 * RECENT_MS);
    List<String> jobs = src.labelValues("job", matchers, from, now);
    long worst = 0;
    String why = null;
    for (String job : jobs) {
      OptionalLong configured = src.scrapeIntervalMs(job);
      long v;
      String w;
      if (configured.isPresent()) {
        v = configured.getAsLong();
        w = "scrape interval of job \"" + job + "\"";
      } else {
        List<LabelMatcher> ofJob = new ArrayList<>(matchers);
        ofJob.add(LabelMatcher.eq("job", job));
        OptionalLong spacing = src.sampleIntervalMs(ofJob, Math.max(from, now - RECENT_MS), now);
        if (spacing.isEmpty()) {
          continue;
        }
        v = spacing.getAsLong();
        w = "spacing of the stored samples of job \"" + job + "\"";
      }
      if (v > worst) {
        worst = v;
        why = w;
      }
    }
    if (jobs.isEmpty()) {
      OptionalLong spacing = src.sampleIntervalMs(matchers, Math.max(from, now - RECENT_MS), now);
      if (spacing.isPresent()) {
        worst = spacing.getAsLong();
        why = "spacing of the stored samples";
      }
    }
    return worst == 0 ? null : new Interval(worst, why);
  }
}
