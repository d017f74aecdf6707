package io.cardinal.exposition;

/**
 * Parser for the Prometheus text exposition format 0.0.4, with the leniency of Prometheus's own
 * text parser: blank lines and blanks (spaces, tabs) around tokens are ignored, comments other than
 * HELP/TYPE are returned as COMMENT entries, a trailing comma in a label set is allowed, a missing
 * final line feed is tolerated, there is no EOF marker and no cross-line validation (TYPE
 * placement, grouping) is done. Label names must not repeat within a sample, and label values and
 * HELP text must be valid UTF-8.
 */
public final class PrometheusTextParser extends ExpositionParser {
  private boolean done;

  /** Most recent TYPE line: name range and type. */
  private int typeOff;

  private int typeLen = -1;
  private MetricType typeType = MetricType.UNKNOWN;

  public PrometheusTextParser(byte[] body, int offset, int length) {
    super(body, offset, length);
  }

  @Override
  public ExpositionFormat format() {
    return ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
  }

  private int skipBlanks(int p) {
    while (p < limit && (buf[p] == ' ' || buf[p] == '\t')) {
      p++;
    }
    return p;
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t';
  }

  @Override
  public EntryType next() throws ExpositionParseException {
    if (done) {
      return entry = EntryType.EOF;
    }
    resetSample();
    while (true) {
      if (pos >= limit) {
        done = true;
        return entry = EntryType.EOF;
      }
      lineNo++;
      lineStart = pos;
      int p = skipBlanks(pos);
      if (p >= limit) {
        pos = p;
        continue;
      }
      byte b = buf[p];
      if (b == '\n') {
        pos = p + 1;
        continue;
      }
      if (b == '#') {
        return entry = comment(p);
      }
      sample(p);
      return entry = EntryType.SAMPLE;
    }
  }

  private void endLine() {
    if (pos < limit) {
      pos++; // the line feed
    }
  }

  private EntryType comment(int hash) throws ExpositionParseException {
    int p = skipBlanks(hash + 1);
    boolean help = startsWithWord(p, "HELP");
    boolean type = !help && startsWithWord(p, "TYPE");
    if (!help && !type) {
      // plain comment: text is everything after '#' and the blanks following it
      pos = p;
      while (pos < limit && buf[pos] != '\n') {
        pos++;
      }
      textArray = buf;
      textOff = p;
      textLen = pos - p;
      nameOff = p;
      nameLen = 0;
      familyOff = p;
      familyLen = 0;
      metricType = MetricType.UNKNOWN;
      endLine();
      return EntryType.COMMENT;
    }
    String kw = help ? "HELP" : "TYPE";
    p = skipBlanks(p + 4);
    int e = scanMetricName(p);
    if (e == p) {
      throw error(p, "expected metric name after " + kw + ", got " + got(p));
    }
    nameOff = p;
    nameLen = e - p;
    familyOff = p;
    familyLen = e - p;
    if (e < limit && buf[e] != '\n' && !isBlank(buf[e])) {
      throw error(e, "expected blank after metric name in " + kw + " line, got " + got(e));
    }
    p = skipBlanks(e);
    if (help) {
      pos = p;
      scanText(false, true);
      metricType = nameMatchesType(nameOff, nameLen) ? typeType : MetricType.UNKNOWN;
      endLine();
      return EntryType.HELP;
    }
    int te = p;
    while (te < limit && buf[te] != '\n' && !isBlank(buf[te])) {
      te++;
    }
    MetricType t;
    if (te == p) {
      throw error(p, "expected metric type after metric name in TYPE line, got " + got(p));
    } else if (ParsedLabels.asciiEquals(buf, p, te - p, "counter")) {
      t = MetricType.COUNTER;
    } else if (ParsedLabels.asciiEquals(buf, p, te - p, "gauge")) {
      t = MetricType.GAUGE;
    } else if (ParsedLabels.asciiEquals(buf, p, te - p, "histogram")) {
      t = MetricType.HISTOGRAM;
    } else if (ParsedLabels.asciiEquals(buf, p, te - p, "summary")) {
      t = MetricType.SUMMARY;
    } else if (ParsedLabels.asciiEquals(buf, p, te - p, "untyped")) {
      t = MetricType.UNKNOWN;
    } else {
      throw error(
          p,
          "invalid metric type "
              + quoteRange(buf, p, te)
              + " (expected counter, gauge, histogram, summary or untyped)");
    }
    int q = skipBlanks(te);
    if (q < limit && buf[q] != '\n') {
      throw error(q, "expected end of line after metric type, got " + got(q));
    }
    pos = q;
    metricType = t;
    typeOff = nameOff;
    typeLen = nameLen;
    typeType = t;
    endLine();
    return EntryType.TYPE;
  }

