package io.cardinal.promql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.promql.ast.Expr;
import io.cardinal.testing.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Parses every {@code eval} query of Prometheus' PromQL test scripts
 * (shared/conformance/promql/*.test). Queries not expected to fail must parse, and parse -> print
 * -> parse must give an equal AST.
 */
class ConformanceCorpusTest {

  private static final Pattern EVAL =
      Pattern.compile(
          "^\\s*(eval(?:_fail|_warn|_ordered|_info)?)\\s+(?:instant\\s+at\\s+\\S+|range\\s+from\\s+\\S+\\s+to\\s+\\S+\\s+step\\s+\\S+)\\s+(.+)$");

  record Query(String file, int line, String text, boolean expectFail) {}

  static Path conformanceDir() {
    return Shared.require("conformance/promql");
  }

  static List<Query> corpus() throws IOException {
    Path dir = conformanceDir();
    List<Query> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".test")).sorted().toList();
    }
    for (Path f : files) {
      List<String> lines = Files.readAllLines(f);
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = EVAL.matcher(lines.get(i));
        if (!m.matches()) {
          continue;
        }
        boolean fail = m.group(1).equals("eval_fail");
        for (int j = i + 1; j < lines.size(); j++) {
          String next = lines.get(j);
          if (next.isBlank() || !Character.isWhitespace(next.charAt(0))) {
            break;
          }
          if (next.trim().startsWith("expect fail")
              || next.trim().startsWith("expected_fail_message")) {
            fail = true;
          }
        }
        out.add(new Query(f.getFileName().toString(), i + 1, m.group(2).trim(), fail));
      }
    }
    return out;
  }

  @Test
  void everyEvalQueryParsesAndRoundTrips() throws IOException {
    List<Query> corpus = corpus();
    // The folder exists (conformanceDir skips or fails otherwise), so an empty corpus is a broken
    // checkout.
    assertFalse(corpus.isEmpty(), "no eval queries in " + conformanceDir());
    Map<String, int[]> perFile =
        new TreeMap<>(); // parsed, total, expectFail total, expectFail parse errors
    List<String> failures = new ArrayList<>();
    int roundTrips = 0;
    for (Query q : corpus) {
      int[] c = perFile.computeIfAbsent(q.file(), k -> new int[4]);
      if (q.expectFail()) {
        c[2]++;
        try {
          PromQL.parse(q.text());
        } catch (PromQLParseException e) {
          c[3]++;
        }
        continue;
      }
      c[1]++;
      Expr e;
      try {
        e = PromQL.parse(q.text());
        c[0]++;
      } catch (PromQLParseException ex) {
        failures.add(q.file() + ":" + q.line() + ": " + q.text() + " -> " + ex.getMessage());
        continue;
      }
      String printed = e.toPromQL();
      try {
        Expr again = PromQL.parse(printed);
        if (again.equals(e)) {
          roundTrips++;
        } else {
          failures.add(
              q.file()
                  + ":"
                  + q.line()
                  + ": round trip changed AST: "
                  + q.text()
                  + " -> "
                  + printed);
        }
      } catch (PromQLParseException ex) {
        failures.add(
            q.file()
                + ":"
                + q.line()
                + ": printed form does not parse: "
                + printed
                + " -> "
                + ex.getMessage());
      }
    }
    int parsed = 0;
    int total = 0;
    int failTotal = 0;
    int failRejected = 0;
    StringBuilder report = new StringBuilder("PromQL conformance corpus (parser):\n");
    for (Map.Entry<String, int[]> en : perFile.entrySet()) {
      int[] c = en.getValue();
      parsed += c[0];
      total += c[1];
      failTotal += c[2];
      failRejected += c[3];
      report.append(
          String.format(
              "  %-28s %4d/%4d parsed, %3d expected-to-fail (%d rejected by the parser)%n",
              en.getKey(), c[0], c[1], c[2], c[3]));
    }
    report.append(
        String.format(
            "  TOTAL %d/%d parsed, %d round-tripped; %d expected-to-fail queries, %d of them"
                + " parse errors%n",
            parsed, total, roundTrips, failTotal, failRejected));
    System.out.print(report);
    failures.forEach(System.out::println);
    assertTrue(total > 1500, "corpus unexpectedly small: " + total);
    assertEquals(List.of(), failures);
    assertEquals(total, roundTrips);
  }
}
