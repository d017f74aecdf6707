package io.cardinal.template;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * The parts of Go's strconv package that templates observe: float formatting (shortest and fixed
 * precision, the {@code e f g b x} formats), quoting, unquoting of literals and number parsing.
 * Strings are handled as sequences of code points; Go's byte view is used where the result depends
 * on it (UTF-8 lengths).
 */
final class GoStrconv {
  private GoStrconv() {}

  private static final String LOWER_HEX = "0123456789abcdef";
  private static final String UPPER_HEX = "0123456789ABCDEF";

  /** Digits {@code d} with the decimal point after {@code dp} of them; "" for zero. */
  private record Dec(String d, int dp) {
    int nd() {
      return d.length();
    }
  }

  private static Dec dec(BigDecimal x) {
    if (x.signum() == 0) {
      return new Dec("", 0);
    }
    BigDecimal s = x.stripTrailingZeros();
    String digits = s.unscaledValue().toString();
    return new Dec(digits, digits.length() - s.scale());
  }

  /** The shortest digits that read back as {@code a} (a > 0), the nearest such when several. */
  private static Dec shortest(double a) {
    BigDecimal exact = new BigDecimal(a);
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (Double.parseDouble(r.toString()) == a) {
        return dec(r);
      }
      RoundingMode other = r.compareTo(exact) > 0 ? RoundingMode.FLOOR : RoundingMode.CEILING;
      BigDecimal o = exact.round(new MathContext(p, other));
      if (Double.parseDouble(o.toString()) == a) {
        return dec(o);
      }
    }
    return dec(exact.round(new MathContext(17, RoundingMode.HALF_EVEN)));
  }

  /**
   * Go's {@code strconv.FormatFloat(v, fmt, prec, 64)} for {@code fmt} in {@code e E f g G b x X};
   * a negative {@code prec} asks for the shortest representation.
   */
  static String formatFloat(double v, char fmt, int prec) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    long bits = Double.doubleToRawLongBits(v);
    boolean neg = bits < 0;
    if (fmt == 'b') {
      return formatB(neg, bits);
    }
    if (fmt == 'x' || fmt == 'X') {
      return formatX(neg, bits, prec, fmt);
    }
    double a = Math.abs(v);
    boolean isShortest = prec < 0;
    Dec d;
    if (isShortest) {
      d = a == 0 ? new Dec("", 0) : shortest(a);
      switch (fmt) {
        case 'e', 'E' -> prec = Math.max(d.nd() - 1, 0);
        case 'f' -> prec = Math.max(d.nd() - d.dp(), 0);
        default -> prec = d.nd();
      }
    } else {
      BigDecimal exact = new BigDecimal(a);
      switch (fmt) {
        case 'e', 'E' -> d = dec(exact.round(new MathContext(prec + 1, RoundingMode.HALF_EVEN)));
        case 'f' -> d = dec(exact.setScale(prec, RoundingMode.HALF_EVEN));
        default -> {
          if (prec == 0) {
            prec = 1;
          }
          d = dec(exact.round(new MathContext(prec, RoundingMode.HALF_EVEN)));
        }
      }
    }
    switch (fmt) {
      case 'e', 'E':
        return fmtE(neg, d, prec, fmt);
      case 'f':
        return fmtF(neg, d, prec);
      default:
        int eprec = prec;
        if (eprec > d.nd() && d.nd() >= d.dp()) {
          eprec = d.nd();
        }
        // The shortest form switches to an exponent from 1e+06 on (precision 6 for the decision).
        if (isShortest) {
          eprec = 6;
        }
        int exp = d.dp() - 1;
        if (exp < -4 || exp >= eprec) {
          if (prec > d.nd()) {
            prec = d.nd();
          }
          return fmtE(neg, d, prec - 1, fmt == 'g' ? 'e' : 'E');
        }
        if (prec > d.dp()) {
          prec = d.nd();
        }
        return fmtF(neg, d, Math.max(prec - d.dp(), 0));
    }
  }

  private static String fmtE(boolean neg, Dec d, int prec, char fmt) {
    StringBuilder b = new StringBuilder();
    if (neg) {
      b.append('-');
    }
    b.append(d.nd() == 0 ? '0' : d.d().charAt(0));
    if (prec > 0) {
      b.append('.');
      int i = 1;
      int m = Math.min(d.nd(), prec + 1);
      if (i < m) {
        b.append(d.d(), i, m);
        i = m;
      }
      for (; i <= prec; i++) {
        b.append('0');
      }
    }
    b.append(fmt);
    int exp = d.nd() == 0 ? 0 : d.dp() - 1;
    b.append(exp < 0 ? '-' : '+');
    exp = Math.abs(exp);
    if (exp < 10) {
      b.append('0');
    }
    b.append(exp);
    return b.toString();
  }

  private static String fmtF(boolean neg, Dec d, int prec) {
    StringBuilder b = new StringBuilder();
    if (neg) {
      b.append('-');
    }
    if (d.dp() > 0) {
      int m = Math.min(d.nd(), d.dp());
      b.append(d.d(), 0, m);
      for (; m < d.dp(); m++) {
        b.append('0');
      }
    } else {
      b.append('0');
    }
    if (prec > 0) {
      b.append('.');
      for (int i = 1; i <= prec; i++) {
        int j = d.dp() + i - 1;
        b.append(j >= 0 && j < d.nd() ? d.d().charAt(j) : '0');
      }
    }
    return b.toString();
  }

  private static String formatB(boolean neg, long bits) {
    int exp = (int) ((bits >>> 52) & 0x7FF);
    long mant = bits & ((1L << 52) - 1);
    if (exp == 0) {
      exp++;
    } else {
      mant |= 1L << 52;
    }
    exp += -1023 - 52;
    return (neg ? "-" : "") + mant + "p" + (exp >= 0 ? "+" : "") + exp;
  }

  private static String formatX(boolean neg, long bits, int prec, char fmt) {
    int exp = (int) ((bits >>> 52) & 0x7FF);
    long mant = bits & ((1L << 52) - 1);
    if (exp == 0) {
      exp++;
    } else {
      mant |= 1L << 52;
    }
    exp -= 1023;
    if (mant == 0) {
      exp = 0;
    }
    // Put the leading 1 (if any) at bit 60.
    mant <<= 8;
    while (mant != 0 && (mant & (1L << 60)) == 0) {
      mant <<= 1;
      exp--;
    }
    if (prec >= 0 && prec < 15) {
      int shift = prec * 4;
      long extra = (mant << shift) & ((1L << 60) - 1);
      mant >>>= 60 - shift;
      if ((extra | (mant & 1)) > (1L << 59)) {
        mant++;
      }
      mant <<= 60 - shift;
      if ((mant & (1L << 61)) != 0) {
        mant >>>= 1;
        exp++;
      }
    }
    String hex = fmt == 'X' ? UPPER_HEX : LOWER_HEX;
    StringBuilder b = new StringBuilder();
    if (neg) {
      b.append('-');
    }
    b.append('0').append(fmt).append((char) ('0' + ((mant >>> 60) & 1)));
    mant <<= 4;
    if (prec < 0 && mant != 0) {
      b.append('.');
      while (mant != 0) {
        b.append(hex.charAt((int) ((mant >>> 60) & 15)));
        mant <<= 4;
      }
    } else if (prec > 0) {
      b.append('.');
      for (int i = 0; i < prec; i++) {
        b.append(hex.charAt((int) ((mant >>> 60) & 15)));
        mant <<= 4;
      }
    }
    b.append(fmt == 'X' ? 'P' : 'p');
    b.append(exp < 0 ? '-' : '+');
    exp = Math.abs(exp);
    if (exp < 10) {
      b.append('0');
    }
    b.append(exp);
    return b.toString();
  }

  // ---- quoting ----

  /** Go's {@code strconv.IsPrint}: letters, marks, numbers, punctuation, symbols and ' '. */
  static boolean isPrint(int r) {
    if (r == ' ') {
      return true;
    }
    if (r < 0 || r > Character.MAX_CODE_POINT) {
      return false;
    }
    switch (Character.getType(r)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK,
          Character.COMBINING_SPACING_MARK,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER,
          Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL:
        return true;
      default:
        return false;
    }
  }

  /** Go's {@code strconv.Quote} (or {@code QuoteToASCII}). */
  static String quote(String s, boolean asciiOnly) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    b.append('"');
    for (int i = 0; i < s.length(); ) {
      int r = s.codePointAt(i);
      i += Character.charCount(r);
      if (Character.isSurrogate((char) r)) {
        r = 0xFFFD;
      }
      appendEscapedRune(b, r, '"', asciiOnly);
    }
    return b.append('"').toString();
  }

  static String quote(String s) {
    return quote(s, false);
  }

  /** Go's {@code strconv.QuoteRune} (or {@code QuoteRuneToASCII}). */
  static String quoteRune(int r, boolean asciiOnly) {
    if (r < 0 || r > Character.MAX_CODE_POINT || (r >= 0xD800 && r <= 0xDFFF)) {
      r = 0xFFFD;
    }
    StringBuilder b = new StringBuilder("'");
    appendEscapedRune(b, r, '\'', asciiOnly);
    return b.append('\'').toString();
  }

  private static void appendEscapedRune(StringBuilder b, int r, char quote, boolean asciiOnly) {
    if (r == quote || r == '\\') {
      b.append('\\').appendCodePoint(r);
      return;
    }
    if (asciiOnly) {
      if (r < 0x80 && isPrint(r)) {
        b.append((char) r);
        return;
      }
    } else if (isPrint(r)) {
      b.appendCodePoint(r);
      return;
    }
    switch (r) {
      case 7 -> b.append("\\a");
      case '\b' -> b.append("\\b");
      case '\f' -> b.append("\\f");
      case '\n' -> b.append("\\n");
      case '\r' -> b.append("\\r");
      case '\t' -> b.append("\\t");
      case 11 -> b.append("\\v");
      default -> {
        if (r < ' ' || r == 0x7f) {
          b.append("\\x").append(LOWER_HEX.charAt(r >> 4)).append(LOWER_HEX.charAt(r & 0xF));
        } else if (r < 0x10000) {
          b.append("\\u");
          for (int s = 12; s >= 0; s -= 4) {
            b.append(LOWER_HEX.charAt((r >> s) & 0xF));
          }
        } else {
          b.append("\\U");
          for (int s = 28; s >= 0; s -= 4) {
            b.append(LOWER_HEX.charAt((r >> s) & 0xF));
          }
        }
      }
    }
  }

  /** Go's {@code strconv.CanBackquote}. */
  static boolean canBackquote(String s) {
    for (int i = 0; i < s.length(); ) {
      int r = s.codePointAt(i);
      i += Character.charCount(r);
      if (r >= 0x80) {
        if (r == 0xFEFF || Character.isSurrogate((char) r)) {
          return false;
        }
        continue;
      }
      if ((r < ' ' && r != '\t') || r == '`' || r == 0x7F) {
        return false;
      }
    }
    return true;
  }

  // ---- unquoting ----

  /** Thrown for malformed literals; the message is Go's error text. */
  static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxException(String message) {
      super(message, null, false, false);
    }
  }

  private static final String INVALID_SYNTAX = "invalid syntax";

  /** Go's {@code strconv.Unquote} for a "double-quoted" or `raw` string literal. */
  static String unquote(String lit) throws SyntaxException {
    int n = lit.length();
    if (n < 2) {
      throw new SyntaxException(INVALID_SYNTAX);
    }
    char q = lit.charAt(0);
    if (q != lit.charAt(n - 1)) {
      throw new SyntaxException(INVALID_SYNTAX);
    }
    String body = lit.substring(1, n - 1);
    if (q == '`') {
      if (body.indexOf('`') >= 0) {
        throw new SyntaxException(INVALID_SYNTAX);
      }
      return body.replace("\r", "");
    }
    if (q != '"') {
      throw new SyntaxException(INVALID_SYNTAX);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length());
    int[] pos = {0};
    while (pos[0] < body.length()) {
      char c = body.charAt(pos[0]);
      if (c == '"' || c == '\n') {
        throw new SyntaxException(INVALID_SYNTAX);
      }
      long v = unquoteChar(body, pos, '"');
      if (v < 0) {
        out.write((int) (-v - 1));
      } else {
        byte[] enc = new String(Character.toChars((int) v)).getBytes(StandardCharsets.UTF_8);
        out.write(enc, 0, enc.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Decodes one character or escape at {@code pos[0]}, advancing it. Returns the code point, or
   * {@code -(b+1)} for a single raw byte {@code b} written with {@code \x} or an octal escape.
   */
  static long unquoteChar(String s, int[] pos, char quote) throws SyntaxException {
    int i = pos[0];
    int c = s.codePointAt(i);
    if (c == quote && (quote == '\'' || quote == '"')) {
      throw new SyntaxException(INVALID_SYNTAX);
    }
    if (c != '\\') {
      pos[0] = i + Character.charCount(c);
      return c;
    }
    if (i + 1 >= s.length()) {
      throw new SyntaxException(INVALID_SYNTAX);
    }
    char e = s.charAt(i + 1);
    i += 2;
    long value;
    switch (e) {
      case 'a' -> value = 7;
      case 'b' -> value = '\b';
      case 'f' -> value = '\f';
      case 'n' -> value = '\n';
      case 'r' -> value = '\r';
      case 't' -> value = '\t';
      case 'v' -> value = 11;
      case 'x', 'u', 'U' -> {
        int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (i + n > s.length()) {
          throw new SyntaxException(INVALID_SYNTAX);
        }
        long v = 0;
        for (int j = 0; j < n; j++) {
          int d = Character.digit(s.charAt(i + j), 16);
          if (d < 0 || s.charAt(i + j) > 0x7f) {
            throw new SyntaxException(INVALID_SYNTAX);
          }
          v = v << 4 | d;
        }
        i += n;
        if (e == 'x') {
          pos[0] = i;
          return quote == '\'' ? v : -(v + 1);
        }
        if (v > Character.MAX_CODE_POINT || (v >= 0xD800 && v <= 0xDFFF)) {
          throw new SyntaxException(INVALID_SYNTAX);
        }
        value = v;
      }
      case '0', '1', '2', '3', '4', '5', '6', '7' -> {
        long v = e - '0';
        if (i + 2 > s.length()) {
          throw new SyntaxException(INVALID_SYNTAX);
        }
        for (int j = 0; j < 2; j++) {
          int d = s.charAt(i + j) - '0';
          if (d < 0 || d > 7) {
            throw new SyntaxException(INVALID_SYNTAX);
          }
          v = (v << 3) | d;
        }
        i += 2;
        if (v > 255) {
          throw new SyntaxException(INVALID_SYNTAX);
        }
        pos[0] = i;
        return quote == '\'' ? v : -(v + 1);
      }
      case '\\' -> value = '\\';
      case '\'', '"' -> {
        if (e != quote) {
          throw new SyntaxException(INVALID_SYNTAX);
        }
        value = e;
      }
      default -> throw new SyntaxException(INVALID_SYNTAX);
    }
    pos[0] = i;
    return value;
  }

  // ---- number parsing ----

  /**
   * Go's {@code strconv.ParseInt(s, 0, 64)} / {@code ParseUint}: base prefixes {@code 0x 0o 0b}, a
   * leading {@code 0} for octal, underscores between digits. Returns null on a syntax error.
   */
  static BigInteger parseIntBase0(String s) {
    String t = s;
    boolean neg = false;
    if (!t.isEmpty() && (t.charAt(0) == '+' || t.charAt(0) == '-')) {
      neg = t.charAt(0) == '-';
      t = t.substring(1);
    }
    if (t.isEmpty()) {
      return null;
    }
    int base = 10;
    boolean prefixed = false;
    if (t.length() >= 2 && t.charAt(0) == '0') {
      char p = Character.toLowerCase(t.charAt(1));
      if (p == 'x' || p == 'o' || p == 'b') {
        base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
        t = t.substring(2);
        prefixed = true;
      } else {
        base = 8;
        t = t.substring(1);
        prefixed = true;
      }
    }
    if (t.indexOf('_') >= 0) {
      if (!underscoreOk(s)) {
        return null;
      }
      t = t.replace("_", "");
    }
    if (t.isEmpty()) {
      return prefixed && base == 8 ? BigInteger.ZERO : null;
    }
    for (int i = 0; i < t.length(); i++) {
      if (Character.digit(t.charAt(i), base) < 0 || t.charAt(i) > 0x7f) {
        return null;
      }
    }
    BigInteger v = new BigInteger(t, base);
    return neg ? v.negate() : v;
  }

  /** Go's rule: underscores only between digits, or between a base prefix and a digit. */
  static boolean underscoreOk(String s) {
    char saw = '^';
    int i = 0;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      s = s.substring(1);
    }
    boolean hex = false;
    if (s.length() >= 2
        && s.charAt(0) == '0'
        && "box".indexOf(Character.toLowerCase(s.charAt(1))) >= 0) {
      i = 2;
      saw = '0';
      hex = Character.toLowerCase(s.charAt(1)) == 'x';
    }
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      char lc = Character.toLowerCase(c);
      if ((c >= '0' && c <= '9') || (hex && lc >= 'a' && lc <= 'f')) {
        saw = '0';
        continue;
      }
      if (c == '_') {
        if (saw != '0') {
          return false;
        }
        saw = '_';
        continue;
      }
      if (saw == '_') {
        return false;
      }
      saw = '!';
    }
    return saw != '_';
  }

  /** Thrown by {@link #parseFloat}; the message is Go's error text. */
  static final class NumError extends Exception {
    private static final long serialVersionUID = 1L;

    NumError(String message) {
      super(message, null, false, false);
    }
  }

  private static final java.util.regex.Pattern DECIMAL =
      java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final java.util.regex.Pattern HEX =
      java.util.regex.Pattern.compile(
          "[+-]?0[xX]([0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)[pP][+-]?\\d+");

  /** Go's {@code strconv.ParseFloat(s, 64)}, with its error messages. */
  static double parseFloat(String s) throws NumError {
    String t = s;
    if (t.indexOf('_') >= 0) {
      if (!underscoreOk(t)) {
        throw new NumError("strconv.ParseFloat: parsing " + quote(s) + ": invalid syntax");
      }
      t = t.replace("_", "");
    }
    String body = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
    String lower = body.toLowerCase(java.util.Locale.ROOT);
    if (lower.equals("inf") || lower.equals("infinity")) {
      return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (lower.equals("nan")) {
      return Double.NaN;
    }
    if (!DECIMAL.matcher(t).matches() && !HEX.matcher(t).matches()) {
      throw new NumError("strconv.ParseFloat: parsing " + quote(s) + ": invalid syntax");
    }
    double v = Double.parseDouble(t);
    if (Double.isInfinite(v)) {
      throw new NumError("strconv.ParseFloat: parsing " + quote(s) + ": value out of range");
    }
    return v;
  }

  /** The UTF-8 length of {@code s}, Go's {@code len} of a string. */
  static int utf8Len(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); ) {
      int r = s.codePointAt(i);
      i += Character.charCount(r);
      n += r < 0x80 ? 1 : r < 0x800 ? 2 : r < 0x10000 ? 3 : 4;
    }
    return n;
  }
}
