package io.cardinal.promql.engine;

import java.math.BigDecimal;

/** Float helpers with Go semantics where Java differs. */
final class Numbers {
  static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  private Numbers() {}

  static boolean isStale(double v) {
    return Double.doubleToRawLongBits(v) == STALE_NAN_BITS;
  }

  /**
   * Neumaier-compensated addition: returns the new sum; the new compensation is left in {@code
   * c[0]}.
   */
  static double kahanInc(double inc, double sum, double[] c) {
    double t = sum + inc;
    if (Double.isInfinite(t)) {
      c[0] = 0;
    } else if (Math.abs(sum) >= Math.abs(inc)) {
      c[0] += (sum - t) + inc;
    } else {
      c[0] += (inc - t) + sum;
    }
    return t;
  }

  /** Go's math.Pow special cases that Java's Math.pow does not share. */
  static double pow(double x, double y) {
    if (x == 1 || y == 0) {
      return 1;
    }
    if (x == -1 && Double.isInfinite(y)) {
      return 1;
    }
    return Math.pow(x, y);
  }

  /** Go's {@code %v} / strconv 'g' shortest formatting of a float64. */
  static String formatGo(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == 0) {
      return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
    }
    BigDecimal bd = new BigDecimal(Double.toString(v)).stripTrailingZeros();
    int exp = bd.precision() - bd.scale() - 1;
    if (exp < -4 || exp >= 21) {
      String digits = bd.unscaledValue().abs().toString();
      StringBuilder sb = new StringBuilder();
      if (v < 0) {
        sb.append('-');
      }
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      sb.append('e').append(exp < 0 ? '-' : '+');
      int ae = Math.abs(exp);
      if (ae < 10) {
        sb.append('0');
      }
      sb.append(ae);
      return sb.toString();
    }
    return bd.toPlainString();
  }

  /** Go's strconv.FormatFloat(v, 'f', -1, 64), used by count_values. */
  static String formatPlain(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == 0) {
      return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
    }
    return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }

  /**
   * Go's strconv.ParseFloat: accepts Inf/+Inf/-Inf/infinity/NaN (any case), hex floats and
   * underscores-free decimals.
   */
  static double parseGoFloat(String s) {
    String t = s.trim();
    if (t.isEmpty() || !t.equals(s)) {
      throw new NumberFormatException(s);
    }
    String l = t.toLowerCase(java.util.Locale.ROOT);
    String body = l.startsWith("+") || l.startsWith("-") ? l.substring(1) : l;
    boolean neg = l.startsWith("-");
    if (body.equals("inf") || body.equals("infinity")) {
      return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (body.equals("nan")) {
      return Double.NaN;
    }
    if (body.startsWith("0x")) {
      return Double.parseDouble(t.contains("p") || t.contains("P") ? t : t + "p0");
    }
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != '+' && c != '-') {
        throw new NumberFormatException(s);
      }
    }
    return Double.parseDouble(t);
  }

  /**
   * Quantile of values (sorted in place), as Prometheus' quantile(): linear interpolation between
   * ranks.
   */
  static double quantile(double q, double[] values, int n) {
    if (n == 0 || Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    sortNaNFirst(values, n);
    double rank = q * (n - 1);
    double lower = Math.max(0, Math.floor(rank));
    double upper = Math.min(n - 1, lower + 1);
    double weight = rank - Math.floor(rank);
    return values[(int) lower] * (1 - weight) + values[(int) upper] * weight;
  }

  /** Ascending with NaN first, like Go's sort over vectorByValueHeap. */
  static void sortNaNFirst(double[] values, int n) {
    int nan = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(values[i])) {
        double tmp = values[nan];
        values[nan] = values[i];
        values[i] = tmp;
        nan++;
      }
    }
    java.util.Arrays.sort(values, nan, n);
  }
}
