package io.cardinal.rules;

/** An alert's state, as Prometheus names it in its API and in the ALERTS series. */
public enum AlertState {
  INACTIVE,
  PENDING,
  FIRING;

  /** "inactive", "pending" or "firing". */
  public String apiName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
