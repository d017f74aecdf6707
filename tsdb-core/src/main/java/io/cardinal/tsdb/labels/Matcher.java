package io.cardinal.tsdb.labels;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
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
 * exponentially. Common shapes skip the regex engine entirely: {@code .*}, {@code .+}, and regexes
 * whose language is a small finite set of strings (literals, alternations such as {@code a|b|c} or
 * {@code ns-(1|2|3)}, simple classes such as {@code h[0-3]}) become set lookups, which the postings
 * index also uses to read just those values' lists; literal prefixes ({@code foo.*}) compare a
 * prefix.
 *
 * <p>A matcher that matches the empty string also matches series that lack the label, because
 * Prometheus treats an absent label as having the value "".
 */
public final class Matcher {
  /**
   * Bounds the work one matcher can ask for. Prometheus accepts 100,000-character patterns (long
   * literal alternations are how dashboards select many series), so the bound is well above that;
   * the HTTP request size limits what can arrive anyway.
   */
  private static final int MAX_REGEX_LENGTH = 1 << 20;

  /** RE2's metacharacters outside a character class. */
  private static final String META = "\\.+*?()|[]{}^$";

  private final MatchType type;
  private final String name;
  private final String value;
  private final boolean matchesEmpty;
  // Regex evaluation strategy; exactly one of these is used for regex types.
  private final Pattern pattern;

  /**
   * The values named by the matcher when they are a finite set ({@code =}/{@code !=}: the value; a
   * literal-set regex: its strings), else null; built once, as postings look it up per query.
   */
  private final Set<String> valueSet;

  private final String literalPrefix;
  private final RegexShape shape;

