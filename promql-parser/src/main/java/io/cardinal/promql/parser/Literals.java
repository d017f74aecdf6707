package io.cardinal.promql.parser;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-compatible decoding of PromQL number, duration and string literals. */
final class Literals {

  /** Thrown with a Prometheus error message; the caller attaches the position. */
  static final class LiteralException extends Exception {
    private static final long serialVersionUID = 1L;

    LiteralException(String message) {
      super(message, null, false, false);
    }
  }

  private static final Pattern DURATION =
      Pattern.compile(
          "^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$");
  private static final long[] UNIT_MILLIS = {
    1000L * 60 * 60 * 24 * 365,
    1000L * 60 * 60 * 24 * 7,
    1000L * 60 * 60 * 24,
    1000L * 60 * 60,
    1000L * 60,
    1000L,
    1L
  };

  /** time.Duration's range in seconds (int64 nanoseconds). */
  static final double MAX_DURATION_SECONDS = 9.223372036854775807e9;

  private Literals() {}

  /**
   * Parses a number like Prometheus ({@code strconv.ParseInt(s, 0, 64)}, then {@code ParseFloat}).
   */
  static double parseNumber(String text) throws LiteralException {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.equals("inf")) {
      return Double.POSITIVE_INFINITY;
    }
    if (lower.equals("nan")) {
      return Double.NaN;
    }
    String s = text.replace("_", "");
    Long asInt = parseGoInt(s);
    if (asInt != null) {
      return asInt;
    }
    if (s.startsWith("0x") || s.startsWith("0X")) {
      throw new LiteralException(
          "error parsing number: strconv.ParseFloat: parsing "
              + goQuote(text)
              + ": invalid syntax");
    }
    double d;
    try {
      d = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new LiteralException(
          "error parsing number: strconv.ParseFloat: parsing "
              + goQuote(text)
              + ": invalid syntax");
    }
    if (Double.isInfinite(d)) {
      throw new LiteralException(
          "error parsing number: strconv.ParseFloat: parsing "
              + goQuote(text)
              + ": value out of range");
    }
    return d;
  }

  private static Long parseGoInt(String s) {
    try {
      BigInteger v;
      if (s.startsWith("0x") || s.startsWith("0X")) {
        v = new BigInteger(s.substring(2), 16);
      } else if (s.matches("0[0-7]+")) {
        v = new BigInteger(s.substring(1), 8);
      } else if (s.matches("0|[1-9][0-9]*")) {
        v = new BigInteger(s);
      } else {
        return null;
      }
      return v.bitLength() < 64 ? v.longValue() : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Parses a Prometheus duration ({@code 1h30m}); units must be in descending order. */
  static long parseDurationMillis(String text) throws LiteralException {
    if (text.equals("0")) {
      return 0;
    }
    Matcher m = DURATION.matcher(text);
    if (text.isEmpty() || !m.matches()) {
      throw new LiteralException("not a valid duration string: " + goQuote(text));
    }
    long total = 0;
    for (int i = 0; i < UNIT_MILLIS.length; i++) {
      String g = m.group(i + 1);
      if (g == null) {
        continue;
      }
      BigInteger v = new BigInteger(g).multiply(BigInteger.valueOf(UNIT_MILLIS[i]));
      if (v.bitLength() >= 63 || total + v.longValue() < 0) {
        throw new LiteralException("duration out of range");
      }
      total += v.longValue();
    }
    return total;
  }

  /**
   * Message for a malformed number-like token, following Prometheus' lexer: a token that looks like
   * a duration with a bad shape is reported by the duration parser, anything else as bad syntax.
   */
  static String badNumberMessage(String text) {
    if (text.matches("[0-9.]+[smhdwy][0-9smhdwy.]*") && !text.matches(".*[a-zA-Z]{3,}.*")) {
      return "not a valid duration string: " + goQuote(text);
    }
    return "bad number or duration syntax: " + goQuote(text);
  }

  /**
   * Unquotes a PromQL string literal (with its quotes) like Prometheus' {@code strutil.Unquote}.
   * Byte escapes ({@code \xNN}, octal) producing invalid UTF-8 are replaced by U+FFFD.
   */
  static String unquote(String raw) throws LiteralException {
    char quote = raw.charAt(0);
    String body = raw.substring(1, raw.length() - 1);
    if (quote == '`') {
      return body;
    }
    if (body.indexOf('\\') < 0) {
      return body;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length());
    int i = 0;
    int n = body.length();
    while (i < n) {
      int cp = body.codePointAt(i);
      if (cp != '\\') {
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        i += Character.charCount(cp);
        continue;
      }
      i++;
      if (i >= n) {
        throw new LiteralException("escape sequence not terminated");
      }
      int c = body.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case 'a' -> out.write(7);
        case 'b' -> out.write('\b');
        case 'f' -> out.write('\f');
        case 'n' -> out.write('\n');
        case 'r' -> out.write('\r');
        case 't' -> out.write('\t');
        case 'v' -> out.write(11);
        case '\\' -> out.write('\\');
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          int v = digits(body, i - 1, 3, 8, quote);
          if (v > 255) {
            throw new LiteralException("escape sequence is an invalid Unicode code point");
          }
          out.write(v);
          i += 2;
        }
        case 'x' -> {
          out.write(digits(body, i, 2, 16, quote));
          i += 2;
        }
        case 'u', 'U' -> {
          int len = c == 'u' ? 4 : 8;
          int v = digits(body, i, len, 16, quote);
          if (v < 0 || v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) {
            throw new LiteralException("escape sequence is an invalid Unicode code point");
          }
          byte[] b = new String(Character.toChars(v)).getBytes(StandardCharsets.UTF_8);
          out.write(b, 0, b.length);
          i += len;
        }
        default -> {
          if (c == quote) {
            out.write(c);
          } else {
            throw new LiteralException("unknown escape sequence " + SourceText.unicodeRune(c));
          }
        }
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int digits(String s, int start, int count, int base, char quote)
      throws LiteralException {
    long v = 0;
    for (int k = 0; k < count; k++) {
      // Running into the end of the body means the closing quote is the offending character.
      int ch = start + k >= s.length() ? quote : s.charAt(start + k);
      int d = Character.digit(ch, 16);
      if (d < 0 || d >= base) {
        throw new LiteralException(
            "illegal character " + SourceText.unicodeRune(ch) + " in escape sequence");
      }
      v = v * base + d;
    }
    return (int) Math.min(v, Integer.MAX_VALUE);
  }

  /** Go's {@code %q} for a string. */
  static String goQuote(String s) {
    return io.cardinal.promql.ast.Printer.quote(s);
  }
}
