package io.cardinal.tsdb.text;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Go's {@code strconv.FormatFloat(v, fmt, -1, 64)} without {@code BigDecimal}: the shortest decimal
 * that reads back as the same double, the closest to the exact binary value when several have that
 * length (ties to an even last digit), with the bounds of the rounding interval included only for
 * an even significand. That is what Go's Ryū ({@code ryuFtoaShortest}) and its exact fallback agree
 * on.
 *
 * <p>The digits come from Raffaello Giulietti's Schubfach algorithm ("The Schubfach way to render
 * doubles", 2020; the algorithm behind {@code Double.toString} since JDK 19), with two changes for
 * Go: no two-digit minimum for the smallest subnormals (Go prints {@code 5e-324}, Java {@code
 * 4.9E-324}), and a one-digit-shorter candidate is tried whenever the digits have two or more
 * digits. The 126-bit powers of ten it multiplies by are computed once, exactly, when the class
 * loads.
 *
 * <p>Everything writes ASCII bytes into a caller's array, so a JSON writer formats numbers in
 * place; {@link #format(double, char)} returns a String for everyone else.
 */
public final class GoFloatShortest {
  private GoFloatShortest() {}

  /**
   * Longest output of {@link #format(double, char, byte[], int)}: {@code -0.} then 323 zeros and 17
   * digits.
   */
  public static final int MAX_LENGTH = 344;

  private static final int P = 53;
  private static final int Q_MIN = -1074;
  private static final long C_MIN = 1L << (P - 1);
  private static final long T_MASK = C_MIN - 1;
  private static final int BQ_MASK = 0x7FF;
  private static final long MASK_63 = (1L << 63) - 1;
  private static final int K_MIN = -324;
  private static final int K_MAX = 292;

  /**
   * For each k in [K_MIN, K_MAX]: g1 and g0 with g = g1·2^63 + g0 = floor(10^-k · 2^(125 -
   * floor(log2 10^-k))) + 1.
   */
  private static final long[] G = new long[2 * (K_MAX - K_MIN + 1)];

  static {
    for (int k = K_MIN; k <= K_MAX; k++) {
      int e = -k;
      BigInteger g;
      if (e >= 0) {
        BigInteger p = BigInteger.TEN.pow(e);
        int shift = 125 - (p.bitLength() - 1);
        g = shift >= 0 ? p.shiftLeft(shift) : p.shiftRight(-shift);
      } else {
        BigInteger p = BigInteger.TEN.pow(-e);
        // floor(log2 10^e) = -bitLength(10^-e), as 10^-e is not a power of two
        g = BigInteger.ONE.shiftLeft(125 + p.bitLength()).divide(p);
      }
      g = g.add(BigInteger.ONE);
      G[2 * (k - K_MIN)] = g.shiftRight(63).longValueExact();
      G[2 * (k - K_MIN) + 1] = g.longValue() & MASK_63;
    }
  }

  /** floor(e · log10(2)) for |e| ≤ 5456721. */
  static int flog10pow2(int e) {
    return (int) (e * 661_971_961_083L >> 41);
  }

  /** floor(log10(3/4 · 2^e)) for |e| ≤ 5456721. */
  static int flog10threeQuartersPow2(int e) {
    return (int) (e * 661_971_961_083L + -274_743_187_321L >> 41);
  }

  /** floor(e · log2(10)) for |e| ≤ 1838394. */
  static int flog2pow10(int e) {
    return (int) (e * 913_124_641_741L >> 38);
  }

  /**
   * Writes the shortest digits of {@code |v|} ({@code v} finite and not zero) to {@code
   * buf[pos..pos+nd)} without trailing zeros and returns {@code (dp << 8) | nd}: the value is
   * {@code 0.d1d2…dnd × 10^dp} (Go's {@code decimalSlice}: {@code dp} is where the decimal point
   * goes).
   */
  public static int digits(double v, byte[] buf, int pos) {
    long bits = Double.doubleToRawLongBits(v);
    long t = bits & T_MASK;
    int bq = (int) (bits >>> (P - 1)) & BQ_MASK;
    if (bq == BQ_MASK || (bq == 0 && t == 0)) {
      throw new IllegalArgumentException("not a finite non-zero double: " + v);
    }
    if (bq != 0) {
      int mq = -Q_MIN + 1 - bq;
      long c = C_MIN | t;
      if (0 < mq && mq < P) {
        long f = c >> mq;
        if (f << mq == c) {
          // An integer below 2^53: its own digits (no shorter decimal reads back as it).
          return emit(f, 0, buf, pos);
        }
      }
      return toDecimal(-mq, c, buf, pos);
    }
    return toDecimal(Q_MIN, t, buf, pos);
  }

  /** Schubfach for v = c·2^q (figure 7 of the paper, JDK's {@code DoubleToDecimal.toDecimal}). */
  private static int toDecimal(int q, long c, byte[] buf, int pos) {
    int out = (int) c & 1;
    long cb = c << 2;
    long cbr = cb + 2;
    long cbl;
    int k;
    if (c != C_MIN || q == Q_MIN) {
      cbl = cb - 2;
      k = flog10pow2(q);
    } else {
      // At a power of two the interval below is half as wide as above.
      cbl = cb - 1;
      k = flog10threeQuartersPow2(q);
    }
    int h = q + flog2pow10(-k) + 2;
    long g1 = G[2 * (k - K_MIN)];
    long g0 = G[2 * (k - K_MIN) + 1];
    long vb = rop(g1, g0, cb << h);
    long vbl = rop(g1, g0, cbl << h);
    long vbr = rop(g1, g0, cbr << h);
    long s = vb >> 2;
    if (s >= 10) {
      // One digit fewer: sp10 = 10·floor(s/10) and tp10 = sp10 + 10; at most one of them is in the
      // interval.
      long sp10 = 10 * Math.multiplyHigh(s, 115_292_150_460_684_698L << 4);
      long tp10 = sp10 + 10;
      boolean upin = vbl + out <= sp10 << 2;
      boolean wpin = (tp10 << 2) + out <= vbr;
      if (upin != wpin) {
        return emit(upin ? sp10 : tp10, k, buf, pos);
      }
    }
    long tt = s + 1;
    boolean uin = vbl + out <= s << 2;
    boolean win = (tt << 2) + out <= vbr;
    if (uin != win) {
      return emit(uin ? s : tt, k, buf, pos);
    }
    // Both s and s + 1 are in the interval: the closer one, the even one on a tie.
    long cmp = vb - (s + tt << 1);
    return emit(cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : tt, k, buf, pos);
  }

  /** Rounded-to-odd {@code cp·g·2^-127}, g = g1·2^63 + g0 (section 9.9 of the paper). */
  private static long rop(long g1, long g0, long cp) {
    long x1 = Math.multiplyHigh(g0, cp);
    long y0 = g1 * cp;
    long y1 = Math.multiplyHigh(g1, cp);
    long z = (y0 >>> 1) + x1;
    long vbp = y1 + (z >>> 63);
    return vbp | (z & MASK_63) + MASK_63 >>> 63;
  }

  /** f·10^e with f > 0: trailing zeros dropped, digits written, {@code (dp << 8) | nd} returned. */
  private static int emit(long f, int e, byte[] buf, int pos) {
    while (f % 10 == 0) {
      f /= 10;
      e++;
    }
    int nd = digitCount(f);
    for (int i = pos + nd - 1; i >= pos; i--) {
      long q = f / 10;
      buf[i] = (byte) ('0' + (int) (f - q * 10));
      f = q;
    }
    return ((nd + e) << 8) | nd;
  }

  private static int digitCount(long f) {
    int n = 1;
    long p = 10;
    while (n < 19 && f >= p) {
      n++;
      p *= 10;
    }
    return n;
  }

  /**
   * Appends {@code strconv.FormatFloat(v, fmt, -1, 64)} to {@code buf} at {@code pos} and returns
   * the end; {@code fmt} is {@code 'g'}, {@code 'e'} or {@code 'f'}. Needs {@link #MAX_LENGTH}
   * bytes of room. NaN, infinities and zeros as Go writes them: {@code NaN}, {@code +Inf}, {@code
   * -Inf}, {@code 0}, {@code -0} (in {@code 'e'} form {@code 0e+00}, as Go).
   */
  public static int format(double v, char fmt, byte[] buf, int pos) {
    if (v != v) {
      return ascii("NaN", buf, pos);
    }
    if (v == Double.POSITIVE_INFINITY) {
      return ascii("+Inf", buf, pos);
    }
    if (v == Double.NEGATIVE_INFINITY) {
      return ascii("-Inf", buf, pos);
    }
    if (Double.doubleToRawLongBits(v) < 0) {
      buf[pos++] = '-';
    }
    if (v == 0) {
      buf[pos++] = '0';
      return fmt == 'e' ? ascii("e+00", buf, pos) : pos;
    }
    // Digits go where the plain form would start them; the layouts below move them as needed.
    int r = digits(v, buf, pos);
    int nd = r & 0xFF;
    int dp = r >> 8;
    int exp = dp - 1;
    boolean eForm = fmt == 'e' || (fmt == 'g' && (exp < -4 || exp >= 6));
    if (eForm) {
      if (nd > 1) {
        System.arraycopy(buf, pos + 1, buf, pos + 2, nd - 1);
        buf[pos + 1] = '.';
        pos += nd + 1;
      } else {
        pos += 1;
      }
      buf[pos++] = 'e';
      buf[pos++] = (byte) (exp < 0 ? '-' : '+');
      int a = Math.abs(exp);
      if (a >= 100) {
        buf[pos++] = (byte) ('0' + a / 100);
        a %= 100;
      }
      buf[pos++] = (byte) ('0' + a / 10);
      buf[pos++] = (byte) ('0' + a % 10);
      return pos;
    }
    if (dp <= 0) {
      // 0.000ddd
      int zeros = -dp;
      System.arraycopy(buf, pos, buf, pos + 2 + zeros, nd);
      buf[pos] = '0';
      buf[pos + 1] = '.';
      for (int i = 0; i < zeros; i++) {
        buf[pos + 2 + i] = '0';
      }
      return pos + 2 + zeros + nd;
    }
    if (dp >= nd) {
      // ddd000
      for (int i = nd; i < dp; i++) {
        buf[pos + i] = '0';
      }
      return pos + dp;
    }
    // dd.ddd
    System.arraycopy(buf, pos + dp, buf, pos + dp + 1, nd - dp);
    buf[pos + dp] = '.';
    return pos + nd + 1;
  }

  /** {@code strconv.FormatFloat(v, fmt, -1, 64)} as a String. */
  public static String format(double v, char fmt) {
    byte[] b = new byte[MAX_LENGTH];
    int n = format(v, fmt, b, 0);
    return new String(b, 0, n, StandardCharsets.ISO_8859_1);
  }

  private static int ascii(String s, byte[] buf, int pos) {
    for (int i = 0; i < s.length(); i++) {
      buf[pos++] = (byte) s.charAt(i);
    }
    return pos;
  }
}