  private enum RegexShape {
    NONE,
    ANY,
    NON_EMPTY,
    SET,
    PREFIX,
    PATTERN
  }

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
        throw new IllegalArgumentException(
            "error parsing regexp: expression too large: "
                + value.length()
                + " characters, at most "
                + MAX_REGEX_LENGTH);
      }
      // Compile always, so an invalid regex is rejected even when a fast path would apply.
      try {
        p = Pattern.compile(value, Pattern.DOTALL);
      } catch (PatternSyntaxException e) {
        // RE2's own message, as Go's: "error parsing regexp: <what>: `<where>`".
        throw new IllegalArgumentException(e.getMessage(), e);
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
    this.valueSet =
        type == MatchType.EQUAL || type == MatchType.NOT_EQUAL
            ? Collections.singleton(value)
            : s == RegexShape.SET ? Collections.unmodifiableSet(set) : null;
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

  /**
   * @throws IllegalArgumentException if the regex does not compile.
   */
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
    return type == MatchType.EQUAL || type == MatchType.REGEX ? valueSet : null;
  }

  /**
   * The finite set of values a negative matcher rejects ({@code !=} or {@code !~} of a literal
   * set), or null: every other value passes. The postings index subtracts exactly these values'
   * lists.
   */
  public Set<String> setNonMatches() {
    return type == MatchType.NOT_EQUAL || type == MatchType.NOT_REGEX ? valueSet : null;
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
        return valueSet.contains(s);
      case PREFIX:
        return s.startsWith(literalPrefix);
      default:
        return pattern.matcher(s).matches();
    }
  }

  /** Largest set a regex is expanded to; bigger ones stay regexes. */
  static final int MAX_SET_SIZE = 256;

  /**
   * The finite set of strings a regex matches when it is built only from literal characters,
   * alternations ({@code a|b}), groups ({@code (..)}, {@code (?:..)}) and simple character classes
   * of literal characters and ranges ({@code [0-3a]}), such as {@code ns-(1|2|3)} or {@code
   * /api/h[0-3]}; null for anything else (escapes, repetition, anchors, flags, negated classes, a
   * set over {@link #MAX_SET_SIZE}). Matching such a regex, fully anchored, is membership in this
   * set.
   */
  static Set<String> literalAlternation(String re) {
    SetExpander e = new SetExpander(re);
    List<String> out = e.alternation();
    if (out == null || e.pos != re.length()) {
      return null;
    }
    return new HashSet<>(out);
  }

  /**
   * A recursive-descent reader of the literal-only regex subset; null from any method means "not in
   * it".
   */
  private static final class SetExpander {
    final String re;
    int pos;

    SetExpander(String re) {
      this.re = re;
    }

    /** seq ('|' seq)*, up to a ')' or the end. */
    List<String> alternation() {
      List<String> out = new ArrayList<>();
      while (true) {
        List<String> seq = sequence();
        if (seq == null) {
          return null;
        }
        out.addAll(seq);
        if (out.size() > MAX_SET_SIZE) {
          return null;
        }
        if (pos < re.length() && re.charAt(pos) == '|') {
          pos++;
          continue;
        }
        return out;
      }
    }

    /** The concatenation of items up to '|', ')' or the end. */
    List<String> sequence() {
      List<String> acc = new ArrayList<>(List.of(""));
      StringBuilder lit = new StringBuilder();
      while (pos < re.length()) {
        char c = re.charAt(pos);
        if (c == '|' || c == ')') {
          break;
        }
        List<String> item;
        if (c == '(') {
          pos++;
          if (re.startsWith("?:", pos)) {
            pos += 2;
          } else if (pos < re.length() && re.charAt(pos) == '?') {
            return null; // flags such as (?i) change what matches
          }
          item = alternation();
          if (item == null || pos >= re.length() || re.charAt(pos) != ')') {
            return null;
          }
          pos++;
        } else if (c == '[') {
          item = charClass();
          if (item == null) {
            return null;
          }
        } else if (isPlain(c)) {
          lit.append(c);
          pos++;
          continue;
        } else {
          return null;
        }
        acc = product(acc, lit, item);
        lit.setLength(0);
        if (acc == null) {
          return null;
        }
      }
      return product(acc, lit, List.of(""));
    }

    /** [..] of plain characters and ranges; the position is on '['. */
    List<String> charClass() {
      pos++;
      List<String> out = new ArrayList<>();
      int start = pos;
      while (pos < re.length() && re.charAt(pos) != ']') {
        char lo = re.charAt(pos);
        if (!isPlainInClass(lo) || (lo == '-' && pos == start)) {
          return null;
        }
        char hi = lo;
        if (pos + 2 < re.length() && re.charAt(pos + 1) == '-' && re.charAt(pos + 2) != ']') {
          hi = re.charAt(pos + 2);
          if (!isPlainInClass(hi) || hi < lo) {
            return null;
          }
          pos += 2;
        } else if (lo == '-') {
          return null;
        }
        pos++;
        for (char x = lo; x <= hi; x++) {
          String one = String.valueOf(x);
          if (!out.contains(one)) {
            out.add(one);
          }
          if (out.size() > MAX_SET_SIZE || x == Character.MAX_VALUE) {
            return null;
          }
        }
      }
      if (pos >= re.length() || out.isEmpty()) {
        return null;
      }
      pos++;
      return out;
    }

    static List<String> product(List<String> acc, StringBuilder lit, List<String> item) {
      if ((long) acc.size() * item.size() > MAX_SET_SIZE) {
        return null;
      }
      List<String> out = new ArrayList<>(acc.size() * item.size());
      for (String a : acc) {
        for (String b : item) {
          out.add(a + lit + b);
        }
      }
      return out;
    }

    /**
     * A character that stands for itself outside a class (surrogates excluded: RE2 reads code
     * points).
     */
    static boolean isPlain(char c) {
      return META.indexOf(c) < 0 && !Character.isSurrogate(c);
    }

    static boolean isPlainInClass(char c) {
      return "\\[]^:".indexOf(c) < 0 && !Character.isSurrogate(c);
    }
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
      if (META.indexOf(s.charAt(i)) >= 0) {
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
