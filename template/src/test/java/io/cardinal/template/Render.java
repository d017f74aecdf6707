package io.cardinal.template;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Test helpers: render a template, or capture its Go-style error message. */
final class Render {
  private Render() {}

  static final TemplateContext CTX =
      new TemplateContext(1_435_065_584_128L, null, "", TemplateContext.MissingKey.DEFAULT);

  static String render(String text) {
    return render(text, null);
  }

  static String render(String text, Object data) {
    return render(text, data, CTX);
  }

  static String render(String text, Object data, TemplateContext ctx) {
    try {
      return Template.parse("t", text).execute(data, ctx);
    } catch (TemplateException e) {
      throw new AssertionError("unexpected error: " + e.getMessage(), e);
    }
  }

  /** The message of the parse error {@code text} must raise. */
  static String parseError(String text) {
    TemplateException e = assertThrows(TemplateException.class, () -> Template.parse("t", text));
    if (!e.isParseError()) {
      throw new AssertionError("not a parse error: " + e.getMessage());
    }
    return e.getMessage();
  }

  /** The message of the execution error {@code text} must raise on {@code data}. */
  static String execError(String text, Object data) {
    return execError(text, data, CTX);
  }

  static String execError(String text, Object data, TemplateContext ctx) {
    Template t;
    try {
      t = Template.parse("t", text);
    } catch (TemplateException e) {
      throw new AssertionError("unexpected parse error: " + e.getMessage(), e);
    }
    TemplateException e = assertThrows(TemplateException.class, () -> t.execute(data, ctx));
    if (e.isParseError()) {
      throw new AssertionError("not an execution error: " + e.getMessage());
    }
    return e.getMessage();
  }
}
