package io.cardinal.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.labels.Labels;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuleFilesTest {
  static final String GOOD =
      """
      groups:
        - name: api
          interval: 30s
          limit: 10
          query_offset: 1m
          labels:
            team: core
          rules:
            - record: job:http_requests:rate5m
              expr: sum by (job) (rate(http_requests_total[5m]))
              labels:
                source: rules
            - alert: HighErrorRate
              expr: job:http_requests:rate5m > 0.5
              for: 10m
              keep_firing_for: 5m
              labels:
                severity: page
              annotations:
                summary: "High error rate on {{ $labels.job }}"
        - name: other
          rules: []
      """;

  /** SnakeYAML refuses documents over 3 million characters by default; Prometheus has no limit. */
  @Test
  void aRuleFileOfFiftyThousandRulesLoads() throws Exception {
    StringBuilder sb = new StringBuilder("groups:\n  - name: big\n    rules:\n");
    for (int i = 0; i < 50_000; i++) {
      sb.append("      - alert: A").append(i).append('\n');
      sb.append("        expr: rate(http_requests_total{job=\"job-").append(i % 20);
      sb.append("\"}[5m]) > ").append(i).append('\n');
      sb.append("        labels: {severity: warning}\n");
    }
    assertTrue(sb.length() > 4_000_000, "the file is over the old limit: " + sb.length());
    java.nio.file.Path f = java.nio.file.Files.createTempFile("big-rules", ".yml");
    try {
      java.nio.file.Files.writeString(f, sb);
      List<GroupSpec> groups = RuleFiles.load(f);
      assertEquals(50_000, groups.get(0).rules().size());
    } finally {
      java.nio.file.Files.delete(f);
    }
  }

  @Test
  void readsEveryField() throws Exception {
    List<GroupSpec> groups = RuleFiles.parse("rules.yml", GOOD);
    assertEquals(2, groups.size());
    GroupSpec g = groups.get(0);
    assertEquals("rules.yml", g.file());
    assertEquals("api", g.name());
    assertEquals(30_000, g.intervalMs());
    assertEquals(10, g.limit());
    assertEquals(60_000L, g.queryOffsetMs());
    assertEquals(Labels.of("team", "core"), g.labels());
    RuleSpec rec = g.rules().get(0);
    assertEquals("job:http_requests:rate5m", rec.record());
    assertNull(rec.alert());
    assertEquals(Labels.of("source", "rules"), rec.labels());
    assertEquals(9, rec.line());
    RuleSpec alert = g.rules().get(1);
    assertEquals("HighErrorRate", alert.alert());
    assertEquals(600_000, alert.forMs());
    assertEquals(300_000, alert.keepFiringForMs());
    assertEquals("High error rate on {{ $labels.job }}", alert.annotations().get("summary"));
    assertEquals(0, groups.get(1).intervalMs());
    assertNull(groups.get(1).queryOffsetMs());
    assertEquals(List.of(), RuleFiles.parse("empty.yml", ""));
  }

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of(
            "groups:\n  - name: a\n    rules:\n      - record: x\n        exprr: up\n",
            "f.yml: 5: field exprr not found in rule"),
        Arguments.of(
            "groups:\n  - name: a\n  - name: a\n",
            "f.yml: 3: groupname: \"a\" is repeated in the same file"),
        Arguments.of("groups:\n  - interval: 1m\n", "f.yml: 2: Groupname must not be empty"),
        Arguments.of(
            "groups:\n  - name: a\n    rules:\n      - expr: up\n",
            "f.yml: 4: group \"a\", rule 1, \"\": one of 'record' or 'alert' must be set"),
        Arguments.of(
            "groups:\n  - name: a\n    rules:\n      - record: x\n        alert: y\n        expr: up\n",
            "f.yml: 4: group \"a\", rule 1, \"x\": only one of 'record' and 'alert' must be set"),
        Arguments.of(
            "groups:\n  - name: a\n    rules:\n      - record: x\n",
            "f.yml: 4: group \"a\", rule 1, \"x\": field 'expr' must be set in rule"),
        Arguments.of(
            "groups:\n  - name: a\n    rules:\n      - record: x\n        expr: sum(up\n",
            "f.yml: 5:15: group \"a\", rule 1, \"x\": could not parse expression: "),
        Arguments.of(
            "groups:\n  - name: a\n    rules:\n      - record: 'bad name'\n        expr: up\n",
            "f.yml: 4: group \"a\", rule 1, \"bad name\": invalid recording rule name: bad name"),
        Arguments.of(
            "groups:\n  - name: a\n    rules:\n      - record: x\n        expr: up\n"
                + "        for: 5m\n",
            "f.yml: 6: group \"a\", rule 1, \"x\": invalid field 'for' in recording rule"),
        Arguments.of(
            "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n"
                + "        labels:\n          __name__: y\n",
            "f.yml: 7: group \"a\", rule 1, \"X\": invalid label name: __name__"),
        Arguments.of(
            "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n"
                + "        for: 5x\n",
            "f.yml: 6: invalid for: not a valid duration string: \"5x\""),
        Arguments.of(
            "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up\n"
                + "        annotations:\n          s: '{{ $labels.x'\n",
            "f.yml: 4: group \"a\", rule 1, \"X\": template: __alert_X:"));
  }

  @ParameterizedTest
  @MethodSource("bad")
  void badFilesNameFileLineAndReason(String yaml, String message) {
    RuleFileException e =
        assertThrows(RuleFileException.class, () -> RuleFiles.parse("f.yml", yaml));
    if (!e.getMessage().startsWith(message)) {
      assertEquals(message, e.getMessage());
    }
  }
}
