package io.cardinal.template;

import io.cardinal.template.Values.Kind;
import io.cardinal.template.Values.PointerToStruct;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Go's fmt package as templates see it: {@code Sprint}, {@code Sprintln} and {@code Sprintf} with
 * Go's verbs, flags, width and precision, its rendering of composite values ({@code map[a:1]},
 * {@code [a b]}, {@code {f1 f2}}) and its in-band errors ({@code %!d(string=x)}, {@code
 * %!d(MISSING)}, {@code %!(EXTRA ...)}).
 */
final class GoFmt {
  private static final String LDIGITS = "0123456789abcdefx";
  private static final String UDIGITS = "0123456789ABCDEFX";

  private final StringBuilder buf = new StringBuilder();

  private boolean plus;
  private boolean minus;
  private boolean sharp;
  private boolean space;
  private boolean zero;
  private boolean plusV;
  private boolean sharpV;
  private boolean widPresent;
  private boolean precPresent;
  private int wid;
  private int prec;

  private boolean erroring;

  /** The operand being printed, for the text of a bad verb. */
  private Object cur;

  private GoFmt() {}

  /** Go's {@code fmt.Sprint}: spaces between operands when neither is a string. */
  static String sprintAll(List<Object> args) {
    GoFmt p = new GoFmt();
    boolean prevString = false;
    for (int i = 0; i < args.size(); i++) {
      Object a = args.get(i);
      boolean isString = Values.kind(a) == Kind.STRING;
      if (i > 0 && !isString && !prevString) {
        p.buf.append(' ');
      }
      p.printArg(a, 'v');
      prevString = isString;
    }
    return p.buf.toString();
  }

  /** {@code fmt.Sprint(v)} for one value. */
  static String sprint(Object v) {
    GoFmt p = new GoFmt();
    p.printArg(v, 'v');
    return p.buf.toString();
  }

  /** Go's {@code fmt.Sprintln}: spaces between all operands and a final newline. */
  static String sprintln(List<Object> args) {
    GoFmt p = new GoFmt();
    for (int i = 0; i < args.size(); i++) {
      if (i > 0) {
        p.buf.append(' ');
      }
      p.printArg(args.get(i), 'v');
    }
    return p.buf.append('\n').toString();
  }

  /**
   * How a template action prints a value: like {@code Sprint}, except that a pointer to a struct is
   * printed as the struct itself (text/template dereferences it first).
   */
  static String printValueOf(Object v) {
    GoFmt p = new GoFmt();
    if (v instanceof PointerToStruct ps) {
      p.printStruct((Record) ps, ps.structType(), 'v', 0);
    } else {
      p.printArg(v, 'v');
    }
    return p.buf.toString();
  }

  /** Go's {@code fmt.Sprintf}. */
  static String sprintf(String format, List<Object> a) {
    GoFmt p = new GoFmt();
    p.doPrintf(format, a);
    return p.buf.toString();
  }

  private void clearFlags() {
    plus = minus = sharp = space = zero = plusV = sharpV = widPresent = precPresent = false;
    wid = prec = 0;
  }

