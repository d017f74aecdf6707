package io.cardinal.promql.engine;

import io.cardinal.promql.ast.AggregateExpr;
import io.cardinal.promql.ast.AggregateOp;
import io.cardinal.promql.ast.StringLiteral;
import io.cardinal.promql.engine.Evaluator.Col;
import io.cardinal.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Aggregation operators, computed for all steps at once with per-(group, step) state in primitive
 * arrays.
 */
final class Aggregation {
  private Aggregation() {}

  static Object eval(Evaluator ev, AggregateExpr a) {
    AggregateOp op = a.op();
    if (op == AggregateOp.COUNT_VALUES) {
      return countValues(ev, a);
    }
    double[] param = null;
    if (a.param() != null && op != AggregateOp.COUNT_VALUES) {
      param = ev.scalar(a.param());
    }
    List<Col> in = Evaluator.cols(ev.eval(a.expr()));
    int n = ev.n;
    switch (op) {
      case TOPK, BOTTOMK, LIMITK, LIMIT_RATIO -> {
        return selectK(ev, a, in, param);
      }
      case QUANTILE -> {
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        boolean nan = false;
        for (double q : param) {
          nan |= Double.isNaN(q);
          max = Math.max(max, q);
          min = Math.min(min, q);
        }
        if (nan) {
          ev.ctx.warn("quantile value should be between 0 and 1, got NaN");
        }
        if (max > 1) {
          ev.ctx.warn("quantile value should be between 0 and 1, got " + Numbers.formatGo(max));
        }
        if (min < 0) {
          ev.ctx.warn("quantile value should be between 0 and 1, got " + Numbers.formatGo(min));
        }
      }
      default -> {}
    }
    // Group the input series.
    int[] groupOf = new int[in.size()];
    List<Col> out = new ArrayList<>();
    Map<Labels, Integer> groups = new HashMap<>();
    for (int s = 0; s < in.size(); s++) {
      Labels key = groupLabels(in.get(s).labels, a.grouping(), a.without());
      Integer g = groups.get(key);
      if (g == null) {
        g = out.size();
        groups.put(key, g);
        out.add(new Col(key, n));
      }
      groupOf[s] = g;
    }
    int gs = out.size();
    double[] val = new double[gs * n];
    double[] mean = new double[gs * n];
    double[] comp = new double[gs * n];
    double[] count = new double[gs * n];
    boolean[] incremental = op == AggregateOp.AVG ? new boolean[gs * n] : null;
    double[][] qvals = op == AggregateOp.QUANTILE ? new double[gs * n][] : null;
    int[] qsize = op == AggregateOp.QUANTILE ? new int[gs * n] : null;
    double[] c1 = new double[1];
    for (int s = 0; s < in.size(); s++) {
      Col c = in.get(s);
      int g = groupOf[s];
      Col o = out.get(g);
      o.dropName |= c.dropName;
      for (int i = 0; i < n; i++) {
        if (!c.has[i]) {
          continue;
        }
        double f = c.v[i];
        int x = g * n + i;
        if (!o.has[i]) {
          o.has[i] = true;
          val[x] = f;
          mean[x] = f;
          count[x] = 1;
          switch (op) {
            case STDDEV, STDVAR ->
                val[x] = Double.isNaN(f) || Double.isInfinite(f) ? Double.NaN : 0;
            case GROUP -> val[x] = 1;
            case QUANTILE -> {
              qvals[x] = new double[4];
              qvals[x][0] = f;
              qsize[x] = 1;
            }
            default -> {}
          }
          continue;
        }
        switch (op) {
          case SUM -> {
            c1[0] = comp[x];
            val[x] = Numbers.kahanInc(f, val[x], c1);
            comp[x] = c1[0];
          }
          case AVG -> {
            count[x]++;
            if (!incremental[x]) {
              c1[0] = comp[x];
              double nv = Numbers.kahanInc(f, val[x], c1);
              if (!Double.isInfinite(nv)) {
                val[x] = nv;
                comp[x] = c1[0];
                break;
              }
              incremental[x] = true;
              mean[x] = val[x] / (count[x] - 1);
              comp[x] = comp[x] / (count[x] - 1);
            }
            double q = (count[x] - 1) / count[x];
            c1[0] = q * comp[x];
            mean[x] = Numbers.kahanInc(f / count[x], q * mean[x], c1);
            comp[x] = c1[0];
          }
          case MAX -> {
            if (val[x] < f || Double.isNaN(val[x])) {
              val[x] = f;
            }
          }
          case MIN -> {
            if (val[x] > f || Double.isNaN(val[x])) {
              val[x] = f;
            }
          }
          case COUNT -> count[x]++;
          case STDDEV, STDVAR -> {
            count[x]++;
            double delta = f - mean[x];
            mean[x] += delta / count[x];
            val[x] += delta * (f - mean[x]);
          }
          case QUANTILE -> {
            if (qsize[x] == qvals[x].length) {
              qvals[x] = Arrays.copyOf(qvals[x], qsize[x] * 2);
            }
            qvals[x][qsize[x]++] = f;
          }
          default -> {}
        }
      }
    }
    for (int g = 0; g < gs; g++) {
      Col o = out.get(g);
      for (int i = 0; i < n; i++) {
        if (!o.has[i]) {
          continue;
        }
        int x = g * n + i;
        o.v[i] =
            switch (op) {
              case SUM -> Double.isInfinite(val[x]) ? val[x] : val[x] + comp[x];
              case AVG ->
                  incremental[x] ? mean[x] + comp[x] : val[x] / count[x] + comp[x] / count[x];
              case COUNT -> count[x];
              case STDVAR -> val[x] / count[x];
              case STDDEV -> Math.sqrt(val[x] / count[x]);
              case QUANTILE -> Numbers.quantile(param[i], qvals[x], qsize[x]);
              default -> val[x];
            };
      }
    }
    return out;
  }

