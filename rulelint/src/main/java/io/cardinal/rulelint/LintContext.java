package io.cardinal.rulelint;

import io.cardinal.promql.PromQL;
import io.cardinal.promql.PromQLParseException;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.RuleSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What the checks of one lint run share: the source, the options, the instant taken as "now", the
 * rules being linted (a metric one of them records need not exist yet), and the answers already
 * asked of the source.
 */
public final class LintContext {
  private static final long DEFAULT_RETENTION_MS = 15L * 24 * 3_600_000;

  /** Metrics the rule engine writes by itself: they exist only while an alert is active. */
  static final Set<String> ALERT_METRICS = Set.of("ALERTS", "ALERTS_FOR_STATE");

  private final LintSource source;
  private final LintOptions options;
  private final long now;
  private final List<GroupSpec> groups;
  private final Map<String, List<Recorded>> recorded = new HashMap<>();
  private final Map<String, Expr> parsed = new HashMap<>();
  private final Map<String, MetricState> states = new HashMap<>();
  private final Map<List<LabelMatcher>, List<String>> labelNames = new HashMap<>();
  private final Map<String, LabelFlow.Flow> recordedFlows = new HashMap<>();
  private final Set<String> inferring = new HashSet<>();
  private final Map<String, Object> scratch = new LinkedHashMap<>();
  private Long searchStart;
  private Long evaluationInterval;

  /** A rule of the linted set that records {@code metric}. */
  record Recorded(GroupSpec group, RuleSpec rule) {}

  /**
   * Whether a metric has series now and, if not, when it was last seen.
   *
   * @param lastSample empty when it never had a sample within retention
   */
  record MetricState(boolean presentNow, OptionalLong lastSample) {}

  LintContext(LintSource source, LintOptions options, List<GroupSpec> groups) {
    this.source = source;
    this.options = options;
    this.now = options.nowMs();
    this.groups = List.copyOf(groups);
    for (GroupSpec g : groups) {
      for (RuleSpec r : g.rules()) {
        if (!r.isAlerting()) {
          recorded.computeIfAbsent(r.record(), k -> new ArrayList<>()).add(new Recorded(g, r));
        }
      }
    }
  }

  /** The source; null when the run has none (only the checks without one run). */
  public LintSource source() {
    return source;
  }

  public LintOptions options() {
    return options;
  }

  /** The instant taken as "now" for the whole run, in milliseconds. */
  public long now() {
    return now;
  }

  /** Every group being linted. */
  public List<GroupSpec> groups() {
    return groups;
  }

  /** Whether a rule of the linted set records {@code metric}. */
  public boolean isRecorded(String metric) {
    return recorded.containsKey(metric);
  }

  List<Recorded> recorders(String metric) {
    return recorded.getOrDefault(metric, List.of());
  }

  /** A per-run scratch value of a check, such as a running total per file. */
  @SuppressWarnings("unchecked")
  <T> T scratch(String key, java.util.function.Supplier<T> create) {
    return (T) scratch.computeIfAbsent(key, k -> create.get());
  }

  /** The parsed expression of a rule; null when it does not parse. */
  Expr expr(RuleSpec rule) {
    if (parsed.containsKey(rule.expr())) {
      return parsed.get(rule.expr());
    }
    Expr e;
    try {
      e = PromQL.parse(rule.expr());
    } catch (PromQLParseException ex) {
      e = null;
    }
    parsed.put(rule.expr(), e);
    return e;
  }

  /**
   * Where "within retention" starts: the oldest sample the source holds, else now minus its
   * retention, else now minus 15 days.
   */
  public long searchStart() throws LintSourceException {
    if (searchStart == null) {
      OptionalLong oldest = source.oldestSampleTime();
      if (oldest.isPresent()) {
        searchStart = Math.min(oldest.getAsLong(), now);
      } else {
        searchStart = now - source.retentionMs().orElse(DEFAULT_RETENTION_MS);
      }
    }
    return searchStart;
  }

  /** The interval a group is evaluated at: its own, the server's default, the options' default. */
  public long evaluationIntervalMs(GroupSpec group) throws LintSourceException {
    if (group.intervalMs() > 0) {
      return group.intervalMs();
    }
    if (evaluationInterval == null) {
      OptionalLong fromSource =
          source == null ? OptionalLong.empty() : source.evaluationIntervalMs();
      evaluationInterval = fromSource.orElse(options.evaluationInterval().toMillis());
    }
    return evaluationInterval;
  }

  MetricState metricState(String metric) throws LintSourceException {
    MetricState s = states.get(metric);
    if (s == null) {
      List<LabelMatcher> m = Exprs.byName(metric);
      boolean present = !source.query("count(" + HttpSource.selector(m) + ")", now).isEmpty();
      OptionalLong last =
          present ? OptionalLong.of(now) : source.lastSampleTime(m, searchStart(), now);
      s = new MetricState(present, last);
      states.put(metric, s);
    }
    return s;
  }

  /** The label names of the series matching {@code matchers} within retention. */
  List<String> labelNames(List<LabelMatcher> matchers) throws LintSourceException {
    List<String> names = labelNames.get(matchers);
    if (names == null) {
      names = List.copyOf(source.labelNames(matchers, searchStart(), now));
      labelNames.put(List.copyOf(matchers), names);
    }
    return names;
  }

  /**
   * The labels a metric recorded by a linted rule will carry, inferred from the rules' expressions
   * and labels; open when any recording rule's output cannot be told.
   */
  LabelFlow.Flow recordedFlow(String metric) throws LintSourceException {
    LabelFlow.Flow f = recordedFlows.get(metric);
    if (f != null) {
      return f;
    }
    if (!inferring.add(metric)) {
      return LabelFlow.Flow.open(Set.of(metric));
    }
    try {
      LabelFlow.Flow out = null;
      for (Recorded r : recorders(metric)) {
        Expr e = expr(r.rule());
        LabelFlow.Flow one =
            e == null
                ? LabelFlow.Flow.open(Set.of(metric))
                : new LabelFlow(this).flow(e, new ArrayList<>());
        Set<String> extra = new HashSet<>();
        extra.add(LabelMatcher.METRIC_NAME);
        for (int i = 0; i < r.rule().labels().size(); i++) {
          extra.add(r.rule().labels().name(i));
        }
        for (int i = 0; i < r.group().labels().size(); i++) {
          extra.add(r.group().labels().name(i));
        }
        one = one.plus(extra);
        out = out == null ? one : out.union(one);
      }
      if (out == null) {
        out = LabelFlow.Flow.open(Set.of(metric));
      }
      recordedFlows.put(metric, out);
      return out;
    } finally {
      inferring.remove(metric);
    }
  }
}
