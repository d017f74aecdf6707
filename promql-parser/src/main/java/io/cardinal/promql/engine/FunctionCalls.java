package io.cardinal.promql.engine;

import io.cardinal.promql.ast.Call;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.promql.ast.MatrixSelector;
import io.cardinal.promql.ast.StringLiteral;
import io.cardinal.promql.ast.SubqueryExpr;
import io.cardinal.promql.ast.VectorSelector;
import io.cardinal.promql.engine.Evaluator.Col;
import io.cardinal.tsdb.labels.Labels;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Function calls: element-wise, range-vector, label manipulation, histogram and special functions.
 */
final class FunctionCalls {
  private FunctionCalls() {}

  static Object eval(Evaluator ev, Call c) {
    String name = c.function().name();
    List<Expr> args = c.args();
    for (int i = 0; i < args.size(); i++) {
      Expr a = Evaluator.unwrap(args.get(i));
      if (a instanceof MatrixSelector || a instanceof SubqueryExpr) {
        return RangeFunctions.eval(ev, c, i, a);
      }
    }
    int n = ev.n;
    switch (name) {
      case "time":
        {
          double[] r = new double[n];
          for (int i = 0; i < n; i++) {
            r[i] = ev.times[i] / 1000.0;
          }
          return r;
        }
      case "pi":
        {
          double[] r = new double[n];
          java.util.Arrays.fill(r, Math.PI);
          return r;
        }
      case "start", "end", "range", "step":
        {
          double v =
              switch (name) {
                case "start" -> ev.ctx.queryStart / 1000.0;
                case "end" -> ev.ctx.queryEnd / 1000.0;
                case "range" -> (ev.ctx.queryEnd - ev.ctx.queryStart) / 1000.0;
                default -> ev.ctx.queryStep / 1000.0;
              };
          double[] r = new double[n];
          java.util.Arrays.fill(r, v);
          return r;
        }
      case "min_of", "max_of":
        {
          double[] a = ev.scalar(args.get(0));
          double[] b = ev.scalar(args.get(1));
          double[] r = new double[n];
          for (int i = 0; i < n; i++) {
            r[i] = name.equals("min_of") ? Math.min(a[i], b[i]) : Math.max(a[i], b[i]);
          }
          return r;
        }
      case "vector":
        {
          double[] s = ev.scalar(args.get(0));
          Col col = new Col(Labels.EMPTY, n);
          System.arraycopy(s, 0, col.v, 0, n);
          java.util.Arrays.fill(col.has, true);
          List<Col> out = new ArrayList<>();
          out.add(col);
          return out;
        }
      case "scalar":
        {
          List<Col> in = Evaluator.cols(ev.eval(args.get(0)));
          double[] r = new double[n];
          for (int i = 0; i < n; i++) {
            int found = 0;
            double v = Double.NaN;
            for (Col col : in) {
              if (col.has[i]) {
                found++;
                v = col.v[i];
              }
            }
            r[i] = found == 1 ? v : Double.NaN;
          }
          return r;
        }
      case "timestamp":
        {
          Expr a = Evaluator.unwrap(args.get(0));
          if (a instanceof VectorSelector vs) {
            List<Col> cols = ev.selectVector(vs, true);
            for (Col col : cols) {
              col.dropName = true;
            }
            return cols;
          }
          List<Col> cols = Evaluator.cols(ev.eval(a));
          for (Col col : cols) {
            for (int i = 0; i < n; i++) {
              col.v[i] = ev.times[i] / 1000.0;
            }
            col.dropName = true;
          }
          return cols;
        }
      case "absent":
        {
          List<Col> in = Evaluator.cols(ev.eval(args.get(0)));
          Col out = new Col(Evaluator.absentLabels(args.get(0)), n);
          for (int i = 0; i < n; i++) {
            boolean any = false;
            for (Col col : in) {
              any |= col.has[i];
            }
            if (!any) {
              out.has[i] = true;
              out.v[i] = 1;
            }
          }
          List<Col> r = new ArrayList<>();
          if (out.any()) {
            r.add(out);
          }
          return r;
        }
      case "label_replace":
        return labelReplace(ev, args);
      case "label_join":
        return labelJoin(ev, args);
      case "sort", "sort_desc", "sort_by_label", "sort_by_label_desc":
        return sort(ev, name, args);
      case "clamp", "clamp_min", "clamp_max":
        {
          List<Col> in = Evaluator.cols(ev.eval(args.get(0)));
          double[] lo;
          double[] hi;
          if (name.equals("clamp")) {
            lo = ev.scalar(args.get(1));
            hi = ev.scalar(args.get(2));
          } else if (name.equals("clamp_min")) {
            lo = ev.scalar(args.get(1));
            hi = filled(n, Double.POSITIVE_INFINITY);
          } else {
            lo = filled(n, Double.NEGATIVE_INFINITY);
            hi = ev.scalar(args.get(1));
          }
          for (Col col : in) {
            col.dropName = true;
            for (int i = 0; i < n; i++) {
              if (hi[i] < lo[i]) {
                col.has[i] = false;
              } else {
                col.v[i] = Math.max(lo[i], Math.min(hi[i], col.v[i]));
              }
            }
          }
          return Evaluator.dropEmpty(in);
        }
      case "round":
        {
          List<Col> in = Evaluator.cols(ev.eval(args.get(0)));
          double[] to = args.size() > 1 ? ev.scalar(args.get(1)) : filled(n, 1);
          for (Col col : in) {
            col.dropName = true;
            for (int i = 0; i < n; i++) {
              double inv = 1.0 / to[i];
              col.v[i] = Math.floor(col.v[i] * inv + 0.5) / inv;
            }
          }
          return in;
        }
      case "day_of_month",
          "day_of_week",
          "day_of_year",
          "days_in_month",
          "hour",
          "minute",
          "month",
          "year":
        {
          if (args.isEmpty()) {
            Col col = new Col(Labels.EMPTY, n);
            for (int i = 0; i < n; i++) {
              col.v[i] = dateFn(name, Math.floorDiv(ev.times[i], 1000L));
              col.has[i] = true;
            }
            List<Col> out = new ArrayList<>();
            out.add(col);
            return out;
          }
          List<Col> in = Evaluator.cols(ev.eval(args.get(0)));
          for (Col col : in) {
            col.dropName = true;
            for (int i = 0; i < n; i++) {
              if (col.has[i]) {
                col.v[i] = dateFn(name, (long) col.v[i]);
              }
            }
          }
          return in;
        }
      case "histogram_quantile":
        return Histograms.quantile(ev, args);
      case "histogram_fraction":
        return Histograms.fraction(ev, args);
      case "histogram_quantiles":
        return Histograms.quantiles(ev, args);
      case "histogram_count",
          "histogram_sum",
          "histogram_avg",
          "histogram_stddev",
          "histogram_stdvar":
        {
          // Only native histograms have these; float samples yield nothing.
          ev.eval(args.get(0));
          return new ArrayList<Col>();
        }
      case "info":
        {
          // Without metadata support info() returns its first argument unchanged.
          return ev.eval(args.get(0));
        }
      default:
        break;
    }
    DoubleUnaryOperator f = simple(name);
    if (f == null) {
      throw QueryException.badData("function \"" + name + "\" is not supported");
    }
    List<Col> in = Evaluator.cols(ev.eval(args.get(0)));
    for (Col col : in) {
      col.dropName = true;
      for (int i = 0; i < n; i++) {
        if (col.has[i]) {
          col.v[i] = f.applyAsDouble(col.v[i]);
        }
      }
    }
    return in;
  }

