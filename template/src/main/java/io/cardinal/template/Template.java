package io.cardinal.template;

import io.cardinal.template.Node.ListNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed Go {@code text/template}, with Go's builtin functions and Prometheus's template
 * functions ({@code humanize}, {@code query}, ...). Parse once, execute many times: a template is
 * immutable and safe to execute from several threads.
 *
 * <p>The data model. Templates see Java values as Go values:
 *
 * <ul>
 *   <li>{@code null} is nil (printed as {@code <no value>} by an action);
 *   <li>{@link Boolean} is bool; {@link Long}, {@link Integer}, {@link Short} and {@link Byte} are
 *       int; {@link Double} and {@link Float} are float64; {@link String} and {@link Character} are
 *       string;
 *   <li>a {@link Map} is a map: {@code .key} reads a string key, {@code range} visits keys in
 *       sorted order, {@code index} reads any key;
 *   <li>a {@link java.util.List}, an array or another collection is a slice;
 *   <li>a record is a struct whose fields are its components with the first letter upper-cased:
 *       component {@code labels} is {@code .Labels}; lower-case names are unexported;
 *   <li>{@link java.time.Instant} and {@link java.time.Duration} are Go's {@code *time.Time} and
 *       {@code *time.Duration}, as {@code toTime} and {@code toDuration} return them;
 *   <li>a {@link java.util.function.Supplier}, {@link java.util.function.Function} or {@link
 *       java.util.function.BiFunction} is a func for {@code call};
 *   <li>any other object prints through {@code toString()}, as a Go Stringer does.
 * </ul>
 *
 * <p>Go's type names in error messages follow from that: a map whose values are all strings is
 * {@code map[string]string}, otherwise {@code map[string]interface {}}; likewise for slices.
 */
public final class Template {
  private final String name;
  private final String text;
  private final Map<String, ListNode> trees;

  private Template(String name, String text, Map<String, ListNode> trees) {
    this.name = name;
    this.text = text;
    this.trees = trees;
  }

  /**
   * Parses {@code text} as the template {@code name}; {@code {{define}}} and {@code {{block}}} add
   * further named templates that {@code {{template}}} can call.
   *
   * @throws TemplateException with Go's message, e.g. {@code template: NAME:1: function "foo" not
   *     defined}
   */
  public static Template parse(String name, String text) throws TemplateException {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(text, "text");
    Map<String, ListNode> trees = new HashMap<>();
    try {
      Parser.parse(name, text, trees, Functions.ALL.keySet());
    } catch (Parser.ParseError e) {
      throw new TemplateException(e.getMessage(), true);
    } catch (StackOverflowError e) {
      throw new TemplateException("template: " + name + ": max expression depth exceeded", true);
    }
    return new Template(name, text, Map.copyOf(trees));
  }

  /** The name given to {@link #parse}. */
  public String name() {
    return name;
  }

  /** The names of all templates defined by the text, this one's included. */
  public Set<String> templateNames() {
    return trees.keySet();
  }

  /** Executes with {@link TemplateContext#defaults()}. */
  public String execute(Object data) throws TemplateException {
    return execute(data, TemplateContext.defaults());
  }

  /**
   * Executes the template on {@code data} (what {@code .} and {@code $} start as).
   *
   * @throws TemplateException with Go's message, e.g. {@code template: NAME:1:3: executing "NAME"
   *     at <index . 5>: error calling index: index out of range: 5}
   */
  public String execute(Object data, TemplateContext ctx) throws TemplateException {
    return executeTemplate(name, data, ctx);
  }

  /** Executes the named template (one defined with {@code define} or {@code block}). */
  public String executeTemplate(String templateName, Object data, TemplateContext ctx)
      throws TemplateException {
    ListNode root = trees.get(templateName);
    if (root == null) {
      throw new TemplateException(
          "template: no template "
              + GoStrconv.quote(templateName)
              + " associated with template "
              + GoStrconv.quote(name),
          false);
    }
    Exec ex = new Exec(this, templateName, Objects.requireNonNull(ctx, "ctx"));
    try {
      return ex.run(root, Values.norm(data));
    } catch (Exec.ExecError e) {
      throw new TemplateException(e.getMessage(), false);
    } catch (StackOverflowError e) {
      // Go's limit on template calls is checked before this; this is data nested too deeply
      throw new TemplateException("template: " + templateName + ": stack overflow", false);
    }
  }

  String text() {
    return text;
  }

  ListNode tree(String templateName) {
    return trees.get(templateName);
  }
}
