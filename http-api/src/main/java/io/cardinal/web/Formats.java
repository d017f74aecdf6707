package io.cardinal.web;

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
    return io.cardinal.tsdb.text.GoFloat.formatG(v);
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
    long whole = wholeSeconds(s);
    if (whole >= 0) {
      return whole * 1000;
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

  /**
   * {@code s} as whole seconds when it is 1 to 15 ASCII digits (exact in milliseconds), else -1.
   */
  static long wholeSeconds(String s) {
    int n = s.length();
    if (n == 0 || n > 15) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** RFC 3339 with nanoseconds; the zero time for "never". */
  public static String rfc3339(long ms) {
    if (ms == 0) {
      return "0001-01-01T00:00:00Z";
    }
    return Instant.ofEpochMilli(ms).toString();
  }
}
