package io.cardinal.exposition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusTextParserTest {
  static ExpositionParser text(String body) {
    return ExpositionParser.create(
        ExpositionFormat.PROMETHEUS_TEXT_0_0_4,
        body.getBytes(StandardCharsets.UTF_8),
        0,
        body.getBytes(StandardCharsets.UTF_8).length);
  }

  static List<String> parse(String body) throws ExpositionParseException {
    return Render.all(text(body));
  }

  static ExpositionParseException parseError(String body) {
    return assertThrows(ExpositionParseException.class, () -> parse(body));
  }

  static byte[] NODE_EXPOSITION() {
    return NODE_EXPORTER.getBytes(StandardCharsets.UTF_8);
  }

  static final String NODE_EXPORTER =
      ""
          + "# HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.\n"
          + "# TYPE go_gc_duration_seconds summary\n"
          + "go_gc_duration_seconds{quantile=\"0\"} 2.5e-05\n"
          + "go_gc_duration_seconds{quantile=\"1\"} 0.000123\n"
          + "go_gc_duration_seconds_sum 0.0123\n"
          + "go_gc_duration_seconds_count 42\n"
          + "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n"
          + "# TYPE node_cpu_seconds_total counter\n"
          + "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 12345.67\n"
          + "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 89.1\n"
          + "# HELP node_filesystem_avail_bytes Filesystem space available to non-root users in bytes.\n"
          + "# TYPE node_filesystem_avail_bytes gauge\n"
          + "node_filesystem_avail_bytes{device=\"/dev/sda1\",fstype=\"ext4\",mountpoint=\"/\"} 1.23456789e+10\n"
          + "\n"
          + "# HELP http_request_duration_seconds A histogram of the request duration.\n"
          + "# TYPE http_request_duration_seconds histogram\n"
          + "http_request_duration_seconds_bucket{le=\"0.05\"} 24054\n"
          + "http_request_duration_seconds_bucket{le=\"+Inf\"} 144320\n"
          + "http_request_duration_seconds_sum 53423\n"
          + "http_request_duration_seconds_count 144320\n"
          + "# A normal comment\n"
          + "node_load1 0.42\n";

  @Test
  void nodeExporterBody() throws Exception {
    assertEquals(
        List.of(
            "HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.",
            "TYPE go_gc_duration_seconds SUMMARY",
            "go_gc_duration_seconds{quantile=\"0\"} 2.5E-5 [go_gc_duration_seconds SUMMARY]",
            "go_gc_duration_seconds{quantile=\"1\"} 1.23E-4 [go_gc_duration_seconds SUMMARY]",
            "go_gc_duration_seconds_sum{} 0.0123 [go_gc_duration_seconds SUMMARY]",
            "go_gc_duration_seconds_count{} 42 [go_gc_duration_seconds SUMMARY]",
            "HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.",
            "TYPE node_cpu_seconds_total COUNTER",
            "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 12345.67 [node_cpu_seconds_total COUNTER]",
            "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 89.1 [node_cpu_seconds_total COUNTER]",
            "HELP node_filesystem_avail_bytes Filesystem space available to non-root users in bytes.",
            "TYPE node_filesystem_avail_bytes GAUGE",
            "node_filesystem_avail_bytes{device=\"/dev/sda1\",fstype=\"ext4\",mountpoint=\"/\"} 12345678900 "
                + "[node_filesystem_avail_bytes GAUGE]",
            "HELP http_request_duration_seconds A histogram of the request duration.",
            "TYPE http_request_duration_seconds HISTOGRAM",
            "http_request_duration_seconds_bucket{le=\"0.05\"} 24054 [http_request_duration_seconds HISTOGRAM]",
            "http_request_duration_seconds_bucket{le=\"+Inf\"} 144320 [http_request_duration_seconds HISTOGRAM]",
            "http_request_duration_seconds_sum{} 53423 [http_request_duration_seconds HISTOGRAM]",
            "http_request_duration_seconds_count{} 144320 [http_request_duration_seconds HISTOGRAM]",
            "COMMENT A normal comment",
            "node_load1{} 0.42 [node_load1 UNKNOWN]"),
        parse(NODE_EXPORTER));
  }

  @Test
  void defaultContentTypeIsText() throws Exception {
    byte[] b = NODE_EXPORTER.getBytes(StandardCharsets.UTF_8);
    assertTrue(ExpositionParser.forContentType(null, b) instanceof PrometheusTextParser);
    assertTrue(ExpositionParser.forContentType("", b) instanceof PrometheusTextParser);
    assertTrue(
        ExpositionParser.forContentType("text/plain; version=0.0.4; charset=utf-8", b)
            instanceof PrometheusTextParser);
    assertTrue(
        ExpositionParser.forContentType("application/vnd.google.protobuf; proto=x", b)
            instanceof PrometheusTextParser);
    assertTrue(ExpositionParser.forContentType("garbage;;;", b) instanceof PrometheusTextParser);
    assertTrue(
        ExpositionParser.forContentType(
                "Application/OpenMetrics-Text; version=1.0.0; charset=utf-8", b)
            instanceof OpenMetricsParser);
    assertTrue(
        ExpositionParser.forContentType("application/openmetrics-text;version=0.0.1", b)
            instanceof OpenMetricsParser);
    assertEquals(
        ExpositionFormat.OPENMETRICS_1_0_0,
        ExpositionFormat.fromContentType(" application/openmetrics-text "));
  }

  @Test
  void escapes() throws Exception {
    String body =
        "# HELP x a\\\\b\\nc \\\"q\\\" \\t\n"
            + "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n"
            + "\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
            + "x{a=\"\\q\",b=\"ü\\\\\"} 1\n";
    ExpositionParser p = text(body);
    assertEquals(EntryType.HELP, p.next());
    assertEquals("a\\b\nc \\\"q\\\" \\t", p.help());
    assertEquals(EntryType.SAMPLE, p.next());
    assertEquals("C:\\DIR\\FILE.TXT", p.labels().get("path"));
    assertEquals("Cannot find file:\n\"FILE.TXT\"", p.labels().get("error"));
    assertEquals(1.458255915e9, p.value());
    assertEquals(EntryType.SAMPLE, p.next());
    assertEquals("\\q", p.labels().value(0));
    assertEquals("ü\\", p.labels().value(1));
    assertTrue(p.labels().valueEquals(1, "ü\\"));
    assertEquals(EntryType.EOF, p.next());
    assertEquals(EntryType.EOF, p.next());
  }

  @Test
  void labelsAsByteRanges() throws Exception {
    String body = "m{a=\"plain\",b=\"esc\\\"aped\"} 1\n";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ExpositionParser p = ExpositionParser.forContentType("text/plain", bytes);
    assertEquals(EntryType.SAMPLE, p.next());
    assertEquals(0, p.nameOffset());
    assertEquals(1, p.nameLength());
    assertTrue(p.nameEquals("m"));
    ParsedLabels l = p.labels();
    assertEquals(2, l.size());
    // unescaped values point into the body buffer itself
    assertTrue(l.valueArray(0) == bytes);
    assertEquals(
        "plain", new String(bytes, l.valueOffset(0), l.valueLength(0), StandardCharsets.UTF_8));
    assertTrue(l.nameArray(1) == bytes);
    assertEquals(
        "b", new String(bytes, l.nameOffset(1), l.nameLength(1), StandardCharsets.US_ASCII));
    // escaped values point into scratch
    assertTrue(l.valueArray(1) != bytes);
    assertArrayEquals(
        "esc\"aped".getBytes(StandardCharsets.UTF_8),
        Arrays.copyOfRange(l.valueArray(1), l.valueOffset(1), l.valueOffset(1) + l.valueLength(1)));
    assertTrue(l.nameEquals(1, "b"));
    assertEquals(-1, l.indexOf("c"));
    assertThrows(IndexOutOfBoundsException.class, () -> l.name(2));
  }

  @Test
  void timestamps() throws Exception {
    assertEquals(
        List.of(
            "metric_without_timestamp_and_labels{} 12.47 [metric_without_timestamp_and_labels UNKNOWN]",
            "something_weird{problem=\"division by zero\"} Infinity @-3982045 [something_weird UNKNOWN]",
            "a{} 1 @1395066363000 [a UNKNOWN]",
            "b{} 1 @9223372036854775807 [b UNKNOWN]",
            "c{} 1 @-9223372036854775808 [c UNKNOWN]",
            "d{} 1 @5 [d UNKNOWN]"),
        parse(
            "metric_without_timestamp_and_labels 12.47\n"
                + "something_weird{problem=\"division by zero\"} +Inf -3982045\n"
                + "a 1 1395066363000\n"
                + "b 1 9223372036854775807\n"
                + "c 1 -9223372036854775808\n"
                + "d 1 +5\n"));
    assertEquals(
        "line 1, column 5: invalid timestamp \"9223372036854775808\" (expected integer milliseconds "
            + "since the epoch)",
        parseError("a 1 9223372036854775808\n").getMessage());
    assertEquals(
        "line 2, column 5: invalid timestamp \"1.5\" (expected integer milliseconds since the epoch)",
        parseError("a 1\na 1 1.5\n").getMessage());
    assertEquals(
        "line 1, column 7: expected end of line after timestamp, got \"3\"",
        parseError("a 1 2 3\n").getMessage());
  }

  @Test
  void specialAndGoFloatValues() throws Exception {
    String body =
        "a +Inf\nb -Inf\nc NaN\nd nan\ne Inf\nf 0x1p-3\ng 1e3\nh -0\ni +infinity\nj .5\nk 5.\n"
            + "l 1E-2\nm 0X1.8P1\nn 123456789012345678901234567890\no 4.9e-324\np 1.7976931348623157e308\n"
            + "q 1e400\n";
    ExpositionParser p = text(body);
    double[] expected = {
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      Double.NaN,
      Double.NaN,
      Double.POSITIVE_INFINITY,
      0.125,
      1000,
      -0.0,
      Double.POSITIVE_INFINITY,
      0.5,
      5,
      0.01,
      3,
      1.2345678901234568e29,
      Double.MIN_VALUE,
      Double.MAX_VALUE,
      Double.POSITIVE_INFINITY
    };
    for (double d : expected) {
      assertEquals(EntryType.SAMPLE, p.next());
      assertEquals(Double.doubleToLongBits(d), Double.doubleToLongBits(p.value()), p.name());
    }
    assertEquals(EntryType.EOF, p.next());
    for (String bad :
        new String[] {
          "0x1", "1_000", "+NaN", "1e", "e1", ".", "-", "1.2.3", "0b1", "infinit", "1,5", "0x1p",
          "--1"
        }) {
      ExpositionParseException e = parseError("a " + bad + "\n");
      assertEquals("line 1, column 3: invalid sample value \"" + bad + "\"", e.getMessage());
    }
  }

  @Test
  void leniency() throws Exception {
    // blank lines, surrounding blanks and tabs, trailing comma, empty label set, no final newline,
    // label-set directly followed by the value, HELP without text, unknown comments
    String body =
        "\n  \n\t# TYPE  x\tgauge  \n#HELP x\n  x { a = \"1\" , b=\"2\", } \t 3 \t 4 \n\n"
            + "# random\n#\ny{} 1\nz{a=\"b\"}7";
    assertEquals(
        List.of(
            "TYPE x GAUGE",
            "HELP x ",
            "x{a=\"1\",b=\"2\"} 3 @4 [x GAUGE]",
            "COMMENT random",
            "COMMENT ",
            "y{} 1 [y UNKNOWN]",
            "z{a=\"b\"} 7 [z UNKNOWN]"),
        parse(body));
    assertEquals(List.of(), parse(""));
    assertEquals(List.of(), parse("\n\n"));
  }

  @Test
  void typeAppliesToMatchingNamesOnly() throws Exception {
    assertEquals(
        List.of(
            "TYPE s SUMMARY",
            "s{} 1 [s SUMMARY]",
            "s_count{} 1 [s SUMMARY]",
            "s_bucket{} 1 [s_bucket UNKNOWN]",
            "TYPE u UNKNOWN",
            "u{} 1 [u UNKNOWN]",
            "TYPE c COUNTER",
            "c_total{} 1 [c_total UNKNOWN]",
            "c{} 2 [c COUNTER]"),
        parse(
            "# TYPE s summary\ns 1\ns_count 1\ns_bucket 1\n# TYPE u untyped\nu 1\n"
                + "# TYPE c counter\nc_total 1\nc 2\n"));
  }

  @Test
  void errorsWithExactPosition() {
    assertEquals(
        "line 3, column 17: expected equal sign after label name, got \"}\"",
        parseError("# HELP ok x\nok 1\nfoo{bar=\"baz\",qu} 1\n").getMessage());
    ExpositionParseException e = parseError("a{b c=\"d\"} 1\n");
    assertEquals(1, e.line());
    assertEquals(5, e.column());
    assertEquals("expected equal sign after label name, got \"c\"", e.detail());
    assertEquals(
        "line 2, column 3: invalid sample value \"1x\"", parseError("a 1\na 1x\n").getMessage());
    assertEquals(
        "line 1, column 10: invalid metric type \"foo\" (expected counter, gauge, histogram, summary "
            + "or untyped)",
        parseError("# TYPE a foo\n").getMessage());
    assertEquals(
        "line 1, column 10: expected closing quote for label value, got end of line",
        parseError("a{b=\"c} 1\nb 2\n").getMessage());
    assertEquals(
        "line 1, column 10: expected closing quote for label value, got end of input",
        parseError("a{b=\"c} 1").getMessage());
    // columns count code points, not bytes
    assertEquals(
        "line 1, column 11: expected equal sign after label name, got \"}\"",
        parseError("a{b=\"üü\",c} 1\n").getMessage());
    assertEquals(
        "line 1, column 1: expected metric name, got \"1\"", parseError("1a 2\n").getMessage());
    assertEquals(
        "line 2, column 3: expected metric name, got \"{\"",
        parseError("a 1\n  {b=\"c\"} 1\n").getMessage());
    assertEquals(
        "line 1, column 2: expected label set or blank after metric name, got \"-\"",
        parseError("a-b 1\n").getMessage());
    assertEquals(
        "line 1, column 2: expected sample value, got end of line", parseError("a\n").getMessage());
    assertEquals(
        "line 1, column 4: expected sample value, got end of input",
        parseError("a{}").getMessage());
    assertEquals(
        "line 1, column 9: duplicate label name \"a\"",
        parseError("m{a=\"1\",a=\"2\"} 1\n").getMessage());
    assertEquals(
        "line 1, column 8: expected comma or closing brace after label value, got \"b\"",
        parseError("a{a=\"1\"b=\"2\"} 1\n").getMessage());
    assertEquals(
        "line 1, column 3: expected label name or closing brace, got \",\"",
        parseError("a{,} 1\n").getMessage());
    assertEquals(
        "line 1, column 5: expected opening quote for label value, got \"1\"",
        parseError("a{a=1} 1\n").getMessage());
    assertEquals(
        "line 1, column 8: expected metric name after HELP, got end of line",
        parseError("# HELP \n").getMessage());
    assertEquals(
        "line 1, column 9: expected metric type after metric name in TYPE line, got end of line",
        parseError("# TYPE a\n").getMessage());
    assertEquals(
        "line 1, column 16: expected end of line after metric type, got \"x\"",
        parseError("# TYPE a gauge x\n").getMessage());
    assertEquals(
        "line 1, column 9: invalid metric type \"gaugehistogram\" (expected counter, gauge, "
            + "histogram, summary or untyped)",
        parseError("#TYPE a gaugehistogram\n").getMessage());
  }

  @Test
  void deferredLabelsGiveTheSeriesAsExposedAndParseOnDemand() throws Exception {
    String body = "a 1\nb{x=\"}{\\\"\",y=\"2\" , } 3 1000\nc {z=\"\"} 4\n";
    ExpositionParser p = text(body);
    p.deferLabels(true);
    byte[] buf = p.buffer();
    assertEquals(EntryType.SAMPLE, p.next());
    assertEquals("a", new String(buf, p.seriesOffset(), p.seriesLength(), StandardCharsets.UTF_8));
    assertEquals(0, p.labels().size());
    assertEquals(EntryType.SAMPLE, p.next());
    assertEquals(
        "b{x=\"}{\\\"\",y=\"2\" , }",
        new String(buf, p.seriesOffset(), p.seriesLength(), StandardCharsets.UTF_8));
    assertEquals(3.0, p.value());
    assertEquals(1000, p.timestampMillis());
    assertThrows(IllegalStateException.class, p::labels);
    p.ensureLabels();
    assertEquals("{x=}{\", y=2}", p.labels().toString());
    assertEquals(EntryType.SAMPLE, p.next());
    assertEquals(
        "c {z=\"\"}", new String(buf, p.seriesOffset(), p.seriesLength(), StandardCharsets.UTF_8));
    assertEquals(EntryType.EOF, p.next());
    // An error in a deferred label set still comes first, at its own position.
    ExpositionParser bad = text("a{b=1} x\n");
    bad.deferLabels(true);
    ExpositionParseException e = assertThrows(ExpositionParseException.class, bad::next);
    assertEquals(
        "line 1, column 5: expected opening quote for label value, got \"1\"", e.getMessage());
  }

  @Test
  void expectedSeriesMatchOnlyWhenTheSeriesIsExactlyTheSame() throws Exception {
    String body =
        "a 1\na_total 2\na {x=\"1\"} 3\nb{x=\"1\"} 4\nb{x=\"1\",y=\"2\"} 5\nb{x=\"1\"}6\n";
    String[] guesses = {"a", "a", "a", "b{x=\"1\"}", "b{x=\"1\"}", "b{x=\"1\"}"};
    boolean[] match = {true, false, false, true, false, true};
    String[] series = {
      "a", "a_total", "a {x=\"1\"}", "b{x=\"1\"}", "b{x=\"1\",y=\"2\"}", "b{x=\"1\"}"
    };
    ExpositionParser p = text(body);
    p.deferLabels(true);
    for (int i = 0; i < guesses.length; i++) {
      p.expectSeries(guesses[i].getBytes(StandardCharsets.UTF_8));
      assertEquals(EntryType.SAMPLE, p.next());
      assertEquals(match[i], p.seriesMatchedExpectation(), series[i]);
      assertEquals(
          series[i],
          new String(p.buffer(), p.seriesOffset(), p.seriesLength(), StandardCharsets.UTF_8));
      assertEquals(i + 1.0, p.value());
      p.ensureLabels();
      assertEquals(
          series[i].contains("y") ? 2 : series[i].contains("x") ? 1 : 0, p.labels().size());
    }
    assertEquals(EntryType.EOF, p.next());
  }

  @Test
  void invalidUtf8InLabelValue() {
    byte[] body = {'a', '{', 'b', '=', '"', 'x', (byte) 0xC3, '"', '}', ' ', '1', '\n'};
    ExpositionParseException e =
        assertThrows(
            ExpositionParseException.class,
            () -> Render.all(ExpositionParser.forContentType(null, body)));
    assertEquals("line 1, column 7: invalid UTF-8 in label value", e.getMessage());
    byte[] overlong = {'a', '{', 'b', '=', '"', (byte) 0xC0, (byte) 0xAF, '"', '}', ' ', '1', '\n'};
    assertThrows(
        ExpositionParseException.class,
        () -> Render.all(ExpositionParser.forContentType(null, overlong)));
  }

  @Test
  void offsetAndLengthWindow() throws Exception {
    byte[] all = "garbage\na 1\nb 2\nmore garbage".getBytes(StandardCharsets.UTF_8);
    ExpositionParser p = ExpositionParser.create(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, all, 8, 8);
    assertEquals(List.of("a{} 1 [a UNKNOWN]", "b{} 2 [b UNKNOWN]"), Render.all(p));
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> ExpositionParser.create(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, all, 8, 100));
  }

  @Test
  void parsedNumbersRoundTrip() throws Exception {
    java.util.Random r = new java.util.Random(42);
    StringBuilder sb = new StringBuilder();
    double[] vals = new double[5000];
    for (int i = 0; i < vals.length; i++) {
      double d;
      switch (i % 4) {
        case 0:
          d = Double.longBitsToDouble(r.nextLong());
          break;
        case 1:
          d = r.nextInt(1_000_000) / 1000.0;
          break;
        case 2:
          d = r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
          break;
        default:
          d = r.nextLong();
          break;
      }
      if (Double.isNaN(d)) {
        d = 0;
      }
      vals[i] = d;
      sb.append("m ")
          .append(i % 2 == 0 ? Double.toString(d) : new java.math.BigDecimal(d).toPlainString())
          .append('\n');
    }
    ExpositionParser p = text(sb.toString());
    for (double d : vals) {
      assertEquals(EntryType.SAMPLE, p.next());
      assertEquals(
          Double.doubleToLongBits(d), Double.doubleToLongBits(p.value()), "line " + p.line());
    }
    assertFalse(p.next() != EntryType.EOF);
  }
}
