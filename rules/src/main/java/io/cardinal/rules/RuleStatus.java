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
    AlertState state) {
  public RuleStatus {
    alerts = List.copyOf(alerts);
  }
}
