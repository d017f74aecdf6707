package io.cardinal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cardinal.testing.Seeds;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FormatsTest {
  @Test
  void wholeSecondsTakeTheShortPathAndAgreeWithTheDecimalOne() {
    long seed = Seeds.seed("FormatsTest");
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 10_000; i++) {
      long secs = r.nextLong(1L, 999_999_999_999_999L) >> r.nextInt(50);
      String s = Long.toString(secs);
      assertEquals(secs, Formats.wholeSeconds(s), s + Seeds.at(seed));
      long viaDecimal =
          new BigDecimal(s).movePointRight(3).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
      assertEquals(viaDecimal, Formats.parseTime(s), s + Seeds.at(seed));
    }
    assertEquals(1_700_013_585_000L, Formats.parseTime("1700013585"));
    assertEquals(0, Formats.parseTime("0"));
  }

  @Test
  void everythingElseStillParsesAsBefore() {
    assertEquals(-1, Formats.wholeSeconds("1.5"));
    assertEquals(-1, Formats.wholeSeconds("-3"));
    assertEquals(-1, Formats.wholeSeconds("1e3"));
    assertEquals(-1, Formats.wholeSeconds(""));
    assertEquals(
        -1, Formats.wholeSeconds("1234567890123456"), "16 digits go the exact decimal way");
    assertEquals(1_500, Formats.parseTime("1.5"));
    assertEquals(-3_000, Formats.parseTime("-3"));
    assertEquals(1_000_000, Formats.parseTime("1e3"));
    assertEquals(1_700_000_015_100L, Formats.parseTime("1700000015.1"));
    assertEquals(1_700_000_000_000L, Formats.parseTime("2023-11-14T22:13:20Z"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Formats.parseTime("12ab"));
    assertEquals("cannot parse \"12ab\" to a valid timestamp", e.getMessage());
  }
}
