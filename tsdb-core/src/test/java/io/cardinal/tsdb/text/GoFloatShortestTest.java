package io.cardinal.tsdb.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cardinal.testing.Seeds;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link GoFloatShortest} against known outputs of Go's {@code strconv.FormatFloat(v, fmt, -1, 64)}
 * and against an exact {@code BigDecimal} reference of Go's rule on randomized doubles (seed
 * printed; rerun with {@code -Dcardinal.seed=...}).
 */
class GoFloatShortestTest {
  private static final long SEED = Seeds.seed("GoFloatShortestTest");

  /** Expected strings are Go 1.20's strconv.FormatFloat(v, 'g'|'e'|'f', -1, 64). */
  @Test
  void knownGoOutputs() {
    Object[][] cases = {
      // value, 'g', 'e', 'f'
      {0.0, "0", "0e+00", "0"},
      {-0.0, "-0", "-0e+00", "-0"},
      {1.0, "1", "1e+00", "1"},
      {-2.5, "-2.5", "-2.5e+00", "-2.5"},
      {0.1, "0.1", "1e-01", "0.1"},
      {0.1 + 0.2, "0.30000000000000004", "3.0000000000000004e-01", "0.30000000000000004"},
      {1.0 / 3, "0.3333333333333333", "3.333333333333333e-01", "0.3333333333333333"},
      {2.0 / 3, "0.6666666666666666", "6.666666666666666e-01", "0.6666666666666666"},
      {123456.0, "123456", "1.23456e+05", "123456"},
      {1e6, "1e+06", "1e+06", "1000000"},
      {1.5e6, "1.5e+06", "1.5e+06", "1500000"},
      {123456789.0, "1.23456789e+08", "1.23456789e+08", "123456789"},
      {0.0001, "0.0001", "1e-04", "0.0001"},
      {1e-5, "1e-05", "1e-05", "0.00001"},
      {1.2345e-5, "1.2345e-05", "1.2345e-05", "0.000012345"},
      {1e21, "1e+21", "1e+21", "1000000000000000000000"},
      {1e22, "1e+22", "1e+22", "10000000000000000000000"},
      {1e23, "1e+23", "1e+23", "100000000000000000000000"},
      {2e23, "2e+23", "2e+23", "200000000000000000000000"},
      {8.41e21, "8.41e+21", "8.41e+21", "8410000000000000000000"},
      {5e-324, "5e-324", "5e-324", null},
      {1e-323, "1e-323", "1e-323", null},
      {1.5e-323, "1.5e-323", "1.5e-323", null},
      {2.2250738585072014e-308, "2.2250738585072014e-308", "2.2250738585072014e-308", null},
      {2.225073858507201e-308, "2.225073858507201e-308", "2.225073858507201e-308", null},
      {Double.MAX_VALUE, "1.7976931348623157e+308", "1.7976931348623157e+308", null},
      {9007199254740992.0, "9.007199254740992e+15", "9.007199254740992e+15", "9007199254740992"},
      {9007199254740993.0, "9.007199254740992e+15", "9.007199254740992e+15", "9007199254740992"},
      {
        9.223372036854776e18,
        "9.223372036854776e+18",
        "9.223372036854776e+18",
        "9223372036854776000"
      },
      {
        12345678901234567890.0,
        "1.2345678901234567e+19",
        "1.2345678901234567e+19",
        "12345678901234567000"
      },
      {1e300, "1e+300", "1e+300", null},
      {1e100, "1e+100", "1e+100", null},
      {123.456e-9, "1.23456e-07", "1.23456e-07", "0.000000123456"},
      {1e-7, "1e-07", "1e-07", "0.0000001"},
      {5.0e-9, "5e-09", "5e-09", "0.000000005"},
      {3.141592653589793, "3.141592653589793", "3.141592653589793e+00", "3.141592653589793"},
      {19.84, "19.84", "1.984e+01", "19.84"},
      {1700006400.015, "1.700006400015e+09", "1.700006400015e+09", "1700006400.015"},
      {Double.NaN, "NaN", "NaN", "NaN"},
      {Double.POSITIVE_INFINITY, "+Inf", "+Inf", "+Inf"},
      {Double.NEGATIVE_INFINITY, "-Inf", "-Inf", "-Inf"},
    };
    for (Object[] c : cases) {
      double v = (Double) c[0];
      assertEquals(c[1], GoFloatShortest.format(v, 'g'), "g " + v);
      assertEquals(c[2], GoFloatShortest.format(v, 'e'), "e " + v);
      if (c[3] != null) {
        assertEquals(c[3], GoFloatShortest.format(v, 'f'), "f " + v);
      }
    }
    // Long plain forms
    assertEquals("0." + "0".repeat(323) + "5", GoFloatShortest.format(Double.MIN_VALUE, 'f'));
    assertEquals("-0." + "0".repeat(323) + "5", GoFloatShortest.format(-Double.MIN_VALUE, 'f'));
    assertEquals(
        "17976931348623157" + "0".repeat(292), GoFloatShortest.format(Double.MAX_VALUE, 'f'));
    assertEquals(
        "-17976931348623157" + "0".repeat(292), GoFloatShortest.format(-Double.MAX_VALUE, 'f'));
  }

