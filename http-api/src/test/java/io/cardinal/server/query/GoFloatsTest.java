package io.cardinal.server.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Number formats of the query API. The expected strings are what Prometheus 2.42 answered for the same
 * values (e.g. {@code /api/v1/query?query=1e-7} gives scalar {@code "0.0000001"}, a vector sample
 * {@code "1e-07"}).
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
    assertEquals("9007199254740992", GoFloats.sampleValue(9007199254740993.0)); // 2^53+1 reads as 2^53
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

  @Test
  void shortestReadsBackAndIsNotLongerThanJavas() {
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      double v = switch (i % 3) {
        case 0 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(-10, 25));
        case 1 -> Double.longBitsToDouble(rnd.nextLong() & 0x7fefffffffffffffL);
        default -> rnd.nextInt(100_000) / 1000.0;
      };
      if (v == 0 || !Double.isFinite(v)) {
        continue;
      }
      String s = GoFloats.sampleValue(v);
      assertEquals(v, Double.parseDouble(s), s);
      String digits = GoFloats.shortest(v).unscaledValue().toString();
      String java = new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().unscaledValue().toString();
      assertEquals(true, digits.length() <= java.length(), v + ": " + digits + " vs " + java);
    }
  }

  private static String sampleTime(long ms) {
    StringBuilder sb = new StringBuilder();
    GoFloats.sampleTime(sb, ms);
    return sb.toString();
  }
}
