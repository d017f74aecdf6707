package io.cardinal.tsdb.text;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Go's float formatting, which Prometheus's text outputs use everywhere (the exposition format,
 * PromQL's printer, promtool's dumps): one implementation for every module.
 */
public final class GoFloat {
  private GoFloat() {}

  /**
   * Go's {@code strconv.FormatFloat(v, 'g', -1, 64)} ({@code %g}, {@code fmt.Sprint}): the shortest
   * decimal that reads back as the same double, in exponent form when the decimal exponent is
   * below -4 or at least 6 ({@code 1e+06}, {@code 1.2345e-05}, {@code 123456}); {@code +Inf},
   * {@code -Inf}, {@code NaN}, {@code -0}. The shortest digits are searched explicitly because
   * {@link Double#toString} is not always shortest on Java 17.
   */
  public static String formatG(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == 0) {
      return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
    }
    StringBuilder sb = new StringBuilder(24);
    if (v < 0) {
      sb.append('-');
      v = -v;
    }
    // Fast path: integers below 1e6 print as themselves.
    if (v < 1e6 && v == Math.rint(v)) {
      return sb.append((long) v).toString();
    }
    String digits;
    int exp; // decimal exponent of the first digit: v = d.ddd × 10^exp
    BigDecimal exact = new BigDecimal(v);
    BigDecimal shortest = null;
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == v) {
        shortest = r;
        break;
      }
    }
    if (shortest == null) {
      shortest = exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }
    shortest = shortest.stripTrailingZeros();
    digits = shortest.unscaledValue().toString();
    exp = digits.length() - 1 - shortest.scale();
    if (exp < -4 || exp >= 6) {
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      sb.append('e').append(exp < 0 ? '-' : '+');
      int ae = Math.abs(exp);
      if (ae < 10) {
        sb.append('0');
      }
      return sb.append(ae).toString();
    }
    if (exp < 0) {
      sb.append("0.");
      for (int i = -1; i > exp; i--) {
        sb.append('0');
      }
      return sb.append(digits).toString();
    }
    int intDigits = exp + 1;
    if (digits.length() <= intDigits) {
      sb.append(digits);
      for (int i = digits.length(); i < intDigits; i++) {
        sb.append('0');
      }
      return sb.toString();
    }
    return sb.append(digits, 0, intDigits).append('.').append(digits, intDigits, digits.length()).toString();
  }
}
