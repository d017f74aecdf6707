package io.cardinal.rules;

import java.util.List;

/**
 * What an embedder (or the server's notifier) hears from alerting rules. Called on the evaluating
 * thread: return quickly.
 */
public interface AlertListener {
  /**
   * Alerts due to be sent after an evaluation of rule {@code expr}: firing alerts not sent within
   * the resend delay, and alerts that resolved since they were last sent.
   */
  default void send(String expr, List<OutgoingAlert> alerts) {}

  /** An alert changed state: to pending, to firing, or to inactive (resolved). */
  default void stateChanged(String ruleName, ActiveAlert alert, AlertState previous) {}
}
