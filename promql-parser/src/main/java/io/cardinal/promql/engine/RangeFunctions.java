package io.cardinal.promql.engine;

import io.cardinal.promql.ast.Call;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.engine.Evaluator.Col;
import io.cardinal.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Functions over range vectors. For each input series the window (end - range, end] slides over the
 * series' samples with two indexes; each function reads {@code t[lo..hi]}, {@code v[lo..hi]}
 * without copying.
 */
final class RangeFunctions {
  private RangeFunctions() {}

  private static final int RATE = 0;
  private static final int INCREASE = 1;
  private static final int DELTA = 2;
  private static final int IRATE = 3;
  private static final int IDELTA = 4;
  private static final int RESETS = 5;
  private static final int CHANGES = 6;
  private static final int DERIV = 7;
  private static final int PREDICT_LINEAR = 8;
  private static final int COUNT_OVER_TIME = 9;
  private static final int PRESENT_OVER_TIME = 10;
  private static final int LAST_OVER_TIME = 11;
  private static final int FIRST_OVER_TIME = 12;
  private static final int TS_OF_LAST_OVER_TIME = 13;
  private static final int TS_OF_FIRST_OVER_TIME = 14;
  private static final int SUM_OVER_TIME = 15;
  private static final int AVG_OVER_TIME = 16;
  private static final int MIN_OVER_TIME = 17;
  private static final int STDDEV_OVER_TIME = 18;
  private static final int QUANTILE_OVER_TIME = 19;
  private static final int DOUBLE_EXPONENTIAL_SMOOTHING = 20;

  /**
   * The function's case in {@link #eval}'s per-step switch; -1 for functions not evaluated there.
   */
  static int code(String fn) {
    return switch (fn) {
      case "rate" -> RATE;
      case "increase" -> INCREASE;
      case "delta" -> DELTA;
      case "irate" -> IRATE;
      case "idelta" -> IDELTA;
      case "resets" -> RESETS;
      case "changes" -> CHANGES;
      case "deriv" -> DERIV;
      case "predict_linear" -> PREDICT_LINEAR;
      case "count_over_time" -> COUNT_OVER_TIME;
      case "present_over_time" -> PRESENT_OVER_TIME;
      case "last_over_time" -> LAST_OVER_TIME;
      case "first_over_time" -> FIRST_OVER_TIME;
      case "ts_of_last_over_time" -> TS_OF_LAST_OVER_TIME;
      case "ts_of_first_over_time" -> TS_OF_FIRST_OVER_TIME;
      case "sum_over_time" -> SUM_OVER_TIME;
      case "avg_over_time" -> AVG_OVER_TIME;
      case "min_over_time", "max_over_time", "ts_of_min_over_time", "ts_of_max_over_time" ->
          MIN_OVER_TIME;
      case "stddev_over_time", "stdvar_over_time" -> STDDEV_OVER_TIME;
      case "quantile_over_time", "mad_over_time" -> QUANTILE_OVER_TIME;
      case "double_exponential_smoothing" -> DOUBLE_EXPONENTIAL_SMOOTHING;
      default -> -1;
    };
  }

