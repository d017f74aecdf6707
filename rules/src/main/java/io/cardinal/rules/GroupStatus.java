package io.cardinal.rules;

import java.util.List;

/** A rule group at its last evaluation, what {@code /api/v1/rules} shows. */
public record GroupStatus(
    String name,
    String file,
    long intervalMs,
    long queryOffsetMs,
    int limit,
    List<RuleStatus> rules,
    double evaluationTimeSeconds,
    long lastEvaluationMs) {
  public GroupStatus {
    rules = List.copyOf(rules);
  }
}