  @Test
  void log2AndLog10Approximations() {
    for (int e = -2000; e <= 2000; e++) {
      BigDecimal p2 =
          e >= 0
              ? new BigDecimal(BigInteger.ONE.shiftLeft(e))
              : BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-e)));
      assertEquals(floorLog10(p2), GoFloatShortest.flog10pow2(e), "flog10pow2 " + e);
      assertEquals(
          floorLog10(p2.multiply(new BigDecimal("0.75"))),
          GoFloatShortest.flog10threeQuartersPow2(e),
          "flog10threeQuartersPow2 " + e);
    }
    for (int e = -700; e <= 700; e++) {
      BigInteger p = BigInteger.TEN.pow(Math.abs(e));
      int expect = e >= 0 ? p.bitLength() - 1 : e == 0 ? 0 : -p.bitLength();
      assertEquals(expect, GoFloatShortest.flog2pow10(e), "flog2pow10 " + e);
    }
  }

  private static int floorLog10(BigDecimal x) {
    // x = unscaled · 10^-scale; floor(log10 x) = digits(unscaled) - 1 - scale
    return x.unscaledValue().toString().length() - 1 - x.scale();
  }

  /**
   * Go's rule, exactly: among decimals strictly inside the rounding interval of v (bounds included
   * when the significand is even; the interval below a power of two is half as wide), those with
   * the fewest significant digits; of those the closest to v; on a tie the one with an even last
   * digit.
   */
  static String reference(double v) {
    long bits = Double.doubleToRawLongBits(Math.abs(v));
    int be = (int) (bits >>> 52);
    long t = bits & ((1L << 52) - 1);
    long c = be == 0 ? t : t | (1L << 52);
    int q = be == 0 ? -1074 : be - 1075;
    BigDecimal exact = new BigDecimal(Math.abs(v));
    BigDecimal ulp =
        q >= 0
            ? new BigDecimal(BigInteger.ONE.shiftLeft(q))
            : BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-q)));
    BigDecimal half = ulp.divide(BigDecimal.valueOf(2));
    BigDecimal upper = exact.add(half);
    BigDecimal lower =
        (c == (1L << 52) && be > 1)
            ? exact.subtract(half.divide(BigDecimal.valueOf(2)))
            : exact.subtract(half);
    boolean inclusive = (c & 1) == 0;
    int e10 = floorLog10(exact);
    for (int n = 1; n <= 17; n++) {
      BigDecimal unit = BigDecimal.ONE.scaleByPowerOfTen(e10 - n + 1);
      BigDecimal lo = exact.divide(unit).setScale(0, RoundingMode.FLOOR).multiply(unit);
      BigDecimal hi = lo.add(unit);
      boolean loIn = lo.signum() > 0 && in(lo, lower, upper, inclusive);
      boolean hiIn = in(hi, lower, upper, inclusive);
      BigDecimal pick = null;
      if (loIn && hiIn) {
        int cmp = exact.subtract(lo).compareTo(hi.subtract(exact));
        boolean loEven = !lo.divide(unit).toBigInteger().testBit(0);
        pick = cmp < 0 || (cmp == 0 && loEven) ? lo : hi;
      } else if (loIn) {
        pick = lo;
      } else if (hiIn) {
        pick = hi;
      }
      if (pick != null) {
        return (v < 0 ? "-" : "") + layoutG(pick.stripTrailingZeros());
      }
    }
    throw new AssertionError("no decimal for " + v);
  }

  private static boolean in(BigDecimal x, BigDecimal lower, BigDecimal upper, boolean inclusive) {
    int a = x.compareTo(lower);
    int b = x.compareTo(upper);
    return inclusive ? a >= 0 && b <= 0 : a > 0 && b < 0;
  }

  private static String layoutG(BigDecimal d) {
    String digits = d.unscaledValue().toString();
    int exp = digits.length() - 1 - d.scale();
    if (exp < -4 || exp >= 6) {
      String m = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
      return m + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
    return d.toPlainString();
  }

  @Test
  void matchesTheExactRuleOnRandomDoubles() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int i = 0; i < 100_000; i++) {
      double v;
      switch (i % 6) {
        case 0 -> v = Double.longBitsToDouble(r.nextLong()); // any bits
        case 1 -> v = Double.longBitsToDouble(r.nextLong() & 0x000FFFFFFFFFFFFFL); // subnormal
        case 2 -> v = Double.longBitsToDouble((r.nextLong(1, 2046) << 52)); // powers of two
        case 3 -> v = r.nextInt(1, 1_000_000) / Math.pow(10, r.nextInt(0, 12)); // few digits
        case 4 ->
            v =
                Double.longBitsToDouble(
                    r.nextLong(0, 40)
                        | ((long) r.nextInt(1, 2047) << 52)
                            ^ (r.nextBoolean() ? (1L << 63) : 0)); // near powers of two
        default -> v = r.nextDouble() * Math.pow(10, r.nextInt(-30, 30)); // everyday magnitudes
      }
      if (!Double.isFinite(v) || v == 0) {
        continue;
      }
      String got = GoFloatShortest.format(v, 'g');
      assertEquals(
          reference(v),
          got,
          "value bits " + Long.toHexString(Double.doubleToRawLongBits(v)) + Seeds.at(SEED));
      assertEquals(v, Double.parseDouble(got), got);
    }
  }

  @Test
  void everySmallSubnormalAndNeighboursOfPowersOfTen() {
    for (long b = 1; b < 5000; b++) {
      double v = Double.longBitsToDouble(b);
      assertEquals(reference(v), GoFloatShortest.format(v, 'g'), "bits " + b);
    }
    for (int e = -323; e <= 308; e++) {
      double p = Double.parseDouble("1e" + e);
      for (double v : new double[] {p, Math.nextUp(p), Math.nextDown(p)}) {
        if (v != 0 && Double.isFinite(v)) {
          assertEquals(reference(v), GoFloatShortest.format(v, 'g'), "1e" + e + " neighbour " + v);
        }
      }
    }
  }

  @Test
  void digitsAreWrittenInPlace() {
    byte[] buf = new byte[40];
    buf[0] = 'x';
    int r = GoFloatShortest.digits(1234.5, buf, 1);
    assertEquals(5, r & 0xFF);
    assertEquals(4, r >> 8);
    assertEquals("x12345", new String(buf, 0, 6, java.nio.charset.StandardCharsets.US_ASCII));
    r = GoFloatShortest.digits(0.00012, buf, 0);
    assertEquals(2, r & 0xFF);
    assertEquals(-3, r >> 8);
  }
}