  static Object eval(Evaluator ev, Call c, int matIdx, Expr arg) {
    String fn = c.function().name();
    int n = ev.n;
    double[][] scalars = new double[c.args().size()][];
    for (int i = 0; i < c.args().size(); i++) {
      if (i != matIdx) {
        scalars[i] = ev.scalar(c.args().get(i));
      }
    }
    long[] ends = ev.windowEnds(arg);
    long range = ev.rangeOf(arg);
    boolean keepName = fn.equals("last_over_time") || fn.equals("first_over_time");
    List<Col> out = new ArrayList<>();
    boolean[] anyAt = fn.equals("absent_over_time") ? new boolean[n] : null;
    double[] scratch = new double[16];
    double[] c1 = new double[1];
    // Decided once per call, not per step.
    final int code = code(fn);
    final boolean max = fn.contains("max");
    final boolean ts = fn.startsWith("ts_");
    final boolean stddev = fn.startsWith("stddev");
    final boolean quantile = fn.equals("quantile_over_time");
    ev.forEachRangeSeries(
        arg,
        ends,
        range,
        (labels, dropName, t, v, size) -> {
          Col col = null;
          int lo = 0;
          int hi = -1;
          double[] buf = scratch;
          for (int i = 0; i < n; i++) {
            // A window can be millions of samples (a subquery at 1s over days): the timeout and
            // a cancellation must be able to stop a query between its steps, not only between
            // its series.
            ev.ctx.checkDeadline();
            long e = ends[i];
            long s = e - range;
            if (i > 0 && e < ends[i - 1]) {
              lo = 0;
              hi = -1;
            }
            while (hi + 1 < size && t[hi + 1] <= e) {
              hi++;
            }
            while (lo < size && t[lo] <= s) {
              lo++;
            }
            if (lo > hi) {
              continue;
            }
            if (anyAt != null) {
              anyAt[i] = true;
              continue;
            }
            double r;
            switch (code) {
              case RATE -> r = extrapolatedRate(t, v, lo, hi, s, e, range, true, true);
              case INCREASE -> r = extrapolatedRate(t, v, lo, hi, s, e, range, true, false);
              case DELTA -> r = extrapolatedRate(t, v, lo, hi, s, e, range, false, false);
              case IRATE -> r = instant(t, v, lo, hi, true);
              case IDELTA -> r = instant(t, v, lo, hi, false);
              case RESETS -> {
                int k = 0;
                for (int j = lo + 1; j <= hi; j++) {
                  if (v[j] < v[j - 1]) {
                    k++;
                  }
                }
                r = k;
              }
              case CHANGES -> {
                int k = 0;
                for (int j = lo + 1; j <= hi; j++) {
                  if (v[j] != v[j - 1] && !(Double.isNaN(v[j]) && Double.isNaN(v[j - 1]))) {
                    k++;
                  }
                }
                r = k;
              }
              case DERIV -> r = hi - lo < 1 ? none() : regression(t, v, lo, hi, t[lo])[0];
              case PREDICT_LINEAR -> {
                if (hi - lo < 1) {
                  r = none();
                } else {
                  double[] si = regression(t, v, lo, hi, ev.times[i]);
                  r = si[0] * scalars[1][i] + si[1];
                }
              }
              case COUNT_OVER_TIME -> r = hi - lo + 1;
              case PRESENT_OVER_TIME -> r = 1;
              case LAST_OVER_TIME -> r = v[hi];
              case FIRST_OVER_TIME -> r = v[lo];
              case TS_OF_LAST_OVER_TIME -> r = t[hi] / 1000.0;
              case TS_OF_FIRST_OVER_TIME -> r = t[lo] / 1000.0;
              case SUM_OVER_TIME -> {
                double sum = 0;
                c1[0] = 0;
                for (int j = lo; j <= hi; j++) {
                  sum = Numbers.kahanInc(v[j], sum, c1);
                }
                r = Double.isInfinite(sum) ? sum : sum + c1[0];
              }
              case AVG_OVER_TIME -> r = avg(v, lo, hi, c1);
              case MIN_OVER_TIME -> {
                double best = v[lo];
                long bt = t[lo];
                for (int j = lo; j <= hi; j++) {
                  double x = v[j];
                  boolean better;
                  if (ts) {
                    better = (max ? x >= best : x <= best) || Double.isNaN(best);
                  } else {
                    better = (max ? x > best : x < best) || Double.isNaN(best);
                  }
                  if (better) {
                    best = x;
                    bt = t[j];
                  }
                }
                r = ts ? bt / 1000.0 : best;
              }
              case STDDEV_OVER_TIME -> {
                double count = 0;
                double mean = 0;
                double cMean = 0;
                double aux = 0;
                double cAux = 0;
                for (int j = lo; j <= hi; j++) {
                  count++;
                  double delta = v[j] - (mean + cMean);
                  c1[0] = cMean;
                  mean = Numbers.kahanInc(delta / count, mean, c1);
                  cMean = c1[0];
                  c1[0] = cAux;
                  aux = Numbers.kahanInc(delta * (v[j] - (mean + cMean)), aux, c1);
                  cAux = c1[0];
                }
                double variance = (aux + cAux) / count;
                r = stddev ? Math.sqrt(variance) : variance;
              }
              case QUANTILE_OVER_TIME -> {
                int cnt = hi - lo + 1;
                if (buf.length < cnt) {
                  buf = new double[cnt * 2];
                }
                System.arraycopy(v, lo, buf, 0, cnt);
                if (quantile) {
                  double q = scalars[0][i];
                  if (Double.isNaN(q) || q < 0 || q > 1) {
                    ev.ctx.warn(
                        "quantile value should be between 0 and 1, got " + Numbers.formatGo(q));
                  }
                  r = Numbers.quantile(q, buf, cnt);
                } else {
                  double median = Numbers.quantile(0.5, buf, cnt);
                  for (int j = 0; j < cnt; j++) {
                    buf[j] = Math.abs(v[lo + j] - median);
                  }
                  r = Numbers.quantile(0.5, buf, cnt);
                }
              }
              case DOUBLE_EXPONENTIAL_SMOOTHING ->
                  r = smoothing(v, lo, hi, scalars[1][i], scalars[2][i]);
              default -> throw QueryException.badData("function \"" + fn + "\" is not supported");
            }
            if (isNone(r)) {
              continue;
            }
            if (col == null) {
              col = new Col(labels, n);
              col.dropName = dropName || !keepName;
            }
            col.v[i] = r;
            col.has[i] = true;
          }
          if (col != null) {
            int points = 0;
            for (boolean b : col.has) {
              points += b ? 1 : 0;
            }
            ev.ctx.addSamples(points);
            out.add(col);
            if (code == RATE || code == INCREASE) {
              String name = labels.metricName();
              if (!name.isEmpty()
                  && !name.endsWith("_total")
                  && !name.endsWith("_sum")
                  && !name.endsWith("_count")
                  && !name.endsWith("_bucket")) {
                ev.ctx.info(
                    "metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \""
                        + name
                        + "\"");
              }
            }
          }
        });
    if (anyAt != null) {
      Col col = new Col(Evaluator.absentLabels(arg), n);
      for (int i = 0; i < n; i++) {
        if (!anyAt[i]) {
          col.has[i] = true;
          col.v[i] = 1;
        }
      }
      List<Col> r = new ArrayList<>();
      if (col.any()) {
        r.add(col);
      }
      return r;
    }
    return out;
  }

