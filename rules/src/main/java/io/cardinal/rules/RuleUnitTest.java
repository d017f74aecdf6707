package io.cardinal.rules;

import io.cardinal.Cardinal;
import io.cardinal.config.ConfigException;
import io.cardinal.config.ConfigLoader;
import io.cardinal.config.ConfigLoader.Fields;
import io.cardinal.promql.PromQL;
import io.cardinal.promql.PromQLParseException;
import io.cardinal.promql.SeriesNotation;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.engine.Engine;
import io.cardinal.promql.engine.Value;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.text.GoFloat;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * Rule unit tests in promtool's test file format ({@code promtool test rules}): input series in the
 * expanding notation, rules evaluated at every evaluation interval as promtool does, firing alerts
 * and PromQL results compared with what the test expects. The report is promtool's, line for line:
 * {@link Result#stdout()} and {@link Result#stderr()} are what it prints.
 */
public final class RuleUnitTest {
  private RuleUnitTest() {}

  /** The outcome of one test file. */
  public record Result(boolean passed, String stdout, String stderr) {}

  /** Runs every test group of {@code file}. */
  public static Result run(Path file) {
    StringBuilder out = new StringBuilder("Unit Testing:  " + file + "\n");
    List<String> errors;
    try {
      errors = runFile(file);
    } catch (TestFileException e) {
      errors = List.of(e.getMessage());
    }
    StringBuilder err = new StringBuilder();
    if (errors.isEmpty()) {
      out.append("  SUCCESS\n");
    } else {
      err.append("  FAILED:\n");
      for (String e : errors) {
        err.append(e).append('\n');
        out.append('\n');
      }
    }
    out.append('\n');
    return new Result(errors.isEmpty(), out.toString(), err.toString());
  }

  /** A test file that cannot be run: unreadable, malformed, or naming bad rule files. */
  static final class TestFileException extends Exception {
    TestFileException(String message) {
      super(message);
    }
  }

  private record Series(Labels labels, List<Double> values) {}

  private record ExpAlert(Labels labels, Labels annotations) {}

  private record AlertCase(long evalMs, String evalText, String alertname, List<ExpAlert> exp) {}

  private record ExprCase(String expr, long evalMs, String evalText, List<String[]> exp) {}

  private record TestGroup(
      String name,
      long intervalMs,
      long startMs,
      List<Series> series,
      List<AlertCase> alerts,
      List<ExprCase> exprs,
      Labels externalLabels,
      String externalUrl) {}

  private static List<String> runFile(Path file) throws TestFileException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TestFileException(file + ": " + e.getMessage());
    }
    List<GroupSpec> groups;
    long evalInterval;
    List<TestGroup> tests = new ArrayList<>();
    List<String> order = new ArrayList<>();
    boolean fuzzy;
    try {
      Node root = ConfigLoader.compose(text);
      Fields f =
          new Fields(
              root,
              "unit test file",
              Set.of(
                  "rule_files",
                  "evaluation_interval",
                  "group_eval_order",
                  "tests",
                  "fuzzy_compare"),
              Set.of());
      evalInterval = f.duration("evaluation_interval", 60_000);
      fuzzy = f.bool("fuzzy_compare", false);
      List<String> patterns = new ArrayList<>();
      if (f.has("rule_files")) {
        for (Node n : ConfigLoader.seq(f.get("rule_files"), "rule_files")) {
          patterns.add(ConfigLoader.scalar(n, "rule_files"));
        }
      }
      if (f.has("group_eval_order")) {
        for (Node n : ConfigLoader.seq(f.get("group_eval_order"), "group_eval_order")) {
          order.add(ConfigLoader.scalar(n, "group_eval_order"));
        }
      }
      Path base = file.toAbsolutePath().getParent();
      try {
        groups = RuleFiles.load(RuleFiles.expand(base, patterns));
      } catch (RuleFileException e) {
        throw new TestFileException(e.getMessage());
      }
      if (f.has("tests")) {
        for (Node n : ConfigLoader.seq(f.get("tests"), "tests")) {
          tests.add(testGroup(n, evalInterval));
        }
      }
    } catch (ConfigException e) {
      throw new TestFileException(file + ": " + e.getMessage());
    }
    Map<String, Integer> rank = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      rank.put(order.get(i), i);
    }
    for (String name : order) {
      if (groups.stream().noneMatch(g -> g.name().equals(name))) {
        throw new TestFileException("group name \"" + name + "\" in group_eval_order not found");
      }
    }
    List<GroupSpec> ordered = new ArrayList<>(groups);
    ordered.sort(
        Comparator.comparingInt((GroupSpec g) -> rank.getOrDefault(g.name(), Integer.MAX_VALUE)));
    List<String> errors = new ArrayList<>();
    for (TestGroup t : tests) {
      errors.addAll(runGroup(t, ordered, evalInterval, fuzzy));
    }
    return errors;
  }

  private static TestGroup testGroup(Node node, long evalInterval) throws ConfigException {
    Fields f =
        new Fields(
            node,
            "test group",
            Set.of(
                "interval",
                "input_series",
                "name",
                "start_timestamp",
                "alert_rule_test",
                "promql_expr_test",
                "external_labels",
                "external_url"),
            Set.of());
    long start = 0;
    if (f.has("start_timestamp")) {
      String s = f.string("start_timestamp", "0");
      try {
        start = s.matches("-?\\d+") ? Long.parseLong(s) * 1000 : Instant.parse(s).toEpochMilli();
      } catch (RuntimeException e) {
        throw new ConfigException(f.line("start_timestamp"), "invalid start_timestamp " + s);
      }
    }
    List<Series> series = new ArrayList<>();
    if (f.has("input_series")) {
      for (Node n : ConfigLoader.seq(f.get("input_series"), "input_series")) {
        Fields s = new Fields(n, "series", Set.of("series", "values"), Set.of());
        String desc = s.string("series", "");
        try {
          series.add(
              new Series(
                  SeriesNotation.labels(desc), SeriesNotation.values(s.string("values", ""))));
        } catch (PromQLParseException | IllegalArgumentException e) {
          throw new ConfigException(
              ConfigLoader.line(n), "invalid series " + desc + ": " + e.getMessage());
        }
      }
    }
    List<AlertCase> alerts = new ArrayList<>();
    if (f.has("alert_rule_test")) {
      for (Node n : ConfigLoader.seq(f.get("alert_rule_test"), "alert_rule_test")) {
        Fields a =
            new Fields(n, "alert test", Set.of("eval_time", "alertname", "exp_alerts"), Set.of());
        List<ExpAlert> exp = new ArrayList<>();
        if (a.has("exp_alerts")) {
          for (Node e : ConfigLoader.seq(a.get("exp_alerts"), "exp_alerts")) {
            Fields ef =
                new Fields(e, "exp alert", Set.of("exp_labels", "exp_annotations"), Set.of());
            exp.add(new ExpAlert(map(ef, "exp_labels"), map(ef, "exp_annotations")));
          }
        }
        long t = a.duration("eval_time", 0);
        alerts.add(new AlertCase(t, goDuration(t), a.string("alertname", ""), exp));
      }
    }
    List<ExprCase> exprs = new ArrayList<>();
    if (f.has("promql_expr_test")) {
      for (Node n : ConfigLoader.seq(f.get("promql_expr_test"), "promql_expr_test")) {
        Fields p =
            new Fields(n, "promql test", Set.of("expr", "eval_time", "exp_samples"), Set.of());
        List<String[]> exp = new ArrayList<>();
        if (p.has("exp_samples")) {
          for (Node e : ConfigLoader.seq(p.get("exp_samples"), "exp_samples")) {
            Fields ef = new Fields(e, "sample", Set.of("labels", "value"), Set.of());
            exp.add(new String[] {ef.string("labels", ""), ef.string("value", "0")});
          }
        }
        long t = p.duration("eval_time", 0);
        exprs.add(new ExprCase(p.string("expr", ""), t, goDuration(t), exp));
      }
    }
    return new TestGroup(
        f.string("name", ""),
        f.duration("interval", evalInterval),
        start,
        series,
        alerts,
        exprs,
        map(f, "external_labels"),
        f.string("external_url", ""));
  }

  private static Labels map(Fields f, String field) throws ConfigException {
    if (!f.has(field)) {
      return Labels.EMPTY;
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (NodeTuple t : ConfigLoader.map(f.get(field), field)) {
      Node v = t.getValueNode();
      m.put(
          ConfigLoader.scalar(t.getKeyNode(), field),
          ConfigLoader.isNull(v) ? "" : ConfigLoader.scalar(v, field));
    }
    return Labels.fromMap(m);
  }

  private static List<String> runGroup(
      TestGroup t, List<GroupSpec> specs, long evalInterval, boolean fuzzy) {
    List<String> errs = new ArrayList<>();
    String testName = t.name().isEmpty() ? "" : "    name: " + t.name() + ",\n";
    try (Cardinal db = Cardinal.inMemory()) {
      RuleOptions opts =
          RuleOptions.defaults()
              .withEvaluationInterval(java.time.Duration.ofMillis(evalInterval))
              .withExternalLabels(t.externalLabels())
              .withExternalUrl(t.externalUrl());
      Engine engine = new Engine();
      long[] now = {t.startMs()};
      RuleContext ctx = new RuleContext(engine, db::querier, db::appender, () -> now[0], opts);
      List<Group> groups = new ArrayList<>();
      for (GroupSpec s : specs) {
        Group g = new Group(s, opts);
        for (Rule r : g.rules) {
          if (r instanceof AlertingRule ar) {
            ar.restored = true;
          }
        }
        groups.add(g);
      }
      long maxt = 0;
      for (AlertCase a : t.alerts()) {
        maxt = Math.max(maxt, a.evalMs());
      }
      for (ExprCase e : t.exprs()) {
        maxt = Math.max(maxt, e.evalMs());
      }
      List<AlertCase> alertCases = new ArrayList<>(t.alerts());
      alertCases.sort(Comparator.comparingLong(AlertCase::evalMs));
      int curr = 0;
      int[] loaded = new int[t.series().size()];
      for (long off = 0; off <= maxt; off += evalInterval) {
        long ts = t.startMs() + off;
        now[0] = ts;
        load(db, t, loaded, ts);
        List<String> evalErrs = new ArrayList<>();
        for (Group g : groups) {
          g.eval(ctx, ts);
          for (Rule r : g.rules) {
            if (!r.lastError.isEmpty()) {
              evalErrs.add(
                  "    rule: "
                      + r.name()
                      + ", time: "
                      + goTimeDuration(off)
                      + ", err: "
                      + r.lastError);
            }
          }
        }
        errs.addAll(evalErrs);
        if (!evalErrs.isEmpty()) {
          return errs;
        }
        while (curr < alertCases.size()
            && off <= alertCases.get(curr).evalMs()
            && alertCases.get(curr).evalMs() < off + evalInterval) {
          AlertCase c = alertCases.get(curr);
          List<ExpAlert> got = new ArrayList<>();
          for (Group g : groups) {
            for (Rule r : g.rules) {
              if (r instanceof AlertingRule ar && ar.name().equals(c.alertname())) {
                for (ActiveAlert a : ar.activeAlerts()) {
                  if (a.state() == AlertState.FIRING) {
                    got.add(new ExpAlert(a.labels(), a.annotations()));
                  }
                }
              }
            }
          }
          List<ExpAlert> exp = new ArrayList<>();
          for (ExpAlert e : c.exp()) {
            exp.add(
                new ExpAlert(
                    e.labels().toBuilder().set("alertname", c.alertname()).build(),
                    e.annotations()));
          }
          Comparator<ExpAlert> cmp =
              Comparator.comparing(ExpAlert::labels).thenComparing(ExpAlert::annotations);
          got.sort(cmp);
          exp.sort(cmp);
          if (!exp.equals(got)) {
            errs.add(
                testName
                    + "    alertname: "
                    + c.alertname()
                    + ", time: "
                    + c.evalText()
                    + ", \n        exp:"
                    + indent(alertsString(exp), "            ")
                    + ", \n        got:"
                    + indent(alertsString(got), "            "));
          }
          curr++;
        }
      }
      // Samples after the last evaluation still count for the PromQL tests.
      load(db, t, loaded, Long.MAX_VALUE);
      outer:
      for (ExprCase c : t.exprs()) {
        List<Value.Sample> got;
        try {
          Expr e = PromQL.parse(c.expr());
          got = ctx.query(e, t.startMs() + c.evalMs());
        } catch (PromQLParseException | RuleContext.RuleEvalException e) {
          errs.add(
              "    expr: "
                  + goQuote(c.expr())
                  + ", time: "
                  + c.evalText()
                  + ", err: "
                  + e.getMessage());
          continue;
        }
        List<Value.Sample> exp = new ArrayList<>();
        for (String[] s : c.exp()) {
          try {
            exp.add(new Value.Sample(SeriesNotation.labels(s[0]), 0, yamlFloat(s[1])));
          } catch (PromQLParseException | IllegalArgumentException e) {
            errs.add(
                "    expr: "
                    + goQuote(c.expr())
                    + ", time: "
                    + c.evalText()
                    + ", err: labels "
                    + goQuote(s[0])
                    + ": "
                    + e.getMessage());
            continue outer;
          }
        }
        List<Value.Sample> gotS = new ArrayList<>();
        for (Value.Sample s : got) {
          gotS.add(new Value.Sample(s.labels(), 0, s.value()));
        }
        Comparator<Value.Sample> byLabels = Comparator.comparing(Value.Sample::labels);
        exp.sort(byLabels);
        gotS.sort(byLabels);
        if (!samplesEqual(exp, gotS, fuzzy)) {
          errs.add(
              "    expr: "
                  + goQuote(c.expr())
                  + ", time: "
                  + c.evalText()
                  + ",\n        exp: "
                  + samplesString(exp)
                  + "\n        got: "
                  + samplesString(gotS));
        }
      }
    }
    return errs;
  }

  /** A YAML float: the notation's numbers plus YAML's {@code .inf}, {@code -.inf}, {@code .nan}. */
  static double yamlFloat(String s) {
    String l = s.strip().toLowerCase(java.util.Locale.ROOT);
    return switch (l) {
      case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
      case "-.inf" -> Double.NEGATIVE_INFINITY;
      case ".nan" -> Double.NaN;
      default -> SeriesNotation.number(s);
    };
  }

  /** Appends each input series' samples up to {@code ts} not loaded yet. */
  private static void load(Cardinal db, TestGroup t, int[] loaded, long ts) {
    Appender app = db.appender();
    for (int i = 0; i < t.series().size(); i++) {
      Series s = t.series().get(i);
      while (loaded[i] < s.values().size()) {
        long at = t.startMs() + loaded[i] * t.intervalMs();
        if (at > ts) {
          break;
        }
        Double v = s.values().get(loaded[i]);
        if (v != null) {
          app.append(0, s.labels(), at, v);
        }
        loaded[i]++;
      }
    }
    app.commit();
  }

  private static boolean samplesEqual(List<Value.Sample> a, List<Value.Sample> b, boolean fuzzy) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).labels().equals(b.get(i).labels())) {
        return false;
      }
      double x = a.get(i).value();
      double y = b.get(i).value();
      // Go's reflect.DeepEqual: NaN never equals NaN.
      boolean eq =
          x == y
              || (fuzzy
                  && Math.abs(Double.doubleToRawLongBits(x) - Double.doubleToRawLongBits(y)) <= 1);
      if (!eq) {
        return false;
      }
    }
    return true;
  }

  private static String alertsString(List<ExpAlert> la) {
    if (la.isEmpty()) {
      return "[]";
    }
    StringBuilder s =
        new StringBuilder("[\n0:").append(indent("\n" + alertString(la.get(0)), "  "));
    for (int i = 1; i < la.size(); i++) {
      s.append(",\n").append(i).append(':').append(indent("\n" + alertString(la.get(i)), "  "));
    }
    return s.append("\n]").toString();
  }

  private static String alertString(ExpAlert a) {
    return "Labels:" + goLabels(a.labels()) + "\nAnnotations:" + goLabels(a.annotations());
  }

  /** Go's indentLines: every line after the first gets the indentation. */
  private static String indent(String lines, String indentation) {
    String[] n = lines.split("\n", -1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n.length; i++) {
      if (i > 0) {
        sb.append(indentation);
      }
      sb.append(n[i]);
      if (i != n.length - 1) {
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private static String samplesString(List<Value.Sample> s) {
    if (s.isEmpty()) {
      return "nil";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(goLabels(s.get(i).labels())).append(' ').append(goExponent(s.get(i).value()));
    }
    return sb.toString();
  }

  /** Prometheus's {@code Labels.String()}: {@code {__name__="x", job="a"}}. */
  static String goLabels(Labels l) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(l.name(i)).append('=');
      Labels.quote(sb, l.value(i));
    }
    return sb.append('}').toString();
  }

  /** Go's {@code strconv.Quote} for the text rule files hold. */
  static String goQuote(String s) {
    StringBuilder sb = new StringBuilder();
    Labels.quote(sb, s);
    return sb.toString();
  }

  /** Go's {@code strconv.FormatFloat(v, 'E', -1, 64)}: shortest digits, {@code 2.5E+00}. */
  static String goExponent(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == 0) {
      return (1 / v < 0 ? "-" : "") + "0E+00";
    }
    BigDecimal d = new BigDecimal(GoFloat.formatG(Math.abs(v))).stripTrailingZeros();
    String digits = d.unscaledValue().toString();
    int exp = digits.length() - 1 - d.scale();
    StringBuilder sb = new StringBuilder(v < 0 ? "-" : "");
    sb.append(digits.charAt(0));
    if (digits.length() > 1) {
      sb.append('.').append(digits, 1, digits.length());
    }
    sb.append('E').append(exp < 0 ? '-' : '+');
    int a = Math.abs(exp);
    if (a < 10) {
      sb.append('0');
    }
    return sb.append(a).toString();
  }

  /** Prometheus's duration text ({@code model.Duration}): 1h30m, 0s. */
  static String goDuration(long ms) {
    return io.cardinal.config.Durations.format(ms);
  }

  /** Go's {@code time.Duration.String()} for whole milliseconds: 5m0s, 1h0m0s, 1.5s, 0s. */
  static String goTimeDuration(long ms) {
    if (ms == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long h = ms / 3_600_000;
    long m = ms / 60_000 % 60;
    long s = ms / 1000 % 60;
    long frac = ms % 1000;
    if (ms < 1000) {
      return ms + "ms";
    }
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      sb.append(m).append('m');
    }
    sb.append(s);
    if (frac != 0) {
      String f = String.format("%03d", frac).replaceAll("0+$", "");
      sb.append('.').append(f);
    }
    return sb.append('s').toString();
  }
}
