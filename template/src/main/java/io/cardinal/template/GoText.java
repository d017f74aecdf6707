package io.cardinal.template;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * String functions with Go's semantics: case mapping per code point, title casing as {@code
 * cases.Title(..., cases.NoLower)}, the html/js/url escapers, and RE2 regular expressions with Go's
 * replacement template ({@code $1}, {@code ${name}}, {@code $$}).
 */
final class GoText {
  private GoText() {}

  /** Go's {@code strings.ToUpper}: simple per-code-point mapping (ß stays ß). */
  static String toUpper(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.appendCodePoint(Character.toUpperCase(c)));
    return b.toString();
  }

  static String toLower(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.appendCodePoint(Character.toLowerCase(c)));
    return b.toString();
  }

  private static boolean isCased(int c) {
    return Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
  }

  /** Word-break "Mid" characters: MidLetter, MidNumLet and Single_Quote. */
  private static boolean isMid(int c) {
    switch (c) {
      case '\'',
          '.',
          ':',
          0x00B7,
          0x0387,
          0x055F,
          0x05F4,
          0x2018,
          0x2019,
          0x2024,
          0x2027,
          0xFE13,
          0xFE52,
          0xFE55,
          0xFF07,
          0xFF0E,
          0xFF1A:
        return true;
      default:
        return false;
    }
  }

  /** Letters, digits, connectors, marks and format characters keep a word going. */
  private static boolean isLetterLike(int c) {
    if (Character.isLetterOrDigit(c)) {
      return true;
    }
    switch (Character.getType(c)) {
      case Character.CONNECTOR_PUNCTUATION,
          Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK,
          Character.COMBINING_SPACING_MARK,
          Character.FORMAT,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER:
        return true;
      default:
        return false;
    }
  }

  /**
   * Prometheus's {@code title}: {@code cases.Title(language.AmericanEnglish, cases.NoLower)}. The
   * first cased letter of each word is title-cased, the rest is left as it is. Words break at
   * anything but letters, digits and connectors, except that one "mid" character (apostrophe,
   * period, colon) does not break a word; two in a row do.
   */
  static String title(String s) {
    StringBuilder b = new StringBuilder(s.length());
    boolean midWord = false;
    boolean wasMid = false;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      boolean mid = isMid(c);
      if (wasMid && mid) {
        midWord = false;
      }
      if (isCased(c)) {
        if (!midWord) {
          int t = Character.toTitleCase(c);
          String upper = new String(Character.toChars(c)).toUpperCase(java.util.Locale.ROOT);
          if (t == c && upper.codePointCount(0, upper.length()) > 1) {
            // a full mapping such as ß -> Ss
            b.appendCodePoint(upper.codePointAt(0))
                .append(toLower(upper.substring(Character.charCount(upper.codePointAt(0)))));
          } else {
            b.appendCodePoint(t);
          }
          midWord = true;
        } else {
          b.appendCodePoint(c);
        }
      } else {
        b.appendCodePoint(c);
        if (!mid && !isLetterLike(c)) {
          midWord = false;
        }
      }
      wasMid = mid;
    }
    return b.toString();
  }

  /** Go's {@code template.HTMLEscapeString}. */
  static String htmlEscape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("&#34;");
        case '\'' -> b.append("&#39;");
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case 0 -> b.append('\uFFFD');
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** Go's {@code template.JSEscapeString}. */
  static String jsEscape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (c < 0x80) {
        switch (c) {
          case '\\' -> b.append("\\\\");
          case '\'' -> b.append("\\'");
          case '"' -> b.append("\\\"");
          case '<' -> b.append("\\u003C");
          case '>' -> b.append("\\u003E");
          case '&' -> b.append("\\u0026");
          case '=' -> b.append("\\u003D");
          default -> {
            if (c < ' ') {
              b.append(String.format("\\u%04X", c));
            } else {
              b.append((char) c);
            }
          }
        }
      } else if (GoStrconv.isPrint(c)) {
        b.appendCodePoint(c);
      } else {
        b.append(String.format("\\u%04X", c));
      }
    }
    return b.toString();
  }

  /** Go's {@code url.QueryEscape}. */
  static String queryEscape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xFF;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        b.append((char) c);
      } else if (c == ' ') {
        b.append('+');
      } else {
        b.append('%')
            .append("0123456789ABCDEF".charAt(c >> 4))
            .append("0123456789ABCDEF".charAt(c & 15));
      }
    }
    return b.toString();
  }

  // ---- regular expressions ----

  private static final Map<String, Object> PATTERNS = new ConcurrentHashMap<>();

  /** Compiles (cached) or returns the RE2 error text, e.g. {@code error parsing regexp: ...}. */
  private static Pattern compile(String pattern) throws Fn.Failure {
    Object p = PATTERNS.get(pattern);
    if (p == null) {
      try {
        p = Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        p = e.getMessage();
      }
      if (PATTERNS.size() > 512) {
        PATTERNS.clear();
      }
      PATTERNS.put(pattern, p);
    }
    if (p instanceof String err) {
      throw new Fn.Failure(err);
    }
    return (Pattern) p;
  }

  /** Go's {@code regexp.MatchString}: an unanchored search. */
  static boolean match(String pattern, String text) throws Fn.Failure {
    return compile(pattern).matcher(text).find();
  }

  /** {@code regexp.MustCompile(pattern).ReplaceAllString(text, repl)}. */
  static String replaceAll(String pattern, String repl, String text) throws Fn.Failure {
    Pattern re;
    try {
      re = compile(pattern);
    } catch (Fn.Failure e) {
      String q = GoStrconv.canBackquote(pattern) ? "`" + pattern + "`" : GoStrconv.quote(pattern);
      throw new Fn.Failure("regexp: Compile(" + q + "): " + e.getMessage());
    }
    Matcher m = re.matcher(text);
    StringBuilder out = new StringBuilder();
    int lastMatchEnd = 0;
    int searchPos = 0;
    int end = text.length();
    while (searchPos <= end && m.find(searchPos)) {
      int a0 = m.start();
      int a1 = m.end();
      out.append(text, lastMatchEnd, a0);
      // an empty match right after a previous match is not replaced
      if (a1 > lastMatchEnd || a0 == 0) {
        expand(out, repl, m, re);
      }
      lastMatchEnd = a1;
      int width = searchPos < end ? Character.charCount(text.codePointAt(searchPos)) : 0;
      if (searchPos + width > a1) {
        searchPos += width;
      } else if (searchPos + 1 > a1) {
        searchPos++;
      } else {
        searchPos = a1;
      }
    }
    out.append(text, lastMatchEnd, end);
    return out.toString();
  }

  /** Go's {@code Regexp.Expand} template: {@code $1}, {@code ${1}}, {@code $name}, {@code $$}. */
  private static void expand(StringBuilder out, String template, Matcher m, Pattern re) {
    int i = 0;
    while (i < template.length()) {
      int d = template.indexOf('$', i);
      if (d < 0) {
        break;
      }
      out.append(template, i, d);
      i = d + 1;
      if (i < template.length() && template.charAt(i) == '$') {
        out.append('$');
        i++;
        continue;
      }
      // extract a name: letters, digits, underscore; optionally in braces
      boolean brace = i < template.length() && template.charAt(i) == '{';
      int j = brace ? i + 1 : i;
      int nameStart = j;
      while (j < template.length()) {
        int c = template.codePointAt(j);
        if (!Character.isLetterOrDigit(c) && c != '_') {
          break;
        }
        j += Character.charCount(c);
      }
      if (j == nameStart || (brace && (j >= template.length() || template.charAt(j) != '}'))) {
        out.append('$');
        continue;
      }
      String name = template.substring(nameStart, j);
      i = brace ? j + 1 : j;
      int num = groupNumber(name);
      if (num >= 0) {
        if (num <= m.groupCount() && m.start(num) >= 0) {
          out.append(m.group(num));
        }
      } else {
        Integer g = re.namedGroups().get(name);
        if (g != null && m.start(g) >= 0) {
          out.append(m.group(g));
        }
      }
    }
    out.append(template, i, template.length());
  }

  private static int groupNumber(String name) {
    long num = 0;
    for (int k = 0; k < name.length(); k++) {
      char c = name.charAt(k);
      if (c < '0' || c > '9' || num >= 100_000_000) {
        return -1;
      }
      num = num * 10 + (c - '0');
    }
    if (name.charAt(0) == '0' && name.length() > 1) {
      return -1;
    }
    return (int) num;
  }
}
