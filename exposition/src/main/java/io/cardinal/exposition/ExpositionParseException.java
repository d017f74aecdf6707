package io.cardinal.exposition;

/**
 * Thrown when a scrape body is not valid in its exposition format. The message has the form {@code
 * line 3, column 17: expected equal sign after label name, got "}"}. Line and column are 1-based;
 * the column counts Unicode code points from the start of the line.
 */
public final class ExpositionParseException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;
  private final String detail;

  public ExpositionParseException(int line, int column, String detail) {
    super("line " + line + ", column " + column + ": " + detail, null, false, false);
    this.line = line;
    this.column = column;
    this.detail = detail;
  }

  /** 1-based line number of the error. */
  public int line() {
    return line;
  }

  /** 1-based column (in code points) of the error. */
  public int column() {
    return column;
  }

  /** The message without the position prefix. */
  public String detail() {
    return detail;
  }
}