  /** A NaN payload no arithmetic produces: "this step has no output". */
  private static final long NO_RESULT_BITS = 0x7ff8dead0000beefL;

  static double none() {
    return Double.longBitsToDouble(NO_RESULT_BITS);
  }

  static boolean isNone(double r) {
    return Double.doubleToRawLongBits(r) == NO_RESULT_BITS;
  }

  static double extrapolatedRate(
      long[] t,
      double[] v,
      int lo,
      int hi,
      long rangeStart,
      long rangeEnd,
      long range,
      boolean isCounter,
      boolean isRate) {
    if (hi - lo < 1) {
      return none();
    }
    int numMinusOne = hi - lo;
    long firstT = t[lo];
    long lastT = t[hi];
    double result = v[hi] - v[lo];
    if (isCounter) {
      for (int j = lo + 1; j <= hi; j++) {
        if (v[j] < v[j - 1]) {
          result += v[j - 1];
        }
      }
    }
    double durationToStart = (firstT - rangeStart) / 1000.0;
    double durationToEnd = (rangeEnd - lastT) / 1000.0;
    double sampledInterval = (lastT - firstT) / 1000.0;
    double avgBetween = sampledInterval / numMinusOne;
    double threshold = avgBetween * 1.1;
    if (durationToStart >= threshold) {
      durationToStart = avgBetween / 2;
    }
    if (isCounter) {
      double durationToZero = durationToStart;
      if (result > 0 && v[lo] >= 0) {
        durationToZero = sampledInterval * (v[lo] / result);
      }
      if (durationToZero < durationToStart) {
        durationToStart = durationToZero;
      }
    }
    if (durationToEnd >= threshold) {
      durationToEnd = avgBetween / 2;
    }
    double factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
    if (isRate) {
      factor /= range / 1000.0;
    }
    return result * factor;
  }