  /**
   * The output label set of a group: the "by" labels, or all labels minus the "without" ones and
   * the name.
   */
  static Labels groupLabels(Labels l, List<String> grouping, boolean without) {
    if (without) {
      return l.drop(grouping, Labels.METRIC_NAME);
    }
    if (grouping.isEmpty()) {
      return Labels.EMPTY;
    }
    return l.keep(grouping);
  }

  private static List<Col> selectK(Evaluator ev, AggregateExpr a, List<Col> in, double[] param) {
    AggregateOp op = a.op();
    int n = ev.n;
    double max = Double.NEGATIVE_INFINITY;
    double min = Double.POSITIVE_INFINITY;
    boolean nan = false;
    for (double p : param) {
      nan |= Double.isNaN(p);
      if (!Double.isNaN(p)) {
        max = Math.max(max, p);
        min = Math.min(min, p);
      }
    }
    if (op == AggregateOp.LIMIT_RATIO) {
      if (!nan && max == 0 && min == 0) {
        return new ArrayList<>();
      }
      if (nan) {
        throw QueryException.execution("Ratio value is NaN");
      }
      if (max > 1) {
        ev.ctx.warn(
            "ratio value should be between -1 and 1, got "
                + Numbers.formatGo(max)
                + ", capping to 1");
      }
      if (min < -1) {
        ev.ctx.warn(
            "ratio value should be between -1 and 1, got "
                + Numbers.formatGo(min)
                + ", capping to -1");
      }
    } else {
      if (!nan && max < 1) {
        return new ArrayList<>();
      }
      if (nan) {
        throw QueryException.execution("Parameter value is NaN");
      }
      if (min <= -9.223372036854776E18) {
        throw QueryException.execution(
            "Scalar value " + Numbers.formatGo(min) + " underflows int64");
      }
      if (max >= 9.223372036854776E18) {
        throw QueryException.execution(
            "Scalar value " + Numbers.formatGo(max) + " overflows int64");
      }
    }
    // Groups in order of first appearance.
    Map<Labels, List<Integer>> groups = new LinkedHashMap<>();
    for (int s = 0; s < in.size(); s++) {
      groups
          .computeIfAbsent(
              groupLabels(in.get(s).labels, a.grouping(), a.without()), k -> new ArrayList<>())
          .add(s);
    }
    Col[] outCols = new Col[in.size()];
    List<Col> ordered = new ArrayList<>();
    Integer[] idx = new Integer[in.size()];
    for (int i = 0; i < n; i++) {
      long k = (long) param[i];
      k = Math.min(k, in.size());
      double r = Math.max(-1, Math.min(1, param[i]));
      for (List<Integer> members : groups.values()) {
        int cnt = 0;
        for (int s : members) {
          if (in.get(s).has[i]) {
            idx[cnt++] = s;
          }
        }
        if (cnt == 0) {
          continue;
        }
        final int step = i;
        int take;
        switch (op) {
          case TOPK -> {
            Arrays.sort(idx, 0, cnt, (x, y) -> compareDesc(in.get(x).v[step], in.get(y).v[step]));
            take = (int) Math.max(0, Math.min(k, cnt));
          }
          case BOTTOMK -> {
            Arrays.sort(idx, 0, cnt, (x, y) -> compareAsc(in.get(x).v[step], in.get(y).v[step]));
            take = (int) Math.max(0, Math.min(k, cnt));
          }
          case LIMITK -> take = (int) Math.max(0, Math.min(k, cnt));
          default -> {
            int w = 0;
            for (int q = 0; q < cnt; q++) {
              double off = ratioOffset(in.get(idx[q]).labels);
              if ((r >= 0 && off < r) || (r < 0 && off >= 1.0 + r)) {
                idx[w++] = idx[q];
              }
            }
            take = w;
          }
        }
        for (int q = 0; q < take; q++) {
          int s = idx[q];
          Col src = in.get(s);
          Col o = outCols[s];
          if (o == null) {
            o = new Col(src.labels, n);
            o.dropName = src.dropName;
            outCols[s] = o;
            ordered.add(o);
          }
          o.v[i] = src.v[i];
          o.has[i] = true;
        }
      }
    }
    return ordered;
  }

