package io.cardinal.promql;

/**
 * Parsing took longer than the time it was given ({@link PromQL#parse(String, long)}), or was
 * canceled by interrupting its thread: a query of millions of terms must not run on after the
 * query's timeout, or after its client has gone.
 */
public final class ParseTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ParseTimeoutException() {
    super("query timed out in expression parsing");
  }

  /** With another message: parsing was canceled rather than timed out. */
  public ParseTimeoutException(String message) {
    super(message);
  }
}