  static double[] filled(int n, double v) {
    double[] r = new double[n];
    java.util.Arrays.fill(r, v);
    return r;
  }

  static DoubleUnaryOperator simple(String name) {
    return switch (name) {
      case "abs" -> Math::abs;
      case "ceil" -> Math::ceil;
      case "floor" -> Math::floor;
      case "exp" -> Math::exp;
      case "sqrt" -> Math::sqrt;
      case "ln" -> Math::log;
      case "log2" -> FunctionCalls::log2;
      case "log10" -> Math::log10;
      case "sin" -> Math::sin;
      case "cos" -> Math::cos;
      case "tan" -> Math::tan;
      case "asin" -> Math::asin;
      case "acos" -> Math::acos;
      case "atan" -> Math::atan;
      case "sinh" -> Math::sinh;
      case "cosh" -> Math::cosh;
      case "tanh" -> Math::tanh;
      case "asinh" ->
          v -> Double.isInfinite(v) ? v : (v == 0 ? v : Math.log(v + Math.sqrt(v * v + 1)));
      case "acosh" -> v -> v < 1 ? Double.NaN : Math.log(v + Math.sqrt(v * v - 1));
      case "atanh" -> v -> 0.5 * Math.log((1 + v) / (1 - v));
      case "rad" -> v -> v * Math.PI / 180;
      case "deg" -> v -> v * 180 / Math.PI;
      case "sgn" -> v -> v < 0 ? -1 : (v > 0 ? 1 : v);
      default -> null;
    };
  }

