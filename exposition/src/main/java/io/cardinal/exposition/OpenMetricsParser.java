package io.cardinal.exposition;

import java.nio.charset.StandardCharsets;

/**
 * Strict parser for the OpenMetrics 1.0 text format. Besides the line syntax of the ABNF it
 * validates, while streaming, the structural rules of the specification: the exposition ends with
 * {@code # EOF} and nothing follows it; metadata (TYPE, HELP, UNIT, each at most once) precedes the
 * family's samples; families are not split or repeated and their sample names do not clash; samples
 * of one Metric (label set) are contiguous, and their timestamps are all present or all absent and
 * never decrease; UNIT is a suffix of the family name and not used with info/stateset; per-type
 * sample names, labels and values (counter {@code _total}, histogram buckets with ordered {@code
 * le} ending in {@code +Inf}, {@code _count} matching the {@code +Inf} bucket, {@code
 * _count}/{@code _sum} together, no {@code _sum} with negative buckets, gauge histogram {@code
 * _gcount}/{@code _gsum}, summary {@code quantile} in [0, 1], info value 1, stateset values 0/1);
 * and exemplars (only on counter {@code _total} and histogram {@code _bucket} samples, label set at
 * most 128 code points).
 */
public final class OpenMetricsParser extends ExpositionParser {
  private static final int S_NONE = 0;
  private static final int S_TOTAL = 1;
  private static final int S_CREATED = 2;
  private static final int S_BUCKET = 3;
  private static final int S_COUNT = 4;
  private static final int S_SUM = 5;
  private static final int S_GCOUNT = 6;
  private static final int S_GSUM = 7;
  private static final int S_INFO = 8;
  private static final String[] SUFFIX = {
    "", "_total", "_created", "_bucket", "_count", "_sum", "_gcount", "_gsum", "_info"
  };

  private static final int[] COUNTER_S = {S_TOTAL, S_CREATED};
  private static final int[] PLAIN_S = {S_NONE};
  private static final int[] HISTOGRAM_S = {S_BUCKET, S_COUNT, S_SUM, S_CREATED};
  private static final int[] GAUGE_HISTOGRAM_S = {S_BUCKET, S_GCOUNT, S_GSUM};
  private static final int[] SUMMARY_S = {S_NONE, S_COUNT, S_SUM, S_CREATED};
  private static final int[] INFO_S = {S_INFO};

  /** Maximum number of code points in the names and values of an exemplar's label set. */
  public static final int MAX_EXEMPLAR_LABEL_CODE_POINTS = 128;

  private boolean done;

  // current metric family
  private boolean famActive;
  private int famOff;
  private int famLen;
  private MetricType famType = MetricType.UNKNOWN;
  private boolean famHasType;
  private boolean famHasHelp;
  private boolean famHasUnit;
  private boolean famHasSamples;

  /**
   * Hashes of the names (family name and every sample name it may produce) of all closed families.
   */
  private final LongHashSet claimed = new LongHashSet();

  /** Hashes of the label sets of the finished Metrics of the current family. */
  private final LongHashSet closedGroups = new LongHashSet();

  // current Metric (label set) within the family
  private boolean grpActive;
  private long grpKey;
  private int grpLine;
  private boolean grpHasTs;
  private double grpTs;

  // current MetricPoint of a histogram / gauge histogram
  private boolean ptAny;
  private boolean ptAnyBucket;
  private double ptLastLe;
  private double ptLastBucket;
  private boolean ptHasInf;
  private double ptInf;
  private boolean ptNeg;
  private boolean ptHasCount;
  private double ptCount;
  private boolean ptHasSum;
  private double ptSum;

  // current sample scratch
  private int valueOff;
  private int exemplarOff;
  private double tsSeconds;

  public OpenMetricsParser(byte[] body, int offset, int length) {
    super(body, offset, length);
  }

  @Override
  public ExpositionFormat format() {
    return ExpositionFormat.OPENMETRICS_1_0_0;
  }

