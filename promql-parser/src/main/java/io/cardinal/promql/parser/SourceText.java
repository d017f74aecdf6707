package io.cardinal.promql.parser;

import io.cardinal.promql.PromQLParseException;

/** Maps code point offsets (ANTLR's indices) to Prometheus-style line:column positions. */
final class SourceText {
  private final int[] codePoints;

  SourceText(String text) {
    this.codePoints = text.codePoints().toArray();
  }

  PromQLParseException error(int cpOffset, String message) {
    int off = Math.max(0, Math.min(cpOffset, codePoints.length));
    int line = 1;
    int bytePos = 0;
    int lastLineBreakByte = -1;
    for (int i = 0; i < off; i++) {
      int cp = codePoints[i];
      if (cp == '\n') {
        lastLineBreakByte = bytePos;
        line++;
      }
      bytePos += utf8Length(cp);
    }
    return new PromQLParseException(line, bytePos - lastLineBreakByte, message);
  }

  private static int utf8Length(int cp) {
    if (cp < 0x80) {
      return 1;
    }
    if (cp < 0x800) {
      return 2;
    }
    if (cp < 0x10000) {
      return 3;
    }
    return 4;
  }

  /** Go's {@code %q} for a rune. */
  static String quoteRune(int cp) {
    return switch (cp) {
      case '\'' -> "'\\''";
      case '\\' -> "'\\\\'";
      case '\n' -> "'\\n'";
      case '\r' -> "'\\r'";
      case '\t' -> "'\\t'";
      case 7 -> "'\\a'";
      case '\b' -> "'\\b'";
      case '\f' -> "'\\f'";
      case 11 -> "'\\v'";
      default -> {
        if (cp < 0x20 || cp == 0x7f) {
          yield String.format("'\\x%02x'", cp);
        }
        if (Character.isISOControl(cp)
            || !Character.isDefined(cp)
            || Character.isWhitespace(cp) && cp > 0x7f) {
          yield cp > 0xffff ? String.format("'\\U%08x'", cp) : String.format("'\\u%04x'", cp);
        }
        yield "'" + new String(Character.toChars(cp)) + "'";
      }
    };
  }

  /** Go's {@code %#U}: {@code U+0071 'q'}. */
  static String unicodeRune(int cp) {
    String hex = String.format("U+%04X", cp);
    if (Character.isISOControl(cp) || !Character.isDefined(cp)) {
      return hex;
    }
    return hex + " '" + new String(Character.toChars(cp)) + "'";
  }
}
