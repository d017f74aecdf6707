package io.cardinal.tsdb.labels;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A label matcher with Prometheus semantics.
 *
 * <p>Regular expressions are fully anchored and use RE2 syntax through re2j, whose matching time is
 * linear in the input: a hostile pattern such as {@code (a+)+$} cannot make a query backtrack
 * exponentially. Common shapes skip the regex engine entirely: {@code .*}, {@code .+}, literals,
 * alternations of literals ({@code a|b|c}) and literal prefixes ({@code foo.*}).
 *
 * <p>A matcher that matches the empty string also matches series that lack the label, because
 * Prometheus treats an absent label as having the value "".
 */
public final class Matcher {
  private static final int MAX_REGEX_LENGTH = 1 << 16;

  private final MatchType type;
  private final String name;
  private final String value;
  private final boolean matchesEmpty;
  // Regex evaluation strategy; exactly one of these is used for regex types.
  private final Pattern pattern;
  private final Set<String> literalSet;
  private final String literalPrefix;
  private final RegexShape shape;

  private enum RegexShape { NONE, ANY, NON_EMPTY, SET, PREFIX, PATTERN }

  private Matcher(MatchType type, String name, String value) {
    this.type = Objects.requireNonNull(type);
    this.name = Objects.requireNonNull(name);
    this.value = Objects.requireNonNull(value);
    Pattern p = null;
    Set<String> set = null;
    String prefix = null;
    RegexShape s = RegexShape.NONE;
    if (type == MatchType.REGEX || type == MatchType.NOT_REGEX) {
      if (value.length() > MAX_REGEX_LENGTH) {
        throw new IllegalArgumentException("regex too long: " + value.length() + " characters");
      }
      // Compile always, so an invalid regex is rejected even when a fast path would apply.
      try {
        p = Pattern.compile(value, Pattern.DOTALL);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("error parsing regexp: " + e.getMessage(), e);
      }
      if (value.equals(".*")) {
        s = RegexShape.ANY;
      } else if (value.equals(".+")) {
        s = RegexShape.NON_EMPTY;
      } else if ((set = literalAlternation(value)) != null) {
        s = RegexShape.SET;
      } else if ((prefix = literalPrefix(value)) != null) {
        s = RegexShape.PREFIX;
      } else {
        s = RegexShape.PATTERN;
      }
    }
    this.pattern = p;
    this.literalSet = set;
    this.literalPrefix = prefix;
    this.shape = s;
    this.matchesEmpty = matches("");
  }

  public static Matcher equal(String name, String value) {
    return new Matcher(MatchType.EQUAL, name, value);
  }

  public static Matcher notEqual(String name, String value) {
    return new Matcher(MatchType.NOT_EQUAL, name, value);
  }

  /** @throws IllegalArgumentException if the regex does not compile. */
  public static Matcher regex(String name, String value) {
    return new Matcher(MatchType.REGEX, name, value);
  }

  public static Matcher notRegex(String name, String value) {
    return new Matcher(MatchType.NOT_REGEX, name, value);
  }

  public static Matcher of(MatchType type, String name, String value) {
    return new Matcher(type, name, value);
  }

  public MatchType type() {
    return type;
  }

  public String name() {
    return name;
  }

  public String value() {
    return value;
  }

  /** True if this matcher accepts "" and therefore series without the label. */
  public boolean matchesEmpty() {
    return matchesEmpty;
  }

  /**
   * The finite set of values a positive matcher can match ({@code =} or a literal alternation), or
   * null. Lets the postings index look values up directly instead of scanning them all.
   */
  public Set<String> setMatches() {
    if (type == MatchType.EQUAL) {
      return Collections.singleton(value);
    }
    if (type == MatchType.REGEX && shape == RegexShape.SET) {
      return literalSet;
    }
    return null;
  }

  public boolean matches(String s) {
    switch (type) {
      case EQUAL:
        return value.equals(s);
      case NOT_EQUAL:
        return !value.equals(s);
      case REGEX:
        return regexMatches(s);
      case NOT_REGEX:
        return !regexMatches(s);
      default:
        throw new AssertionError(type);
    }
  }

  private boolean regexMatches(String s) {
    switch (shape) {
      case ANY:
        return true;
      case NON_EMPTY:
        return !s.isEmpty();
      case SET:
        return literalSet.contains(s);
      case PREFIX:
        return s.startsWith(literalPrefix);
      default:
        return pattern.matcher(s).matches();
    }
  }

  /** {@code a|b|c} made only of literal characters: the set {a, b, c}; otherwise null. */
  static Set<String> literalAlternation(String re) {
    List<String> parts = Arrays.asList(re.split("\\|", -1));
    Set<String> out = new HashSet<>();
    for (String part : parts) {
      if (!isLiteral(part)) {
        return null;
      }
      out.add(part);
    }
    return out;
  }

  /** {@code foo.*} with a literal, non-empty {@code foo}: returns "foo"; otherwise null. */
  static String literalPrefix(String re) {
    if (!re.endsWith(".*") || re.length() <= 2) {
      return null;
    }
    String head = re.substring(0, re.length() - 2);
    return isLiteral(head) ? head : null;
  }

  private static boolean isLiteral(String s) {
    for (int i = 0; i < s.length(); i++) {
      if ("\\.+*?()|[]{}^$".indexOf(s.charAt(i)) >= 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Matcher)) {
      return false;
    }
    Matcher m = (Matcher) o;
    return type == m.type && name.equals(m.name) && value.equals(m.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, name, value);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name).append(type.op());
    Labels.quote(sb, value);
    return sb.toString();
  }
}
