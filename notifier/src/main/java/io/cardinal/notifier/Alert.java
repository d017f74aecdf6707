package io.cardinal.notifier;

import io.cardinal.tsdb.labels.Labels;

/**
 * One alert as the rule engine hands it to the {@link Notifier}: its identifying labels, its
 * annotations, when it started and (for a resolved alert, or the time it stops being valid) when it
 * ends, both in Unix milliseconds with 0 meaning "not set", and the link back to the expression
 * that produced it ({@code null} or empty for none).
 */
public record Alert(
    Labels labels, Labels annotations, long startsAtMs, long endsAtMs, String generatorUrl) {
  public Alert {
    if (labels == null) {
      throw new IllegalArgumentException("alert labels must not be null");
    }
    if (annotations == null) {
      annotations = Labels.EMPTY;
    }
  }

  /** The same alert with other labels. */
  Alert withLabels(Labels newLabels) {
    return new Alert(newLabels, annotations, startsAtMs, endsAtMs, generatorUrl);
  }
}
