package io.cardinal.streaming;

import io.cardinal.promql.ast.BinaryOp;
import io.cardinal.promql.ast.VectorMatching;
import io.cardinal.promql.engine.EngineFunctions;
import io.cardinal.tsdb.labels.Labels;

/**
 * The value semantics streaming results must share with the PromQL engine: compensated sums, the
 * extrapolation of rate/increase/delta, scalar operators, label sets of matches and groups. The
 * engine keeps its versions package-private, so these are written here against the same definitions
 * (floating-point operations in the same order, so results are bit for bit equal); they are to be
 * replaced by the engine's once it exposes them.
 */
final class Semantics {
  private Semantics() {}

  /** The bits of Prometheus' stale marker. */
  static final long STALE_BITS = 0x7ff0000000000002L;

  static boolean isStale(double v) {
    return EngineFunctions.isStale(v);
  }

  /** A Neumaier-compensated running sum. */
  static final class Compensated {
    double sum;
    double c;

    Compensated(double sum, double c) {
      this.sum = sum;
      this.c = c;
    }

    /** Adds {@code x} to the sum, accumulating the rounding error in {@link #c}. */
    void add(double x) {
      double next = sum + x;
      if (Double.isInfinite(next)) {
        c = 0;
      } else if (Math.abs(sum) >= Math.abs(x)) {
        c += (sum - next) + x;
      } else {
        c += (x - next) + sum;
      }
      sum = next;
    }

    /** The compensated total, as sums report it. */
    double total() {
      return Double.isInfinite(sum) ? sum : sum + c;
    }
  }

  /** Go's math.Pow where it differs from Java's. */
  static double pow(double x, double y) {
    return EngineFunctions.pow(x, y);
  }

  /** Arithmetic, or a comparison giving 1 or 0, between two floats. */
  static double scalarOp(BinaryOp op, double l, double r) {
    return EngineFunctions.scalarOp(op, l, r);
  }

  static boolean compare(BinaryOp op, double l, double r) {
    return EngineFunctions.compare(op, l, r);
  }

  /** Whether the operator's result is no longer the metric it was computed from. */
  static boolean dropsName(BinaryOp op) {
    return EngineFunctions.changesSchema(op);
  }

  /** The labels without the metric name and the type/unit metadata labels. */
  static Labels withoutMetadata(Labels l) {
    return EngineFunctions.dropMetadata(l);
  }

  /** The key two sides are matched on: the on() labels, or all but ignoring() and the name. */
  static Labels matchKey(Labels l, VectorMatching m) {
    return EngineFunctions.signature(l, m);
  }

  /** The labels of a vector/vector result, from the "many" side and the included "one" labels. */
  static Labels matchedLabels(Labels many, Labels one, BinaryOp op, VectorMatching m) {
    return EngineFunctions.resultMetric(many, one, op, m);
  }

  /** The group of an aggregation: the by() labels, or all but without() and the name. */
  static Labels groupKey(Labels l, java.util.List<String> grouping, boolean without) {
    return EngineFunctions.groupLabels(l, grouping, without);
  }

  // ------------------------------------------------------------------------- range functions

  /**
   * rate, increase and delta over the samples {@code lo..hi} of the window (start, end]: the
   * difference between the last and first sample (counter resets added back for counters),
   * extrapolated towards the window's edges unless the series seems to start or end inside it.
   * NaN-payload {@link #NONE} when there are fewer than two samples.
   */
  static double extrapolated(
      long[] t,
      double[] v,
      int lo,
      int hi,
      long start,
      long end,
      long rangeMs,
      boolean counter,
      boolean perSecond) {
    if (hi <= lo) {
      return NONE;
    }
    double delta = v[hi] - v[lo];
    if (counter) {
      for (int j = lo + 1; j <= hi; j++) {
        if (v[j] < v[j - 1]) {
          delta += v[j - 1];
        }
      }
    }
    double toStart = (t[lo] - start) / 1000.0;
    double toEnd = (end - t[hi]) / 1000.0;
    double sampled = (t[hi] - t[lo]) / 1000.0;
    double average = sampled / (hi - lo);
    // A gap to an edge longer than 1.1 average intervals: the series starts (or ends) inside the
    // window; extrapolate only half an interval there.
    double limit = average * 1.1;
    if (toStart >= limit) {
      toStart = average / 2;
    }
    if (counter) {
      // A counter is never extrapolated below zero.
      double toZero = toStart;
      if (delta > 0 && v[lo] >= 0) {
        toZero = sampled * (v[lo] / delta);
      }
      if (toZero < toStart) {
        toStart = toZero;
      }
    }
    if (toEnd >= limit) {
      toEnd = average / 2;
    }
    double factor = (sampled + toStart + toEnd) / sampled;
    if (perSecond) {
      factor /= rangeMs / 1000.0;
    }
    return delta * factor;
  }

  /** irate and idelta: from the last two samples. */
  static double lastTwo(long[] t, double[] v, int lo, int hi, boolean perSecond) {
    if (hi <= lo) {
      return NONE;
    }
    long dt = t[hi] - t[hi - 1];
    if (dt == 0) {
      return NONE;
    }
    double d = perSecond && v[hi] < v[hi - 1] ? v[hi] : v[hi] - v[hi - 1];
    return perSecond ? d / (dt / 1000.0) : d;
  }

  /** The mean, summing with compensation until the sum overflows, then a running mean. */
  static double mean(double[] v, int lo, int hi) {
    Compensated s = new Compensated(v[lo], 0);
    int j = lo + 1;
    for (; j <= hi; j++) {
      double before = s.c;
      double sumBefore = s.sum;
      s.add(v[j]);
      if (Double.isInfinite(s.sum)) {
        // Restore and switch to the running mean from this sample on.
        s.sum = sumBefore;
        s.c = before;
        break;
      }
    }
    if (j > hi) {
      double count = hi - lo + 1;
      return s.sum / count + s.c / count;
    }
    double count = j - lo;
    Compensated m = new Compensated(s.sum / count, s.c / count);
    for (; j <= hi; j++) {
      count = j - lo + 1;
      double q = (count - 1) / count;
      m.sum = q * m.sum;
      m.c = q * m.c;
      m.add(v[j] / count);
    }
    return m.sum + m.c;
  }

  /** Population variance with a compensated running mean (Welford). */
  static double variance(double[] v, int lo, int hi) {
    double count = 0;
    Compensated mean = new Compensated(0, 0);
    Compensated aux = new Compensated(0, 0);
    for (int j = lo; j <= hi; j++) {
      count++;
      double d = v[j] - (mean.sum + mean.c);
      mean.add(d / count);
      aux.add(d * (v[j] - (mean.sum + mean.c)));
    }
    return (aux.sum + aux.c) / count;
  }

  /** A NaN payload no arithmetic produces: "no value at this step". */
  static final double NONE = Double.longBitsToDouble(0x7ff8_5eed_0000_0001L);

  static boolean isNone(double r) {
    return Double.doubleToRawLongBits(r) == 0x7ff8_5eed_0000_0001L;
  }
}
