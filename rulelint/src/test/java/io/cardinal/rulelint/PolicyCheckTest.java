package io.cardinal.rulelint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PolicyCheckTest {
  private static final String POLICY =
      """
      required_alert_labels: [severity]
      required_annotations: [runbook_url]
      alert_name_pattern: '[A-Z][A-Za-z0-9]*'
      record_name_pattern: '[a-z_]+:[a-z0-9_]+:[a-z0-9_]+'
      """;

  private static final String RULES =
      """
      groups:
      - name: g
        rules:
        - alert: Good
          expr: up == 0
          labels:
            severity: page
          annotations:
            runbook_url: https://runbooks/good
        - alert: bad_name
          expr: up == 0
          annotations:
            runbook_url: ""
        - record: job:up:sum
          expr: sum by (job) (up)
        - record: upSum
          expr: sum(up)
      - name: labelled
        labels:
          severity: ticket
        rules:
        - alert: FromGroup
          expr: up == 0
          annotations:
            runbook_url: https://runbooks/x
      """;

  private static List<Finding> lint(Policy p) throws Exception {
    // the policy needs no data: no source at all
    return new RuleLinter(null, Fixture.options().withPolicy(p)).lint(Fixture.rules(RULES));
  }

  @Test
  void violationsNameTheRuleAndLine() throws Exception {
    List<Finding> all = lint(Policy.parse("policy.yml", POLICY));
    List<Finding> labels = Fixture.of(all, PolicyCheck.REQUIRED_LABELS);
    assertEquals(1, labels.size(), all.toString());
    assertEquals("bad_name", labels.get(0).rule());
    assertEquals(10, labels.get(0).line());
    assertEquals(Severity.PROBLEM, labels.get(0).severity());
    assertEquals(
        "alert bad_name has no \"severity\" label, which the policy requires",
        labels.get(0).message());
    List<Finding> ann = Fixture.of(all, PolicyCheck.REQUIRED_ANNOTATIONS);
    assertEquals(1, ann.size(), all.toString());
    assertEquals("bad_name", ann.get(0).rule());
    List<Finding> names = Fixture.of(all, PolicyCheck.NAME);
    assertEquals(2, names.size(), all.toString());
    assertEquals(
        "alert name bad_name does not match the policy's alert_name_pattern [A-Z][A-Za-z0-9]*",
        names.get(0).message());
    assertEquals("upSum", names.get(1).rule());
    assertTrue(names.get(1).message().contains("record_name_pattern"));
    // nothing else runs without a source
    assertEquals(4, all.size(), all.toString());
  }

  @Test
  void nothingIsEnforcedWithoutAPolicy() throws Exception {
    assertTrue(lint(Policy.NONE).isEmpty());
    assertTrue(Policy.parse("empty.yml", "").isEmpty());
    Policy p = Policy.parse("p.yml", "required_annotations: [summary]\n");
    assertNull(p.recordNamePattern());
    assertEquals(List.of("summary"), p.requiredAnnotations());
  }

  @Test
  void suggestedRecordNamePattern() {
    Pattern p = Pattern.compile(Policy.SUGGESTED_RECORD_NAME_PATTERN);
    assertTrue(p.matcher("job:http_requests:rate5m").matches());
    assertTrue(p.matcher("instance_path:requests:rate5m").matches());
    assertTrue(p.matcher("job:request_latency_seconds:mean5m:sum").matches());
    assertTrue(!p.matcher("http_requests_rate").matches());
    assertTrue(!p.matcher("job:requests").matches());
  }

  @Test
  void badPolicyFilesNameFileAndLine() {
    PolicyException e =
        assertThrows(
            PolicyException.class,
            () -> Policy.parse("policy.yml", "required_annotations: [a]\nalert_name_patern: x\n"));
    assertEquals(2, e.line());
    assertEquals("policy.yml:2: field alert_name_patern not found in policy", e.getMessage());
    e =
        assertThrows(
            PolicyException.class,
            () -> Policy.parse("policy.yml", "\nrecord_name_pattern: '[a-z'\n"));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().startsWith("policy.yml:2: record_name_pattern: invalid pattern"));
    e =
        assertThrows(
            PolicyException.class, () -> Policy.parse("policy.yml", "required_alert_labels: x\n"));
    assertEquals(1, e.line());
  }
}
