package io.cardinal.rules;

import io.cardinal.tsdb.labels.Labels;

/**
 * One rule: recording ({@code record} set) or alerting ({@code alert} set).
 *
 * @param line where the rule starts in its file (0 for rules built in code), for errors
 */
public record RuleSpec(
    String record,
    String alert,
    String expr,
    long forMs,
    long keepFiringForMs,
    Labels labels,
    Labels annotations,
    int line) {

  public static RuleSpec recording(String record, String expr, Labels labels) {
    return new RuleSpec(record, null, expr, 0, 0, labels, Labels.EMPTY, 0);
  }

  public static RuleSpec alerting(
      String alert, String expr, long forMs, Labels labels, Labels annotations) {
    return new RuleSpec(null, alert, expr, forMs, 0, labels, annotations, 0);
  }

  public boolean isAlerting() {
    return alert != null;
  }

  public String name() {
    return alert != null ? alert : record;
  }
}