  @Override
  public EntryType next() throws ExpositionParseException {
    if (done) {
      return entry = EntryType.EOF;
    }
    resetSample();
    if (pos >= limit) {
      if (lineNo == 0 || buf[pos - 1] == '\n') {
        // report on the (empty) line after the last line feed; otherwise at the end of the last
        // line
        lineNo++;
        lineStart = pos;
      }
      throw error(
          pos, "unexpected end of input: an OpenMetrics exposition must end with \"# EOF\"");
    }
    lineNo++;
    lineStart = pos;
    byte b = buf[pos];
    if (b == '#') {
      return entry = hashLine();
    }
    if (b == '\n') {
      throw error(pos, "blank lines are not allowed in OpenMetrics");
    }
    sampleLine();
    sampleSemantics();
    return entry = EntryType.SAMPLE;
  }

  private void endLine() throws ExpositionParseException {
    if (pos < limit) {
      if (buf[pos] != '\n') {
        throw error(pos, "expected end of line, got " + got(pos));
      }
      pos++;
    }
  }

  private void expect(int p, char c, String what) throws ExpositionParseException {
    if (p >= limit || buf[p] != c) {
      throw error(p, "expected " + what + ", got " + got(p));
    }
  }

  private boolean keywordAt(int p, String kw) {
    if (p + kw.length() > limit) {
      return false;
    }
    return ParsedLabels.asciiEquals(buf, p, kw.length(), kw);
  }

  // ------------------------------------------------------------------ metadata lines

  private EntryType hashLine() throws ExpositionParseException {
    int p = pos + 1;
    expect(p, ' ', "space after \"#\" (OpenMetrics has no free-form comments)");
    p++;
    if (keywordAt(p, "EOF")) {
      int q = p + 3;
      if (q < limit) {
        if (buf[q] != '\n') {
          throw error(q, "expected end of line after \"# EOF\", got " + got(q));
        }
        if (q + 1 < limit) {
          lineNo++;
          lineStart = q + 1;
          throw error(q + 1, "unexpected content after \"# EOF\"");
        }
      }
      pos = limit;
      closeFamily();
      done = true;
      nameOff = p;
      nameLen = 0;
      familyOff = p;
      familyLen = 0;
      metricType = MetricType.UNKNOWN;
      return EntryType.EOF;
    }
    EntryType kind;
    if (keywordAt(p, "TYPE")) {
      kind = EntryType.TYPE;
    } else if (keywordAt(p, "HELP")) {
      kind = EntryType.HELP;
    } else if (keywordAt(p, "UNIT")) {
      kind = EntryType.UNIT;
    } else {
      throw error(p, "expected TYPE, HELP, UNIT or EOF after \"# \", got " + got(p));
    }
    p += 4;
    expect(p, ' ', "space after " + kind);
    p++;
    int e = scanMetricName(p);
    if (e == p) {
      throw error(p, "expected metric name after " + kind + ", got " + got(p));
    }
    nameOff = p;
    nameLen = e - p;
    expect(e, ' ', "space after metric name in " + kind + " line");
    p = e + 1;
    MetricType declared = null;
    if (kind == EntryType.TYPE) {
      int te = p;
      while (te < limit && buf[te] != '\n') {
        te++;
      }
      declared = parseType(p, te);
      if (declared == null) {
        throw error(
            p,
            "invalid metric type "
                + quoteRange(buf, p, te)
                + " (expected counter, gauge, "
                + "histogram, gaugehistogram, stateset, info, summary or unknown)");
      }
      pos = te;
    } else if (kind == EntryType.HELP) {
      pos = p;
      scanText(true, true);
    } else {
      int ue = p;
      while (ue < limit && isNameChar(buf[ue])) {
        ue++;
      }
      if (ue < limit && buf[ue] != '\n') {
        throw error(ue, "invalid character in unit, got " + got(ue));
      }
      textArray = buf;
      textOff = p;
      textLen = ue - p;
      pos = ue;
    }
    endLine();
    metadataSemantics(kind, declared, p);
    familyOff = famOff;
    familyLen = famLen;
    metricType = famType;
    return kind;
  }

