package io.cardinal.promql;

/**
 * Parsing stopped before it finished: it took longer than the time it was given ({@link
 * PromQL#parse(String, long)}), or its thread was interrupted because the query was canceled (its
 * client went away). A query of millions of terms must not run on after either.
 */
public final class ParseTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The message of a parse that ran out of time. */
  public static final String TIMED_OUT = "query timed out in expression parsing";

  private final boolean canceled;

  private ParseTimeoutException(String message, boolean canceled) {
    super(message);
    this.canceled = canceled;
  }

  public static ParseTimeoutException timedOut() {
    return new ParseTimeoutException(TIMED_OUT, false);
  }

  public static ParseTimeoutException canceled() {
    return new ParseTimeoutException("query was canceled in expression parsing", true);
  }

  /** True if the parse was canceled rather than out of time. */
  public boolean isCanceled() {
    return canceled;
  }
}
