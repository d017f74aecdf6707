package io.cardinal.rules;

import io.cardinal.tsdb.labels.Labels;
import java.util.List;

/**
 * A rule at its last evaluation, what {@code /api/v1/rules} shows.
 *
 * @param type "recording" or "alerting"
 * @param health "ok", "err" or "unknown" (not evaluated yet)
 * @param lastError "" when the last evaluation succeeded
 * @param state for alerting rules the most severe state of its alerts; null for recording rules
 * @param warnings what linting the rule against the stored data found (see {@link
 *     RuleManager#setWarnings}); empty when nothing
 * @param evaluationMode "streaming" (kept up to date from the append path) or "query"
 * @param queryReason why a rule runs as a query although streaming is on; "" otherwise
 */
public record RuleStatus(
    String type,
    String name,
    String query,
    long forMs,
    long keepFiringForMs,
    Labels labels,
    Labels annotations,
    List<ActiveAlert> alerts,
    String health,
    String lastError,
    double evaluationTimeSeconds,
    long lastEvaluationMs,
    AlertState state,
    List<String> warnings,
    String evaluationMode,
    String queryReason) {
  public RuleStatus {
    alerts = List.copyOf(alerts);
    warnings = List.copyOf(warnings);
  }

  RuleStatus withWarnings(List<String> w) {
    return new RuleStatus(
        type,
        name,
        query,
        forMs,
        keepFiringForMs,
        labels,
        annotations,
        alerts,
        health,
        lastError,
        evaluationTimeSeconds,
        lastEvaluationMs,
        state,
        w,
        evaluationMode,
        queryReason);
  }
}
