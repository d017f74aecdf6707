package io.cardinal.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenMetricsParserTest {
  static final String CT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  static ExpositionParser om(String body) {
    return ExpositionParser.forContentType(CT, body.getBytes(StandardCharsets.UTF_8));
  }

  static List<String> parse(String body) throws ExpositionParseException {
    return Render.all(om(body));
  }

  static String error(String body) {
    return assertThrows(ExpositionParseException.class, () -> parse(body)).getMessage();
  }

  @Test
  void iterateSamplesLabelsAndExemplars() throws Exception {
    ExpositionParser p =
        om(
            "# TYPE rpc_seconds histogram\n"
                + "# UNIT rpc_seconds seconds\n"
                + "# HELP rpc_seconds RPC latency \\\"quoted\\\".\n"
                + "rpc_seconds_bucket{svc=\"a\",le=\"0.1\"} 2 1520879607.789 # {trace_id=\"KOO5S4vxi0o\"} 0.067 "
                + "1520879602.1\n"
                + "rpc_seconds_bucket{svc=\"a\",le=\"+Inf\"} 3 1520879607.789\n"
                + "rpc_seconds_count{svc=\"a\"} 3 1520879607.789\n"
                + "rpc_seconds_sum{svc=\"a\"} 0.5 1520879607.789\n"
                + "# EOF\n");
    assertEquals(ExpositionFormat.OPENMETRICS_1_0_0, p.format());
    assertEquals(EntryType.TYPE, p.next());
    assertEquals(MetricType.HISTOGRAM, p.metricType());
    assertEquals("rpc_seconds", p.name());
    assertEquals(EntryType.UNIT, p.next());
    assertEquals("seconds", p.unit());
    assertEquals(EntryType.HELP, p.next());
    assertEquals("RPC latency \"quoted\".", p.help());
    assertEquals(MetricType.HISTOGRAM, p.metricType());
    assertEquals(EntryType.SAMPLE, p.next());
    assertEquals(4, p.line());
    assertEquals("rpc_seconds_bucket", p.name());
    assertEquals("rpc_seconds", p.familyName());
    assertEquals(MetricType.HISTOGRAM, p.metricType());
    assertEquals(2, p.labels().size());
    assertEquals("le", p.labels().name(1));
    assertEquals("0.1", p.labels().value(1));
    assertEquals(2.0, p.value());
    assertTrue(p.hasTimestamp());
    assertEquals(1520879607789L, p.timestampMillis());
    assertTrue(p.hasExemplar());
    assertEquals("KOO5S4vxi0o", p.exemplarLabels().get("trace_id"));
    assertEquals(0.067, p.exemplarValue());
    assertTrue(p.exemplarHasTimestamp());
    assertEquals(1520879602100L, p.exemplarTimestampMillis());
    assertEquals(EntryType.SAMPLE, p.next());
    assertFalse(p.hasExemplar());
    assertEquals(0, p.exemplarLabels().size());
    assertEquals(EntryType.SAMPLE, p.next());
    assertEquals(EntryType.SAMPLE, p.next());
    assertEquals(0.5, p.value());
    assertEquals(EntryType.EOF, p.next());
    assertEquals(EntryType.EOF, p.next());
  }

  @Test
  void histogramWithSeveralPointsOverTime() throws Exception {
    assertEquals(
        10,
        parse(
                "# TYPE h histogram\n"
                    + "h_bucket{le=\"1\"} 1 10\nh_bucket{le=\"+Inf\"} 2 10\nh_count 2 10\nh_sum 1 10\n"
                    + "h_bucket{le=\"1\"} 1 11\nh_bucket{le=\"+Inf\"} 3 11\nh_count 3 11\nh_sum 2 11\n"
                    + "h_created 1 11\n# EOF\n")
            .size());
    assertEquals(
        "line 8, column 1: _count 2.0 does not match the +Inf bucket 3.0 (histogram \"h\", metric "
            + "starting at line 2)",
        error(
            "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2 10\nh_count 2 10\nh_sum 1 10\n"
                + "h_bucket{le=\"+Inf\"} 3 11\nh_count 2 11\nh_sum 1 11\n# EOF\n"));
  }

  @Test
  void structuralErrors() {
    assertEquals(
        "line 4, column 1: samples of metric family \"a\" with the same label set must be contiguous, "
            + "but this label set appeared before another one",
        error("# TYPE a gauge\na{x=\"1\"} 1\na{x=\"2\"} 1\na{x=\"1\"} 1\n# EOF\n"));
    assertEquals(
        "line 3, column 1: metric family \"a\" appears more than once or clashes with the sample names "
            + "of an earlier family (families must be contiguous)",
        error("a 1\nb 1\na 1\n# EOF\n"));
    assertEquals(
        "line 2, column 1: blank lines are not allowed in OpenMetrics", error("a 1\n\n# EOF\n"));
    assertEquals(
        "line 2, column 1: unexpected end of input: an OpenMetrics exposition must end with \"# EOF\"",
        error("a 1\n"));
    assertEquals(
        "line 1, column 4: unexpected end of input: an OpenMetrics exposition must end with \"# EOF\"",
        error("a 1"));
    assertEquals(
        "line 1, column 1: unexpected end of input: an OpenMetrics exposition must end with \"# EOF\"",
        error(""));
    assertEquals(
        "line 1, column 5: expected equal sign after label name, got \"}\"",
        error("a{bc} 1\n# EOF\n"));
    assertEquals(
        "line 1, column 2: expected space after \"#\" (OpenMetrics has no free-form comments), got "
            + "\"c\"",
        error("#comment\n# EOF\n"));
  }

  @Test
  void labelsSetInAnyOrderAreTheSameMetric() {
    assertEquals(
        "line 2, column 1: timestamps of the same metric must not decrease",
        error("a{x=\"1\",y=\"2\"} 1 5\na{y=\"2\",x=\"1\"} 1 4\n# EOF\n"));
  }

  @Test
  void exemplarLimitCountsCodePoints() throws Exception {
    String v127 = "ü".repeat(127);
    parse("# TYPE a counter\na_total 1 # {a=\"" + v127 + "\"} 1\n# EOF\n");
    assertEquals(
        "line 2, column 11: exemplar label set has 129 code points in names and values, more than "
            + "the limit of 128",
        error("# TYPE a counter\na_total 1 # {a=\"" + v127 + "ü\"} 1\n# EOF\n"));
  }

  @Test
  void noNewlineAfterEofAndCreated() throws Exception {
    assertEquals(
        List.of("TYPE a COUNTER", "a_total{} 1 [a COUNTER]", "a_created{} 1.5 [a COUNTER]"),
        parse("# TYPE a counter\na_total 1\na_created 1.5\n# EOF"));
  }

  @Test
  void aCounterFamilyNamedWithTotalTakesSamplesOfThatName() throws Exception {
    // What promtool imports and Prometheus scrapes; the OpenMetrics suite does not decide it.
    ExpositionParser p =
        om(
            "# HELP demo_cpu_usage_seconds_total Total CPU.\n"
                + "# TYPE demo_cpu_usage_seconds_total counter\n"
                + "demo_cpu_usage_seconds_total{mode=\"idle\"} 1.5 1\n"
                + "demo_cpu_usage_seconds_total{mode=\"user\"} 2.5 1\n"
                + "# EOF\n");
    assertEquals(EntryType.HELP, p.next());
    assertEquals(EntryType.TYPE, p.next());
    for (double want : new double[] {1.5, 2.5}) {
      assertEquals(EntryType.SAMPLE, p.next());
      assertEquals("demo_cpu_usage_seconds_total", p.name());
      assertEquals(MetricType.COUNTER, p.metricType());
      assertEquals(want, p.value());
    }
    // A second family of that name further on is still refused.
    String again =
        error(
            "# TYPE a_total counter\na_total 1\n# TYPE b gauge\nb 1\n# TYPE a_total counter\n"
                + "a_total 2\n# EOF\n");
    assertTrue(again.contains("appears more than once"), again);
  }
}
