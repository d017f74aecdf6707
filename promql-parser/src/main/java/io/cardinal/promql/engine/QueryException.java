package io.cardinal.promql.engine;

/**
 * A query that parsed but could not be executed. {@link #kind()} classifies the failure (callers
 * such as the HTTP API map it to an error type and status, never the message); the message is
 * Prometheus' wording.
 */
public final class QueryException extends RuntimeException {

  public enum Kind {
    /**
     * Invalid input found at evaluation time (bad function argument, disabled feature, bad range).
     */
    BAD_DATA,
    /** Evaluation failed (many-to-many matching, duplicate label sets, …). */
    EXECUTION,
    TIMEOUT,
    CANCELED,
    TOO_MANY_SAMPLES,
    /** The storage reported an error while reading samples. */
    STORAGE
  }

  private final Kind kind;

  private QueryException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static QueryException badData(String message) {
    return new QueryException(Kind.BAD_DATA, message);
  }

  static QueryException execution(String message) {
    return new QueryException(Kind.EXECUTION, message);
  }

  static QueryException timeout(String where) {
    return new QueryException(Kind.TIMEOUT, "query timed out in " + where);
  }

  static QueryException canceled(String where) {
    return new QueryException(Kind.CANCELED, "query was canceled in " + where);
  }

  static QueryException tooManySamples() {
    return new QueryException(
        Kind.TOO_MANY_SAMPLES,
        "query processing would load too many samples into memory in query execution");
  }

  static QueryException storage(String message) {
    return new QueryException(Kind.STORAGE, message);
  }

  static QueryException sameLabelset() {
    return execution("vector cannot contain metrics with the same labelset");
  }
}
