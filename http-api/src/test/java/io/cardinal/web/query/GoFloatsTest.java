package io.cardinal.web.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cardinal.testing.Seeds;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Number formats of the query API. The expected strings are what Prometheus 2.42 answered for the
 * same values (e.g. {@code /api/v1/query?query=1e-7} gives scalar {@code "0.0000001"}, a vector
 * sample {@code "1e-07"}).
 */
class GoFloatsTest {
  @Test
  void sampleValues() {
    assertEquals("1", GoFloats.sampleValue(1));
    assertEquals("-0", GoFloats.sampleValue(-0.0));
    assertEquals("0", GoFloats.sampleValue(0.0));
    assertEquals("NaN", GoFloats.sampleValue(Double.NaN));
    assertEquals("+Inf", GoFloats.sampleValue(Double.POSITIVE_INFINITY));
    assertEquals("-Inf", GoFloats.sampleValue(Double.NEGATIVE_INFINITY));
    assertEquals("1e-07", GoFloats.sampleValue(1e-7));
    assertEquals("1.23456e-07", GoFloats.sampleValue(123.456e-9));
    assertEquals("-1e+21", GoFloats.sampleValue(-1e21));
    assertEquals("100000000000000000000", GoFloats.sampleValue(1e20));
    assertEquals("0.30000000000000004", GoFloats.sampleValue(0.1 + 0.2));
    assertEquals("0.000001", GoFloats.sampleValue(1e-6));
    assertEquals("123456789012", GoFloats.sampleValue(123456789012.0));
    assertEquals("1.5", GoFloats.sampleValue(1.5));
    assertEquals("0.1", GoFloats.sampleValue(0.1));
    assertEquals("1e+300", GoFloats.sampleValue(1e300));
    assertEquals("5e-324", GoFloats.sampleValue(Double.MIN_VALUE));
    assertEquals("1.7976931348623157e+308", GoFloats.sampleValue(Double.MAX_VALUE));
    assertEquals(
        "9007199254740992", GoFloats.sampleValue(9007199254740993.0)); // 2^53+1 reads as 2^53
    assertEquals("12345678901234567000", GoFloats.sampleValue(12345678901234567890.0));
  }

  @Test
  void scalarValuesArePlain() {
    assertEquals("0.0000001", GoFloats.scalarValue(1e-7));
    assertEquals("1000000000000000000000", GoFloats.scalarValue(1e21));
    assertEquals("+Inf", GoFloats.scalarValue(Double.POSITIVE_INFINITY));
    assertEquals("-0", GoFloats.scalarValue(-0.0));
  }

  @Test
  void timestamps() {
    assertEquals("1.500", sampleTime(1500));
    assertEquals("1.170", sampleTime(1170));
    assertEquals("-1.170", sampleTime(-1170));
    assertEquals("1", sampleTime(1000));
    assertEquals("0.001", sampleTime(1));
    assertEquals("1.050", sampleTime(1050));
    assertEquals("1.5", GoFloats.scalarTime(1500));
    assertEquals("1795259606.17", GoFloats.scalarTime(1795259606170L));
    assertEquals("0", GoFloats.scalarTime(0));
    assertEquals("1e-7", GoFloats.jsonNumber(1e-7));
  }

  /** The BigDecimal implementation these formats had before GoFloatShortest, as the reference. */
  private static String referenceSampleValue(double v) {
    if (!Double.isFinite(v) || v == 0) {
      return Double.isNaN(v)
          ? "NaN"
          : Double.isInfinite(v) ? (v > 0 ? "+Inf" : "-Inf") : (1 / v) < 0 ? "-0" : "0";
    }
    double abs = Math.abs(v);
    if (abs < 1e15 && v == Math.rint(v)) {
      return Long.toString((long) v);
    }
    BigDecimal candidate = new BigDecimal(Double.toString(abs)).stripTrailingZeros();
    BigDecimal exact = new BigDecimal(abs);
    BigDecimal same = exact.round(new MathContext(candidate.precision(), RoundingMode.HALF_EVEN));
    BigDecimal best = same.doubleValue() == abs ? same.stripTrailingZeros() : candidate;
    for (int q = candidate.precision() - 1; q >= 1; q--) {
      BigDecimal r = exact.round(new MathContext(q, RoundingMode.HALF_EVEN));
      if (r.doubleValue() != abs) {
        break;
      }
      best = r.stripTrailingZeros();
    }
    String s;
    if (abs < 1e-6 || abs >= 1e21) {
      String digits = best.unscaledValue().toString();
      int exp = digits.length() - 1 - best.scale();
      s =
          digits.charAt(0)
              + (digits.length() > 1 ? "." + digits.substring(1) : "")
              + "e"
              + (exp < 0 ? "-" : "+")
              + (Math.abs(exp) < 10 ? "0" : "")
              + Math.abs(exp);
    } else {
      s = best.toPlainString();
    }
    return v < 0 ? "-" + s : s;
  }

  @Test
  void sameAsTheBigDecimalImplementationOnRandomValues() {
    long seed = Seeds.seed("GoFloatsTest");
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < 30_000; i++) {
      double v =
          switch (i % 4) {
            case 0 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(-10, 25));
            case 1 -> Double.longBitsToDouble(rnd.nextLong());
            case 2 -> rnd.nextInt(100_000) / 1000.0;
            default -> (rnd.nextBoolean() ? -1 : 1) * rnd.nextLong(1, 1L << 40) / 15.0;
          };
      String s = GoFloats.sampleValue(v);
      assertEquals(
          referenceSampleValue(v),
          s,
          "bits " + Long.toHexString(Double.doubleToRawLongBits(v)) + Seeds.at(seed));
      if (Double.isFinite(v)) {
        assertEquals(v, Double.parseDouble(s), s + Seeds.at(seed));
      }
    }
  }

  @Test
  void jsonNumbers() {
    assertEquals("1e-9", GoFloats.jsonNumber(1e-9));
    assertEquals("1.5e-7", GoFloats.jsonNumber(1.5e-7));
    assertEquals("1e+21", GoFloats.jsonNumber(1e21));
    assertEquals("0.000001", GoFloats.jsonNumber(1e-6));
    assertEquals("0.001234", GoFloats.jsonNumber(0.001234));
    assertEquals("-0", GoFloats.jsonNumber(-0.0));
    assertEquals("1e-100", GoFloats.jsonNumber(1e-100));
    assertEquals("1700006400.5", GoFloats.scalarTime(1700006400500L));
  }

  private static String sampleTime(long ms) {
    StringBuilder sb = new StringBuilder();
    GoFloats.sampleTime(sb, ms);
    return sb.toString();
  }
}
