package io.cardinal.exposition;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Pull parser for a scrape body in the Prometheus text format 0.0.4 or OpenMetrics 1.0 text format.
 *
 * <pre>{@code
 * ExpositionParser p = ExpositionParser.forContentType(contentTypeHeader, body, 0, body.length);
 * for (EntryType e = p.next(); e != EntryType.EOF; e = p.next()) {
 *     if (e != EntryType.SAMPLE) continue;
 *     ParsedLabels l = p.labels();
 *     for (int i = 0; i < l.size(); i++) { ... l.nameArray(i), l.nameOffset(i), l.valueArray(i) ... }
 *     double v = p.value();
 *     long t = p.hasTimestamp() ? p.timestampMillis() : scrapeTime;
 * }
 * }</pre>
 *
 * The parser works directly on the byte array (UTF-8); nothing is copied except unescaped label
 * values and help text, which go into reusable scratch buffers. All accessors describe the current
 * entry and are only valid until the next call to {@link #next()}. Instances are not thread-safe
 * and not reusable across bodies. The body array must not be modified while parsing.
 *
 * <p>Invalid input is reported by {@link ExpositionParseException} only; no other exception escapes
 * {@link #next()} for any input.
 */
public abstract class ExpositionParser {
  static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  protected final byte[] buf;
  protected final int start;
  protected final int limit;

  /** Read position. */
  protected int pos;

  /** 1-based number of the line of the current entry. */
  protected int lineNo;

  /** Offset of the first byte of the current line. */
  protected int lineStart;

  protected EntryType entry;
  protected int nameOff;
  protected int nameLen;
  protected int familyOff;
  protected int familyLen;
  protected MetricType metricType = MetricType.UNKNOWN;
  protected final ParsedLabels labels = new ParsedLabels();
  protected final ParsedLabels exemplarLabels = new ParsedLabels();
  protected double value;
  protected boolean hasTimestamp;
  protected long timestampMillis;
  protected boolean hasExemplar;
  protected double exemplarValue;
  protected boolean exemplarHasTimestamp;
  protected long exemplarTimestampMillis;

  /** HELP/UNIT/COMMENT text: either a body range or the scratch array. */
  protected byte[] textArray;

  protected int textOff;
  protected int textLen;
  protected byte[] textScratch = new byte[64];

  /** {@link #expectSeries}: the guess and whether the current sample matched it. */
  protected byte[] expected;

  protected boolean expectedMatched;

  /** Whether {@link #deferLabels} is on. */
  protected boolean deferLabels;

  /** Offset just after the '{' of a label set not parsed yet, or -1. */
  protected int pendingLabels = -1;

  /** The current sample's series as exposed; seriesOff -1 when not provided. */
  protected int seriesOff = -1;

  protected int seriesLen;

  /** Result of the last successful number parse. */
  protected double num;

  protected long numLong;

  protected ExpositionParser(byte[] body, int offset, int length) {
    Objects.requireNonNull(body, "body");
    Objects.checkFromIndexSize(offset, length, body.length);
    this.buf = body;
    this.start = offset;
    this.limit = offset + length;
    this.pos = offset;
    this.lineStart = offset;
    this.textArray = body;
    labels.reset(body);
    exemplarLabels.reset(body);
  }

  // ------------------------------------------------------------------ factories

  /**
   * Parser for {@code body[offset, offset+length)} in the format chosen from a response
   * Content-Type header.
   */
  public static ExpositionParser forContentType(
      String contentType, byte[] body, int offset, int length) {
    return create(ExpositionFormat.fromContentType(contentType), body, offset, length);
  }

  /**
   * Parser for the whole of {@code body} in the format chosen from a response Content-Type header.
   */
  public static ExpositionParser forContentType(String contentType, byte[] body) {
    return forContentType(contentType, body, 0, body.length);
  }

  /** Parser for {@code body[offset, offset+length)} in the given format. */
  public static ExpositionParser create(
      ExpositionFormat format, byte[] body, int offset, int length) {
    switch (format) {
      case OPENMETRICS_1_0_0:
        return new OpenMetricsParser(body, offset, length);
      case PROMETHEUS_TEXT_0_0_4:
      default:
        return new PrometheusTextParser(body, offset, length);
    }
  }

  // ------------------------------------------------------------------ API

  /**
   * Advances to the next entry and returns its type. Returns {@link EntryType#EOF} at the end of
   * the exposition, and again on every later call.
   *
   * @throws ExpositionParseException if the input is invalid at this point; the parser must not be
   *     used after
   */
  public abstract EntryType next() throws ExpositionParseException;

  /** The format this parser reads. */
  public abstract ExpositionFormat format();

  /** Type of the current entry (null before the first {@link #next()}). */
  public final EntryType entryType() {
    return entry;
  }

  /** 1-based line number of the current entry. */
  public final int line() {
    return lineNo;
  }

  /** The body array; {@link #nameOffset()} and friends index into it. */
  public final byte[] buffer() {
    return buf;
  }

  /**
   * Name of the current entry: the sample's metric name (e.g. {@code http_requests_total}) for
   * SAMPLE, the metric family name for TYPE/HELP/UNIT. Allocates; see {@link #nameOffset()} for the
   * allocation-free form.
   */
  public final String name() {
    return new String(buf, nameOff, nameLen, StandardCharsets.ISO_8859_1);
  }

  public final int nameOffset() {
    return nameOff;
  }

  public final int nameLength() {
    return nameLen;
  }

  /** Whether the current name equals {@code s}, without allocating. */
  public final boolean nameEquals(String s) {
    return ParsedLabels.asciiEquals(buf, nameOff, nameLen, s);
  }

  /**
   * Metric family the current entry belongs to. For SAMPLE entries: in OpenMetrics the family as
   * delimited by the metadata and grouping rules (e.g. {@code foo} for {@code foo_bucket}); in the
   * text format the name of the most recent TYPE line if the sample belongs to it (name, or
   * name_bucket/_sum/_count for histograms and summaries), else the sample name itself. For
   * TYPE/HELP/UNIT the same as {@link #name()}.
   */
  public final String familyName() {
    return new String(buf, familyOff, familyLen, StandardCharsets.ISO_8859_1);
  }

  public final int familyOffset() {
    return familyOff;
  }

  public final int familyLength() {
    return familyLen;
  }

  /**
   * For TYPE: the declared type. For SAMPLE: the type of the sample's family ({@link
   * MetricType#UNKNOWN} if none was declared). For HELP/UNIT: the family's type as known so far.
   */
  public final MetricType metricType() {
    return metricType;
  }

  /**
   * HELP text (unescaped), UNIT text, or the text of a COMMENT; null for other entries. Allocates.
   */
  public final String text() {
    if (entry != EntryType.HELP && entry != EntryType.UNIT && entry != EntryType.COMMENT) {
      return null;
    }
    return new String(textArray, textOff, textLen, StandardCharsets.UTF_8);
  }

  /** The unescaped HELP text of a HELP entry, else null. */
  public final String help() {
    return entry == EntryType.HELP ? text() : null;
  }

  /** The unit of a UNIT entry, else null. */
  public final String unit() {
    return entry == EntryType.UNIT ? text() : null;
  }

  /** Array, offset and length of the current HELP/UNIT/COMMENT text as unescaped UTF-8 bytes. */
  public final byte[] textArray() {
    return textArray;
  }

  public final int textOffset() {
    return textOff;
  }

  public final int textLength() {
    return textLen;
  }

  /**
   * Labels of the current sample (reused flyweight; empty for non-sample entries). With {@link
   * #deferLabels} on, call {@link #ensureLabels()} first.
   */
  public final ParsedLabels labels() {
    if (pendingLabels >= 0) {
      throw new IllegalStateException("labels deferred: call ensureLabels() first");
    }
    return labels;
  }

  /**
   * Deferred label parsing (Prometheus text format only; other formats ignore it). {@link #next()}
   * then only finds where the current sample's label set ends, without validating or splitting it,
   * and {@link #seriesOffset()}/{@link #seriesLength()} give the series exactly as exposed. A
   * caller that already knows these bytes (a scrape cache hit: the same bytes parsed fine before)
   * skips the labels entirely; otherwise it calls {@link #ensureLabels()}, which parses and
   * validates them with the same errors as eager parsing. Errors of a line are reported in the same
   * order either way.
   */
  public final void deferLabels(boolean on) {
    deferLabels = on;
  }

  /**
   * A guess of the next sample's series as exposed (with {@link #deferLabels} on, Prometheus text
   * format only): bytes that came out of {@link #seriesOffset()}/{@link #seriesLength()} of an
   * earlier sample that parsed fine, typically the series at the same position in the target's
   * previous scrape. If the next sample starts with exactly that series, the parser takes it
   * without scanning the label set and {@link #seriesMatchedExpectation()} is true. Consumed by the
   * next sample; null clears it.
   */
  public final void expectSeries(byte[] series) {
    expected = series;
  }

  /** Whether the current sample's series is the one given to {@link #expectSeries}. */
  public final boolean seriesMatchedExpectation() {
    return expectedMatched;
  }

  /** Parses the current sample's labels if they were deferred. */
  public final void ensureLabels() throws ExpositionParseException {
    if (pendingLabels >= 0) {
      parsePendingLabels();
    }
  }

  /**
   * Start in {@link #buffer()} of the current sample's series as exposed (metric name through the
   * closing brace of the label set, or just the name), or -1 when the format does not provide it.
   */
  public final int seriesOffset() {
    return seriesOff;
  }

  public final int seriesLength() {
    return seriesLen;
  }

  /** Parses the labels of the current sample starting at {@link #pendingLabels}, then clears it. */
  protected void parsePendingLabels() throws ExpositionParseException {
    pendingLabels = -1;
  }

  /** Sample value. */
  public final double value() {
    return value;
  }

  /** Whether the sample has an explicit timestamp. */
  public final boolean hasTimestamp() {
    return hasTimestamp;
  }

  /**
   * Sample timestamp in milliseconds since the epoch. The text format carries int64 milliseconds;
   * OpenMetrics carries float seconds, converted as Prometheus does ({@code (long) (seconds *
   * 1000)}, truncating).
   */
  public final long timestampMillis() {
    return timestampMillis;
  }

  /** Whether the sample carries an exemplar (OpenMetrics only). */
  public final boolean hasExemplar() {
    return hasExemplar;
  }

  /** Labels of the exemplar (reused flyweight). */
  public final ParsedLabels exemplarLabels() {
    return exemplarLabels;
  }

  public final double exemplarValue() {
    return exemplarValue;
  }

  public final boolean exemplarHasTimestamp() {
    return exemplarHasTimestamp;
  }

  /** Exemplar timestamp in milliseconds (float seconds converted as for samples). */
  public final long exemplarTimestampMillis() {
    return exemplarTimestampMillis;
  }

  // ------------------------------------------------------------------ shared helpers

  protected final void resetSample() {
    pendingLabels = -1;
    expectedMatched = false;
    seriesOff = -1;
    seriesLen = 0;
    labels.reset(buf);
    exemplarLabels.reset(buf);
    hasTimestamp = false;
    timestampMillis = 0;
    hasExemplar = false;
    exemplarHasTimestamp = false;
    exemplarTimestampMillis = 0;
    exemplarValue = 0;
    value = 0;
  }

  protected final ExpositionParseException error(int at, String detail) {
    return new ExpositionParseException(lineNo, column(at), detail);
  }

  /** 1-based code point column of byte offset {@code at} in the current line. */
  protected final int column(int at) {
    int col = 1;
    int end = Math.min(Math.max(at, lineStart), limit);
    for (int i = lineStart; i < end; i++) {
      if ((buf[i] & 0xC0) != 0x80) {
        col++;
      }
    }
    return col;
  }

  /** Description of what is at {@code at}, for "got ..." in error messages. */
  protected final String got(int at) {
    if (at >= limit) {
      return "end of input";
    }
    int b = buf[at] & 0xFF;
    if (b == '\n') {
      return "end of line";
    }
    if (b < 0x80) {
      return quote(String.valueOf((char) b));
    }
    int n = utf8SequenceLength(buf, at, limit);
    if (n <= 0) {
      return String.format("invalid UTF-8 byte 0x%02x", b);
    }
    return quote(new String(buf, at, n, StandardCharsets.UTF_8));
  }

  /** Quotes a string for an error message, escaping control characters, quotes and backslashes. */
  protected static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\r':
          sb.append("\\r");
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"').toString();
  }

  /** The bytes {@code [from, to)} as a quoted, truncated string for error messages. */
  protected final String quoteRange(byte[] a, int from, int to) {
    int end = Math.min(to, from + 64);
    String s = new String(a, from, Math.max(0, end - from), StandardCharsets.UTF_8);
    return quote(s) + (end < to ? "..." : "");
  }

  static boolean isNameStart(int b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || b == ':';
  }

  static boolean isNameChar(int b) {
    return isNameStart(b) || (b >= '0' && b <= '9');
  }

  static boolean isLabelNameStart(int b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_';
  }

  static boolean isLabelNameChar(int b) {
    return isLabelNameStart(b) || (b >= '0' && b <= '9');
  }

  /** Scans a metric name at pos; returns its end (== pos if there is none). Does not move pos. */
  protected final int scanMetricName(int p) {
    if (p < limit && isNameStart(buf[p])) {
      p++;
      while (p < limit && isNameChar(buf[p])) {
        p++;
      }
    }
    return p;
  }

  protected final int scanLabelName(int p) {
    if (p < limit && isLabelNameStart(buf[p])) {
      p++;
      while (p < limit && isLabelNameChar(buf[p])) {
        p++;
      }
    }
    return p;
  }

  /**
   * Length of the valid UTF-8 sequence starting with a non-ASCII byte at {@code p}, or -1 if
   * invalid (overlong forms, surrogates and code points above U+10FFFF are rejected).
   */
  static int utf8SequenceLength(byte[] a, int p, int end) {
    int b0 = a[p] & 0xFF;
    if (b0 < 0x80) {
      return 1;
    }
    int n;
    int lo = 0x80;
    int hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      n = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      n = 3;
      if (b0 == 0xE0) {
        lo = 0xA0;
      } else if (b0 == 0xED) {
        hi = 0x9F;
      }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      n = 4;
      if (b0 == 0xF0) {
        lo = 0x90;
      } else if (b0 == 0xF4) {
        hi = 0x8F;
      }
    } else {
      return -1;
    }
    if (p + n > end) {
      return -1;
    }
    int b1 = a[p + 1] & 0xFF;
    if (b1 < lo || b1 > hi) {
      return -1;
    }
    for (int k = 2; k < n; k++) {
      if ((a[p + k] & 0xC0) != 0x80) {
        return -1;
      }
    }
    return n;
  }

  /**
   * Scans a double-quoted label value; {@code pos} must be just after the opening quote. Stores the
   * unescaped value as label {@code idx} of {@code ls} and leaves {@code pos} after the closing
   * quote. Recognised escapes are {@code \\}, {@code \"} and {@code \n}; a backslash before any
   * other character is kept literally.
   */
  protected final void scanLabelValue(ParsedLabels ls, int idx) throws ExpositionParseException {
    final byte[] a = buf;
    int p = pos;
    final int from = p;
    int cps = 0;
    // fast path: no escapes
    while (true) {
      if (p >= limit) {
        throw error(p, "expected closing quote for label value, got end of input");
      }
      byte b = a[p];
      if (b == '"') {
        ls.setBodyValue(idx, from, p - from);
        ls.addCodePoints(cps);
        pos = p + 1;
        return;
      }
      if (b == '\\') {
        break;
      }
      if (b == '\n') {
        throw error(p, "expected closing quote for label value, got end of line");
      }
      if (b >= 0) {
        p++;
      } else {
        int n = utf8SequenceLength(a, p, limit);
        if (n < 0) {
          throw error(p, "invalid UTF-8 in label value");
        }
        p += n;
      }
      cps++;
    }
    // slow path: copy what we have so far into scratch and unescape the rest
    int sOff = ls.scratchPosition();
    ls.appendScratch(a, from, p - from);
    while (true) {
      if (p >= limit) {
        throw error(p, "expected closing quote for label value, got end of input");
      }
      byte b = a[p];
      if (b == '"') {
        break;
      }
      if (b == '\n') {
        throw error(p, "expected closing quote for label value, got end of line");
      }
      if (b == '\\') {
        if (p + 1 >= limit || a[p + 1] == '\n') {
          throw error(
              p + 1,
              "expected escaped character after backslash in label value, got " + got(p + 1));
        }
        byte c = a[p + 1];
        if (c == 'n') {
          ls.appendScratch((byte) '\n');
          p += 2;
        } else if (c == '\\' || c == '"') {
          ls.appendScratch(c);
          p += 2;
        } else {
          // undefined escape: keep the backslash, the next character is processed normally
          ls.appendScratch((byte) '\\');
          p++;
        }
        cps++;
        continue;
      }
      if (b >= 0) {
        ls.appendScratch(b);
        p++;
      } else {
        int n = utf8SequenceLength(a, p, limit);
        if (n < 0) {
          throw error(p, "invalid UTF-8 in label value");
        }
        ls.appendScratch(a, p, n);
        p += n;
      }
      cps++;
    }
    ls.setScratchValue(idx, sOff, ls.scratchPosition() - sOff);
    ls.addCodePoints(cps);
    pos = p + 1;
  }

  /**
   * Scans the rest of the line as text (HELP docstring), unescaping {@code \\} and {@code \n}, and
   * also {@code \"} if {@code unescapeQuote}. Other backslashes are kept. Leaves {@code pos} at the
   * line feed (or the end of input).
   */
  protected final void scanText(boolean unescapeQuote, boolean unescape)
      throws ExpositionParseException {
    final byte[] a = buf;
    int p = pos;
    boolean escaped = false;
    int p0 = p;
    while (p < limit) {
      byte b = a[p];
      if (b == '\n') {
        break;
      }
      if (b < 0) {
        int n = utf8SequenceLength(a, p, limit);
        if (n < 0) {
          throw error(p, "invalid UTF-8 in text");
        }
        p += n;
        continue;
      }
      if (b == '\\' && unescape) {
        escaped = true;
      }
      p++;
    }
    pos = p;
    if (!escaped) {
      textArray = a;
      textOff = p0;
      textLen = p - p0;
      return;
    }
    int n = 0;
    if (textScratch.length < p - p0) {
      textScratch = new byte[Math.max(p - p0, textScratch.length * 2)];
    }
    for (int i = p0; i < p; i++) {
      byte b = a[i];
      if (b == '\\' && i + 1 < p) {
        byte c = a[i + 1];
        if (c == 'n') {
          textScratch[n++] = '\n';
          i++;
          continue;
        } else if (c == '\\' || (c == '"' && unescapeQuote)) {
          textScratch[n++] = c;
          i++;
          continue;
        }
      }
      textScratch[n++] = b;
    }
    textArray = textScratch;
    textOff = 0;
    textLen = n;
  }

  // ------------------------------------------------------------------ numbers

  private static boolean isDigit(int b) {
    return b >= '0' && b <= '9';
  }

  /**
   * Parses a decimal floating point number {@code [sign] digits [. digits] [(e|E) [sign] digits]}
   * (at least one mantissa digit, either side of the point) in {@code a[p, e)} into {@link #num}.
   * Returns false on bad syntax.
   */
  protected final boolean parseDecimal(byte[] a, int p, int e) {
    int i = p;
    boolean neg = false;
    if (i < e && (a[i] == '+' || a[i] == '-')) {
      neg = a[i] == '-';
      i++;
    }
    long mant = 0;
    int nd = 0;
    int exp10 = 0;
    boolean sawDigit = false;
    boolean sawDot = false;
    boolean inexact = false;
    while (i < e) {
      byte c = a[i];
      if (isDigit(c)) {
        sawDigit = true;
        if (nd < 18) {
          if (mant == 0 && c == '0') {
            if (sawDot) {
              exp10--;
            }
          } else {
            mant = mant * 10 + (c - '0');
            nd++;
            if (sawDot) {
              exp10--;
            }
          }
        } else {
          if (c != '0') {
            inexact = true;
          }
          if (!sawDot) {
            exp10++;
          }
        }
      } else if (c == '.' && !sawDot) {
        sawDot = true;
      } else {
        break;
      }
      i++;
    }
    if (!sawDigit) {
      return false;
    }
    if (i < e && (a[i] == 'e' || a[i] == 'E')) {
      i++;
      boolean eneg = false;
      if (i < e && (a[i] == '+' || a[i] == '-')) {
        eneg = a[i] == '-';
        i++;
      }
      if (i >= e || !isDigit(a[i])) {
        return false;
      }
      int ev = 0;
      while (i < e && isDigit(a[i])) {
        if (ev < 100000) {
          ev = ev * 10 + (a[i] - '0');
        }
        i++;
      }
      exp10 += eneg ? -ev : ev;
    }
    if (i != e) {
      return false;
    }
    if (mant == 0) {
      num = neg ? -0.0 : 0.0;
      return true;
    }
    if (!inexact && mant < (1L << 53) && exp10 >= -22 && exp10 <= 22) {
      double d = (double) mant;
      d = exp10 >= 0 ? d * POW10[exp10] : d / POW10[-exp10];
      num = neg ? -d : d;
      return true;
    }
    // correctly rounded slow path; the syntax is already validated so parseDouble cannot fail
    try {
      num = Double.parseDouble(new String(a, p, e - p, StandardCharsets.ISO_8859_1));
      return true;
    } catch (NumberFormatException ex) {
      return false;
    }
  }

  /** Case-insensitive match of {@code a[p, e)} against lowercase ASCII {@code word}. */
  static boolean equalsIgnoreCase(byte[] a, int p, int e, String word) {
    if (e - p != word.length()) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      int c = a[p + k];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * OpenMetrics number: realnumber, or case-insensitive {@code [sign](inf|infinity)} / {@code nan}.
   */
  protected final boolean parseOpenMetricsNumber(byte[] a, int p, int e) {
    if (p >= e) {
      return false;
    }
    if (parseSpecial(a, p, e)) {
      return true;
    }
    return parseDecimal(a, p, e);
  }

  private boolean parseSpecial(byte[] a, int p, int e) {
    int i = p;
    boolean neg = false;
    boolean signed = false;
    if (a[i] == '+' || a[i] == '-') {
      neg = a[i] == '-';
      signed = true;
      i++;
    }
    if (equalsIgnoreCase(a, i, e, "inf") || equalsIgnoreCase(a, i, e, "infinity")) {
      num = neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      return true;
    }
    if (!signed && equalsIgnoreCase(a, i, e, "nan")) {
      num = Double.NaN;
      return true;
    }
    return false;
  }

  /**
   * Go {@code strconv.ParseFloat} syntax as used by the Prometheus text parser: decimal floats,
   * hexadecimal floats with a mandatory binary exponent ({@code 0x1.8p3}), case-insensitive {@code
   * [sign]Inf}, {@code [sign]Infinity} and {@code NaN}. (Go's digit-separating underscores are not
   * accepted.)
   */
  protected final boolean parseGoFloat(byte[] a, int p, int e) {
    if (p >= e) {
      return false;
    }
    int i = p;
    if (a[i] == '+' || a[i] == '-') {
      i++;
    }
    // NaN and infinities start with a letter: plain numbers skip the comparisons.
    if ((i >= e || (!isDigit(a[i]) && a[i] != '.')) && parseSpecial(a, p, e)) {
      return true;
    }
    if (i + 1 < e && a[i] == '0' && (a[i + 1] == 'x' || a[i + 1] == 'X')) {
      return parseHexFloat(a, p, i + 2, e);
    }
    return parseDecimal(a, p, e);
  }

  private boolean parseHexFloat(byte[] a, int p, int i, int e) {
    boolean sawDigit = false;
    boolean sawDot = false;
    while (i < e) {
      int c = a[i];
      if (isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
        sawDigit = true;
      } else if (c == '.' && !sawDot) {
        sawDot = true;
      } else {
        break;
      }
      i++;
    }
    if (!sawDigit || i >= e || (a[i] != 'p' && a[i] != 'P')) {
      return false;
    }
    i++;
    if (i < e && (a[i] == '+' || a[i] == '-')) {
      i++;
    }
    if (i >= e) {
      return false;
    }
    while (i < e) {
      if (!isDigit(a[i])) {
        return false;
      }
      i++;
    }
    try {
      num = Double.parseDouble(new String(a, p, e - p, StandardCharsets.ISO_8859_1));
      return true;
    } catch (NumberFormatException ex) {
      return false;
    }
  }

  /** Base-10 int64 with optional sign into {@link #numLong}; false on bad syntax or overflow. */
  protected final boolean parseInt64(byte[] a, int p, int e) {
    int i = p;
    boolean neg = false;
    if (i < e && (a[i] == '+' || a[i] == '-')) {
      neg = a[i] == '-';
      i++;
    }
    if (i >= e) {
      return false;
    }
    long acc = 0; // accumulated negatively to reach Long.MIN_VALUE
    final long min = Long.MIN_VALUE;
    while (i < e) {
      int c = a[i];
      if (!isDigit(c)) {
        return false;
      }
      int d = c - '0';
      if (acc < min / 10 || acc * 10 < min + d) {
        return false;
      }
      acc = acc * 10 - d;
      i++;
    }
    if (!neg) {
      if (acc == min) {
        return false;
      }
      acc = -acc;
    }
    numLong = acc;
    return true;
  }

  /** Float seconds to int64 milliseconds the way Prometheus converts OpenMetrics timestamps. */
  static long secondsToMillis(double seconds) {
    return (long) (seconds * 1000.0);
  }

  // ------------------------------------------------------------------ hashing (for OpenMetrics
  // validation)

  static long hashBytes(long h, byte[] a, int off, int len) {
    for (int i = off; i < off + len; i++) {
      h ^= a[i] & 0xFF;
      h *= 0x100000001b3L;
    }
    return h;
  }

  static long hashAscii(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i) & 0xFF;
      h *= 0x100000001b3L;
    }
    return h;
  }

  static final long FNV_OFFSET = 0xcbf29ce484222325L;

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "[line "
        + lineNo
        + ", entry "
        + entry
        + ", "
        + Arrays.toString(new int[] {start, pos, limit})
        + "]";
  }
}
