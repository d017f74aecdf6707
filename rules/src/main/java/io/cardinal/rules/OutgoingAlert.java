package io.cardinal.rules;

import io.cardinal.tsdb.labels.Labels;

/**
 * An alert to send to Alertmanager, as Prometheus builds it: starts when it fired, ends when it
 * resolved or, while firing, at a time four resend periods ahead that the next send pushes on.
 */
public record OutgoingAlert(
    Labels labels, Labels annotations, long startsAtMs, long endsAtMs, String generatorUrl) {}
