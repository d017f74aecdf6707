package io.cardinal.promql.ast;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A label matcher ({@code name="value"}, {@code !=}, {@code =~}, {@code !~}). A plain value class:
 * the storage layer converts it to its own matcher. Regular expressions are fully anchored.
 */
public record LabelMatcher(Type type, String name, String value) {

  /** The metric name label. */
  public static final String METRIC_NAME = "__name__";

  /** The storage matcher this selector matcher stands for. */
  public io.cardinal.tsdb.labels.Matcher toMatcher() {
    return switch (type) {
      case EQ -> io.cardinal.tsdb.labels.Matcher.equal(name, value);
      case NEQ -> io.cardinal.tsdb.labels.Matcher.notEqual(name, value);
      case RE -> io.cardinal.tsdb.labels.Matcher.regex(name, value);
      case NRE -> io.cardinal.tsdb.labels.Matcher.notRegex(name, value);
    };
  }

  /** {@link #toMatcher()} of each, in order. */
  public static io.cardinal.tsdb.labels.Matcher[] toMatchers(java.util.List<LabelMatcher> ms) {
    io.cardinal.tsdb.labels.Matcher[] out = new io.cardinal.tsdb.labels.Matcher[ms.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ms.get(i).toMatcher();
    }
    return out;
  }

  public enum Type {
    EQ("="),
    NEQ("!="),
    RE("=~"),
    NRE("!~");

    private final String symbol;

    Type(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    public static Type fromSymbol(String symbol) {
      for (Type t : values()) {
        if (t.symbol.equals(symbol)) {
          return t;
        }
      }
      throw new IllegalArgumentException("unknown match operator " + symbol);
    }
  }

  public LabelMatcher {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  public static LabelMatcher eq(String name, String value) {
    return new LabelMatcher(Type.EQ, name, value);
  }

  /**
   * Whether this matcher matches the given label value (the empty string stands for an absent
   * label), with the same RE2 engine the selection runs on. For the parser's "matches the empty
   * string" check and tests.
   */
  public boolean matches(String labelValue) {
    return switch (type) {
      case EQ -> value.equals(labelValue);
      case NEQ -> !value.equals(labelValue);
      case RE -> io.cardinal.tsdb.labels.Matcher.regex(name, value).matches(labelValue);
      case NRE -> io.cardinal.tsdb.labels.Matcher.notRegex(name, value).matches(labelValue);
    };
  }

  /**
   * Compiles an RE2-style regex with Java's engine, dot matching newlines like Prometheus' {@code
   * (?s)}. Translates the RE2/Python named-group syntax {@code (?P<name>...)}.
   *
   * @throws PatternSyntaxException if the pattern is invalid
   */
  public static Pattern compileAnchored(String regex) {
    String translated = regex.replace("(?P<", "(?<");
    return Pattern.compile("(?:" + translated + ")", Pattern.DOTALL);
  }

  @Override
  public String toString() {
    return Printer.labelName(name) + type.symbol + Printer.quote(value);
  }
}
