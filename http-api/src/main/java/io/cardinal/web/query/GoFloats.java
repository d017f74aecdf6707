package io.cardinal.web.query;

import io.cardinal.tsdb.text.GoFloatShortest;
import java.nio.charset.StandardCharsets;

/**
 * Float and timestamp text exactly as Prometheus's query API writes it, which is Go's {@code
 * strconv.FormatFloat(v, fmt, -1, 64)}: the shortest decimal that reads back as the same double
 * (the closest such decimal when several have that length), in plain ({@code 'f'}) or exponent
 * ({@code 'e'}) form.
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
 * <p>The digits come from {@link GoFloatShortest} (no {@code BigDecimal}); every format has a
 * variant that writes ASCII bytes into an array for {@link JsonBytes}, and a String variant.
 */
public final class GoFloats {
  private GoFloats() {}

  /** Room any single number below needs in a byte array. */
  static final int MAX_LENGTH = GoFloatShortest.MAX_LENGTH + 8;

  /** A vector or matrix sample value. */
  public static String sampleValue(double v) {
    byte[] b = new byte[MAX_LENGTH];
    return ascii(b, appendSampleValue(b, 0, v));
  }

  /** A scalar result's value: always plain notation. */
  public static String scalarValue(double v) {
    byte[] b = new byte[MAX_LENGTH];
    return ascii(b, appendScalarValue(b, 0, v));
  }

  /** Appends a vector/matrix timestamp (milliseconds) as seconds: {@code 1700000000.100}. */
  public static void sampleTime(StringBuilder sb, long ms) {
    byte[] b = new byte[32];
    sb.append(ascii(b, appendSampleTime(b, 0, ms)));
  }

  /**
   * A scalar/string result timestamp: {@code float64(ms)/1000} as Go's encoding/json writes a
   * float64.
   */
  public static String scalarTime(long ms) {
    return jsonNumber(ms / 1000.0);
  }

  /**
   * A float64 as Go's encoding/json writes it: plain, or exponent form outside [1e-6, 1e21) with
   * {@code e-7}.
   */
  public static String jsonNumber(double v) {
    byte[] b = new byte[MAX_LENGTH];
    return ascii(b, appendJsonNumber(b, 0, v));
  }

  /** {@link #sampleValue} into {@code b} at {@code pos}; returns the end. */
  static int appendSampleValue(byte[] b, int pos, double v) {
    double abs = Math.abs(v);
    if (abs < 1e15 && v == (long) v && v != 0) {
      return appendLong(b, pos, (long) v);
    }
    return GoFloatShortest.format(v, abs != 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f', b, pos);
  }

  /** {@link #scalarValue} into {@code b} at {@code pos}; returns the end. */
  static int appendScalarValue(byte[] b, int pos, double v) {
    if (Math.abs(v) < 1e15 && v == (long) v && v != 0) {
      return appendLong(b, pos, (long) v);
    }
    return GoFloatShortest.format(v, 'f', b, pos);
  }

  /** {@link #jsonNumber} into {@code b} at {@code pos}; returns the end. */
  static int appendJsonNumber(byte[] b, int pos, double v) {
    double abs = Math.abs(v);
    if (abs < 1e15 && v == (long) v && v != 0) {
      return appendLong(b, pos, (long) v);
    }
    boolean e = abs != 0 && Double.isFinite(v) && (abs < 1e-6 || abs >= 1e21);
    int end = GoFloatShortest.format(v, e ? 'e' : 'f', b, pos);
    // encoding/json cleans e-09 up to e-9
    if (e && end - pos >= 4 && b[end - 4] == 'e' && b[end - 3] == '-' && b[end - 2] == '0') {
      b[end - 2] = b[end - 1];
      end--;
    }
    return end;
  }

  /** {@link #sampleTime} into {@code b} at {@code pos}; returns the end. */
  static int appendSampleTime(byte[] b, int pos, long ms) {
    if (ms < 0) {
      b[pos++] = '-';
      if (ms == Long.MIN_VALUE) {
        byte[] s = "9223372036854775.808".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, b, pos, s.length);
        return pos + s.length;
      }
      ms = -ms;
    }
    pos = appendLong(b, pos, ms / 1000);
    int frac = (int) (ms % 1000);
    if (frac != 0) {
      b[pos] = '.';
      b[pos + 1] = (byte) ('0' + frac / 100);
      b[pos + 2] = (byte) ('0' + frac / 10 % 10);
      b[pos + 3] = (byte) ('0' + frac % 10);
      pos += 4;
    }
    return pos;
  }

  /** A non-negative or negative long in decimal. */
  static int appendLong(byte[] b, int pos, long n) {
    if (n < 0) {
      if (n == Long.MIN_VALUE) {
        byte[] s = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, b, pos, s.length);
        return pos + s.length;
      }
      b[pos++] = '-';
      n = -n;
    }
    int len = 1;
    for (long p = 10; len < 19 && n >= p; p *= 10) {
      len++;
    }
    for (int i = pos + len - 1; i >= pos; i--) {
      long q = n / 10;
      b[i] = (byte) ('0' + (int) (n - q * 10));
      n = q;
    }
    return pos + len;
  }

  private static String ascii(byte[] b, int len) {
    return new String(b, 0, len, StandardCharsets.ISO_8859_1);
  }
}
