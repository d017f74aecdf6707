package io.cardinal.rulelint;

import static io.cardinal.rulelint.Fixture.MIN;
import static io.cardinal.rulelint.Fixture.l;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LabelCheckTest {
  private Fixture fx;

  @BeforeEach
  void setUp() {
    fx = new Fixture();
    for (String code : List.of("200", "500")) {
      fx.counter(
          l("__name__", "http_requests_total", "job", "api", "instance", "a:80", "code", code),
          60 * MIN,
          0,
          15_000);
    }
    fx.gauge(
        l("__name__", "node_uname_info", "instance", "a:80", "nodename", "host-a"),
        60 * MIN,
        0,
        15_000,
        1);
    for (String le : List.of("0.1", "1", "+Inf")) {
      fx.counter(l("__name__", "latency_bucket", "job", "api", "le", le), 60 * MIN, 0, 15_000);
    }
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private List<Finding> labels(String expr) throws Exception {
    return Fixture.of(fx.lint(Fixture.alerts("A", expr)), LabelCheck.ID);
  }

  private void fires(String expr, String label, String fragment) throws Exception {
    List<Finding> f = labels(expr);
    assertEquals(1, f.size(), expr + ": " + f);
    assertEquals(label, f.get(0).details().get("label"), f.toString());
    assertEquals(Severity.WARNING, f.get(0).severity());
    assertTrue(f.get(0).message().contains(fragment), f.get(0).message());
  }

  private void quiet(String expr) throws Exception {
    List<Finding> f = labels(expr);
    assertTrue(f.isEmpty(), expr + ": " + f);
  }

  @Test
  void selectorMatchers() throws Exception {
    fires(
        "http_requests_total{instnce=\"a:80\"} > 0",
        "instnce",
        "label \"instnce\" used in selector http_requests_total{instnce=\"a:80\"} never appears on"
            + " series of http_requests_total");
    fires("rate(http_requests_total{handler=~\"/api.+\"}[5m]) > 0", "handler", "matches nothing");
    quiet("http_requests_total{instance=\"a:80\"} > 0");
    // matchers an absent label satisfies need no label
    quiet("http_requests_total{handler=\"\"} > 0");
    quiet("http_requests_total{handler!=\"/x\"} > 0");
    quiet("http_requests_total{handler=~\".*\"} > 0");
  }

  @Test
  void byAndWithout() throws Exception {
    fires(
        "sum by (instnce) (rate(http_requests_total[5m])) > 0",
        "instnce",
        "label \"instnce\" used in sum by (instnce) never appears on series of"
            + " http_requests_total, so every series is grouped under an empty value");
    fires(
        "sum without (handler) (rate(http_requests_total[5m])) > 0",
        "handler",
        "so leaving it out changes nothing");
    quiet("sum by (instance, code) (rate(http_requests_total[5m])) > 0");
    quiet("sum without (instance) (rate(http_requests_total[5m])) > 0");
    // a label the outer aggregation no longer has
    fires(
        "max by (code) (sum by (job) (rate(http_requests_total[5m]))) > 0",
        "code",
        "is removed earlier in the expression");
    fires(
        "sum by (le) (histogram_quantile(0.9, rate(latency_bucket[5m]))) > 0",
        "le",
        "is removed earlier in the expression");
    quiet("histogram_quantile(0.9, sum by (le) (rate(latency_bucket[5m]))) > 0");
  }

  @Test
  void labelsTheExpressionAdds() throws Exception {
    quiet(
        "sum by (service) (label_replace(rate(http_requests_total[5m]), \"service\", \"$1\","
            + " \"job\", \"(.*)\")) > 0");
    quiet(
        "sum by (where) (label_join(http_requests_total, \"where\", \"/\", \"job\","
            + " \"instance\")) > 0");
    quiet("sum by (value) (count_values(\"value\", http_requests_total)) > 0");
    // a scalar side keeps the vector side's labels
    quiet("sum by (code) (http_requests_total * 2) > 0");
  }

  @Test
  void onIgnoringAndGroupLeft() throws Exception {
    fires(
        "rate(http_requests_total[5m]) * on (instance) group_left (nodname) node_uname_info",
        "nodname",
        "group_left (nodname) never appears on series of node_uname_info");
    quiet("rate(http_requests_total[5m]) * on (instance) group_left (nodename) node_uname_info");
    fires(
        "rate(http_requests_total[5m]) * on (code) group_left (nodename) node_uname_info",
        "code",
        "on (code) (right-hand side) never appears on series of node_uname_info, so the sides"
            + " never match");
    fires(
        "http_requests_total / ignoring (handler) http_requests_total",
        "handler",
        "so ignoring it changes nothing");
    quiet("http_requests_total / ignoring (code) http_requests_total");
    fires("http_requests_total and on (instnce) node_uname_info", "instnce", "on both sides");
  }

  @Test
  void recordedMetricsCarryWhatTheirRuleGives() throws Exception {
    String rules =
        """
        groups:
        - name: g
          labels:
            team: web
          rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
            labels:
              env: prod
          - alert: ByRecordedLabels
            expr: sum by (job, env, team) (job:http_requests:rate5m) > 0
          - alert: LabelTheRuleDrops
            expr: job:http_requests:rate5m{instance="a:80"} > 0
          - alert: ByDroppedLabel
            expr: sum by (code) (job:http_requests:rate5m) > 0
        """;
    List<Finding> all = Fixture.of(fx.lint(rules), LabelCheck.ID);
    assertTrue(Fixture.about(all, "ByRecordedLabels").isEmpty(), all.toString());
    List<Finding> drop = Fixture.about(all, "LabelTheRuleDrops");
    assertEquals(1, drop.size(), all.toString());
    assertTrue(
        drop.get(0).message().contains("nor does its recording rule add it"), drop.toString());
    assertEquals(1, Fixture.about(all, "ByDroppedLabel").size(), all.toString());
  }

  @Test
  void quietWhenTheLabelsCannotBeTold() throws Exception {
    // an unknown metric: series/missing speaks, not this check
    quiet("sum by (whatever) (rate(no_such_metric[5m])) > 0");
    quiet("no_such_metric{whatever=\"x\"} > 0");
    // a recording rule whose output cannot be told
    String rules =
        """
        groups:
        - name: g
          rules:
          - record: unknown:x
            expr: sum by (whatever) (rate(no_such_metric[5m]))
          - alert: A
            expr: sum by (whatever) (unknown:x) > 0
        """;
    assertTrue(Fixture.of(fx.lint(rules), LabelCheck.ID).isEmpty());
  }
}
