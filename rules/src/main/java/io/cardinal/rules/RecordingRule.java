package io.cardinal.rules;

import io.cardinal.promql.engine.Value;
import io.cardinal.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code record: NAME}: the expression's result stored under a new name and the rule's labels. */
final class RecordingRule extends Rule {
  RecordingRule(RuleSpec spec, Labels groupLabels) {
    super(spec, groupLabels);
  }

  @Override
  List<Value.Sample> eval(RuleContext ctx, long tsMs, long offsetMs, int limit)
      throws RuleContext.RuleEvalException {
    List<Value.Sample> in = query(ctx, tsMs - offsetMs);
    List<Value.Sample> out = new ArrayList<>(in.size());
    Set<Labels> seen = new HashSet<>();
    Labels.Builder b = Labels.EMPTY.toBuilder();
    for (Value.Sample s : in) {
      b.reset(s.labels()).set(Labels.METRIC_NAME, spec.record());
      for (int i = 0; i < labels.size(); i++) {
        b.set(labels.name(i), labels.value(i));
      }
      Labels l = b.build();
      if (!seen.add(l)) {
        throw new RuleContext.RuleEvalException(
            "vector contains metrics with the same labelset after applying rule labels");
      }
      out.add(new Value.Sample(l, s.timestamp(), s.value()));
    }
    if (limit > 0 && out.size() > limit) {
      throw new RuleContext.RuleEvalException(
          "exceeded limit of " + limit + " with " + out.size() + " series");
    }
    health = "ok";
    lastError = "";
    return out;
  }

  @Override
  RuleStatus status() {
    return new RuleStatus(
        "recording",
        name(),
        query,
        0,
        0,
        labels,
        Labels.EMPTY,
        List.of(),
        health,
        lastError,
        evaluationNanos / 1e9,
        lastEvaluationMs,
        null,
        List.of(),
        evaluationMode(),
        queryReason());
  }
}
