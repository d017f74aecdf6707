package io.cardinal.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the Prometheus text parser and the OpenMetrics parser must agree on, run once per parser.
 * Inputs are built through the hooks below wherever the two syntaxes differ, so every assertion
 * here holds for both.
 */
abstract class ExpositionParserContract {
  /** A new parser of the format under test over {@code body[offset, offset+length)}. */
  protected abstract ExpositionParser parser(byte[] body, int offset, int length);

  protected abstract ExpositionFormat format();

  /** A complete exposition consisting of {@code lines}, framed as the format requires. */
  protected abstract String document(String... lines);

  /** The format's spelling of the timestamp {@code millis} since the epoch. */
  protected abstract String timestamp(long millis);

  /**
   * The name a counter whose samples are called {@code sampleName} is declared under in TYPE and
   * HELP.
   */
  protected abstract String counterFamily(String sampleName);

  // ------------------------------------------------------------------ helpers

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  protected final ExpositionParser parse(String body) {
    byte[] b = utf8(body);
    return parser(b, 0, b.length);
  }

  /** Advances {@code p} to its next entry, which must be of type {@code want}. */
  protected static ExpositionParser expect(ExpositionParser p, EntryType want)
      throws ExpositionParseException {
    assertEquals(want, p.next(), () -> "entry after line " + p.line());
    return p;
  }

  /** The parser positioned on the only sample of {@code lines}, after any metadata before it. */
  protected final ExpositionParser onlySample(String... lines) throws ExpositionParseException {
    ExpositionParser p = parse(document(lines));
    EntryType e;
    do {
      e = p.next();
    } while (e == EntryType.HELP || e == EntryType.TYPE);
    assertEquals(EntryType.SAMPLE, e);
    return p;
  }