  /** Go's math.Log2: exact for powers of two. */
  static double log2(double v) {
    if (Double.isNaN(v) || v < 0) {
      return Double.NaN;
    }
    if (v == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (Double.isInfinite(v)) {
      return v;
    }
    int exp = Math.getExponent(v);
    double frac;
    if (exp == Double.MIN_EXPONENT - 1) {
      // Subnormal: normalise first.
      v *= 0x1p52;
      exp = Math.getExponent(v) - 52;
      frac = v / Math.scalb(1.0, Math.getExponent(v) + 1);
    } else {
      frac = v / Math.scalb(1.0, exp + 1);
    }
    // v = frac * 2^(exp+1) with frac in [0.5, 1)
    if (frac == 0.5) {
      return exp;
    }
    return Math.log(frac) * (1 / Math.log(2)) + (exp + 1);
  }

  static double dateFn(String name, long epochSeconds) {
    ZonedDateTime t = Instant.ofEpochSecond(epochSeconds).atZone(ZoneOffset.UTC);
    return switch (name) {
      case "day_of_month" -> t.getDayOfMonth();
      case "day_of_week" -> t.getDayOfWeek().getValue() % 7;
      case "day_of_year" -> t.getDayOfYear();
      case "days_in_month" -> t.toLocalDate().lengthOfMonth();
      case "hour" -> t.getHour();
      case "minute" -> t.getMinute();
      case "month" -> t.getMonthValue();
      case "year" -> t.getYear();
      default -> throw new IllegalArgumentException(name);
    };
  }

  static String str(Expr e) {
    return ((StringLiteral) Evaluator.unwrap(e)).value();
  }

  static boolean validLabelName(String s) {
    return !s.isEmpty() && s.indexOf('\uFFFD') < 0;
  }

  /** Java pattern equivalent of Go's {@code ^(?s:re)$}. */
  static Pattern compileAnchored(String re) {
    return LabelMatcher.compileAnchored(re);
  }

  private static List<Col> labelReplace(Evaluator ev, List<Expr> args) {
    String dst = str(args.get(1));
    String repl = str(args.get(2));
    String src = str(args.get(3));
    String regex = str(args.get(4));
    Pattern p;
    try {
      p = compileAnchored(regex);
    } catch (PatternSyntaxException e) {
      throw QueryException.badData("invalid regular expression in label_replace(): " + regex);
    }
    if (!validLabelName(dst)) {
      throw QueryException.badData("invalid destination label name in label_replace(): " + dst);
    }
    List<Col> in = Evaluator.cols(ev.eval(args.get(0)));
    for (Col col : in) {
      String sv = col.labels.get(src);
      Matcher m = p.matcher(sv);
      if (m.matches()) {
        String res = expand(repl, m);
        col.labels = col.labels.toBuilder().set(dst, res).build();
        if (dst.equals(Labels.METRIC_NAME)) {
          col.dropName = false;
        }
      }
    }
    return ev.mergeSameLabels(in);
  }

  /** Go regexp.Expand: $1, ${1}, $name, ${name}, $$; unknown groups expand to "". */
  static String expand(String template, Matcher m) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '$' || i + 1 >= template.length()) {
        sb.append(c);
        i++;
        continue;
      }
      char d = template.charAt(i + 1);
      if (d == '$') {
        sb.append('$');
        i += 2;
        continue;
      }
      String name;
      int next;
      if (d == '{') {
        int close = template.indexOf('}', i + 2);
        if (close < 0) {
          sb.append(c);
          i++;
          continue;
        }
        name = template.substring(i + 2, close);
        next = close + 1;
        if (name.isEmpty()
            || !name.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')) {
          sb.append(c);
          i++;
          continue;
        }
      } else {
        int j = i + 1;
        while (j < template.length()
            && (Character.isLetterOrDigit(template.charAt(j)) || template.charAt(j) == '_')) {
          j++;
        }
        if (j == i + 1) {
          sb.append(c);
          i++;
          continue;
        }
        name = template.substring(i + 1, j);
        next = j;
      }
      sb.append(group(m, name));
      i = next;
    }
    return sb.toString();
  }

  private static String group(Matcher m, String name) {
    String g = null;
    boolean numeric = name.chars().allMatch(Character::isDigit);
    try {
      if (numeric) {
        int idx = Integer.parseInt(name);
        if (idx <= m.groupCount()) {
          g = m.group(idx);
        }
      } else {
        g = m.group(name);
      }
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      g = null;
    }
    return g == null ? "" : g;
  }

  private static List<Col> labelJoin(Evaluator ev, List<Expr> args) {
    String dst = str(args.get(1));
    String sep = str(args.get(2));
    List<String> srcs = new ArrayList<>();
    for (int i = 3; i < args.size(); i++) {
      String s = str(args.get(i));
      if (!validLabelName(s)) {
        throw QueryException.badData("invalid source label name in label_join(): " + s);
      }
      srcs.add(s);
    }
    if (!validLabelName(dst)) {
      throw QueryException.badData("invalid destination label name in label_join(): " + dst);
    }
    List<Col> in = Evaluator.cols(ev.eval(args.get(0)));
    for (Col col : in) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < srcs.size(); i++) {
        if (i > 0) {
          sb.append(sep);
        }
        sb.append(col.labels.get(srcs.get(i)));
      }
      col.labels = col.labels.toBuilder().set(dst, sb.toString()).build();
      if (dst.equals(Labels.METRIC_NAME)) {
        col.dropName = false;
      }
    }
    return ev.mergeSameLabels(in);
  }

  private static List<Col> sort(Evaluator ev, String name, List<Expr> args) {
    List<Col> in = Evaluator.cols(ev.eval(args.get(0)));
    if (!ev.instant) {
      ev.ctx.warn(
          "sort is ineffective for range queries since results are always ordered by labels");
      return in;
    }
    List<Col> out = new ArrayList<>(in);
    switch (name) {
      case "sort" -> out.sort((a, b) -> Aggregation.compareAsc(a.v[0], b.v[0]));
      case "sort_desc" -> out.sort((a, b) -> Aggregation.compareDesc(a.v[0], b.v[0]));
      default -> {
        List<String> ls = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) {
          ls.add(str(args.get(i)));
        }
        boolean desc = name.endsWith("_desc");
        Comparator<Col> cmp =
            (a, b) -> {
              for (String l : ls) {
                int c = naturalCompare(a.labels.get(l), b.labels.get(l));
                if (c != 0) {
                  return c;
                }
              }
              return a.labels.compareTo(b.labels);
            };
        out.sort(desc ? cmp.reversed() : cmp);
      }
    }
    return out;
  }

  /** Natural order: digit runs compare numerically. */
  static int naturalCompare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
        String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
        if (na.length() != nb.length()) {
          return na.length() - nb.length();
        }
        int c = na.compareTo(nb);
        if (c != 0) {
          return c;
        }
      } else {
        if (ca != cb) {
          return ca - cb;
        }
        i++;
        j++;
      }
    }
    return (a.length() - i) - (b.length() - j);
  }
}
