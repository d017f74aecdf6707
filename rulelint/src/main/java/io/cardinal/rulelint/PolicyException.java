package io.cardinal.rulelint;

/** A policy file that cannot be used, with the file and line: {@code policy.yml:3: ...}. */
public final class PolicyException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;

  public PolicyException(String file, int line, String message) {
    super(file + ":" + (line > 0 ? line + ":" : "") + " " + message);
    this.file = file;
    this.line = line;
  }

  public String file() {
    return file;
  }

  /** 1-based; 0 when the error has no line. */
  public int line() {
    return line;
  }
}
