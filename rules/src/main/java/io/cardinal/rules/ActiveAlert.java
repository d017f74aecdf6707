package io.cardinal.rules;

import io.cardinal.tsdb.labels.Labels;

/**
 * One alert of an alerting rule at its last evaluation (a copy: later evaluations do not change
 * it). Times are Unix milliseconds, 0 when not set.
 *
 * @param keepFiringSinceMs when the condition cleared while {@code keep_firing_for} keeps the alert
 *     firing
 */
public record ActiveAlert(
    Labels labels,
    Labels annotations,
    AlertState state,
    double value,
    long activeAtMs,
    long firedAtMs,
    long resolvedAtMs,
    long keepFiringSinceMs,
    long lastSentAtMs,
    long validUntilMs) {}
