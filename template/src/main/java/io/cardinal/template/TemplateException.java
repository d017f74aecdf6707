package io.cardinal.template;

/**
 * A template that failed to parse or to execute. The message is Go's error text: {@code template:
 * NAME:LINE: MESSAGE} for parse errors, {@code template: NAME:LINE:COL: executing "NAME" at <NODE>:
 * MESSAGE} for execution errors.
 */
public final class TemplateException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean parseError;

  TemplateException(String message, boolean parseError) {
    super(message);
    this.parseError = parseError;
  }

  /** Whether parsing failed (else execution did). */
  public boolean isParseError() {
    return parseError;
  }
}