  private MetricType parseType(int p, int e) {
    int n = e - p;
    for (MetricType t : MetricType.values()) {
      if (ParsedLabels.asciiEquals(buf, p, n, t.openMetricsName())) {
        return t;
      }
    }
    return null;
  }

  private String famName() {
    return new String(buf, famOff, famLen, StandardCharsets.ISO_8859_1);
  }

  private void metadataSemantics(EntryType kind, MetricType declared, int argPos)
      throws ExpositionParseException {
    boolean same = famActive && famLen == nameLen && regionEquals(famOff, nameOff, nameLen);
    if (same) {
      if (famHasSamples) {
        throw error(
            nameOff,
            kind
                + " for metric family "
                + quote(famName())
                + " must come before the family's samples");
      }
      boolean repeated =
          (kind == EntryType.TYPE && famHasType)
              || (kind == EntryType.HELP && famHasHelp)
              || (kind == EntryType.UNIT && famHasUnit);
      if (repeated) {
        throw error(nameOff, "repeated " + kind + " for metric family " + quote(famName()));
      }
    } else {
      closeFamily();
      startFamily(nameOff, nameLen);
    }
    switch (kind) {
      case TYPE:
        famType = declared;
        famHasType = true;
        if (famHasUnit
            && textLenOfUnit > 0
            && (declared == MetricType.INFO || declared == MetricType.STATESET)) {
          throw error(
              argPos,
              "metric family of type " + declared.openMetricsName() + " must not have a unit");
        }
        for (int s : suffixes(declared)) {
          if (s != S_NONE && claimed.contains(nameHash(famOff, famLen, s))) {
            throw error(
                nameOff,
                "metric family "
                    + quote(famName())
                    + " of type "
                    + declared.openMetricsName()
                    + " clashes with an earlier metric family named "
                    + quote(famName() + SUFFIX[s]));
          }
        }
        break;
      case HELP:
        famHasHelp = true;
        break;
      case UNIT:
        famHasUnit = true;
        textLenOfUnit = textLen;
        if (textLen > 0) {
          if (famType == MetricType.INFO || famType == MetricType.STATESET) {
            throw error(
                argPos,
                "metric family of type " + famType.openMetricsName() + " must not have a unit");
          }
          // family name must end with "_" + unit
          int u = textLen + 1;
          boolean ok =
              famLen > u
                  && buf[famOff + famLen - u] == '_'
                  && regionEquals(famOff + famLen - textLen, textOff, textLen);
          if (!ok) {
            throw error(
                argPos,
                "metric family name "
                    + quote(famName())
                    + " must end with the unit "
                    + "suffix "
                    + quote("_" + new String(buf, textOff, textLen, StandardCharsets.UTF_8)));
          }
        }
        break;
      default:
        break;
    }
  }

  private int textLenOfUnit;

  private static int[] suffixes(MetricType t) {
    switch (t) {
      case COUNTER:
        return COUNTER_S;
      case HISTOGRAM:
        return HISTOGRAM_S;
      case GAUGE_HISTOGRAM:
        return GAUGE_HISTOGRAM_S;
      case SUMMARY:
        return SUMMARY_S;
      case INFO:
        return INFO_S;
      default:
        return PLAIN_S;
    }
  }

  private long nameHash(int off, int len, int suffix) {
    long h = hashBytes(FNV_OFFSET, buf, off, len);
    return hashAscii(h, SUFFIX[suffix]);
  }

