package io.cardinal;

/**
 * A PromQL query that failed: it did not parse ({@link Kind#PARSE}, with the {@link #line()} and
 * {@link #column()} of the error) or it parsed but could not be evaluated (every other kind,
 * without a position). The message is Prometheus's wording, e.g. {@code 1:9: parse error:
 * unexpected end of input} or {@code vector cannot contain metrics with the same labelset}.
 */
public final class PromQLException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the query failed; the HTTP API maps these to Prometheus's error types. */
  public enum Kind {
    /** A syntax or type error; {@link #line()} and {@link #column()} say where. */
    PARSE,
    /** Invalid input found while evaluating: a bad function argument, a bad range or step. */
    BAD_DATA,
    /** Evaluation failed, e.g. many-to-many matching or duplicate label sets. */
    EXECUTION,
    /** The query ran past {@link CardinalOptions#queryTimeout()}. */
    TIMEOUT,
    /** The calling thread was interrupted. */
    CANCELED,
    /** The query would hold more than {@link CardinalOptions#queryMaxSamples()} samples. */
    TOO_MANY_SAMPLES,
    /** Reading the stored samples failed. */
    STORAGE
  }

  private final Kind kind;
  private final int line;
  private final int column;
  private final String detail;

  PromQLException(Kind kind, String message, String detail, int line, int column, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.line = line;
    this.column = column;
    this.detail = detail;
  }

  public Kind kind() {
    return kind;
  }

  /** The 1-based line of a parse error; 0 for an evaluation error. */
  public int line() {
    return line;
  }

  /**
   * The 1-based column (counted in UTF-8 bytes, as Prometheus does) of a parse error; 0 for an
   * evaluation error.
   */
  public int column() {
    return column;
  }

  /** The message without the position prefix, e.g. {@code unexpected end of input}. */
  public String detail() {
    return detail;
  }
}
