package io.cardinal.promql.engine;

import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.engine.Evaluator.Col;
import io.cardinal.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * histogram_quantile / histogram_fraction over classic histograms (series with an {@code le}
 * label).
 */
final class Histograms {
  private Histograms() {}

  private static final String LE = "le";

  /** Bucket series grouped by their labels without {@code le}; constant across steps. */
  private static final class Group {
    final Labels labels;
    final List<Col> cols = new ArrayList<>();
    final List<Double> bounds = new ArrayList<>();

    Group(Labels labels) {
      this.labels = labels;
    }
  }

  private static List<Group> group(Evaluator ev, List<Col> in) {
    Map<Labels, Group> groups = new LinkedHashMap<>();
    for (Col c : in) {
      String le = c.labels.get(LE);
      double bound;
      try {
        bound = Numbers.parseGoFloat(le);
      } catch (NumberFormatException e) {
        if (c.any()) {
          ev.ctx.warn(
              "bucket label \"le\" is missing or has a malformed value of \""
                  + le
                  + "\" for metric name \""
                  + c.labels.metricName()
                  + "\"");
        }
        continue;
      }
      Labels key = c.labels.toBuilder().delete(LE).build();
      Group g = groups.computeIfAbsent(key, Group::new);
      g.cols.add(c);
      g.bounds.add(bound);
    }
    return new ArrayList<>(groups.values());
  }

