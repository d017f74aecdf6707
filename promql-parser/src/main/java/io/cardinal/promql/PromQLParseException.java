package io.cardinal.promql;

/**
 * A PromQL syntax or type error. {@link #getMessage()} is formatted like Prometheus: {@code 1:14:
 * parse error: unexpected end of input} (line and column are 1-based; the column counts UTF-8
 * bytes, as Prometheus does).
 */
public final class PromQLParseException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;
  private final String detail;

  public PromQLParseException(int line, int column, String detail) {
    super(line + ":" + column + ": parse error: " + detail, null, false, false);
    this.line = line;
    this.column = column;
    this.detail = detail;
  }

  /** 1-based line of the error position. */
  public int line() {
    return line;
  }

  /** 1-based column (in UTF-8 bytes) of the error position. */
  public int column() {
    return column;
  }

  /** The error text without the position prefix, e.g. {@code unexpected end of input}. */
  public String detail() {
    return detail;
  }
}
