package io.cardinal.rules;

/**
 * A rule file that cannot be loaded: what is wrong and where, as {@code promtool check rules} says
 * it ({@code rules.yml: 12:11: group "api", rule 2, "HighLatency": could not parse expression:
 * ...}).
 */
public final class RuleFileException extends Exception {
  private final String file;
  private final int line;
  private final int column;

  public RuleFileException(String file, int line, int column, String message) {
    super(file + ": " + position(line, column) + message);
    this.file = file;
    this.line = line;
    this.column = column;
  }

  private static String position(int line, int column) {
    if (line <= 0) {
      return "";
    }
    return column > 0 ? line + ":" + column + ": " : line + ": ";
  }

  public String file() {
    return file;
  }

  /** 1-based; 0 when the error has no line (an unreadable file). */
  public int line() {
    return line;
  }

  /** 1-based; 0 when only the line is known. */
  public int column() {
    return column;
  }
}