  private void doPrintf(String format, List<Object> a) {
    int end = format.length();
    int argNum = 0;
    boolean afterIndex;
    boolean reordered = false;
    int i = 0;
    while (i < end) {
      boolean[] goodArgNum = {true};
      int lasti = i;
      while (i < end && format.charAt(i) != '%') {
        i++;
      }
      if (i > lasti) {
        buf.append(format, lasti, i);
      }
      if (i >= end) {
        break;
      }
      i++; // skip %
      clearFlags();
      flags:
      for (; i < end; i++) {
        switch (format.charAt(i)) {
          case '#' -> sharp = true;
          case '0' -> zero = true;
          case '+' -> plus = true;
          case '-' -> minus = true;
          case ' ' -> space = true;
          default -> {
            break flags;
          }
        }
      }
      // argument index
      int[] r = argNumber(argNum, format, i, a.size(), goodArgNum);
      if (r[3] != 0) {
        reordered = true;
      }
      argNum = r[0];
      i = r[1];
      afterIndex = r[2] != 0;
      // width
      if (i < end && format.charAt(i) == '*') {
        i++;
        int[] w = intFromArg(a, argNum);
        wid = w[0];
        widPresent = w[1] != 0;
        argNum = w[2];
        if (!widPresent) {
          buf.append("%!(BADWIDTH)");
        }
        if (wid < 0) {
          wid = -wid;
          minus = true;
          zero = false;
        }
        afterIndex = false;
      } else {
        int[] w = parseNum(format, i, end);
        wid = w[0];
        widPresent = w[1] != 0;
        i = w[2];
        if (afterIndex && widPresent) {
          goodArgNum[0] = false;
        }
      }
      // precision
      if (i + 1 < end && format.charAt(i) == '.') {
        i++;
        if (afterIndex) {
          goodArgNum[0] = false;
        }
        r = argNumber(argNum, format, i, a.size(), goodArgNum);
        if (r[3] != 0) {
          reordered = true;
        }
        argNum = r[0];
        i = r[1];
        afterIndex = r[2] != 0;
        if (i < end && format.charAt(i) == '*') {
          i++;
          int[] w = intFromArg(a, argNum);
          prec = w[0];
          precPresent = w[1] != 0;
          argNum = w[2];
          if (prec < 0) {
            prec = 0;
            precPresent = false;
          }
          if (!precPresent) {
            buf.append("%!(BADPREC)");
          }
          afterIndex = false;
        } else {
          int[] w = parseNum(format, i, end);
          prec = w[0];
          precPresent = w[1] != 0;
          i = w[2];
          if (!precPresent) {
            prec = 0;
            precPresent = true;
          }
        }
      }
      if (!afterIndex) {
        r = argNumber(argNum, format, i, a.size(), goodArgNum);
        if (r[3] != 0) {
          reordered = true;
        }
        argNum = r[0];
        i = r[1];
      }
      if (i >= end) {
        buf.append("%!(NOVERB)");
        break;
      }
      int verb = format.codePointAt(i);
      i += Character.charCount(verb);
      if (verb == '%') {
        buf.append('%');
      } else if (!goodArgNum[0]) {
        buf.append("%!").appendCodePoint(verb).append("(BADINDEX)");
      } else if (argNum >= a.size()) {
        buf.append("%!").appendCodePoint(verb).append("(MISSING)");
      } else {
        if (verb == 'v') {
          sharpV = sharp;
          sharp = false;
          plusV = plus;
          plus = false;
        }
        printArg(a.get(argNum), verb);
        argNum++;
      }
    }
    if (!reordered && argNum < a.size()) {
      clearFlags();
      buf.append("%!(EXTRA ");
      for (int k = argNum; k < a.size(); k++) {
        if (k > argNum) {
          buf.append(", ");
        }
        Object arg = a.get(k);
        if (arg == null) {
          buf.append("<nil>");
        } else {
          buf.append(Values.typeName(arg)).append('=');
          printArg(arg, 'v');
        }
      }
      buf.append(')');
    }
  }

  /** Returns {newArgNum, newI, found, reordered}. */
  private static int[] argNumber(
      int argNum, String format, int i, int numArgs, boolean[] goodArgNum) {
    if (format.length() <= i || format.charAt(i) != '[') {
      return new int[] {argNum, i, 0, 0};
    }
    // parse "[n]"
    int index = 0;
    int wid = 1;
    boolean ok = false;
    if (format.length() - i >= 3) {
      for (int j = i + 1; j < format.length(); j++) {
        if (format.charAt(j) == ']') {
          int[] n = parseNum(format, i + 1, j);
          if (n[1] == 0 || n[2] != j) {
            wid = j - i + 1;
            ok = false;
          } else {
            index = n[0] - 1;
            wid = j - i + 1;
            ok = true;
          }
          break;
        }
      }
    }
    if (ok && index >= 0 && index < numArgs) {
      return new int[] {index, i + wid, 1, 1};
    }
    goodArgNum[0] = false;
    return new int[] {argNum, i + wid, ok ? 1 : 0, 1};
  }

