package io.cardinal.streaming;

import io.cardinal.tsdb.labels.Labels;

/**
 * A streaming evaluation failed where the PromQL engine's evaluation fails, with the engine's
 * message (duplicate series on a match, two results with the same labels). An {@link
 * IllegalStateException}, like the evaluation errors rule evaluation already reports as failures.
 */
public final class StreamingEvaluationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  StreamingEvaluationException(String message) {
    super(message);
  }

  static StreamingEvaluationException sameLabelset() {
    return new StreamingEvaluationException("vector cannot contain metrics with the same labelset");
  }

  static StreamingEvaluationException duplicateOnOneSide(
      Labels key, boolean left, Labels later, Labels earlier) {
    return new StreamingEvaluationException(
        "found duplicate series for the match group "
            + key
            + " on the "
            + (left ? "left" : "right")
            + " hand-side of the operation: ["
            + later
            + ", "
            + earlier
            + "];many-to-many matching not allowed: matching labels must be unique on one side");
  }

  static StreamingEvaluationException multipleMatchesOneToOne() {
    return new StreamingEvaluationException(
        "multiple matches for labels: many-to-one matching must be explicit"
            + " (group_left/group_right)");
  }

  static StreamingEvaluationException multipleMatchesManyToOne() {
    return new StreamingEvaluationException(
        "multiple matches for labels: grouping labels must ensure unique matches");
  }
}
