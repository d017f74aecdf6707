package io.cardinal.promql.test;

import io.cardinal.promql.PromQL;
import io.cardinal.promql.ast.AggregateExpr;
import io.cardinal.promql.ast.AtModifier;
import io.cardinal.promql.ast.BinaryExpr;
import io.cardinal.promql.ast.Call;
import io.cardinal.promql.ast.DurationExpr;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.MatrixSelector;
import io.cardinal.promql.ast.ParenExpr;
import io.cardinal.promql.ast.SubqueryExpr;
import io.cardinal.promql.ast.UnaryExpr;
import io.cardinal.promql.ast.VectorSelector;
import io.cardinal.promql.engine.Engine;
import io.cardinal.promql.engine.EngineOptions;
import io.cardinal.promql.engine.QueryResult;
import io.cardinal.promql.engine.Value;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.head.HeadOptions;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.query.Querier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one promqltest script (Prometheus' PromQL test language) against the Cardinal engine and
 * counts evals passed, failed and skipped (by reason). Loads go into an in-memory head, one series
 * at a time in time order.
 */
public final class ScriptRunner {

  public static final String SKIP_NATIVE = "native histograms";
  public static final String SKIP_EXPERIMENTAL = "experimental feature";

  /** Per-file outcome. */
  public static final class Report {
    public final String file;
    public int passed;
    public int failed;
    public final Map<String, Integer> skipped = new TreeMap<>();
    public final List<String> failures = new ArrayList<>();

    Report(String file) {
      this.file = file;
    }

    public int skippedTotal() {
      return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private static final long STALE_NAN_BITS = 0x7ff0000000000002L;
  private static final Pattern EVAL_INSTANT =
      Pattern.compile("^(eval(?:_fail|_warn|_info|_ordered)?)\\s+instant\\s+at\\s+(\\S+)\\s+(.+)$");
  private static final Pattern EVAL_RANGE =
      Pattern.compile(
          "^(eval(?:_fail|_warn|_info|_ordered)?)\\s+range\\s+from\\s+(\\S+)\\s+to\\s+(\\S+)\\s+step\\s+(\\S+)\\s+(.+)$");
  private static final Set<String> AT_UNSAFE =
      Set.of(
          "days_in_month",
          "day_of_month",
          "day_of_week",
          "day_of_year",
          "hour",
          "minute",
          "month",
          "year",
          "predict_linear",
          "time",
          "timestamp");
  private static final Set<String> NATIVE_ONLY =
      Set.of(
          "histogram_count",
          "histogram_sum",
          "histogram_avg",
          "histogram_stddev",
          "histogram_stdvar");

  /**
   * Another evaluator of instant evals (the streaming rule runtime): it sees the instant
   * expressions of a segment (the commands up to the next {@code clear}) before the segment's first
   * load, so it can be fed by the loads' commits, and answers the evals it can take. Its answers
   * are compared with the script's expectations; evals it does not take are skipped, and neither
   * the range-mode nor the {@code @} variants of an eval are run.
   */
  public interface InstantEvaluator {
    /** A new segment on {@code head}, whose instant evals will be {@code exprs}. */
    void segment(Head head, List<Expr> exprs);

    /** The result at t, or null when this evaluator does not take {@code expr}. */
    Value evaluate(Expr expr, long t);
  }

  /** Skip reason of evals an {@link InstantEvaluator} did not take. */
  public static final String SKIP_NOT_TAKEN = "not taken by the evaluator";

  private final Engine engine;
  private final InstantEvaluator override;
  private Head head;
  private boolean segmentStarted;
  private final List<Labels> nativeSeries = new ArrayList<>();

  public ScriptRunner(Engine engine) {
    this(engine, null);
  }

  /** A runner whose instant evals go to {@code override} instead of the engine. */
  public ScriptRunner(Engine engine, InstantEvaluator override) {
    this.engine = engine;
    this.override = override;
  }

  public static Engine defaultEngine() {
    return new Engine(
        EngineOptions.defaults()
            .withLookbackDelta(java.time.Duration.ofMinutes(5))
            .withTimeout(java.time.Duration.ofSeconds(100)));
  }

  public Report run(String fileName, List<String> rawLines) {
    Report report = new Report(fileName);
    List<String> lines = new ArrayList<>();
    List<Integer> lineNos = new ArrayList<>();
    for (int k = 0; k < rawLines.size(); k++) {
      String t = rawLines.get(k).strip();
      if (t.startsWith("#")) {
        continue; // comment lines do not end blocks
      }
      lines.add(t);
      lineNos.add(k + 1);
    }
    clear();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.isEmpty()) {
        continue;
      }
      String cmd = l.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
      int endBlock = i + 1;
      while (endBlock < lines.size()
          && !lines.get(endBlock).isEmpty()
          && !isCommand(lines.get(endBlock))) {
        endBlock++;
      }
      List<String> body = lines.subList(i + 1, endBlock);
      if (cmd.equals("clear")) {
        clear();
        continue;
      }
      if (cmd.equals("load") || cmd.equals("load_with_nhcb")) {
        if (override != null && !segmentStarted) {
          segmentStarted = true;
          override.segment(head, instantEvalsAhead(lines, i));
        }
        load(l, body, cmd.equals("load_with_nhcb"));
        i = endBlock - 1;
        continue;
      }
      if (cmd.startsWith("eval")) {
        try {
          evalCommand(report, lineNos.get(i), l, body);
        } catch (RuntimeException e) {
          report.failed++;
          report.failures.add("line " + (i + 1) + ": " + l + ": runner error: " + e);
        }
        i = endBlock - 1;
        continue;
      }
      report.failed++;
      report.failures.add("line " + (i + 1) + ": unknown command " + l);
    }
    if (head != null) {
      head.close();
    }
    return report;
  }

  /** The parsable instant eval expressions from line i to the next clear. */
  private static List<Expr> instantEvalsAhead(List<String> lines, int i) {
    List<Expr> out = new ArrayList<>();
    for (int k = i; k < lines.size(); k++) {
      String l = lines.get(k);
      if (l.toLowerCase(Locale.ROOT).startsWith("clear")) {
        break;
      }
      Matcher m = EVAL_INSTANT.matcher(l);
      if (m.matches()) {
        try {
          out.add(PromQL.parse(m.group(3)));
        } catch (RuntimeException e) {
          // Parse failures are the eval's own expectation; nothing to evaluate.
        }
      }
    }
    return out;
  }

  private static boolean isCommand(String l) {
    String c = l.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
    return c.equals("clear")
        || c.equals("load")
        || c.equals("load_with_nhcb")
        || c.startsWith("eval");
  }

  private void clear() {
    if (head != null) {
      head.close();
    }
    head =
        new Head(
            HeadOptions.defaults().withChunkRange(java.time.Duration.ofMillis(Long.MAX_VALUE / 4)));
    nativeSeries.clear();
    segmentStarted = false;
  }

  // ------------------------------------------------------------------------------------------ load

  private void load(String header, List<String> body, boolean nhcb) {
    long interval = parseDuration(header.split("\\s+")[1]);
    // A series defined twice in one load keeps its last definition, as in promqltest.
    LinkedHashMap<Labels, List<Double>> defs = new LinkedHashMap<>();
    for (String line : body) {
      String[] sv = splitSeries(line);
      Labels labels;
      try {
        labels = parseLabels(sv[0]);
      } catch (RuntimeException e) {
        continue;
      }
      if (sv[1].contains("{{")) {
        nativeSeries.add(labels);
        defs.remove(labels);
        continue;
      }
      if (nhcb) {
        String name = labels.metricName();
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
          if (name.endsWith(suffix)) {
            nativeSeries.add(
                labels.toBuilder()
                    .set(Labels.METRIC_NAME, name.substring(0, name.length() - suffix.length()))
                    .delete("le")
                    .build());
          }
        }
      }
      defs.put(labels, expandValues(sv[1]));
    }
    HeadAppender app = head.appender();
    for (Map.Entry<Labels, List<Double>> d : defs.entrySet()) {
      List<Double> values = d.getValue();
      long ref = 0;
      for (int k = 0; k < values.size(); k++) {
        Double v = values.get(k);
        if (v == null) {
          continue;
        }
        long r = app.append(ref, ref > 0 ? null : d.getKey(), k * interval, v);
        if (r > 0) {
          ref = r;
        }
      }
      app.commit();
    }
  }

  /** Splits "metric{a="b"} 1 2 3" into the series part and the values part. */
  static String[] splitSeries(String line) {
    int i = 0;
    boolean inQuote = false;
    char quote = 0;
    int depth = 0;
    for (; i < line.length(); i++) {
      char c = line.charAt(i);
      if (inQuote) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          inQuote = false;
        }
        continue;
      }
      if (c == '"' || c == '\'' || c == '`') {
        inQuote = true;
        quote = c;
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
      } else if (Character.isWhitespace(c) && depth == 0) {
        break;
      }
    }
    return new String[] {line.substring(0, i), i < line.length() ? line.substring(i).strip() : ""};
  }

  static Labels parseLabels(String selector) {
    return io.cardinal.promql.SeriesNotation.labels(selector);
  }

  static List<Double> expandValues(String values) {
    return io.cardinal.promql.SeriesNotation.values(values);
  }

  static double parseNumber(String s) {
    return io.cardinal.promql.SeriesNotation.number(s);
  }

  /** Prometheus durations (1h30m, 10s53ms) or plain seconds. */
  static long parseDuration(String s) {
    if (s.matches("-?\\d+(\\.\\d+)?")) {
      return Math.round(Double.parseDouble(s) * 1000);
    }
    Matcher m = Pattern.compile("(\\d+)(ms|y|w|d|h|m|s)").matcher(s);
    long total = 0;
    int pos = 0;
    boolean neg = s.startsWith("-");
    if (neg) {
      pos = 1;
    }
    while (m.find(pos) && m.start() == pos) {
      long v = Long.parseLong(m.group(1));
      total +=
          v
              * switch (m.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                case "d" -> 86_400_000L;
                case "w" -> 7 * 86_400_000L;
                default -> 365 * 86_400_000L;
              };
      pos = m.end();
    }
    if (pos != s.length()) {
      throw new IllegalArgumentException("bad duration " + s);
    }
    return neg ? -total : total;
  }

  // ------------------------------------------------------------------------------------------ eval

  private static final class Expectations {
    boolean fail;
    String failMsg;
    String failRegex;
    boolean ordered;
    String string;
    long[] rangeVector;
    final List<String[]> annotations = new ArrayList<>(); // {type, kind(msg/regex/null), text}
    final Set<String> none = new java.util.HashSet<>();
    Double scalar;
    final LinkedHashMap<Labels, List<Double>> series = new LinkedHashMap<>();
    boolean hasNativeSamples;
  }

  private void evalCommand(Report report, int lineNo, String header, List<String> body) {
    Matcher mi = EVAL_INSTANT.matcher(header);
    Matcher mr = EVAL_RANGE.matcher(header);
    String variant;
    String query;
    boolean range;
    long start;
    long end;
    long step = 0;
    if (mi.matches()) {
      variant = mi.group(1);
      start = end = parseDuration(mi.group(2));
      query = mi.group(3);
      range = false;
    } else if (mr.matches()) {
      variant = mr.group(1);
      start = parseDuration(mr.group(2));
      end = parseDuration(mr.group(3));
      step = parseDuration(mr.group(4));
      query = mr.group(5);
      range = true;
    } else {
      report.failed++;
      report.failures.add("line " + lineNo + ": cannot parse eval: " + header);
      return;
    }
    Expectations ex = new Expectations();
    switch (variant) {
      case "eval_fail" -> ex.fail = true;
      case "eval_warn" -> ex.annotations.add(new String[] {"warn", null, null});
      case "eval_info" -> ex.annotations.add(new String[] {"info", null, null});
      case "eval_ordered" -> ex.ordered = true;
      default -> {}
    }
    for (String l : body) {
      if (l.startsWith("expect ")) {
        parseExpect(ex, l.substring(7).strip());
      } else if (l.startsWith("expected_fail_message")) {
        ex.fail = true;
        ex.failMsg = l.substring("expected_fail_message".length()).strip();
      } else if (l.startsWith("expected_fail_regexp")) {
        ex.fail = true;
        ex.failRegex = l.substring("expected_fail_regexp".length()).strip();
      } else if (l.contains("{{")) {
        ex.hasNativeSamples = true;
      } else {
        String[] sv = splitSeries(l);
        if (sv[1].isEmpty()) {
          ex.scalar = parseNumber(sv[0]);
        } else {
          ex.series.put(parseLabels(sv[0]), expandValues(sv[1]));
        }
      }
    }
    Expr expr;
    try {
      expr = PromQL.parse(query);
    } catch (RuntimeException e) {
      if (ex.fail && failMatches(ex, e.getMessage())) {
        report.passed++;
      } else {
        report.failed++;
        report.failures.add("line " + lineNo + ": " + query + ": parse: " + e.getMessage());
      }
      return;
    }
    String skip = skipReason(expr, ex);
    if (skip != null) {
      report.skipped.merge(skip, 1, Integer::sum);
      return;
    }
    String err;
    if (override != null) {
      if (range) {
        report.skipped.merge(SKIP_NOT_TAKEN, 1, Integer::sum);
        return;
      }
      Value v;
      try {
        v = override.evaluate(expr, start);
        if (v == null) {
          report.skipped.merge(SKIP_NOT_TAKEN, 1, Integer::sum);
          return;
        }
        err = ex.fail ? "expected failure, got " + v.typeName() : compareInstant(ex, v, start);
      } catch (RuntimeException e) {
        err =
            ex.fail
                ? (failMatches(ex, e.getMessage())
                    ? null
                    : "error message mismatch: " + e.getMessage())
                : "unexpected error: " + e.getMessage();
      }
    } else if (range) {
      err = runRange(expr, start, end, step, ex);
    } else {
      err = runInstant(expr, start, ex);
      if (err == null) {
        for (long[] at : atCases(expr, start)) {
          Expr withAt = withAt(expr, at[0]);
          err = runInstant(withAt, at[1], ex);
          if (err != null) {
            err = "(with @ " + at[0] + " evaluated at " + at[1] + ") " + err;
            break;
          }
        }
      }
    }
    if (err == null) {
      report.passed++;
    } else {
      report.failed++;
      report.failures.add("line " + lineNo + ": " + query + ": " + err);
    }
  }

  private static void parseExpect(Expectations ex, String s) {
    String[] p = s.split("\\s+", 2);
    String type = p[0];
    String rest = p.length > 1 ? p[1].strip() : "";
    switch (type) {
      case "ordered" -> ex.ordered = true;
      case "no_warn", "no_info" -> ex.none.add(type.substring(3));
      case "string" -> ex.string = unquote(rest);
      case "range" -> {
        Matcher m =
            Pattern.compile("vector\\s+from\\s+(\\S+)\\s+to\\s+(\\S+)\\s+step\\s+(\\S+)")
                .matcher(rest);
        if (m.find()) {
          ex.rangeVector =
              new long[] {
                parseDuration(m.group(1)), parseDuration(m.group(2)), parseDuration(m.group(3))
              };
        }
      }
      case "fail", "warn", "info" -> {
        String kind = null;
        String text = null;
        if (rest.startsWith("msg:")) {
          kind = "msg";
          text = rest.substring(4).strip();
        } else if (rest.startsWith("regex:")) {
          kind = "regex";
          text = rest.substring(6).strip();
        }
        if (text != null && text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
          text = text.substring(1, text.length() - 1);
        }
        if (type.equals("fail")) {
          ex.fail = true;
          if ("msg".equals(kind)) {
            ex.failMsg = text;
          } else if ("regex".equals(kind)) {
            ex.failRegex = text;
          }
        } else {
          ex.annotations.add(new String[] {type, kind, text});
        }
      }
      default -> {}
    }
  }

  private static String unquote(String s) {
    if (s.length() >= 2 && (s.startsWith("\"") || s.startsWith("`"))) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  private static boolean failMatches(Expectations ex, String msg) {
    if (ex.failMsg != null) {
      return msg.equals(ex.failMsg);
    }
    if (ex.failRegex != null) {
      return Pattern.compile(ex.failRegex).matcher(msg).find();
    }
    return true;
  }

  private String runInstant(Expr expr, long t, Expectations ex) {
    QueryResult r;
    try (Querier q = head.querier(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4)) {
      r = engine.instantQuery(q, expr, t);
    } catch (RuntimeException e) {
      if (ex.fail) {
        return failMatches(ex, e.getMessage()) ? null : "error message mismatch: " + e.getMessage();
      }
      return "unexpected error: " + e.getMessage();
    }
    if (ex.fail) {
      return "expected failure, got " + r.value().typeName();
    }
    String a = checkAnnotations(ex, r);
    if (a != null) {
      return a;
    }
    String c = compareInstant(ex, r.value(), t);
    if (c != null
        || ex.ordered
        || !(r.value() instanceof Value.Vector || r.value() instanceof Value.Scalar)) {
      return c;
    }
    // As promqltest does: the same query in range mode must give the same result at the middle
    // step.
    QueryResult rr;
    try (Querier q = head.querier(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4)) {
      rr = engine.rangeQuery(q, expr, t - 60_000, t + 60_000, 60_000);
    } catch (RuntimeException e) {
      return "range mode: unexpected error: " + e.getMessage();
    }
    List<Value.Sample> mid = new ArrayList<>();
    for (Value.Series s : ((Value.Matrix) rr.value()).series()) {
      for (int i = 0; i < s.size(); i++) {
        if (s.timestamps()[i] == t) {
          mid.add(new Value.Sample(s.labels(), t, s.values()[i]));
        }
      }
    }
    Value asInstant =
        r.value() instanceof Value.Scalar
            ? new Value.Scalar(t, mid.isEmpty() ? Double.NaN : mid.get(0).value())
            : new Value.Vector(mid);
    String rc = compareInstant(ex, asInstant, t);
    return rc == null ? null : "range mode: " + rc;
  }

  private String runRange(Expr expr, long start, long end, long step, Expectations ex) {
    QueryResult r;
    try (Querier q = head.querier(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4)) {
      r = engine.rangeQuery(q, expr, start, end, step);
    } catch (RuntimeException e) {
      if (ex.fail) {
        return failMatches(ex, e.getMessage()) ? null : "error message mismatch: " + e.getMessage();
      }
      return "unexpected error: " + e.getMessage();
    }
    if (ex.fail) {
      return "expected failure";
    }
    String a = checkAnnotations(ex, r);
    if (a != null) {
      return a;
    }
    Value.Matrix m = (Value.Matrix) r.value();
    int expectedSeries = 0;
    for (Map.Entry<Labels, List<Double>> e : ex.series.entrySet()) {
      if (e.getValue().stream().anyMatch(v -> v != null)) {
        expectedSeries++;
      }
    }
    if (ex.scalar != null) {
      expectedSeries++;
    }
    if (m.series().size() != expectedSeries) {
      return "expected "
          + expectedSeries
          + " series, got "
          + m.series().size()
          + ": "
          + describe(m);
    }
    for (Value.Series s : m.series()) {
      List<Double> exp = ex.series.get(s.labels());
      if (exp == null) {
        return "unexpected series " + s.labels() + " in " + describe(m);
      }
      int k = 0;
      for (int i = 0; i < exp.size(); i++) {
        Double v = exp.get(i);
        if (v == null) {
          continue;
        }
        long ts = start + i * step;
        if (k >= s.size() || s.timestamps()[k] != ts) {
          return "series " + s.labels() + ": expected point at " + ts + ", got " + describe(s);
        }
        if (!almostEqual(v, s.values()[k])) {
          return "series "
              + s.labels()
              + " at "
              + ts
              + ": expected "
              + v
              + ", got "
              + s.values()[k];
        }
        k++;
      }
      if (k != s.size()) {
        return "series " + s.labels() + ": extra points " + describe(s);
      }
    }
    return null;
  }

  private static String describe(Value.Matrix m) {
    StringBuilder sb = new StringBuilder("[");
    for (Value.Series s : m.series()) {
      sb.append(describe(s)).append(' ');
    }
    return sb.append(']').toString();
  }

  private static String describe(Value.Series s) {
    StringBuilder sb = new StringBuilder(s.labels().toString()).append(" ");
    for (int i = 0; i < s.size(); i++) {
      sb.append(s.values()[i]).append('@').append(s.timestamps()[i]).append(' ');
    }
    return sb.toString();
  }

  private static String checkAnnotations(Expectations ex, QueryResult r) {
    for (String type : new String[] {"warn", "info"}) {
      List<String> got = type.equals("warn") ? r.warnings() : r.infos();
      if (ex.none.contains(type) && !got.isEmpty()) {
        return "expected no " + type + ", got " + got;
      }
      List<String[]> exps = ex.annotations.stream().filter(a -> a[0].equals(type)).toList();
      if (exps.isEmpty()) {
        continue;
      }
      for (String[] e : exps) {
        boolean any = got.stream().anyMatch(g -> annotationMatches(e, g));
        if (!any) {
          return "expected " + type + (e[2] != null ? " " + e[2] : "") + ", got " + got;
        }
      }
      for (String g : got) {
        if (exps.stream().noneMatch(e -> annotationMatches(e, g))) {
          return "unexpected " + type + ": " + g;
        }
      }
    }
    return null;
  }

  private static boolean annotationMatches(String[] e, String got) {
    if (e[1] == null) {
      return true;
    }
    if (e[1].equals("msg")) {
      return got.equals(e[2]);
    }
    return Pattern.compile(e[2]).matcher(got).find();
  }

  private static String compareInstant(Expectations ex, Value v, long t) {
    if (v instanceof Value.Str s) {
      return ex.string != null && ex.string.equals(s.value())
          ? null
          : "expected string " + ex.string + ", got " + s.value();
    }
    if (v instanceof Value.Scalar s) {
      Double exp = ex.scalar;
      if (exp == null && ex.series.size() == 1 && ex.series.containsKey(Labels.EMPTY)) {
        exp = ex.series.get(Labels.EMPTY).get(0);
      }
      if (exp == null) {
        return "got scalar " + s.value() + ", expected " + ex.series.keySet();
      }
      return almostEqual(exp, s.value()) ? null : "expected scalar " + exp + ", got " + s.value();
    }
    if (v instanceof Value.Matrix m) {
      if (m.series().size() != ex.series.size()) {
        return "expected " + ex.series.size() + " series, got " + describe(m);
      }
      for (Value.Series s : m.series()) {
        List<Double> exp = ex.series.get(s.labels());
        if (exp == null) {
          return "unexpected series " + s.labels() + " in " + describe(m);
        }
        List<Double> present = exp.stream().filter(x -> x != null).toList();
        if (present.size() != s.size()) {
          return "series " + s.labels() + ": expected " + present + ", got " + describe(s);
        }
        for (int i = 0; i < s.size(); i++) {
          if (!almostEqual(present.get(i), s.values()[i])) {
            return "series " + s.labels() + ": expected " + present + ", got " + describe(s);
          }
        }
        if (ex.rangeVector != null) {
          int k = 0;
          for (int i = 0; i < exp.size(); i++) {
            if (exp.get(i) != null) {
              long ts = ex.rangeVector[0] + i * ex.rangeVector[2];
              if (s.timestamps()[k] != ts) {
                return "series "
                    + s.labels()
                    + ": expected timestamp "
                    + ts
                    + ", got "
                    + describe(s);
              }
              k++;
            }
          }
        }
      }
      return null;
    }
    Value.Vector vec = (Value.Vector) v;
    if (ex.scalar != null) {
      return "expected scalar " + ex.scalar + ", got vector " + vec.samples();
    }
    if (vec.samples().size() != ex.series.size()) {
      return "expected " + ex.series.size() + " samples " + ex.series + ", got " + vec.samples();
    }
    int idx = 0;
    List<Labels> order = new ArrayList<>(ex.series.keySet());
    for (Value.Sample s : vec.samples()) {
      List<Double> exp = ex.series.get(s.labels());
      if (exp == null) {
        return "unexpected sample " + s.labels() + " " + s.value() + " in " + vec.samples();
      }
      if (exp.isEmpty() || exp.get(0) == null || !almostEqual(exp.get(0), s.value())) {
        return "sample " + s.labels() + ": expected " + exp + ", got " + s.value();
      }
      if (ex.ordered && !order.get(idx).equals(s.labels())) {
        return "expected order " + order + ", got " + vec.samples();
      }
      idx++;
    }
    return null;
  }

  static boolean almostEqual(double a, double b) {
    if (Double.isNaN(a) && Double.isNaN(b)) {
      return true;
    }
    if (a == b) {
      return true;
    }
    double minNormal = Double.MIN_NORMAL;
    double diff = Math.abs(a - b);
    if (a == 0 || b == 0 || diff < minNormal) {
      return diff < 1e-6 * minNormal;
    }
    return diff / (Math.abs(a) + Math.abs(b)) < 1e-6;
  }

  // ------------------------------------------------------------------------------------------
  // skipping

  private String skipReason(Expr expr, Expectations ex) {
    if (ex.hasNativeSamples) {
      return SKIP_NATIVE;
    }
    String[] reason = {null};
    walk(
        expr,
        e -> {
          if (e instanceof Call c) {
            if (c.function().experimental() && reason[0] == null) {
              reason[0] = SKIP_EXPERIMENTAL;
            }
            if (NATIVE_ONLY.contains(c.function().name())) {
              reason[0] = SKIP_NATIVE;
            }
          } else if (e instanceof AggregateExpr a && a.op().isExperimental() && reason[0] == null) {
            reason[0] = SKIP_EXPERIMENTAL;
          } else if (e instanceof BinaryExpr b
              && b.matching() != null
              && b.matching().hasFill()
              && reason[0] == null) {
            reason[0] = SKIP_EXPERIMENTAL;
          } else if (e instanceof VectorSelector vs) {
            if ((vs.anchored() || vs.smoothed() || !literal(vs.offset())) && reason[0] == null) {
              reason[0] = SKIP_EXPERIMENTAL;
            }
            for (Labels l : nativeSeries) {
              if (vs.matchers().stream().allMatch(m -> m.matches(l.get(m.name())))) {
                reason[0] = SKIP_NATIVE;
              }
            }
          } else if (e instanceof MatrixSelector ms && !literal(ms.range()) && reason[0] == null) {
            reason[0] = SKIP_EXPERIMENTAL;
          } else if (e instanceof SubqueryExpr sq
              && (!literal(sq.range()) || !literal(sq.step()) || !literal(sq.offset()))
              && reason[0] == null) {
            reason[0] = SKIP_EXPERIMENTAL;
          }
        });
    return reason[0];
  }

  private static boolean literal(DurationExpr d) {
    return d == null || d.isLiteral();
  }

  private static void walk(Expr e, java.util.function.Consumer<Expr> f) {
    f.accept(e);
    if (e instanceof ParenExpr p) {
      walk(p.expr(), f);
    } else if (e instanceof UnaryExpr u) {
      walk(u.expr(), f);
    } else if (e instanceof BinaryExpr b) {
      walk(b.lhs(), f);
      walk(b.rhs(), f);
    } else if (e instanceof AggregateExpr a) {
      walk(a.expr(), f);
      if (a.param() != null) {
        walk(a.param(), f);
      }
    } else if (e instanceof Call c) {
      c.args().forEach(x -> walk(x, f));
    } else if (e instanceof MatrixSelector m) {
      walk(m.selector(), f);
    } else if (e instanceof SubqueryExpr s) {
      walk(s.expr(), f);
    }
  }

  // ------------------------------------------------------------------------------------------ @
  // cases

  /**
   * {at timestamp, evaluation time} pairs to re-run an instant eval with, as Prometheus' promqltest
   * does.
   */
  private static List<long[]> atCases(Expr expr, long ts) {
    boolean[] unsafe = {false};
    walk(
        expr,
        e -> {
          if (e instanceof Call c && AT_UNSAFE.contains(c.function().name())) {
            unsafe[0] = true;
          }
        });
    List<long[]> out = new ArrayList<>();
    if (unsafe[0]) {
      return out;
    }
    long[] times =
        ts == 0 ? new long[] {-1000, 0, 1000} : new long[] {-10 * ts, 0, ts / 5, ts, 10 * ts};
    for (long t : times) {
      out.add(new long[] {ts, t});
    }
    return out;
  }

  static Expr withAt(Expr e, long ts) {
    AtModifier at = AtModifier.at(ts);
    if (e instanceof VectorSelector vs) {
      return vs.at() == null ? vs.withAt(at) : vs;
    }
    if (e instanceof MatrixSelector ms) {
      VectorSelector vs = ms.selector();
      return vs.at() == null ? new MatrixSelector(vs.withAt(at), ms.range()) : ms;
    }
    if (e instanceof SubqueryExpr sq) {
      return sq.at() == null ? sq.withAt(at) : sq;
    }
    if (e instanceof ParenExpr p) {
      return new ParenExpr(withAt(p.expr(), ts));
    }
    if (e instanceof UnaryExpr u) {
      return new UnaryExpr(u.negate(), withAt(u.expr(), ts));
    }
    if (e instanceof BinaryExpr b) {
      return new BinaryExpr(
          b.op(), withAt(b.lhs(), ts), withAt(b.rhs(), ts), b.returnBool(), b.matching());
    }
    if (e instanceof AggregateExpr a) {
      return new AggregateExpr(
          a.op(),
          withAt(a.expr(), ts),
          a.param() == null ? null : withAt(a.param(), ts),
          a.grouping(),
          a.without());
    }
    if (e instanceof Call c) {
      List<Expr> args = new ArrayList<>();
      for (Expr x : c.args()) {
        args.add(withAt(x, ts));
      }
      return new Call(c.function(), args);
    }
    return e;
  }

  static Map<String, Object> unused() {
    return new HashMap<>();
  }
}