  /** Returns {num, isNum, newI}. */
  private static int[] parseNum(String s, int start, int end) {
    if (start >= end) {
      return new int[] {0, 0, end};
    }
    int num = 0;
    boolean isNum = false;
    int i = start;
    for (; i < end && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
      if (num > 1_000_000 || num < -1_000_000) {
        return new int[] {0, 0, end};
      }
      num = num * 10 + (s.charAt(i) - '0');
      isNum = true;
    }
    return new int[] {num, isNum ? 1 : 0, i};
  }

  /** Returns {num, isInt, newArgNum}. */
  private static int[] intFromArg(List<Object> a, int argNum) {
    int num = 0;
    boolean isInt = false;
    int newArgNum = argNum;
    if (argNum < a.size()) {
      if (a.get(argNum) instanceof Long l && l == (int) (long) l) {
        num = (int) (long) l;
        isInt = true;
      }
      newArgNum = argNum + 1;
      if (num > 1_000_000 || num < -1_000_000) {
        num = 0;
        isInt = false;
      }
    }
    return new int[] {num, isInt ? 1 : 0, newArgNum};
  }

  // ---- operands ----

  private void printArg(Object arg, int verb) {
    cur = arg;
    if (arg == null) {
      if (verb == 'T' || verb == 'v') {
        padString("<nil>");
      } else {
        badVerb(verb);
      }
      return;
    }
    if (verb == 'T') {
      fmtS(Values.typeName(arg));
      return;
    }
    if (verb == 'p') {
      fmtPointer(arg, verb);
      return;
    }
    if (arg instanceof Boolean b) {
      fmtBool(b, verb);
    } else if (arg instanceof Long l) {
      fmtInteger(l, true, verb);
    } else if (arg instanceof Double d) {
      fmtFloat(d, verb);
    } else if (arg instanceof String s) {
      fmtString(s, verb);
    } else if (!handleMethods(arg, verb)) {
      printValue(arg, verb, 0);
    }
  }

  private boolean handleMethods(Object v, int verb) {
    if (erroring || sharpV) {
      return false;
    }
    if (verb != 'v' && verb != 's' && verb != 'x' && verb != 'X' && verb != 'q') {
      return false;
    }
    String s;
    if (v instanceof Values.Stringer st) {
      s = st.goString();
    } else if (Values.kind(v) == Kind.OTHER) {
      s = String.valueOf(v);
    } else {
      return false;
    }
    Object saved = cur;
    fmtString(s, verb);
    cur = saved;
    return true;
  }

