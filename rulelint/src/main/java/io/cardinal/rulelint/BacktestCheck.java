package io.cardinal.rulelint;

import io.cardinal.config.Durations;
import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.RuleSpec;
import io.cardinal.tsdb.labels.Labels;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code alert/backtest}: tests an alerting rule on past data. The expression is evaluated as a
 * range query over the backtest window (the last 7 days by default, clamped to the data stored) at
 * the group's evaluation interval; {@code for} and {@code keep_firing_for} are applied to each
 * label set as the rule engine would; the finding says how many times the alert would have fired,
 * how many label sets fired, and how long it fired in total and at the longest.
 */
public final class BacktestCheck implements Check {
  public static final String ID = "alert/backtest";

  /** The most points one range query may have (Prometheus's limit). */
  static final int MAX_STEPS = 11_000;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public boolean needsSource() {
    return true;
  }

  /** What the alert would have done over the window. */
  record Result(
      int firings,
      int labelSetsFired,
      int labelSetsPendingOnly,
      long totalFiringMs,
      long longestFiringMs,
      int firingAtEnd) {}

  @Override
  public void check(LintContext ctx, GroupSpec group, RuleSpec rule, List<Finding> out)
      throws LintSourceException {
    if (!rule.isAlerting() || ctx.expr(rule) == null) {
      return;
    }
    long end = ctx.now();
    long start = Math.max(end - ctx.options().backtestWindow().toMillis(), ctx.searchStart());
    long step = ctx.evaluationIntervalMs(group);
    Map<String, Object> d = new LinkedHashMap<>();
    if (end - start < step) {
      d.put("stepMs", step);
      out.add(
          Finding.of(
              group,
              rule,
              ID,
              Severity.INFO,
              "backtest: not enough stored data (less than one evaluation interval of "
                  + Durations.format(step)
                  + ")",
              d));
      return;
    }
    boolean coarser = false;
    if ((end - start) / step + 1 > MAX_STEPS) {
      long min = (end - start + MAX_STEPS - 2) / (MAX_STEPS - 1);
      step = (min + 999) / 1000 * 1000;
      coarser = true;
    }
    // Whole steps back from now, so the last evaluation is now.
    start = end - (end - start) / step * step;
    List<LintSource.Series> series = ctx.source().queryRange(rule.expr(), start, end, step);
    Result r = simulate(series, start, end, step, rule.forMs(), rule.keepFiringForMs());
    String window = Durations.format(end - start);
    d.put("windowStart", Instant.ofEpochMilli(start).toString());
    d.put("windowEnd", Instant.ofEpochMilli(end).toString());
    d.put("stepMs", step);
    d.put("firings", r.firings());
    d.put("labelSetsFired", r.labelSetsFired());
    d.put("totalFiringMs", r.totalFiringMs());
    d.put("longestFiringMs", r.longestFiringMs());
    d.put("firingAtEnd", r.firingAtEnd());
    String over =
        " over the last "
            + window
            + " (from "
            + Instant.ofEpochMilli(start)
            + ", every "
            + Durations.format(step)
            + (coarser
                ? ", coarser than the group's interval to stay within " + MAX_STEPS + " steps"
                : "")
            + ")";
    String msg;
    if (r.firings() == 0) {
      msg = "backtest: would not have fired" + over;
      if (r.labelSetsPendingOnly() > 0) {
        msg +=
            "; "
                + r.labelSetsPendingOnly()
                + " label set(s) were pending but never for "
                + Durations.format(rule.forMs());
      }
    } else {
      msg =
          "backtest: would have fired "
              + r.firings()
              + " time(s) across "
              + r.labelSetsFired()
              + " label set(s)"
              + over
              + ", "
              + Durations.format(r.totalFiringMs())
              + " firing in total, the longest "
              + Durations.format(r.longestFiringMs())
              + (r.firingAtEnd() > 0 ? "; " + r.firingAtEnd() + " still firing" : "");
    }
    out.add(Finding.of(group, rule, ID, Severity.INFO, msg, d));
  }

  /**
   * Replays the alert over the evaluations {@code start}, {@code start + step}, ... {@code end}: a
   * label set present at an evaluation is pending from its first, firing once it has been active
   * for {@code forMs}, kept firing for {@code keepFiringForMs} after it goes, resolved after.
   */
  static Result simulate(
      List<LintSource.Series> series,
      long start,
      long end,
      long step,
      long forMs,
      long keepFiringForMs) {
    int firings = 0;
    int fired = 0;
    int pendingOnly = 0;
    long total = 0;
    long longest = 0;
    int atEnd = 0;
    Set<Labels> seen = new HashSet<>();
    for (LintSource.Series s : series) {
      Labels id = s.labels().drop(List.of(), Labels.METRIC_NAME);
      if (!seen.add(id)) {
        continue;
      }
      long[] ts = s.timestamps();
      int p = 0;
      long activeAt = Long.MIN_VALUE;
      long firingSince = Long.MIN_VALUE;
      long goneSince = Long.MIN_VALUE;
      boolean everFired = false;
      boolean everPending = false;
      for (long t = start; t <= end; t += step) {
        while (p < ts.length && ts[p] < t) {
          p++;
        }
        boolean present = p < ts.length && ts[p] == t;
        if (present) {
          goneSince = Long.MIN_VALUE;
          if (activeAt == Long.MIN_VALUE) {
            activeAt = t;
            everPending = true;
          }
          if (firingSince == Long.MIN_VALUE && t - activeAt >= forMs) {
            firingSince = t;
            firings++;
            everFired = true;
          }
          continue;
        }
        if (activeAt == Long.MIN_VALUE) {
          continue;
        }
        if (firingSince != Long.MIN_VALUE && keepFiringForMs > 0) {
          if (goneSince == Long.MIN_VALUE) {
            goneSince = t;
          }
          if (t - goneSince < keepFiringForMs) {
            continue;
          }
        }
        if (firingSince != Long.MIN_VALUE) {
          long dur = t - firingSince;
          total += dur;
          longest = Math.max(longest, dur);
        }
        activeAt = Long.MIN_VALUE;
        firingSince = Long.MIN_VALUE;
        goneSince = Long.MIN_VALUE;
      }
      if (firingSince != Long.MIN_VALUE) {
        long dur = end - firingSince;
        total += dur;
        longest = Math.max(longest, dur);
        atEnd++;
      }
      if (everFired) {
        fired++;
      } else if (everPending) {
        pendingOnly++;
      }
    }
    return new Result(firings, fired, pendingOnly, total, longest, atEnd);
  }
}
