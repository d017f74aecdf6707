package io.cardinal.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Runs every case of the shared OpenMetrics parser conformance suite. The suite's test.json files
 * only state whether a case must parse ({@code shouldParse}); for good cases we additionally
 * compare the full parse result against expectations written by hand from the spec for a selection
 * of cases ({@link #EXPECTED}).
 */
class OpenMetricsConformanceTest {
  /** Cases that cannot be satisfied, with the reason. Empty: all cases pass. */
  private static final Map<String, String> KNOWN_IMPOSSIBLE = Map.of();

  /**
   * Hand-written expected parse results (every entry but EOF, rendered by {@link Render#entry}).
   */
  private static final Map<String, List<String>> EXPECTED =
      Map.ofEntries(
          Map.entry(
              "simple_counter",
              List.of("TYPE a COUNTER", "HELP a help", "a_total{} 1 [a COUNTER]")),
          Map.entry(
              "counter_exemplars",
              List.of(
                  "TYPE a COUNTER",
                  "HELP a help",
                  "a_total{} 0 @123000 # {a=\"b\"} 0.5 [a COUNTER]")),
          Map.entry(
              "counter_unit",
              List.of(
                  "HELP cc_seconds A counter",
                  "TYPE cc_seconds COUNTER",
                  "UNIT cc_seconds seconds",
                  "cc_seconds_total{} 1 [cc_seconds COUNTER]",
                  "cc_seconds_created{} 123.456 [cc_seconds COUNTER]")),
          Map.entry(
              "escaping",
              List.of(
                  "TYPE a COUNTER",
                  "HELP a he\n\\l\\tp",
                  "a_total{foo=\"b\\\"a\\nr\"} 1 [a COUNTER]",
                  "a_total{foo=\"b\\\\a\\\\z\"} 2 [a COUNTER]",
                  "a_total{foo=\"b\\\"a\\nr # \"} 3 [a COUNTER]",
                  "a_total{foo=\"b\\\\a\\\\z # \"} 4 [a COUNTER]")),
          Map.entry(
              "timestamps",
              List.of(
                  "TYPE a COUNTER",
                  "HELP a help",
                  "a_total{foo=\"1\"} 1 @0 [a COUNTER]",
                  "a_total{foo=\"2\"} 1 @0 [a COUNTER]",
                  "a_total{foo=\"3\"} 1 @1100 [a COUNTER]",
                  "a_total{foo=\"4\"} 1 @" + Long.MAX_VALUE + " [a COUNTER]",
                  "a_total{foo=\"5\"} 1 @1500000 [a COUNTER]",
                  "TYPE b COUNTER",
                  "HELP b help",
                  "b_total{} 2 @1234567890000 [b COUNTER]")),
          Map.entry(
              "simple_histogram",
              List.of(
                  "TYPE a HISTOGRAM", "HELP a help",
                  "a_bucket{le=\"1.0\"} 0 [a HISTOGRAM]", "a_bucket{le=\"+Inf\"} 3 [a HISTOGRAM]",
                  "a_count{} 3 [a HISTOGRAM]", "a_sum{} 2 [a HISTOGRAM]")),
          Map.entry(
              "gaugehistogram_exemplars",
              List.of(
                  "TYPE a GAUGE_HISTOGRAM",
                  "HELP a help",
                  "a_bucket{le=\"1.0\"} 0 @123000 # {a=\"b\"} 0.5 [a GAUGE_HISTOGRAM]",
                  "a_bucket{le=\"2.0\"} 2 @123000 # {a=\"c\"} 0.5 [a GAUGE_HISTOGRAM]",
                  "a_bucket{le=\"+Inf\"} 3 @123000 # {a=\"d\"} 4 @123000 [a GAUGE_HISTOGRAM]")),
          Map.entry(
              "labels_and_infinite",
              List.of(
                  "TYPE a GAUGE", "HELP a help",
                  "a{foo=\"bar\"} Infinity [a GAUGE]", "a{foo=\"baz\"} -Infinity [a GAUGE]")),
          Map.entry("nan", List.of("a{} NaN [a UNKNOWN]")),
          Map.entry(
              "leading_zeros_float_gauge",
              List.of("TYPE a GAUGE", "HELP a help", "a{} 0.12 [a GAUGE]")),
          Map.entry(
              "uint64_counter",
              List.of(
                  "TYPE a COUNTER", "HELP a help", "a_total{} 9.223372036854776E18 [a COUNTER]")),
          Map.entry(
              "hash_in_label_value",
              List.of(
                  "TYPE a COUNTER", "HELP a help",
                  "a_total{foo=\"foo # bar\"} 1 [a COUNTER]",
                      "a_total{foo=\"} foo # bar # \"} 1 [a COUNTER]")),
          Map.entry("empty_metadata", List.of("HELP a ", "UNIT a ")),
          Map.entry("null_byte", List.of("TYPE a COUNTER", "HELP a he\u0000lp")),
          Map.entry(
              "simple_stateset",
              List.of(
                  "TYPE a STATESET",
                  "HELP a help",
                  "a{a=\"bar\"} 0 [a STATESET]",
                  "a{a=\"foo\"} 1 [a STATESET]")),
          Map.entry(
              "info_timestamps",
              List.of(
                  "TYPE a INFO", "HELP a help",
                  "a_info{a=\"1\",foo=\"bar\"} 1 @1000 [a INFO]",
                      "a_info{a=\"2\",foo=\"bar\"} 1 @0 [a INFO]")),
          Map.entry(
              "summary_quantiles",
              List.of(
                  "TYPE a SUMMARY",
                  "HELP a help",
                  "a_count{} 1 [a SUMMARY]",
                  "a_sum{} 2 [a SUMMARY]",
                  "a{quantile=\"0.5\"} 0.7 [a SUMMARY]",
                  "a{quantile=\"1\"} 0.8 [a SUMMARY]")),
          Map.entry(
              "untyped",
              List.of(
                  "HELP redis_connected_clients Redis connected clients",
                  "TYPE redis_connected_clients UNKNOWN",
                  "redis_connected_clients{instance=\"rough-snowflake-web\",port=\"6380\"} 10 "
                      + "[redis_connected_clients UNKNOWN]",
                  "redis_connected_clients{instance=\"rough-snowflake-web\",port=\"6381\"} 12 "
                      + "[redis_connected_clients UNKNOWN]")));

  @Test
  void allCases() throws Exception {
    List<ConformanceSuite.Case> cases = ConformanceSuite.load();
    int goodTotal = 0;
    int goodPassed = 0;
    int badTotal = 0;
    int badRejected = 0;
    int compared = 0;
    List<String> failures = new ArrayList<>();
    for (ConformanceSuite.Case c : cases) {
      if (KNOWN_IMPOSSIBLE.containsKey(c.name)) {
        continue;
      }
      if (!c.type.equals("text")) {
        failures.add(c.name + ": unsupported case type " + c.type);
        continue;
      }
      ExpositionParser p =
          ExpositionParser.forContentType(
              "application/openmetrics-text; version=1.0.0; charset=utf-8", c.input);
      List<String> got = null;
      ExpositionParseException err = null;
      try {
        got = Render.all(p);
      } catch (ExpositionParseException e) {
        err = e;
      } catch (RuntimeException e) {
        failures.add(c.name + ": unexpected " + e);
        if (c.shouldParse) {
          goodTotal++;
        } else {
          badTotal++;
        }
        continue;
      }
      if (c.shouldParse) {
        goodTotal++;
        if (err != null) {
          failures.add(c.name + ": should parse but got " + err.getMessage());
        } else if (EXPECTED.containsKey(c.name) && !EXPECTED.get(c.name).equals(got)) {
          failures.add(
              c.name
                  + ": parse result differs\n  expected "
                  + EXPECTED.get(c.name)
                  + "\n  got      "
                  + got);
        } else {
          if (EXPECTED.containsKey(c.name)) {
            compared++;
          }
          goodPassed++;
        }
      } else {
        badTotal++;
        if (err != null) {
          badRejected++;
          System.out.println("  rejected " + c.name + ": " + err.getMessage());
        } else {
          failures.add(c.name + ": should be rejected but parsed as " + got);
        }
      }
    }
    System.out.printf(
        "OpenMetrics conformance: good parsed %d/%d (%d compared with expected samples), "
            + "bad rejected %d/%d, known-impossible %d%n",
        goodPassed, goodTotal, compared, badRejected, badTotal, KNOWN_IMPOSSIBLE.size());
    failures.forEach(f -> System.out.println("  FAIL " + f));
    Set<String> missing = new java.util.TreeSet<>(EXPECTED.keySet());
    cases.forEach(c -> missing.remove(c.name));
    assertTrue(missing.isEmpty(), "expected results for cases not in the suite: " + missing);
    assertTrue(
        failures.isEmpty(),
        failures.size() + " conformance failures:\n" + String.join("\n", failures));
    assertEquals(goodTotal, goodPassed);
    assertEquals(badTotal, badRejected);
    assertEquals(cases.size(), goodTotal + badTotal + KNOWN_IMPOSSIBLE.size());
    assertEquals(EXPECTED.size(), compared);
  }
}
