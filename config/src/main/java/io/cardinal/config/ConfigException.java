package io.cardinal.config;

/** An invalid configuration file; the message names the field and, where known, the line. */
public final class ConfigException extends Exception {
  private final int line;

  public ConfigException(int line, String message) {
    super(line > 0 ? "line " + line + ": " + message : message);
    this.line = line;
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
    this.line = 0;
  }

  /** 1-based line of the offending node, or 0 when not tied to one line. */
  public int line() {
    return line;
  }
}