  private void startFamily(int off, int len) throws ExpositionParseException {
    if (claimed.contains(nameHash(off, len, S_NONE))) {
      throw error(
          off,
          "metric family "
              + quoteRange(buf, off, off + len)
              + " appears more than once or clashes with the sample names of an earlier family"
              + " (families must be contiguous)");
    }
    famActive = true;
    famOff = off;
    famLen = len;
    famType = MetricType.UNKNOWN;
    famHasType = false;
    famHasHelp = false;
    famHasUnit = false;
    famHasSamples = false;
    textLenOfUnit = 0;
    closedGroups.clear();
    grpActive = false;
  }

  private void closeFamily() throws ExpositionParseException {
    if (!famActive) {
      return;
    }
    if (grpActive) {
      finishGroup();
    }
    claimed.add(nameHash(famOff, famLen, S_NONE));
    for (int s : suffixes(famType)) {
      if (s != S_NONE) {
        claimed.add(nameHash(famOff, famLen, s));
      }
    }
    famActive = false;
  }

  private boolean regionEquals(int a, int b, int len) {
    for (int k = 0; k < len; k++) {
      if (buf[a + k] != buf[b + k]) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ sample lines

  private void sampleLine() throws ExpositionParseException {
    int p = pos;
    int e = scanMetricName(p);
    if (e == p) {
      throw error(p, "expected metric name or \"#\", got " + got(p));
    }
    nameOff = p;
    nameLen = e - p;
    pos = e;
    if (pos < limit && buf[pos] == '{') {
      pos++;
      labelSet(labels);
    }
    expect(pos, ' ', "space before sample value");
    pos++;
    int ve = valueEnd(pos);
    if (ve == pos) {
      throw error(pos, "expected sample value, got " + got(pos));
    }
    if (!parseOpenMetricsNumber(buf, pos, ve)) {
      throw error(pos, "invalid sample value " + quoteRange(buf, pos, ve));
    }
    valueOff = pos;
    value = num;
    pos = ve;
    if (pos < limit && buf[pos] == ' ') {
      pos++;
      if (pos < limit && buf[pos] == '#') {
        exemplar();
      } else {
        int te = valueEnd(pos);
        if (te == pos) {
          throw error(pos, "expected timestamp or exemplar, got " + got(pos));
        }
        if (!parseDecimal(buf, pos, te) || !Double.isFinite(num)) {
          throw error(
              pos,
              "invalid timestamp "
                  + quoteRange(buf, pos, te)
                  + " (expected a decimal number of seconds)");
        }
        hasTimestamp = true;
        tsSeconds = num;
        timestampMillis = secondsToMillis(num);
        pos = te;
        if (pos < limit && buf[pos] == ' ') {
          pos++;
          expect(pos, '#', "\"#\" to start an exemplar");
          exemplar();
        }
      }
    }
    endLine();
  }

  private int valueEnd(int p) {
    while (p < limit && buf[p] != ' ' && buf[p] != '\n') {
      p++;
    }
    return p;
  }

  private void exemplar() throws ExpositionParseException {
    exemplarOff = pos;
    pos++;
    expect(pos, ' ', "space after \"#\" of exemplar");
    pos++;
    expect(pos, '{', "\"{\" to start the exemplar's label set");
    pos++;
    labelSet(exemplarLabels);
    expect(pos, ' ', "space after exemplar labels");
    pos++;
    int ve = valueEnd(pos);
    if (ve == pos) {
      throw error(pos, "expected exemplar value, got " + got(pos));
    }
    if (!parseOpenMetricsNumber(buf, pos, ve)) {
      throw error(pos, "invalid exemplar value " + quoteRange(buf, pos, ve));
    }
    exemplarValue = num;
    pos = ve;
    if (pos < limit && buf[pos] == ' ') {
      pos++;
      int te = valueEnd(pos);
      if (te == pos) {
        throw error(pos, "expected exemplar timestamp, got " + got(pos));
      }
      if (!parseDecimal(buf, pos, te) || !Double.isFinite(num)) {
        throw error(
            pos,
            "invalid exemplar timestamp "
                + quoteRange(buf, pos, te)
                + " (expected a decimal number of seconds)");
      }
      exemplarHasTimestamp = true;
      exemplarTimestampMillis = secondsToMillis(num);
      pos = te;
    }
    hasExemplar = true;
  }

  private void labelSet(ParsedLabels ls) throws ExpositionParseException {
    if (pos < limit && buf[pos] == '}') {
      pos++;
      return;
    }
    while (true) {
      int p = pos;
      int e = scanLabelName(p);
      if (e == p) {
        throw error(p, "expected label name, got " + got(p));
      }
      for (int i = 0; i < ls.size(); i++) {
        if (ls.nameLength(i) == e - p && regionEquals(ls.nameOffset(i), p, e - p)) {
          throw error(p, "duplicate label name " + quoteRange(buf, p, e));
        }
      }
      int idx = ls.addName(p, e - p);
      expect(e, '=', "equal sign after label name");
      expect(e + 1, '"', "opening quote for label value");
      pos = e + 2;
      scanLabelValue(ls, idx);
      if (pos < limit && buf[pos] == ',') {
        pos++;
        if (pos < limit && buf[pos] == '}') {
          throw error(
              pos, "expected label name after comma, got \"}\" (trailing commas are not allowed)");
        }
        continue;
      }
      if (pos < limit && buf[pos] == '}') {
        pos++;
        return;
      }
      throw error(pos, "expected comma or closing brace after label value, got " + got(pos));
    }
  }

  // ------------------------------------------------------------------ sample semantics

  /**
   * Suffix code of the current sample name within the current family, or -1 if it is not a member.
   */
  private int membership() {
    if (!famActive || nameLen < famLen || !regionEquals(nameOff, famOff, famLen)) {
      return -1;
    }
    int rest = nameLen - famLen;
    int sOff = nameOff + famLen;
    if (rest == 0
        && famType == MetricType.COUNTER
        && famLen > SUFFIX[S_TOTAL].length()
        && ParsedLabels.asciiEquals(
            buf,
            famOff + famLen - SUFFIX[S_TOTAL].length(),
            SUFFIX[S_TOTAL].length(),
            SUFFIX[S_TOTAL])) {
      // "# TYPE x_total counter" then samples named x_total: what client libraries that put the
      // suffix in the family name write. The suite does not decide it; Prometheus and promtool
      // accept it as the counter's value, so do we.
      return S_TOTAL;
    }
    for (int s : suffixes(famType)) {
      if (SUFFIX[s].length() == rest && ParsedLabels.asciiEquals(buf, sOff, rest, SUFFIX[s])) {
        return s;
      }
    }
    return -1;
  }

  private void sampleSemantics() throws ExpositionParseException {
    int suffix = membership();
    if (suffix < 0) {
      closeFamily();
      startFamily(nameOff, nameLen);
      suffix = S_NONE;
    }
    famHasSamples = true;
    familyOff = famOff;
    familyLen = famLen;
    metricType = famType;
    MetricType t = famType;

    if (hasExemplar) {
      boolean allowed =
          (t == MetricType.COUNTER && suffix == S_TOTAL)
              || ((t == MetricType.HISTOGRAM || t == MetricType.GAUGE_HISTOGRAM)
                  && suffix == S_BUCKET);
      if (!allowed) {
        throw error(
            exemplarOff,
            "exemplars are only allowed on counter _total and histogram _bucket "
                + "samples, not on "
                + quote(name())
                + " of type "
                + t.openMetricsName());
      }
      if (exemplarLabels.codePoints() > MAX_EXEMPLAR_LABEL_CODE_POINTS) {
        throw error(
            exemplarOff,
            "exemplar label set has "
                + exemplarLabels.codePoints()
                + " code points in names and values, more than the limit of "
                + MAX_EXEMPLAR_LABEL_CODE_POINTS);
      }
    }

    // special label excluded from the Metric's identity
    int special = -1;
    if ((t == MetricType.HISTOGRAM || t == MetricType.GAUGE_HISTOGRAM) && suffix == S_BUCKET) {
      special = labels.indexOf("le");
      if (special < 0) {
        throw error(lineStart, "histogram bucket " + quote(name()) + " has no \"le\" label");
      }
    } else if (t == MetricType.SUMMARY && suffix == S_NONE) {
      special = labels.indexOf("quantile");
      if (special < 0) {
        throw error(
            lineStart, "summary quantile sample " + quote(name()) + " has no \"quantile\" label");
      }
    } else if (t == MetricType.STATESET) {
      for (int i = 0; i < labels.size(); i++) {
        if (labels.nameLength(i) == famLen && regionEquals(labels.nameOffset(i), famOff, famLen)) {
          special = i;
          break;
        }
      }
      if (special < 0) {
        throw error(lineStart, "stateset sample must have a label named " + quote(famName()));
      }
    }
    long key = groupKey(special);

    if (grpActive && key != grpKey) {
      finishGroup();
      closedGroups.add(grpKey);
    }
    if (!grpActive) {
      if (closedGroups.contains(key)) {
        throw error(
            lineStart,
            "samples of metric family "
                + quote(famName())
                + " with the same label set "
                + "must be contiguous, but this label set appeared before another one");
      }
      grpActive = true;
      grpKey = key;
      grpLine = lineNo;
      grpHasTs = hasTimestamp;
      grpTs = tsSeconds;
      resetPoint();
    } else if (hasTimestamp != grpHasTs) {
      throw error(lineStart, "samples of the same metric must either all have timestamps or none");
    } else if (hasTimestamp) {
      if (tsSeconds < grpTs) {
        throw error(lineStart, "timestamps of the same metric must not decrease");
      }
      if (tsSeconds > grpTs) {
        finishPoint();
        resetPoint();
        grpTs = tsSeconds;
      }
    }
    ptAny = true;
    checkValue(t, suffix, special);
  }

  private long groupKey(int skip) {
    long sum = 0;
    int n = 0;
    ParsedLabels ls = labels;
    for (int i = 0; i < ls.size(); i++) {
      if (i == skip) {
        continue;
      }
      long h = hashBytes(FNV_OFFSET, buf, ls.nameOffset(i), ls.nameLength(i));
      h ^= 0xFF;
      h *= 0x100000001b3L;
      h = hashBytes(h, ls.valueArray(i), ls.valueOffset(i), ls.valueLength(i));
      sum += mix(h);
      n++;
    }
    return mix(sum + n * 0x9E3779B97F4A7C15L);
  }

  private ExpositionParseException valueError(String msg) {
    return error(valueOff, msg);
  }

  private void notNaNOrNegative(String what) throws ExpositionParseException {
    if (Double.isNaN(value)) {
      throw valueError(what + " must not be NaN");
    }
    if (value < 0) {
      throw valueError(what + " must not be negative");
    }
  }

  private void checkValue(MetricType t, int suffix, int special) throws ExpositionParseException {
    switch (t) {
      case COUNTER:
        if (suffix == S_TOTAL) {
          notNaNOrNegative("counter value");
        }
        break;
      case STATESET:
        if (value != 0 && value != 1) {
          throw valueError("stateset value must be 0 or 1");
        }
        break;
      case INFO:
        if (value != 1) {
          throw valueError("info value must be 1");
        }
        break;
      case SUMMARY:
        if (suffix == S_NONE) {
          byte[] a = labels.valueArray(special);
          int off = labels.valueOffset(special);
          int len = labels.valueLength(special);
          if (!parseOpenMetricsNumber(a, off, off + len)
              || Double.isNaN(num)
              || num < 0
              || num > 1) {
            throw error(
                lineStart,
                "invalid quantile "
                    + quoteRange(a, off, off + len)
                    + " (must be a number between 0 and 1)");
          }
          if (value < 0) {
            throw valueError("summary quantile value must not be negative");
          }
        } else if (suffix == S_COUNT) {
          notNaNOrNegative("summary _count");
        } else if (suffix == S_SUM) {
          notNaNOrNegative("summary _sum");
        }
        break;
      case HISTOGRAM:
      case GAUGE_HISTOGRAM:
        checkHistogram(t, suffix, special);
        break;
      default:
        break;
    }
  }

  private void checkHistogram(MetricType t, int suffix, int special)
      throws ExpositionParseException {
    switch (suffix) {
      case S_BUCKET:
        {
          byte[] a = labels.valueArray(special);
          int off = labels.valueOffset(special);
          int len = labels.valueLength(special);
          if (!parseOpenMetricsNumber(a, off, off + len) || Double.isNaN(num)) {
            throw error(lineStart, "invalid bucket bound le=" + quoteRange(a, off, off + len));
          }
          double le = num;
          if (le == Double.POSITIVE_INFINITY && !ParsedLabels.asciiEquals(a, off, len, "+Inf")) {
            throw error(
                lineStart,
                "the +Inf bucket must be written le=\"+Inf\", not le="
                    + quoteRange(a, off, off + len));
          }
          notNaNOrNegative("bucket value");
          if (ptAnyBucket) {
            if (le <= ptLastLe) {
              throw error(
                  lineStart, "histogram buckets must be in strictly increasing order of le");
            }
            if (value < ptLastBucket) {
              throw valueError("histogram bucket values must not decrease as le increases");
            }
          }
          ptAnyBucket = true;
          ptLastLe = le;
          ptLastBucket = value;
          if (le < 0) {
            ptNeg = true;
          }
          if (le == Double.POSITIVE_INFINITY) {
            ptHasInf = true;
            ptInf = value;
          }
          break;
        }
      case S_COUNT:
      case S_GCOUNT:
        notNaNOrNegative(SUFFIX[suffix]);
        ptHasCount = true;
        ptCount = value;
        break;
      case S_SUM:
        notNaNOrNegative("_sum");
        ptHasSum = true;
        ptSum = value;
        break;
      case S_GSUM:
        if (Double.isNaN(value)) {
          throw valueError("_gsum must not be NaN");
        }
        ptHasSum = true;
        ptSum = value;
        break;
      default:
        break;
    }
  }

  private void resetPoint() {
    ptAny = false;
    ptAnyBucket = false;
    ptLastLe = Double.NEGATIVE_INFINITY;
    ptLastBucket = 0;
    ptHasInf = false;
    ptInf = 0;
    ptNeg = false;
    ptHasCount = false;
    ptCount = 0;
    ptHasSum = false;
    ptSum = 0;
  }

  private void finishGroup() throws ExpositionParseException {
    finishPoint();
    grpActive = false;
  }

  private void finishPoint() throws ExpositionParseException {
    if (!ptAny) {
      return;
    }
    MetricType t = famType;
    if (t != MetricType.HISTOGRAM && t != MetricType.GAUGE_HISTOGRAM) {
      return;
    }
    String where = " (histogram " + quote(famName()) + ", metric starting at line " + grpLine + ")";
    boolean gauge = t == MetricType.GAUGE_HISTOGRAM;
    String count = gauge ? "_gcount" : "_count";
    String sum = gauge ? "_gsum" : "_sum";
    if (!ptHasInf) {
      throw error(lineStart, "missing le=\"+Inf\" bucket" + where);
    }
    if (ptHasCount && ptCount != ptInf) {
      throw error(
          lineStart, count + " " + ptCount + " does not match the +Inf bucket " + ptInf + where);
    }
    if (ptHasCount != ptHasSum) {
      throw error(
          lineStart, count + " and " + sum + " must be both present or both absent" + where);
    }
    if (!gauge && ptHasSum && ptNeg) {
      throw error(lineStart, "a histogram with negative bucket bounds must not have _sum" + where);
    }
    if (gauge && ptHasSum && ptSum < 0 && !ptNeg) {
      throw error(lineStart, "_gsum must not be negative without negative bucket bounds" + where);
    }
  }
}