  private void printValue(Object v, int verb, int depth) {
    if (depth > 0 && v != null && handleMethods(v, verb)) {
      return;
    }
    cur = v;
    switch (Values.kind(v)) {
      case INVALID:
        if (depth == 0) {
          buf.append("<invalid reflect.Value>");
        } else if (verb == 'v') {
          buf.append("<nil>");
        } else {
          badVerb(verb);
        }
        break;
      case BOOL:
        fmtBool((Boolean) v, verb);
        break;
      case INT:
        fmtInteger((Long) v, true, verb);
        break;
      case FLOAT:
        fmtFloat((Double) v, verb);
        break;
      case STRING:
        fmtString(Values.str(v), verb);
        break;
      case MAP:
        {
          if (sharpV) {
            buf.append(Values.typeName(v)).append('{');
          } else {
            buf.append("map[");
          }
          boolean first = true;
          for (Object[] e : Values.sortedEntries((Map<?, ?>) v)) {
            if (!first) {
              buf.append(sharpV ? ", " : " ");
            }
            first = false;
            printValue(e[0], verb, depth + 1);
            buf.append(':');
            printValue(e[1], verb, depth + 1);
          }
          buf.append(sharpV ? '}' : ']');
          break;
        }
      case SLICE:
        {
          List<?> l = (List<?>) v;
          if (sharpV) {
            buf.append(Values.typeName(v)).append('{');
          } else {
            buf.append('[');
          }
          for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
              buf.append(sharpV ? ", " : " ");
            }
            printValue(Values.elem(l, i), verb, depth + 1);
          }
          buf.append(sharpV ? '}' : ']');
          break;
        }
      case STRUCT:
        printStruct((Record) v, Values.typeName(v), verb, depth);
        break;
      case PTR:
        if (depth == 0 && v instanceof PointerToStruct ps) {
          buf.append('&');
          printStruct((Record) ps, ps.structType(), verb, depth + 1);
          break;
        }
        fmtPointer(v, verb);
        break;
      case FUNC:
        fmtPointer(v, verb);
        break;
      default:
        fmtString(String.valueOf(v), verb);
        break;
    }
  }

  private void printStruct(Record r, String typeName, int verb, int depth) {
    if (sharpV) {
      buf.append(typeName);
    }
    buf.append('{');
    List<String> names = Values.fieldNames(r);
    List<Object> vals = Values.fieldValues(r);
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        buf.append(sharpV ? ", " : " ");
      }
      if (plusV || sharpV) {
        buf.append(names.get(i)).append(':');
      }
      printValue(vals.get(i), verb, depth + 1);
    }
    buf.append('}');
  }

  private void badVerb(int verb) {
    erroring = true;
    Object v = cur;
    buf.append("%!").appendCodePoint(verb).append('(');
    if (v != null) {
      buf.append(Values.typeName(v)).append('=');
      printArg(v, 'v');
    } else {
      buf.append("<nil>");
    }
    buf.append(')');
    cur = v;
    erroring = false;
  }

  private static long fakeAddress(Object v) {
    return 0xc000010000L + ((System.identityHashCode(v) & 0xFFFFFL) << 4);
  }

  private void fmtPointer(Object v, int verb) {
    Kind k = Values.kind(v);
    if (k != Kind.PTR && k != Kind.MAP && k != Kind.SLICE && k != Kind.FUNC) {
      badVerb(verb);
      return;
    }
    long u = fakeAddress(v);
    switch (verb) {
      case 'v' -> {
        if (sharpV) {
          buf.append('(').append(Values.typeName(v)).append(")(");
          fmt0x64(u, true);
          buf.append(')');
        } else {
          fmt0x64(u, !sharp);
        }
      }
      case 'p' -> fmt0x64(u, !sharp);
      case 'b', 'o', 'd', 'x', 'X' -> fmtInteger(u, false, verb);
      default -> badVerb(verb);
    }
  }

  private void fmt0x64(long u, boolean leading0x) {
    boolean s = sharp;
    sharp = leading0x;
    fmtIntegerBase(u, 16, false, 'v', LDIGITS);
    sharp = s;
  }

  // ---- scalars ----

  private void writePadding(int n) {
    if (n <= 0) {
      return;
    }
    char padChar = zero && !minus ? '0' : ' ';
    for (int i = 0; i < n; i++) {
      buf.append(padChar);
    }
  }

  private void pad(String s) {
    if (!widPresent || wid == 0) {
      buf.append(s);
      return;
    }
    int width = wid - s.codePointCount(0, s.length());
    if (!minus) {
      writePadding(width);
      buf.append(s);
    } else {
      buf.append(s);
      writePadding(width);
    }
  }

  private void padString(String s) {
    pad(s);
  }

  private void fmtBool(boolean v, int verb) {
    if (verb == 't' || verb == 'v') {
      padString(v ? "true" : "false");
    } else {
      badVerb(verb);
    }
  }

  private void fmtInteger(long v, boolean signed, int verb) {
    switch (verb) {
      case 'v', 'd' -> fmtIntegerBase(v, 10, signed, verb, LDIGITS);
      case 'b' -> fmtIntegerBase(v, 2, signed, verb, LDIGITS);
      case 'o', 'O' -> fmtIntegerBase(v, 8, signed, verb, LDIGITS);
      case 'x' -> fmtIntegerBase(v, 16, signed, verb, LDIGITS);
      case 'X' -> fmtIntegerBase(v, 16, signed, verb, UDIGITS);
      case 'c' -> fmtC(v, signed);
      case 'q' -> fmtQc(v, signed);
      case 'U' -> fmtUnicode(v);
      default -> badVerb(verb);
    }
  }

  private void fmtIntegerBase(long v, int base, boolean signed, int verb, String digits) {
    boolean negative = signed && v < 0;
    long u = negative ? -v : v; // read as unsigned below
    int precision = 0;
    if (precPresent) {
      precision = prec;
      if (precision == 0 && u == 0) {
        boolean oldZero = zero;
        zero = false;
        writePadding(wid);
        zero = oldZero;
        return;
      }
    } else if (zero && !minus && widPresent) {
      precision = wid;
      if (negative || plus || space) {
        precision--;
      }
    }
    String num = Long.toUnsignedString(u, base);
    if (digits.charAt(10) == 'A') {
      num = num.toUpperCase(java.util.Locale.ROOT);
    }
    StringBuilder b = new StringBuilder();
    for (int k = num.length(); k < precision; k++) {
      b.append('0');
    }
    b.append(num);
    if (sharp) {
      switch (base) {
        case 2 -> b.insert(0, "0b");
        case 8 -> {
          if (b.charAt(0) != '0') {
            b.insert(0, '0');
          }
        }
        case 16 -> b.insert(0, digits.charAt(16)).insert(0, '0');
        default -> {}
      }
    }
    if (verb == 'O') {
      b.insert(0, "0o");
    }
    if (negative) {
      b.insert(0, '-');
    } else if (plus) {
      b.insert(0, '+');
    } else if (space) {
      b.insert(0, ' ');
    }
    boolean oldZero = zero;
    zero = false;
    pad(b.toString());
    zero = oldZero;
  }

  private static int runeOf(long c, boolean signed) {
    if ((signed && c < 0) || Long.compareUnsigned(c, Character.MAX_CODE_POINT) > 0) {
      return 0xFFFD;
    }
    int r = (int) c;
    return r >= 0xD800 && r <= 0xDFFF ? 0xFFFD : r;
  }

  private void fmtC(long c, boolean signed) {
    pad(new String(Character.toChars(runeOf(c, signed))));
  }

  private void fmtQc(long c, boolean signed) {
    pad(GoStrconv.quoteRune(runeOf(c, signed), plus));
  }

  private void fmtUnicode(long u) {
    String hex = Long.toHexString(u).toUpperCase(java.util.Locale.ROOT);
    int p = 4;
    if (precPresent && prec > 4) {
      p = prec;
    }
    StringBuilder b = new StringBuilder("U+");
    for (int k = hex.length(); k < p; k++) {
      b.append('0');
    }
    b.append(hex);
    if (sharp && u >= 0 && u <= Character.MAX_CODE_POINT && GoStrconv.isPrint((int) u)) {
      b.append(" '").appendCodePoint((int) u).append('\'');
    }
    boolean oldZero = zero;
    zero = false;
    pad(b.toString());
    zero = oldZero;
  }

  private void fmtFloat(double v, int verb) {
    switch (verb) {
      case 'v' -> fmtFloat(v, 'g', -1);
      case 'b', 'g', 'G', 'x', 'X' -> fmtFloat(v, verb, -1);
      case 'f', 'e', 'E' -> fmtFloat(v, verb, 6);
      case 'F' -> fmtFloat(v, 'f', 6);
      default -> badVerb(verb);
    }
  }

  private void fmtFloat(double v, int verb, int precision) {
    if (precPresent) {
      precision = prec;
    }
    String s = GoStrconv.formatFloat(v, (char) verb, precision);
    StringBuilder num = new StringBuilder();
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      num.append(s);
    } else {
      num.append('+').append(s);
    }
    if (space && num.charAt(0) == '+' && !plus) {
      num.setCharAt(0, ' ');
    }
    if (num.charAt(1) == 'I' || num.charAt(1) == 'N') {
      boolean oldZero = zero;
      zero = false;
      if (num.charAt(1) == 'N' && !space && !plus) {
        num.deleteCharAt(0);
      }
      pad(num.toString());
      zero = oldZero;
      return;
    }
    if (sharp && verb != 'b') {
      int digits = 0;
      if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x') {
        digits = precision == -1 ? 6 : precision;
      }
      String tail = "";
      boolean hasDecimalPoint = false;
      boolean sawNonzeroDigit = false;
      for (int i = 1; i < num.length(); i++) {
        char c = num.charAt(i);
        if (c == '.') {
          hasDecimalPoint = true;
        } else if (c == 'p' || c == 'P' || ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
          tail = num.substring(i);
          num.setLength(i);
          break;
        } else {
          if (c != '0') {
            sawNonzeroDigit = true;
          }
          if (sawNonzeroDigit) {
            digits--;
          }
        }
      }
      if (!hasDecimalPoint) {
        if (num.length() == 2 && num.charAt(1) == '0') {
          digits--;
        }
        num.append('.');
      }
      while (digits > 0) {
        num.append('0');
        digits--;
      }
      num.append(tail);
    }
    if (plus || num.charAt(0) != '+') {
      if (zero && !minus && widPresent && wid > num.length()) {
        buf.append(num.charAt(0));
        writePadding(wid - num.length());
        buf.append(num, 1, num.length());
        return;
      }
      pad(num.toString());
      return;
    }
    pad(num.substring(1));
  }

  private void fmtString(String s, int verb) {
    switch (verb) {
      case 'v' -> {
        if (sharpV) {
          fmtQ(s);
        } else {
          fmtS(s);
        }
      }
      case 's' -> fmtS(s);
      case 'x' -> fmtSx(s, LDIGITS);
      case 'X' -> fmtSx(s, UDIGITS);
      case 'q' -> fmtQ(s);
      default -> badVerb(verb);
    }
  }

  private String truncate(String s) {
    if (precPresent && s.codePointCount(0, s.length()) > prec) {
      return s.substring(0, s.offsetByCodePoints(0, prec));
    }
    return s;
  }

  /** Strings are padded with spaces: Go ignores the 0 flag for them. */
  private void padNoZero(String s) {
    boolean oldZero = zero;
    zero = false;
    pad(s);
    zero = oldZero;
  }

  private void fmtS(String s) {
    padNoZero(truncate(s));
  }

  private void fmtQ(String s) {
    s = truncate(s);
    if (sharp && GoStrconv.canBackquote(s)) {
      padNoZero("`" + s + "`");
      return;
    }
    padNoZero(GoStrconv.quote(s, plus));
  }

  private void fmtSx(String s, String digits) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    int length = b.length;
    if (precPresent && prec < length) {
      length = prec;
    }
    int width = 2 * length;
    boolean oldZero = zero;
    zero = false;
    try {
      if (width > 0) {
        if (space) {
          if (sharp) {
            width *= 2;
          }
          width += length - 1;
        } else if (sharp) {
          width += 2;
        }
      } else {
        if (widPresent) {
          writePadding(wid);
        }
        return;
      }
      if (widPresent && wid > width && !minus) {
        writePadding(wid - width);
      }
      if (sharp) {
        buf.append('0').append(digits.charAt(16));
      }
      for (int i = 0; i < length; i++) {
        if (space && i > 0) {
          buf.append(' ');
          if (sharp) {
            buf.append('0').append(digits.charAt(16));
          }
        }
        int c = b[i] & 0xFF;
        buf.append(digits.charAt(c >> 4)).append(digits.charAt(c & 0xF));
      }
      if (widPresent && wid > width && minus) {
        writePadding(wid - width);
      }
    } finally {
      zero = oldZero;
    }
  }

  /** The text {@code html}, {@code js} and {@code urlquery} escape: Go's {@code evalArgs}. */
  static String evalArgs(List<Object> args) {
    if (args.size() == 1 && args.get(0) instanceof String s) {
      return s;
    }
    GoFmt p = new GoFmt();
    boolean prevString = false;
    for (int i = 0; i < args.size(); i++) {
      Object a = args.get(i);
      // text/template's printableValue: nil prints as "<no value>", pointers are dereferenced
      boolean isString = a == null || Values.kind(a) == Kind.STRING;
      if (i > 0 && !isString && !prevString) {
        p.buf.append(' ');
      }
      if (a == null) {
        p.buf.append("<no value>");
      } else if (a instanceof PointerToStruct ps) {
        p.printStruct((Record) ps, ps.structType(), 'v', 0);
      } else {
        p.printArg(a, 'v');
      }
      prevString = isString;
    }
    return p.buf.toString();
  }
}