  protected static List<String> labelPairs(ParsedLabels l) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      out.add(l.name(i) + "=" + l.value(i));
    }
    return out;
  }

  /** Escapes a label value the way both formats spell it inside double quotes. */
  protected static String quoted(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  /** A value both formats read back bit for bit. */
  protected static String literal(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return Double.toString(v);
  }

  protected static void assertSameDouble(double want, double got, String what) {
    assertEquals(
        Double.doubleToLongBits(want),
        Double.doubleToLongBits(got),
        what + ": " + want + " vs " + got);
  }

  /** Drains {@code body} and returns the parse failure it must produce. */
  protected final ExpositionParseException failure(byte[] body) {
    ExpositionParser p = parser(body, 0, body.length);
    return assertThrows(
        ExpositionParseException.class,
        () -> {
          // bounded so a parser that stops making progress fails instead of hanging
          for (int i = 0; i <= body.length + 1; i++) {
            if (p.next() == EntryType.EOF) {
              return;
            }
          }
        });
  }

  /**
   * Asserts that the exposition fails at exactly {@code line}, {@code column}, in the fields and
   * the message.
   */
  protected final void assertFailsAt(int line, int column, byte[] body) {
    ExpositionParseException e = failure(body);
    String where = "line " + line + ", column " + column + ": ";
    assertEquals(line, e.line(), e.getMessage());
    assertEquals(column, e.column(), e.getMessage());
    assertTrue(e.getMessage().startsWith(where), e.getMessage());
    assertEquals(e.getMessage(), where + e.detail());
    assertFalse(e.detail().isBlank());
  }

  // ------------------------------------------------------------------ format wiring

  @Test
  void parserReadsTheFormatItIsCreatedFor() {
    byte[] body = utf8(document("a 1"));
    ExpositionParser direct = parser(body, 0, body.length);
    assertEquals(format(), direct.format());
    assertSame(
        direct.getClass(), ExpositionParser.create(format(), body, 0, body.length).getClass());
    assertSame(
        direct.getClass(),
        ExpositionParser.forContentType(format().contentType(), body).getClass());
    assertNull(direct.entryType());
  }

  // ------------------------------------------------------------------ series

  @Test
  void seriesNamesAndLabelsComeBackAsExposed() throws Exception {
    ExpositionParser p =
        parse(
            document(
                "up 1",
                "node_load1{} 2",
                "job:http_requests:rate5m{job=\"api\",instance=\"10.0.0.1:9100\",_x9=\"\"} 3"));
    expect(p, EntryType.SAMPLE);
    assertEquals("up", p.name());
    assertTrue(p.nameEquals("up"));
    assertEquals(List.of(), labelPairs(p.labels()));
    expect(p, EntryType.SAMPLE);
    assertEquals("node_load1", p.name());
    assertEquals(0, p.labels().size());
    expect(p, EntryType.SAMPLE);
    assertEquals("job:http_requests:rate5m", p.name());
    assertEquals(List.of("job=api", "instance=10.0.0.1:9100", "_x9="), labelPairs(p.labels()));
    assertEquals("api", p.labels().get("job"));
    assertEquals(3.0, p.value());
    expect(p, EntryType.EOF);
  }

  @Test
  void labelValueEscapesAreUndone() throws Exception {
    ExpositionParser p =
        onlySample(
            "x{path=\"C:\\\\DIR\\\\FILE.TXT\",msg=\"say \\\"hi\\\"\",lines=\"one\\ntwo\","
                + "all=\"\\\\\\\"\\n\",utf=\"ü€\\n\"} 1");
    assertEquals(
        List.of(
            "path=C:\\DIR\\FILE.TXT", "msg=say \"hi\"", "lines=one\ntwo", "all=\\\"\n", "utf=ü€\n"),
        labelPairs(p.labels()));
    assertTrue(p.labels().valueEquals(3, "\\\"\n"));
  }

  @Test
  void escapedQuotesAndBracesDoNotEndTheLabelSet() throws Exception {
    ExpositionParser p = onlySample("x{a=\"}\\\"{\",b=\",=\"} 7");
    assertEquals(List.of("a=}\"{", "b=,="), labelPairs(p.labels()));
    assertEquals(7.0, p.value());
  }

  // ------------------------------------------------------------------ values

  static Stream<Arguments> values() {
    return Stream.of(
        Arguments.of("NaN", Double.NaN),
        Arguments.of("+Inf", Double.POSITIVE_INFINITY),
        Arguments.of("-Inf", Double.NEGATIVE_INFINITY),
        Arguments.of("0", 0.0),
        Arguments.of("-0", -0.0),
        Arguments.of("42", 42.0),
        Arguments.of("-17", -17.0),
        Arguments.of("9007199254740993", 9007199254740992.0),
        Arguments.of("0.1", 0.1),
        Arguments.of("1e3", 1000.0),
        Arguments.of("1.5E-3", 0.0015),
        Arguments.of("-2.5e+2", -250.0),
        Arguments.of("1.7976931348623157e308", Double.MAX_VALUE),
        Arguments.of("4.9e-324", Double.MIN_VALUE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("values")
  void sampleValues(String literal, double want) throws Exception {
    assertSameDouble(want, onlySample("v " + literal).value(), literal);
  }

  @Test
  void randomFiniteValuesRoundTripBitForBit() throws Exception {
    long seed = Seeds.seed("ExpositionParserContract");
    Random r = new Random(seed);
    double[] want = new double[2000];
    String[] lines = new String[want.length];
    for (int i = 0; i < want.length; i++) {
      double d;
      do {
        d =
            i % 2 == 0
                ? Double.longBitsToDouble(r.nextLong())
                : r.nextGaussian() * Math.pow(10, r.nextInt(30));
      } while (!Double.isFinite(d));
      want[i] = d;
      lines[i] = "v" + i + " " + literal(d);
    }
    ExpositionParser p = parse(document(lines));
    for (int i = 0; i < want.length; i++) {
      expect(p, EntryType.SAMPLE);
      assertSameDouble(want[i], p.value(), lines[i] + Seeds.at(seed));
    }
    expect(p, EntryType.EOF);
  }

  // ------------------------------------------------------------------ timestamps

  @ParameterizedTest
  @ValueSource(
      longs = {
        0,
        1,
        999,
        1000,
        1395066363000L,
        1520879607789L,
        1700000000123L,
        -1,
        -1500,
        -3982045
      })
  void timestampsDenoteTheSameInstant(long millis) throws Exception {
    ExpositionParser p = onlySample("t 1 " + timestamp(millis));
    assertTrue(p.hasTimestamp());
    assertEquals(millis, p.timestampMillis(), timestamp(millis));
    assertEquals(1.0, p.value());
  }

  @Test
  void sampleWithoutTimestampHasNone() throws Exception {
    ExpositionParser p = parse(document("a 1 " + timestamp(5000), "b 2"));
    expect(p, EntryType.SAMPLE);
    assertTrue(p.hasTimestamp());
    expect(p, EntryType.SAMPLE);
    // the flag is per sample: the previous sample's timestamp must not leak into this one
    assertFalse(p.hasTimestamp());
    assertEquals(2.0, p.value());
  }

  // ------------------------------------------------------------------ metadata

  @Test
  void helpAndTypeDescribeTheirFamily() throws Exception {
    ExpositionParser p =
        parse(
            document(
                "# HELP temp_celsius Temperature in \\\\ degrees\\nCelsius.",
                "# TYPE temp_celsius gauge",
                "temp_celsius{room=\"a\"} 21.5"));
    expect(p, EntryType.HELP);
    assertEquals("temp_celsius", p.name());
    assertEquals("Temperature in \\ degrees\nCelsius.", p.help());
    // no TYPE has been seen yet for this family
    assertEquals(MetricType.UNKNOWN, p.metricType());
    assertEquals(1, p.line());
    expect(p, EntryType.TYPE);
    assertEquals("temp_celsius", p.name());
    assertEquals(MetricType.GAUGE, p.metricType());
    assertNull(p.help());
    expect(p, EntryType.SAMPLE);
    assertEquals("temp_celsius", p.familyName());
    assertEquals(MetricType.GAUGE, p.metricType());
    assertNull(p.text());
    assertEquals(3, p.line());
  }

  @Test
  void helpAfterTypeKnowsTheType() throws Exception {
    ExpositionParser p = parse(document("# TYPE g gauge", "# HELP g Some help.", "g 1"));
    expect(p, EntryType.TYPE);
    expect(p, EntryType.HELP);
    assertEquals("Some help.", p.help());
    assertEquals(MetricType.GAUGE, p.metricType());
  }

  @Test
  void counterSamplesBelongToTheCounter() throws Exception {
    String family = counterFamily("requests_total");
    ExpositionParser p =
        parse(document("# TYPE " + family + " counter", "requests_total{code=\"200\"} 1027"));
    expect(p, EntryType.TYPE);
    assertEquals(family, p.name());
    assertEquals(MetricType.COUNTER, p.metricType());
    expect(p, EntryType.SAMPLE);
    assertEquals("requests_total", p.name());
    assertEquals(family, p.familyName());
    assertEquals(MetricType.COUNTER, p.metricType());
    assertEquals(1027.0, p.value());
  }

  @Test
  void histogramSeriesBelongToTheHistogram() throws Exception {
    ExpositionParser p =
        parse(
            document(
                "# TYPE rpc_seconds histogram",
                "rpc_seconds_bucket{le=\"0.5\"} 1",
                "rpc_seconds_bucket{le=\"+Inf\"} 3",
                "rpc_seconds_count 3",
                "rpc_seconds_sum 2.5"));
    expect(p, EntryType.TYPE);
    String[] names = {
      "rpc_seconds_bucket", "rpc_seconds_bucket", "rpc_seconds_count", "rpc_seconds_sum"
    };
    double[] values = {1, 3, 3, 2.5};
    for (int i = 0; i < names.length; i++) {
      expect(p, EntryType.SAMPLE);
      assertEquals(names[i], p.name());
      assertEquals("rpc_seconds", p.familyName());
      assertEquals(MetricType.HISTOGRAM, p.metricType());
      assertEquals(values[i], p.value());
    }
    expect(p, EntryType.EOF);
  }

  @Test
  void summarySeriesBelongToTheSummary() throws Exception {
    ExpositionParser p =
        parse(
            document(
                "# TYPE gc_seconds summary",
                "gc_seconds{quantile=\"0.5\"} 0.01",
                "gc_seconds_sum 3",
                "gc_seconds_count 7"));
    expect(p, EntryType.TYPE);
    expect(p, EntryType.SAMPLE);
    assertEquals("0.5", p.labels().get("quantile"));
    for (String name : new String[] {"gc_seconds", "gc_seconds_sum", "gc_seconds_count"}) {
      if (!name.equals("gc_seconds")) {
        expect(p, EntryType.SAMPLE);
      }
      assertEquals(name, p.name());
      assertEquals("gc_seconds", p.familyName());
      assertEquals(MetricType.SUMMARY, p.metricType());
    }
    assertEquals(7.0, p.value());
  }

  // ------------------------------------------------------------------ whole expositions

  @Test
  void severalFamiliesInExpositionOrder() throws Exception {
    String counter = counterFamily("c_total");
    ExpositionParser p =
        parse(
            document(
                "# HELP g A gauge.",
                "# TYPE g gauge",
                "g{x=\"1\"} 1",
                "g{x=\"2\"} 2",
                "# TYPE " + counter + " counter",
                "c_total 3",
                "loose 4",
                "# TYPE s summary",
                "s_count 5",
                "s_sum 6"));
    EntryType[] types = {
      EntryType.HELP,
      EntryType.TYPE,
      EntryType.SAMPLE,
      EntryType.SAMPLE,
      EntryType.TYPE,
      EntryType.SAMPLE,
      EntryType.SAMPLE,
      EntryType.TYPE,
      EntryType.SAMPLE,
      EntryType.SAMPLE
    };
    String[] families = {"g", "g", "g", "g", counter, counter, "loose", "s", "s", "s"};
    MetricType[] kinds = {
      MetricType.UNKNOWN,
      MetricType.GAUGE,
      MetricType.GAUGE,
      MetricType.GAUGE,
      MetricType.COUNTER,
      MetricType.COUNTER,
      MetricType.UNKNOWN,
      MetricType.SUMMARY,
      MetricType.SUMMARY,
      MetricType.SUMMARY
    };
    double value = 0;
    for (int i = 0; i < types.length; i++) {
      expect(p, types[i]);
      String at = "line " + (i + 1);
      assertEquals(i + 1, p.line(), at);
      assertEquals(families[i], p.familyName(), at);
      assertEquals(kinds[i], p.metricType(), at);
      if (types[i] == EntryType.SAMPLE) {
        assertEquals(++value, p.value(), at);
      }
    }
    expect(p, EntryType.EOF);
    assertEquals(EntryType.EOF, p.entryType());
    // scrape loops may call next() again after the end; that must neither throw nor restart
    expect(p, EntryType.EOF);
  }

  @Test
  void emptyExpositionHasNoEntries() throws Exception {
    ExpositionParser p = parse(document());
    expect(p, EntryType.EOF);
    expect(p, EntryType.EOF);
    assertEquals(0, p.labels().size());
    assertFalse(p.hasTimestamp());
  }

  @Test
  void onlyTheGivenWindowIsParsed() throws Exception {
    String doc = document("a{x=\"1\"} 1", "b 2");
    byte[] framed = utf8("x{broken\n" + doc + "garbage {{{");
    int offset = "x{broken\n".length();
    ExpositionParser p = parser(framed, offset, utf8(doc).length);
    expect(p, EntryType.SAMPLE);
    assertEquals("a", p.name());
    assertEquals(1, p.line());
    expect(p, EntryType.SAMPLE);
    assertEquals("b", p.name());
    expect(p, EntryType.EOF);
  }

  @Test
  void randomExpositionsRoundTrip() throws Exception {
    long seed = Seeds.seed("ExpositionParserContract");
    Random r = new Random(seed);
    String[] valueChars = {"a", "Z", "0", " ", "\\", "\"", "\n", "ü", "€", ",", "{", "}", "=", "#"};
    for (int round = 0; round < 200; round++) {
      List<String> lines = new ArrayList<>();
      List<Object[]> want = new ArrayList<>();
      int families = 1 + r.nextInt(4);
      for (int f = 0; f < families; f++) {
        String family = "fam_" + f + "_" + (char) ('a' + r.nextInt(26));
        lines.add("# TYPE " + family + " gauge");
        int samples = 1 + r.nextInt(4);
        for (int s = 0; s < samples; s++) {
          // the id label keeps every label set distinct, as OpenMetrics requires within a family
          List<String> pairs = new ArrayList<>(List.of("id=" + s));
          StringBuilder line = new StringBuilder(family).append("{id=\"").append(s).append('"');
          int extra = r.nextInt(4);
          for (int k = 0; k < extra; k++) {
            StringBuilder v = new StringBuilder();
            int len = r.nextInt(6);
            for (int c = 0; c < len; c++) {
              v.append(valueChars[r.nextInt(valueChars.length)]);
            }
            pairs.add("k" + k + "=" + v);
            line.append(",k").append(k).append('=').append(quoted(v.toString()));
          }
          line.append("} ");
          double value =
              switch (r.nextInt(5)) {
                case 0 -> Double.NaN;
                case 1 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                case 2 -> r.nextInt(2001) - 1000;
                default -> r.nextGaussian() * Math.pow(10, r.nextInt(41) - 20);
              };
          line.append(literal(value));
          Long ts = null;
          if (r.nextBoolean()) {
            // 2004-11 to 2036-07 only: OpenMetrics turns seconds into milliseconds as Prometheus
            // does,
            // (long) (seconds * 1000), which drops a millisecond for many instants whose seconds
            // lie just above
            // a power of two, e.g. 1.001 s, 1081426045.067 s (2004-04) and most of 2038-01 to
            // 2039-09
            ts = 1_100_000_000_000L + (long) (r.nextDouble() * 1_000_000_000_000L);
            line.append(' ').append(timestamp(ts));
          }
          lines.add(line.toString());
          want.add(new Object[] {family, pairs, value, ts, lines.size()});
        }
      }
      String body = document(lines.toArray(new String[0]));
      String context = "\n" + body + Seeds.at(seed);
      ExpositionParser p = parse(body);
      for (Object[] w : want) {
        EntryType e;
        do {
          e = p.next();
        } while (e == EntryType.TYPE);
        assertEquals(EntryType.SAMPLE, e, context);
        assertEquals(w[0], p.name(), context);
        assertEquals(w[0], p.familyName(), context);
        assertEquals(MetricType.GAUGE, p.metricType(), context);
        assertEquals(w[1], labelPairs(p.labels()), context);
        assertSameDouble((Double) w[2], p.value(), "value" + context);
        assertEquals(w[3] != null, p.hasTimestamp(), context);
        if (w[3] != null) {
          assertEquals((long) (Long) w[3], p.timestampMillis(), context);
        }
        assertEquals(w[4], p.line(), context);
      }
      assertEquals(EntryType.EOF, p.next(), context);
    }
  }

  // ------------------------------------------------------------------ malformed input

  /**
   * A line that is malformed in both formats, and the 1-based code point column where each reports
   * it.
   */
  static Stream<Arguments> malformedLines() {
    return Stream.of(
        Arguments.of("a{bc} 1", 5),
        Arguments.of("a{a=1} 1", 5),
        Arguments.of("a{a=\"1\"b=\"2\"} 1", 8),
        Arguments.of("m{a=\"1\",a=\"2\"} 1", 9),
        Arguments.of("a{b=\"c} 1", 10),
        Arguments.of("a{b=\"üü\",c} 1", 11),
        Arguments.of("a 1x", 3),
        Arguments.of("a NaNa", 3),
        Arguments.of("a 1 abc", 5),
        Arguments.of("1a 2", 1),
        Arguments.of("# TYPE a foo", 10));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedLines")
  void malformedLineIsReportedAtItsPosition(String line, int column) {
    assertFailsAt(1, column, utf8(document(line)));
    // after metadata and samples, so the line count has to include them
    assertFailsAt(
        4, column, utf8(document("# HELP ok Fine.", "# TYPE ok gauge", "ok{x=\"y\"} 1", line)));
  }

  @Test
  void invalidUtf8InALabelValueIsReportedAtTheBadByte() {
    byte[] head = utf8("ok 1\n");
    byte[] bad = {'a', '{', 'b', '=', '"', 'x', (byte) 0xC3, '"', '}', ' ', '1', '\n'};
    byte[] tail = utf8(document());
    byte[] body = new byte[head.length + bad.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(bad, 0, body, head.length, bad.length);
    System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);
    assertFailsAt(2, 7, body);
  }
}
