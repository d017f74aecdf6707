package io.cardinal.server.web;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Number and time formats shared by the API, /federate and /metrics. */
public final class Formats {
  /** Prometheus's API bounds for "no start" / "no end". */
  public static final long MIN_TIME = -9223309901257974L;
  public static final long MAX_TIME = 9223309901257974L;

  private Formats() {}

  /**
   * A float as the text exposition writes it (Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}):
   * shortest digits, exponent form below 1e-4 and from 1e+06 ({@code 1e+06}, {@code 1.5e-05}).
   */
  public static String formatFloat(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == 0) {
      return (1 / v) < 0 ? "-0" : "0";
    }
    BigDecimal bd = new BigDecimal(Double.toString(v)).stripTrailingZeros();
    String digits = bd.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - bd.scale();
    StringBuilder sb = new StringBuilder();
    if (v < 0) {
      sb.append('-');
    }
    if (exp < -4 || exp >= 6) {
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
    if (exp < 0) {
      sb.append("0.");
      sb.append("0".repeat(-exp - 1));
      sb.append(digits);
    } else if (digits.length() <= exp + 1) {
      sb.append(digits);
      sb.append("0".repeat(exp + 1 - digits.length()));
    } else {
      sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
    }
    return sb.toString();
  }

  /**
   * An API time parameter: Unix seconds with optional fraction, or RFC 3339. Throws
   * IllegalArgumentException with Prometheus's message.
   */
  public static long parseTime(String s) {
    // Prometheus's own bounds, which Go's RFC 3339 parser cannot read (years beyond 9999).
    if (s.equals("-292273086-05-16T16:47:06Z")) {
      return MIN_TIME;
    }
    if (s.equals("292277025-08-18T07:12:54.999999999Z")) {
      return MAX_TIME;
    }
    try {
      double d = Double.parseDouble(s);
      if (Double.isFinite(d)) {
        BigDecimal ms = new BigDecimal(s.trim()).movePointRight(3);
        return ms.setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // not a number; try RFC 3339
    }
    try {
      return OffsetDateTime.parse(s).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("cannot parse \"" + s + "\" to a valid timestamp");
    }
  }

  /** RFC 3339 with nanoseconds; the zero time for "never". */
  public static String rfc3339(long ms) {
    if (ms == 0) {
      return "0001-01-01T00:00:00Z";
    }
    return Instant.ofEpochMilli(ms).toString();
  }
}