  /** Descending, NaN last (topk). */
  static int compareDesc(double x, double y) {
    if (Double.isNaN(x)) {
      return Double.isNaN(y) ? 0 : 1;
    }
    if (Double.isNaN(y)) {
      return -1;
    }
    return Double.compare(y, x) == 0 ? 0 : (x > y ? -1 : (x < y ? 1 : 0));
  }

  /** Ascending, NaN last (bottomk). */
  static int compareAsc(double x, double y) {
    if (Double.isNaN(x)) {
      return Double.isNaN(y) ? 0 : 1;
    }
    if (Double.isNaN(y)) {
      return -1;
    }
    return x < y ? -1 : (x > y ? 1 : 0);
  }

  static double ratioOffset(Labels l) {
    long h = l.hash64();
    return ((h >>> 1) * 2.0 + (h & 1)) / 18446744073709551615.0;
  }

  private static List<Col> countValues(Evaluator ev, AggregateExpr a) {
    String label = ((StringLiteral) Evaluator.unwrap(a.param())).value();
    if (label.isEmpty() || label.indexOf('\uFFFD') >= 0) {
      throw QueryException.execution("invalid label name " + goQuote(label));
    }
    List<Col> in = Evaluator.cols(ev.eval(a.expr()));
    int n = ev.n;
    List<String> grouping = new ArrayList<>(a.grouping());
    if (!a.without()) {
      grouping.add(label);
    }
    LinkedHashMap<Labels, Col> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      for (Col c : in) {
        if (!c.has[i]) {
          continue;
        }
        Labels withValue = c.labels.toBuilder().set(label, Numbers.formatPlain(c.v[i])).build();
        Labels key = groupLabels(withValue, grouping, a.without());
        Col o = out.computeIfAbsent(key, k -> new Col(k, n));
        if (!o.has[i]) {
          o.has[i] = true;
          o.v[i] = 0;
        }
        o.v[i]++;
      }
    }
    return new ArrayList<>(out.values());
  }

  static String goQuote(String s) {
    StringBuilder sb = new StringBuilder();
    Labels.quote(sb, s);
    return sb.toString();
  }
}
