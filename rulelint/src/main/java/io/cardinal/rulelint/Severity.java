package io.cardinal.rulelint;

import java.util.Locale;

/** How much a finding matters. Only {@link #INFO} never fails a lint run. */
public enum Severity {
  /** Something to know (a backtest, a cost estimate); never a failure. */
  INFO,
  /** Likely a mistake, or a rule that may stay silent; fails the run. */
  WARNING,
  /** Certainly wrong (a metric that never existed, a policy violation); fails the run. */
  PROBLEM;

  /** The lower-case name used in text and JSON output ({@code warning}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a finding of this severity makes a lint run fail. */
  public boolean fails() {
    return this != INFO;
  }
}
