package io.cardinal.promql;

/**
 * Parsing took longer than the time it was given ({@link PromQL#parse(String, long)}): a query of
 * millions of terms must not run on after the query's timeout, whoever sent it.
 */
public final class ParseTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ParseTimeoutException() {
    super("query timed out in expression parsing");
  }
}