  static double instant(long[] t, double[] v, int lo, int hi, boolean isRate) {
    if (hi - lo < 1) {
      return none();
    }
    long dt = t[hi] - t[hi - 1];
    if (dt == 0) {
      return none();
    }
    double r;
    if (isRate && v[hi] < v[hi - 1]) {
      r = v[hi];
    } else {
      r = v[hi] - v[hi - 1];
    }
    if (isRate) {
      r /= dt / 1000.0;
    }
    return r;
  }

  /** Least-squares fit; returns {slope, intercept at interceptTime}. */
  static double[] regression(long[] t, double[] v, int lo, int hi, long interceptTime) {
    double n = 0;
    double[] cx = new double[1];
    double[] cy = new double[1];
    double[] cxy = new double[1];
    double[] cx2 = new double[1];
    double sumX = 0;
    double sumY = 0;
    double sumXY = 0;
    double sumX2 = 0;
    double initY = v[lo];
    boolean constY = true;
    for (int j = lo; j <= hi; j++) {
      if (constY && j > lo && v[j] != initY) {
        constY = false;
      }
      n += 1;
      double x = (t[j] - interceptTime) / 1e3;
      sumX = Numbers.kahanInc(x, sumX, cx);
      sumY = Numbers.kahanInc(v[j], sumY, cy);
      sumXY = Numbers.kahanInc(x * v[j], sumXY, cxy);
      sumX2 = Numbers.kahanInc(x * x, sumX2, cx2);
    }
    if (constY) {
      if (Double.isInfinite(initY)) {
        return new double[] {Double.NaN, Double.NaN};
      }
      return new double[] {0, initY};
    }
    sumX += cx[0];
    sumY += cy[0];
    sumXY += cxy[0];
    sumX2 += cx2[0];
    double covXY = sumXY - sumX * sumY / n;
    double varX = sumX2 - sumX * sumX / n;
    double slope = covXY / varX;
    double intercept = sumY / n - slope * sumX / n;
    return new double[] {slope, intercept};
  }

  static double avg(double[] v, int lo, int hi, double[] c1) {
    double sum = v[lo];
    double count = 1;
    double mean = 0;
    double kahanC = 0;
    boolean incremental = false;
    for (int j = lo + 1; j <= hi; j++) {
      count = j - lo + 1;
      if (!incremental) {
        c1[0] = kahanC;
        double ns = Numbers.kahanInc(v[j], sum, c1);
        if (!Double.isInfinite(ns)) {
          sum = ns;
          kahanC = c1[0];
          continue;
        }
        incremental = true;
        mean = sum / (count - 1);
        kahanC /= count - 1;
      }
      double q = (count - 1) / count;
      c1[0] = q * kahanC;
      mean = Numbers.kahanInc(v[j] / count, q * mean, c1);
      kahanC = c1[0];
    }
    if (incremental) {
      return mean + kahanC;
    }
    return sum / count + kahanC / count;
  }

  static double smoothing(double[] v, int lo, int hi, double sf, double tf) {
    if (sf <= 0 || sf >= 1) {
      throw QueryException.badData(
          "invalid smoothing factor. Expected: 0 < sf < 1, got: " + String.format("%f", sf));
    }
    if (tf <= 0 || tf >= 1) {
      throw QueryException.badData(
          "invalid trend factor. Expected: 0 < tf < 1, got: " + String.format("%f", tf));
    }
    int l = hi - lo + 1;
    if (l < 2) {
      return none();
    }
    double s0 = 0;
    double s1 = v[lo];
    double b = v[lo + 1] - v[lo];
    for (int i = 1; i < l; i++) {
      double x = sf * v[lo + i];
      if (i - 1 != 0) {
        b = tf * (s1 - s0) + (1 - tf) * b;
      }
      double y = (1 - sf) * (s1 + b);
      s0 = s1;
      s1 = x + y;
    }
    return s1;
  }

  static long[] copyOf(long[] a) {
    return Arrays.copyOf(a, a.length);
  }

  static Labels labelsOf(Col c) {
    return c.labels;
  }
}
