package io.cardinal.template;

import static io.cardinal.template.Render.render;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's fmt: how values print ({@code %v}) and printf's verbs, flags and in-band errors. */
class GoFormatTest {
  private static String sprintf(String format, Object... args) {
    return GoFmt.sprintf(format, Arrays.asList(args));
  }

  @ParameterizedTest(name = "{0} prints as {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1.0|1",
        "0.5|0.5",
        "-1.5|-1.5",
        "1000000.0|1e+06",
        "999999.0|999999",
        "999999.5|999999.5",
        "123456.0|123456",
        "1234567.0|1.234567e+06",
        "1234567.5|1.2345675e+06",
        "1e21|1e+21",
        "1e23|1e+23",
        "1e100|1e+100",
        "0.0001|0.0001",
        "0.00001|1e-05",
        "0.000025|2.5e-05",
        "123456789.0|1.23456789e+08",
        "0.30000000000000004|0.30000000000000004",
        "0.3333333333333333|0.3333333333333333",
        "1.7976931348623157e308|1.7976931348623157e+308",
        "4.9e-324|5e-324",
        "9007199254740993|9.007199254740992e+15",
      })
  void floatsPrintLikeGoPercentV(double v, String expected) {
    assertEquals(expected, GoFmt.sprint(v));
    assertEquals(expected, render("{{.}}", v));
  }

  @Test
  void specialFloats() {
    assertEquals("NaN", GoFmt.sprint(Double.NaN));
    assertEquals("+Inf", GoFmt.sprint(Double.POSITIVE_INFINITY));
    assertEquals("-Inf", GoFmt.sprint(Double.NEGATIVE_INFINITY));
    assertEquals("0", GoFmt.sprint(0.0));
    assertEquals("-0", GoFmt.sprint(-0.0));
    assertEquals(
        "NaN|+NaN| NaN|  +Inf|-Inf  ",
        sprintf(
            "%v|%+f|% f|%6v|%-6v",
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY));
    // zero padding does not apply to infinities
    assertEquals("  +Inf", sprintf("%06f", Double.POSITIVE_INFINITY));
  }

  @Test
  void floatLiteralsInTemplates() {
    assertEquals(
        "1 1000 0.5 0.25 1.5 -3 4",
        render("{{1.0}} {{1e3}} {{.5}} {{0x1p-2}} {{1.5}} {{-3}} {{+4}}"));
  }

  @Test
  void compositeValues() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", 2L);
    m.put("a", List.of("x", "y"));
    m.put("c", Map.of("z", 1.5));
    assertEquals("map[a:[x y] b:2 c:map[z:1.5]]", GoFmt.sprint(m));
    assertEquals("[1 2.5 true str <nil>]", GoFmt.sprint(Arrays.asList(1L, 2.5, true, "str", null)));
    assertEquals("map[]", GoFmt.sprint(Map.of()));
    assertEquals("[]", GoFmt.sprint(List.of()));
    assertEquals("map[1:a 2:b 10:c]", GoFmt.sprint(Map.of(10L, "c", 2L, "b", 1L, "a")));
  }

  record Point(long x, double y, String label) {}

  @Test
  void recordsPrintAsStructs() {
    Point p = new Point(1, 2.5, "p");
    assertEquals("{1 2.5 p}", GoFmt.sprint(p));
    assertEquals("{X:1 Y:2.5 Label:p}", sprintf("%+v", p));
    assertEquals("{1 2.5 p}", render("{{.}}", p));
  }

  @Test
  void sprintAddsSpacesBetweenNonStrings() {
    assertEquals("1 2ab3", GoFmt.sprintAll(Arrays.asList(1L, 2L, "a", "b", 3L)));
    assertEquals("1 2ab3", render("{{print 1 2 \"a\" \"b\" 3}}"));
    assertEquals("1 a 2.5\n", render("{{println 1 \"a\" 2.5}}"));
    assertEquals("<nil> <nil>", render("{{print nil .missing}}", Map.of()));
  }

  @ParameterizedTest(name = "printf {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        // integers
        "%d|42|42",
        "%5d|42|'   42'",
        "%-5d||'42   '",
        "%05d|-42|-0042",
        "%+d|42|+42",
        "'% d'|42|' 42'",
        "%x|255|ff",
        "%X|255|FF",
        "%#x|255|0xff",
        "%o|8|10",
        "%#o|8|010",
        "%O|8|0o10",
        "%b|5|101",
        "%.3d|7|007",
        "%8.3d|-7|'    -007'",
        "%c|65|A",
        "%q|65|'''A'''",
        "%U|65|U+0041",
        "%#U|233|U+00E9 'é'",
        "%v|-9|-9",
        "%x|-255|-ff",
      })
  void printfIntegers(String format, String arg, String expected) {
    long v = arg == null ? 42 : Long.parseLong(arg);
    assertEquals(expected, sprintf(format, v));
  }

  @ParameterizedTest(name = "printf {0} {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "%f|3.14159|3.141590",
        "%.2f|3.14159|3.14",
        "%.0f|0.5|0",
        "%.0f|1.5|2",
        "%.0f|2.5|2",
        "%.1f|0.25|0.2",
        "%.1f|0.35|0.3",
        "%.2f|1.005|1.00",
        "%.2f|12.345|12.35",
        "%.2f|2.675|2.67",
        "%8.3f|3.14159|'   3.142'",
        "%-8.3f|3.14159|'3.142   '",
        "%08.3f|-3.14159|-003.142",
        "%+.2f|3|+3.00",
        "'% .2f'|3|' 3.00'",
        "%e|1234.5678|1.234568e+03",
        "%E|1234.5678|1.234568E+03",
        "%.2e|0|0.00e+00",
        "%g|1234.5678|1234.5678",
        "%g|1000000|1e+06",
        "%.3g|1234.5678|1.23e+03",
        "%.4g|1234567|1.235e+06",
        "%.4g|100|100",
        "%.4g|1.5|1.5",
        "%G|0.0000001|1E-07",
        "%#g|1|1.00000",
        "%#.3g|1|1.00",
        "%x|1|0x1p+00",
        "%X|-0.5|-0X1P-01",
        "%.2x|1|0x1.00p+00",
        "%b|1|4503599627370496p-52",
        "%v|0.1|0.1",
        "%6.2f%%|12.345|' 12.35%'",
        "%F|2.5|2.500000",
      })
  void printfFloats(String format, double v, String expected) {
    assertEquals(expected, sprintf(format, v));
  }

  @Test
  void printfStrings() {
    assertEquals("hi", sprintf("%s", "hi"));
    assertEquals("   hi|hi   |", sprintf("%5s|%-5s|", "hi", "hi"));
    assertEquals("hé", sprintf("%.2s", "héllo"));
    assertEquals("\"a\\tb\\\"c\"", sprintf("%q", "a\tb\"c"));
    assertEquals("`a\"b`", sprintf("%#q", "a\"b"));
    assertEquals("\"caf\\u00e9\"", sprintf("%+q", "café"));
    assertEquals("6869", sprintf("%x", "hi"));
    assertEquals("68 69", sprintf("% x", "hi"));
    assertEquals("0x6869", sprintf("%#x", "hi"));
    assertEquals("C3A9", sprintf("%X", "é"));
    assertEquals("true false", sprintf("%t %v", true, false));
    assertEquals("100%", sprintf("100%%"));
    assertEquals(
        "string int float64 bool <nil>", sprintf("%T %T %T %T %T", "", 1L, 1.0, true, null));
    assertEquals("[a b] map[k:v]", sprintf("%v %s", List.of("a", "b"), Map.of("k", "v")));
  }

  @Test
  void printfWidthAndArgumentIndexes() {
    assertEquals("   42", sprintf("%*d", 5L, 42L));
    assertEquals("42   |", sprintf("%-*d|", 5L, 42L));
    assertEquals("3.14", sprintf("%.*f", 2L, 3.14159));
    assertEquals("b a", sprintf("%[2]s %[1]s", "a", "b"));
    assertEquals("a a", sprintf("%s %[1]s", "a"));
    assertEquals("%!d(BADINDEX)", sprintf("%[3]d", 1L, 2L));
    assertEquals("%!(BADWIDTH)42", sprintf("%*d", "x", 42L));
  }

  @Test
  void printfInBandErrors() {
    assertEquals("%!d(string=foo)", sprintf("%d", "foo"));
    assertEquals("%!s(int=5)", sprintf("%s", 5L));
    assertEquals("%!d(float64=1.5)", sprintf("%d", 1.5));
    assertEquals("%!t(string=x)", sprintf("%t", "x"));
    assertEquals("%!d(MISSING)", sprintf("%d"));
    assertEquals("1 %!s(MISSING)", sprintf("%d %s", 1L));
    assertEquals("1%!(EXTRA string=x)", sprintf("%d", 1L, "x"));
    assertEquals("%!(EXTRA int=1, <nil>)", sprintf("", 1L, null));
    assertEquals("%!d(<nil>)", sprintf("%d", (Object) null));
    assertEquals("%!(NOVERB)", sprintf("%"));
    assertEquals("%!z(int=1)", sprintf("%z", 1L));
    assertEquals("map[%!d(string=k):%!d(string=v)]", sprintf("%d", Map.of("k", "v")));
    // the flags of the bad verb apply to the value it shows
    assertEquals("%!d(string=  foo)", sprintf("%5d", "foo"));
  }

  @Test
  void printfInTemplates() {
    assertEquals(
        "x=   42 y=3.14 z=\"q\"", render("{{printf \"x=%5d y=%.2f z=%q\" 42 3.14159 \"q\"}}"));
    assertEquals("%!d(string=foo)", render("{{printf \"%d\" \"foo\"}}"));
    assertEquals("5 %!d(MISSING)", render("{{printf \"%d %d\" 5}}"));
    assertEquals("5%!(EXTRA string=x)", render("{{printf \"%d\" 5 \"x\"}}"));
    assertEquals("2.50", render("{{ 2.5 | printf \"%.2f\" }}"));
    assertEquals("a-b", render("{{ \"b\" | printf \"%s-%s\" \"a\" }}"));
    assertEquals("%!s(<nil>)", render("{{printf \"%s\" .missing}}", Map.of()));
  }

  @Test
  void shortestFloatFormatting() {
    assertEquals("0.1", GoStrconv.formatFloat(0.1, 'g', -1));
    assertEquals("1e-07", GoStrconv.formatFloat(1e-7, 'g', -1));
    assertEquals("5e-324", GoStrconv.formatFloat(Double.MIN_VALUE, 'e', -1));
    assertEquals("100000", GoStrconv.formatFloat(1e5, 'f', -1));
    assertEquals("1.5e+300", GoStrconv.formatFloat(1.5e300, 'g', -1));
    assertEquals("0.000001", GoStrconv.formatFloat(1e-6, 'f', -1), "shortest 'f' keeps all digits");
  }
}