  static List<Col> quantile(Evaluator ev, List<Expr> args) {
    double[] q = ev.scalar(args.get(0));
    List<Col> in = Evaluator.cols(ev.eval(args.get(1)));
    int n = ev.n;
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(q[i]) || q[i] < 0 || q[i] > 1) {
        ev.ctx.warn("quantile value should be between 0 and 1, got " + Numbers.formatGo(q[i]));
      }
    }
    List<Col> out = new ArrayList<>();
    double[] ub = new double[16];
    double[] cnt = new double[16];
    for (Group g : group(ev, in)) {
      Col o = new Col(g.labels, n);
      o.dropName = true;
      for (int i = 0; i < n; i++) {
        int size = 0;
        if (ub.length < g.cols.size()) {
          ub = new double[g.cols.size() * 2];
          cnt = new double[g.cols.size() * 2];
        }
        for (int k = 0; k < g.cols.size(); k++) {
          Col c = g.cols.get(k);
          if (c.has[i]) {
            ub[size] = g.bounds.get(k);
            cnt[size] = c.v[i];
            size++;
          }
        }
        if (size == 0) {
          continue;
        }
        boolean[] forced = new boolean[1];
        o.v[i] = bucketQuantile(q[i], ub, cnt, size, forced);
        o.has[i] = true;
        if (forced[0]) {
          ev.ctx.info(
              "input to histogram_quantile needed to be fixed for monotonicity (see "
                  + "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) "
                  + "for metric name \""
                  + g.labels.metricName()
                  + "\"");
        }
      }
      if (o.any()) {
        out.add(o);
      }
    }
    return out;
  }

  static List<Col> quantiles(Evaluator ev, List<Expr> args) {
    List<Col> all = new ArrayList<>();
    String label = FunctionCalls.str(args.get(1));
    List<Col> in = Evaluator.cols(ev.eval(args.get(0)));
    for (int a = 2; a < args.size(); a++) {
      double[] q = ev.scalar(args.get(a));
      List<Col> copy = new ArrayList<>();
      for (Col c : in) {
        Col d = new Col(c.labels, ev.n);
        System.arraycopy(c.v, 0, d.v, 0, ev.n);
        System.arraycopy(c.has, 0, d.has, 0, ev.n);
        copy.add(d);
      }
      Evaluator sub = ev;
      List<Col> res = quantileOf(sub, q, copy);
      for (Col c : res) {
        c.labels = c.labels.toBuilder().set(label, Numbers.formatGo(q[0])).build();
        all.add(c);
      }
    }
    return all;
  }

  private static List<Col> quantileOf(Evaluator ev, double[] q, List<Col> in) {
    int n = ev.n;
    List<Col> out = new ArrayList<>();
    for (Group g : group(ev, in)) {
      Col o = new Col(g.labels, n);
      o.dropName = true;
      for (int i = 0; i < n; i++) {
        double[] ub = new double[g.cols.size()];
        double[] cnt = new double[g.cols.size()];
        int size = 0;
        for (int k = 0; k < g.cols.size(); k++) {
          if (g.cols.get(k).has[i]) {
            ub[size] = g.bounds.get(k);
            cnt[size] = g.cols.get(k).v[i];
            size++;
          }
        }
        if (size > 0) {
          o.v[i] = bucketQuantile(q[i], ub, cnt, size, new boolean[1]);
          o.has[i] = true;
        }
      }
      if (o.any()) {
        out.add(o);
      }
    }
    return out;
  }

  /**
   * Sorts the first size buckets by upper bound (in place, both arrays, stable) and merges buckets
   * with equal bounds; returns the new size. Insertion sort: a histogram has tens of buckets, and
   * in label order they are nearly sorted already, so this beats an index sort and allocates
   * nothing.
   */
  static int sortAndCoalesce(double[] ub, double[] cnt, int size) {
    for (int i = 1; i < size; i++) {
      double u = ub[i];
      double c = cnt[i];
      int j = i - 1;
      while (j >= 0 && Double.compare(ub[j], u) > 0) {
        ub[j + 1] = ub[j];
        cnt[j + 1] = cnt[j];
        j--;
      }
      ub[j + 1] = u;
      cnt[j + 1] = c;
    }
    int w = 0;
    for (int i = 0; i < size; i++) {
      if (w > 0 && ub[i] == ub[w - 1]) {
        cnt[w - 1] += cnt[i];
      } else {
        ub[w] = ub[i];
        cnt[w] = cnt[i];
        w++;
      }
    }
    return w;
  }

  static double bucketQuantile(double q, double[] ub, double[] cnt, int size, boolean[] forced) {
    if (Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    size = sortAndCoalesce(ub, cnt, size);
    if (ub[size - 1] != Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    // Float precision fix-up, then the monotonic envelope.
    double prev = cnt[0];
    for (int i = 1; i < size; i++) {
      double curr = cnt[i];
      double delta = Math.abs(curr - prev);
      if (delta == 0) {
        continue;
      }
      if (delta / curr <= 1e-12) {
        cnt[i] = prev;
      } else {
        prev = curr;
      }
    }
    double max = cnt[0];
    for (int i = 1; i < size; i++) {
      if (cnt[i] > max) {
        max = cnt[i];
      } else if (cnt[i] < max) {
        cnt[i] = max;
        forced[0] = true;
      }
    }
    if (size < 2) {
      return Double.NaN;
    }
    double observations = cnt[size - 1];
    if (observations == 0) {
      return Double.NaN;
    }
    double rank = q * observations;
    int b = 0;
    while (b < size - 1 && cnt[b] < rank) {
      b++;
    }
    if (b == size - 1) {
      return ub[size - 2];
    }
    if (b == 0 && ub[0] <= 0) {
      return ub[0];
    }
    double bucketStart = 0;
    double bucketEnd = ub[b];
    double count = cnt[b];
    if (b > 0) {
      bucketStart = ub[b - 1];
      count -= cnt[b - 1];
      rank -= cnt[b - 1];
    }
    return bucketStart + (bucketEnd - bucketStart) * (rank / count);
  }

  static List<Col> fraction(Evaluator ev, List<Expr> args) {
    double[] lower = ev.scalar(args.get(0));
    double[] upper = ev.scalar(args.get(1));
    List<Col> in = Evaluator.cols(ev.eval(args.get(2)));
    int n = ev.n;
    List<Col> out = new ArrayList<>();
    for (Group g : group(ev, in)) {
      Col o = new Col(g.labels, n);
      o.dropName = true;
      for (int i = 0; i < n; i++) {
        double[] ub = new double[g.cols.size()];
        double[] cnt = new double[g.cols.size()];
        int size = 0;
        for (int k = 0; k < g.cols.size(); k++) {
          if (g.cols.get(k).has[i]) {
            ub[size] = g.bounds.get(k);
            cnt[size] = g.cols.get(k).v[i];
            size++;
          }
        }
        if (size > 0) {
          o.v[i] = bucketFraction(lower[i], upper[i], ub, cnt, size);
          o.has[i] = true;
        }
      }
      if (o.any()) {
        out.add(o);
      }
    }
    return out;
  }

  static double bucketFraction(double lower, double upper, double[] ub, double[] cnt, int size) {
    size = sortAndCoalesce(ub, cnt, size);
    if (ub[size - 1] != Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    double total = cnt[size - 1];
    if (total == 0 || Double.isNaN(lower) || Double.isNaN(upper)) {
      return Double.NaN;
    }
    if (lower >= upper) {
      return 0;
    }
    double rank = 0;
    double lowerRank = 0;
    double upperRank = 0;
    boolean lowerSet = false;
    boolean upperSet = false;
    for (int i = 0; i < size; i++) {
      double bLower = i == 0 ? (ub[0] > 0 ? 0 : Double.NEGATIVE_INFINITY) : ub[i - 1];
      double bUpper = ub[i];
      double bCount = cnt[i] - (i == 0 ? 0 : cnt[i - 1]);
      if (!lowerSet && bLower >= lower) {
        lowerRank = rank;
        lowerSet = true;
      }
      if (!upperSet && bLower >= upper) {
        upperRank = rank;
        upperSet = true;
      }
      if (lowerSet && upperSet) {
        break;
      }
      if (!lowerSet && bLower < lower && bUpper > lower) {
        lowerRank = rank + interpolate(bCount, bLower, bUpper, lower);
        lowerSet = true;
      }
      if (!upperSet && bLower < upper && bUpper > upper) {
        upperRank = rank + interpolate(bCount, bLower, bUpper, upper);
        upperSet = true;
      }
      if (lowerSet && upperSet) {
        break;
      }
      rank += bCount;
    }
    if (!lowerSet || lowerRank > total) {
      lowerRank = total;
    }
    if (!upperSet || upperRank > total) {
      upperRank = total;
    }
    return (upperRank - lowerRank) / total;
  }

  private static double interpolate(double count, double lo, double hi, double v) {
    if (Double.isInfinite(lo) || Double.isInfinite(hi)) {
      // Unknown distribution inside an infinite bucket: count nothing of it below v.
      return Double.isInfinite(hi) ? 0 : count;
    }
    return count * (v - lo) / (hi - lo);
  }
}