  private boolean startsWithWord(int p, String word) {
    int n = word.length();
    if (p + n > limit) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (buf[p + k] != word.charAt(k)) {
        return false;
      }
    }
    // the keyword must be followed by a blank (Prometheus: "HELP[\t ]+")
    return p + n < limit && isBlank(buf[p + n]);
  }

  /** Whether the sample name belongs to the family of the last TYPE line. */
  private boolean nameMatchesType(int off, int len) {
    if (typeLen < 0) {
      return false;
    }
    if (len == typeLen) {
      return regionEquals(off, typeOff, len);
    }
    if ((typeType == MetricType.HISTOGRAM || typeType == MetricType.SUMMARY)
        && len > typeLen
        && regionEquals(off, typeOff, typeLen)) {
      int s = off + typeLen;
      int sl = len - typeLen;
      return ParsedLabels.asciiEquals(buf, s, sl, "_sum")
          || ParsedLabels.asciiEquals(buf, s, sl, "_count")
          || (typeType == MetricType.HISTOGRAM && ParsedLabels.asciiEquals(buf, s, sl, "_bucket"));
    }
    return false;
  }

  private boolean regionEquals(int a, int b, int len) {
    for (int k = 0; k < len; k++) {
      if (buf[a + k] != buf[b + k]) {
        return false;
      }
    }
    return true;
  }

  private void sample(int p) throws ExpositionParseException {
    int e = scanMetricName(p);
    if (e == p) {
      throw error(p, "expected metric name, got " + got(p));
    }
    nameOff = p;
    nameLen = e - p;
    if (nameMatchesType(p, e - p)) {
      familyOff = typeOff;
      familyLen = typeLen;
      metricType = typeType;
    } else {
      familyOff = p;
      familyLen = e - p;
      metricType = MetricType.UNKNOWN;
    }
    p = skipBlanks(e);
    seriesOff = nameOff;
    seriesLen = e - nameOff;
    byte[] k = expected;
    expected = null;
    if (k != null && deferLabels && matchesExpected(k, nameOff, e, p)) {
      expectedMatched = true;
      seriesLen = k.length;
      if (k.length > e - nameOff) {
        pendingLabels = p + 1; // p is at the '{'
      }
      p = skipBlanks(nameOff + k.length);
    } else if (p < limit && buf[p] == '{') {
      int end = deferLabels ? skipLabelSet(p + 1) : -1;
      if (end >= 0) {
        pendingLabels = p + 1;
        pos = end;
      } else {
        pos = p + 1;
        parseLabels();
      }
      seriesLen = pos - nameOff;
      p = skipBlanks(pos);
    } else if (p == e && p < limit && buf[p] != '\n') {
      throw error(p, "expected label set or blank after metric name, got " + got(p));
    }
    if (pendingLabels < 0) {
      valueAndTimestamp(p);
      return;
    }
    try {
      valueAndTimestamp(p);
    } catch (ExpositionParseException ex) {
      parsePendingLabels(); // an error in the label set comes first, as with eager parsing
      throw ex;
    }
  }

  /**
   * Whether the sample whose name is {@code [nameStart, nameEnd)} (blanks after it up to {@code
   * afterBlanks}) has exactly the series {@code k}, an earlier valid series span: the bytes must be
   * equal, and the series must end where {@code k} ends: at its closing brace, or for a series
   * without labels, at the name followed by a blank and no label set.
   */
  private boolean matchesExpected(byte[] k, int nameStart, int nameEnd, int afterBlanks) {
    int n = k.length;
    int nameLen = nameEnd - nameStart;
    if (n < nameLen
        || n > limit - nameStart
        || !java.util.Arrays.equals(buf, nameStart, nameStart + n, k, 0, n)) {
      return false;
    }
    if (n == nameLen) {
      return afterBlanks > nameEnd && (afterBlanks >= limit || buf[afterBlanks] != '{');
    }
    return k[n - 1] == '}' && afterBlanks < limit && buf[afterBlanks] == '{';
  }

  /**
   * Finds the end of a label set starting after its '{' without validating it: the offset after the
   * closing brace, or -1 when the line ends first (eager parsing then reports the error). Agrees
   * with {@link #parseLabels} on every valid label set: braces and quotes inside quoted values are
   * skipped, and a backslash always escapes the byte after it.
   */
  private int skipLabelSet(int p) {
    final byte[] a = buf;
    final int lim = limit;
    while (p < lim) {
      byte b = a[p];
      if (b == '}') {
        return p + 1;
      }
      if (b == '\n') {
        return -1;
      }
      if (b == '"') {
        p++;
        while (true) {
          if (p >= lim) {
            return -1;
          }
          b = a[p];
          if (b == '"') {
            break;
          }
          if (b == '\n') {
            return -1;
          }
          p += b == '\\' ? 2 : 1;
        }
      }
      p++;
    }
    return -1;
  }

  @Override
  protected void parsePendingLabels() throws ExpositionParseException {
    int saved = pos;
    pos = pendingLabels;
    pendingLabels = -1;
    parseLabels();
    pos = saved;
  }

  private void valueAndTimestamp(int p) throws ExpositionParseException {
    int ve = p;
    while (ve < limit && buf[ve] != '\n' && !isBlank(buf[ve])) {
      ve++;
    }
    if (ve == p) {
      throw error(p, "expected sample value, got " + got(p));
    }
    if (!parseGoFloat(buf, p, ve)) {
      throw error(p, "invalid sample value " + quoteRange(buf, p, ve));
    }
    value = num;
    p = skipBlanks(ve);
    if (p < limit && buf[p] != '\n') {
      int te = p;
      while (te < limit && buf[te] != '\n' && !isBlank(buf[te])) {
        te++;
      }
      if (!parseInt64(buf, p, te)) {
        throw error(
            p,
            "invalid timestamp "
                + quoteRange(buf, p, te)
                + " (expected integer milliseconds since the epoch)");
      }
      hasTimestamp = true;
      timestampMillis = numLong;
      p = skipBlanks(te);
      if (p < limit && buf[p] != '\n') {
        throw error(p, "expected end of line after timestamp, got " + got(p));
      }
    }
    pos = p;
    endLine();
  }

  private void parseLabels() throws ExpositionParseException {
    ParsedLabels ls = labels;
    while (true) {
      int p = skipBlanks(pos);
      if (p < limit && buf[p] == '}') {
        pos = p + 1;
        return;
      }
      int e = scanLabelName(p);
      if (e == p) {
        throw error(p, "expected label name or closing brace, got " + got(p));
      }
      for (int i = 0; i < ls.size(); i++) {
        if (ls.nameLength(i) == e - p && regionEquals(ls.nameOffset(i), p, e - p)) {
          throw error(p, "duplicate label name " + quoteRange(buf, p, e));
        }
      }
      int idx = ls.addName(p, e - p);
      p = skipBlanks(e);
      if (p >= limit || buf[p] != '=') {
        throw error(p, "expected equal sign after label name, got " + got(p));
      }
      p = skipBlanks(p + 1);
      if (p >= limit || buf[p] != '"') {
        throw error(p, "expected opening quote for label value, got " + got(p));
      }
      pos = p + 1;
      scanLabelValue(ls, idx);
      p = skipBlanks(pos);
      if (p < limit && buf[p] == ',') {
        pos = p + 1;
        continue;
      }
      if (p < limit && buf[p] == '}') {
        pos = p + 1;
        return;
      }
      throw error(p, "expected comma or closing brace after label value, got " + got(p));
    }
  }
}
