package io.cardinal.server.web;

import io.cardinal.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a series selector as the {@code match[]} parameter carries it: {@code metric},
 * {@code metric{a="b",c!~"d.*"}} or {@code {__name__=~"x"}}.
 *
 * <p>Temporary: the PromQL parser's {@code PromQL.parseMatchers} replaces this class once the
 * promql-parser module is released alongside the server.
 */
public final class SelectorParser {
  private final String s;
  private int pos;

  private SelectorParser(String s) {
    this.s = s;
  }

  /** The selector's matchers; throws IllegalArgumentException with a Prometheus-like message. */
  public static List<Matcher> parse(String selector) {
    return new SelectorParser(selector).selector();
  }

  private List<Matcher> selector() {
    List<Matcher> out = new ArrayList<>();
    skipSpace();
    if (pos < s.length() && isNameStart(s.charAt(pos))) {
      String name = identifier(true);
      out.add(Matcher.equal("__name__", name));
      skipSpace();
    }
    if (pos < s.length() && s.charAt(pos) == '{') {
      pos++;
      skipSpace();
      while (pos < s.length() && s.charAt(pos) != '}') {
        String label;
        if (s.charAt(pos) == '"' || s.charAt(pos) == '\'') {
          // Prometheus 3 allows a quoted metric name alone in braces.
          String quoted = string();
          skipSpace();
          if (pos < s.length() && (s.charAt(pos) == ',' || s.charAt(pos) == '}')) {
            out.add(Matcher.equal("__name__", quoted));
            if (s.charAt(pos) == ',') {
              pos++;
              skipSpace();
            }
            continue;
          }
          label = quoted;
        } else {
          label = identifier(false);
        }
        skipSpace();
        String op = operator();
        skipSpace();
        String value = string();
        out.add(switch (op) {
          case "=" -> Matcher.equal(label, value);
          case "!=" -> Matcher.notEqual(label, value);
          case "=~" -> regex(label, value, false);
          default -> regex(label, value, true);
        });
        skipSpace();
        if (pos < s.length() && s.charAt(pos) == ',') {
          pos++;
          skipSpace();
        } else if (pos >= s.length() || s.charAt(pos) != '}') {
          throw error("unexpected character in label matching expression");
        }
      }
      if (pos >= s.length()) {
        throw error("unexpected end of input inside braces");
      }
      pos++;
      skipSpace();
    }
    if (pos < s.length()) {
      throw error("unexpected character: '" + s.charAt(pos) + "'");
    }
    if (out.isEmpty()) {
      throw error("unexpected end of input");
    }
    return out;
  }

  private static Matcher regex(String label, String value, boolean negate) {
    try {
      return negate ? Matcher.notRegex(label, value) : Matcher.regex(label, value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid regular expression \"" + value + "\": " + e.getMessage());
    }
  }

  private String operator() {
    if (s.startsWith("=~", pos) || s.startsWith("!=", pos) || s.startsWith("!~", pos)) {
      pos += 2;
      return s.substring(pos - 2, pos);
    }
    if (pos < s.length() && s.charAt(pos) == '=') {
      pos++;
      return "=";
    }
    throw error("unexpected character in label matching expression, expected one of \"=\", \"!=\", \"=~\", \"!~\"");
  }

  private String identifier(boolean metric) {
    int start = pos;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (isNameStart(c) || (c >= '0' && c <= '9') || (metric && c == ':')) {
        pos++;
      } else {
        break;
      }
    }
    if (start == pos || Character.isDigit(s.charAt(start))) {
      throw error("expected label name");
    }
    return s.substring(start, pos);
  }

  private String string() {
    if (pos >= s.length()) {
      throw error("unexpected end of input, expected string");
    }
    char q = s.charAt(pos);
    if (q != '"' && q != '\'' && q != '`') {
      throw error("unexpected character, expected string");
    }
    pos++;
    StringBuilder sb = new StringBuilder();
    while (pos < s.length()) {
      char c = s.charAt(pos++);
      if (c == q) {
        return sb.toString();
      }
      if (c == '\\' && q != '`') {
        if (pos >= s.length()) {
          break;
        }
        char e = s.charAt(pos++);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case '\\', '"', '\'' -> sb.append(e);
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("invalid escape sequence");
            }
            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            pos += 4;
          }
          default -> throw error("unknown escape sequence \\" + e);
        }
      } else {
        sb.append(c);
      }
    }
    throw error("unterminated quoted string");
  }

  private void skipSpace() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }

  private static boolean isNameStart(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private IllegalArgumentException error(String msg) {
    return new IllegalArgumentException("1:" + (pos + 1) + ": parse error: " + msg);
  }
}
