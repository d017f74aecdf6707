package io.cardinal.rulelint;

/**
 * A lint source could not answer. {@link Kind#UNAVAILABLE} (unreachable server, I/O error, a
 * server-side failure) stops the whole run; {@link Kind#QUERY} (the server refused or failed one
 * query) becomes a finding on the rule that asked.
 */
public final class LintSourceException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the source could not answer. */
  public enum Kind {
    /** The source cannot be used at all. */
    UNAVAILABLE,
    /** One query was refused or failed to evaluate. */
    QUERY
  }

  private final Kind kind;

  public LintSourceException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public LintSourceException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
