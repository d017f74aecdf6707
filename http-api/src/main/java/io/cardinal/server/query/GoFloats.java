package io.cardinal.server.query;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Float and timestamp text exactly as Prometheus's query API writes it, which is Go's
 * {@code strconv.FormatFloat(v, fmt, -1, 64)}: the shortest decimal that reads back as the same
 * double (the closest such decimal when several have that length), in plain ({@code 'f'}) or
 * exponent ({@code 'e'}) form.
 *
 * <ul>
 *   <li>{@link #sampleValue}: values in vectors and matrices: {@code 'f'}, or {@code 'e'} when
 *       {@code |v| < 1e-6} or {@code |v| >= 1e21} ({@code "1e-07"}, {@code "-1e+21"}).
 *   <li>{@link #scalarValue}: scalar results: always {@code 'f'} ({@code "0.0000001"}).
 *   <li>{@link #sampleTime}: timestamps in vectors and matrices: seconds with the millisecond
 *       fraction written with three digits when not zero ({@code 1.500}, {@code 12}).
 *   <li>{@link #scalarTime}: timestamps of scalar and string results: the float seconds as Go's
 *       JSON encoder writes them ({@code 1.5}).
 * </ul>
 *
 * <p>Java 17's {@code Double.toString} always reads back exactly but is not always the shortest
 * (JDK-4511638), so its digits are only a starting point: rounding the exact binary value to one
 * digit fewer and checking whether it still reads back finds a shorter form when there is one.
 */
public final class GoFloats {
  private GoFloats() {}

  /** A vector or matrix sample value. */
  public static String sampleValue(double v) {
    if (!Double.isFinite(v) || v == 0) {
      return special(v);
    }
    double abs = Math.abs(v);
    if (abs < 1e15 && v == Math.rint(v)) {
      return Long.toString((long) v);
    }
    BigDecimal d = shortest(abs);
    String s = abs < 1e-6 || abs >= 1e21 ? exponent(d) : d.toPlainString();
    return v < 0 ? "-" + s : s;
  }

  /** A scalar result's value: always plain notation. */
  public static String scalarValue(double v) {
    if (!Double.isFinite(v) || v == 0) {
      return special(v);
    }
    double abs = Math.abs(v);
    if (abs < 1e15 && v == Math.rint(v)) {
      return Long.toString((long) v);
    }
    String s = shortest(abs).toPlainString();
    return v < 0 ? "-" + s : s;
  }

  /** Appends a vector/matrix timestamp (milliseconds) as seconds: {@code 1700000000.100}. */
  public static void sampleTime(StringBuilder sb, long ms) {
    if (ms < 0) {
      sb.append('-');
      if (ms == Long.MIN_VALUE) {
        sb.append("9223372036854775.808");
        return;
      }
      ms = -ms;
    }
    sb.append(ms / 1000);
    long frac = ms % 1000;
    if (frac != 0) {
      sb.append('.');
      if (frac < 100) {
        sb.append('0');
      }
      if (frac < 10) {
        sb.append('0');
      }
      sb.append(frac);
    }
  }

  /** A scalar/string result timestamp: {@code float64(ms)/1000} as Go's encoding/json writes a float64. */
  public static String scalarTime(long ms) {
    return jsonNumber(ms / 1000.0);
  }

  /** A float64 as Go's encoding/json writes it: plain, or exponent form outside [1e-6, 1e21) with {@code e-7}. */
  public static String jsonNumber(double v) {
    if (!Double.isFinite(v)) {
      return special(v);
    }
    if (v == 0) {
      return (1 / v) < 0 ? "-0" : "0";
    }
    double abs = Math.abs(v);
    if (abs < 1e15 && v == Math.rint(v)) {
      return Long.toString((long) v);
    }
    BigDecimal d = shortest(abs);
    String s;
    if (abs < 1e-6 || abs >= 1e21) {
      s = exponent(d);
      // encoding/json cleans e-09 up to e-9
      int n = s.length();
      if (n >= 4 && s.charAt(n - 4) == 'e' && s.charAt(n - 3) == '-' && s.charAt(n - 2) == '0') {
        s = s.substring(0, n - 2) + s.charAt(n - 1);
      }
    } else {
      s = d.toPlainString();
    }
    return v < 0 ? "-" + s : s;
  }

  private static String special(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return (1 / v) < 0 ? "-0" : "0";
  }

  /** The shortest decimal (trailing zeros stripped) that reads back as {@code v}; v positive and finite. */
  static BigDecimal shortest(double v) {
    BigDecimal candidate = new BigDecimal(Double.toString(v)).stripTrailingZeros();
    int p = candidate.precision();
    BigDecimal exact = new BigDecimal(v);
    // The closest decimal of the same length, which is what Go picks among equally short ones.
    BigDecimal same = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
    BigDecimal best = same.doubleValue() == v ? same.stripTrailingZeros() : candidate;
    // Whether a q-digit decimal reads back is monotone in q: stop at the first length that fails.
    for (int q = p - 1; q >= 1; q--) {
      BigDecimal r = exact.round(new MathContext(q, RoundingMode.HALF_EVEN));
      if (r.doubleValue() != v) {
        break;
      }
      best = r.stripTrailingZeros();
    }
    return best;
  }

  /** Go's {@code 'e'} form of a positive decimal: {@code d[.ddd]e±XX}, at least two exponent digits. */
  private static String exponent(BigDecimal d) {
    String digits = d.unscaledValue().toString();
    int exp = digits.length() - 1 - d.scale();
    StringBuilder sb = new StringBuilder(digits.length() + 6);
    sb.append(digits.charAt(0));
    if (digits.length() > 1) {
      sb.append('.').append(digits, 1, digits.length());
    }
    sb.append('e').append(exp < 0 ? '-' : '+');
    int a = Math.abs(exp);
    if (a < 10) {
      sb.append('0');
    }
    sb.append(a);
    return sb.toString();
  }
}
