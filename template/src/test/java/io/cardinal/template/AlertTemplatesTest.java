package io.cardinal.template;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Alert label and annotation expansion as Prometheus's rule manager does it, and the examples of
 * Prometheus's template documentation (template_examples.md, alerting_rules.md).
 */
class AlertTemplatesTest {
  private static final String NAME = AlertTemplates.templateName("InstanceDown");
  private static final Map<String, String> LABELS =
      Map.of("alertname", "InstanceDown", "instance", "localhost:9100", "job", "node");
  private static final Map<String, String> EXTERNAL = Map.of("region", "eu-west");
  private static final String URL = "http://prom.example.com:9090";
  private static final long EVAL_MS = 1_700_000_000_000L;

  private static String expand(String text, double value) {
    return expand(text, value, null);
  }

  private static String expand(String text, double value, QueryFunction q) {
    return AlertTemplates.expand(NAME, text, LABELS, EXTERNAL, URL, value, EVAL_MS, q);
  }

  @Test
  void theDocumentedAlertExamples() {
    assertEquals("Instance localhost:9100 down", expand("Instance {{$labels.instance}} down", 0));
    assertEquals(
        "localhost:9100 of job node has been down for more than 5 minutes.",
        expand(
            "{{$labels.instance}} of job {{$labels.job}} has been down for more than 5 minutes.",
            0));
    assertEquals(
        "localhost:9100 has a median request latency above 1s (current value: 1.5s)",
        expand(
            "{{ $labels.instance }} has a median request latency above 1s (current value: {{ $value }}s)",
            1.5));
  }

  @Test
  void theConvenienceVariablesAndTheData() {
    assertEquals("eu-west", expand("{{ $externalLabels.region }}", 0));
    assertEquals(URL, expand("{{ $externalURL }}", 0));
    assertEquals("node 2 " + URL, expand("{{ .Labels.job }} {{ .Value }} {{ .ExternalURL }}", 2));
    assertEquals("1e+06", expand("{{ $value }}", 1_000_000), "values print as Go prints float64");
    assertEquals("1.235M", expand("{{ $value | humanize }}", 1_234_567));
    assertEquals("0.12", expand("{{ printf \"%.2f\" $value }}", 0.1234));
    assertEquals("high", expand("{{ if gt $value 1.0 }}high{{ else }}low{{ end }}", 1.5));
    assertEquals(
        "{map[alertname:InstanceDown instance:localhost:9100 job:node] map[region:eu-west] "
            + URL
            + " 3}",
        expand("{{ . }}", 3));
  }

  @Test
  void aMissingLabelIsEmptyAsWithMissingkeyZero() {
    assertEquals("[]", expand("[{{ $labels.nope }}]", 0));
    assertEquals("[]", expand("[{{ index $labels \"nope\" }}]", 0));
  }

  @Test
  void parseErrorsBecomeTheAnnotationText() {
    assertEquals(
        "<error expanding template: error parsing template __alert_InstanceDown:"
            + " template: __alert_InstanceDown:1: function \"foo\" not defined>",
        expand("{{ foo }}", 0));
    assertEquals(
        "<error expanding template: error parsing template __alert_InstanceDown:"
            + " template: __alert_InstanceDown:1: unclosed action>",
        expand("{{ $labels.x", 0));
  }

  @Test
  void executionErrorsCountTheDefinitionsPrefix() {
    // the 112 characters of definitions precede the text on its first line
    assertEquals(112, AlertTemplates.DEFS.length());
    assertEquals(
        "<error expanding template: error executing template __alert_InstanceDown:"
            + " template: __alert_InstanceDown:1:115: executing \"__alert_InstanceDown\""
            + " at <index $labels 1>: error calling index: value has type int; should be string>",
        expand("{{ index $labels 1 }}", 0));
    assertEquals(
        "<error expanding template: error executing template __alert_InstanceDown:"
            + " template: __alert_InstanceDown:2:3: executing \"__alert_InstanceDown\""
            + " at <gt $value 1>: error calling gt: incompatible types for comparison: float64 and int>",
        expand("value\n{{ gt $value 1 }}", 0));
    assertEquals(
        "<error expanding template: error executing template __alert_InstanceDown:"
            + " template: __alert_InstanceDown:1:116: executing \"__alert_InstanceDown\""
            + " at <.Foo>: can't evaluate field Foo in type struct { Labels map[string]string;"
            + " ExternalLabels map[string]string; ExternalURL string; Value interface {} }>",
        expand("x{{ .Foo }}", 0));
  }

  @Test
  void expandNeverThrows() {
    assertEquals("", AlertTemplates.expand("n", null, null, null, null, Double.NaN, 0, null));
    assertEquals(
        "NaN", AlertTemplates.expand("n", "{{ $value }}", null, null, null, Double.NaN, 0, null));
    assertEquals(
        "<error expanding template: error executing template n: template: n:1:115:"
            + " executing \"n\" at <query \"up\">: error calling query: no query function configured>",
        AlertTemplates.expand("n", "{{ query \"up\" }}", Map.of(), Map.of(), "", 0, 0, null));
  }

  @Test
  void queriesRunAtTheEvaluationTime() {
    List<String> seen = new ArrayList<>();
    QueryFunction q =
        (expr, t) -> {
          seen.add(expr + "@" + t);
          return List.of(new QuerySample(Map.of("instance", "a"), 42));
        };
    assertEquals(
        "42 at 1.7e+09",
        expand("{{ with query \"up == 0\" }}{{ . | first | value }}{{ end }} at {{ now }}", 0, q));
    assertEquals(List.of("up == 0@" + EVAL_MS), seen);
  }

  // ---- template_examples.md ----

  private static String console(String text, Object data, QueryFunction q) {
    TemplateContext ctx = new TemplateContext(EVAL_MS, q, URL, TemplateContext.MissingKey.ZERO);
    try {
      return Template.parse("console", text).execute(data, ctx);
    } catch (TemplateException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  @Test
  void simpleIteration() {
    QueryFunction q =
        (expr, t) ->
            List.of(
                new QuerySample(Map.of("__name__", "up", "instance", "a:9100"), 1),
                new QuerySample(Map.of("__name__", "up", "instance", "b:9100"), 0));
    assertEquals(
        "\n  a:9100 1\n\n  b:9100 0\n",
        console(
            "{{ range query \"up\" }}\n  {{ .Labels.instance }} {{ .Value }}\n{{ end }}", null, q));
  }

  @Test
  void displayOneValue() {
    QueryFunction q =
        (expr, t) -> List.of(new QuerySample(Map.of("instance", "someinstance"), 1234567));
    String text =
        "{{ with query \"some_metric{instance='someinstance'}\" }}\n"
            + "  {{ . | first | value | humanize }}\n"
            + "{{ end }}";
    assertEquals("\n  1.235M\n", console(text, null, q));
    assertEquals("", console(text, null, (expr, t) -> List.of()), "no samples: nothing shown");
  }

  @Test
  void usingConsoleUrlParameters() {
    List<String> seen = new ArrayList<>();
    QueryFunction q =
        (expr, t) -> {
          seen.add(expr);
          return List.of(new QuerySample(Map.of(), 8589934592.0));
        };
    String text =
        "{{ with printf \"node_memory_MemTotal{job='node',instance='%s'}\" .Params.instance | query }}\n"
            + "  {{ . | first | value | humanize1024 }}B\n"
            + "{{ end }}";
    assertEquals("\n  8GiB\n", console(text, Map.of("Params", Map.of("instance", "hostname")), q));
    assertEquals(List.of("node_memory_MemTotal{job='node',instance='hostname'}"), seen);
  }

  @Test
  void advancedIteration() {
    QueryFunction q =
        (expr, t) -> {
          if (expr.startsWith("node_network_receive_bytes")) {
            return List.of(
                new QuerySample(Map.of("device", "eth1", "instance", "h1"), 0),
                new QuerySample(Map.of("device", "eth0", "instance", "h1"), 0));
          }
          boolean rx = expr.contains("receive");
          boolean eth0 = expr.contains("device='eth0'");
          double v = eth0 ? (rx ? 1500 : 250) : (rx ? 2_000_000 : 0.5);
          return List.of(new QuerySample(Map.of(), v));
        };
    String text =
        "<table>\n"
            + "{{ range printf \"node_network_receive_bytes{job='node',instance='%s',device!='lo'}\""
            + " .Params.instance | query | sortByLabel \"device\"}}\n"
            + "  <tr><th colspan=2>{{ .Labels.device }}</th></tr>\n"
            + "  <tr>\n"
            + "    <td>Received</td>\n"
            + "    <td>{{ with printf \"rate(node_network_receive_bytes{job='node',instance='%s',device='%s'}[5m])\""
            + " .Labels.instance .Labels.device | query }}{{ . | first | value | humanize }}B/s{{end}}</td>\n"
            + "  </tr>\n"
            + "  <tr>\n"
            + "    <td>Transmitted</td>\n"
            + "    <td>{{ with printf \"rate(node_network_transmit_bytes{job='node',instance='%s',device='%s'}[5m])\""
            + " .Labels.instance .Labels.device | query }}{{ . | first | value | humanize }}B/s{{end}}</td>\n"
            + "  </tr>{{ end }}\n"
            + "</table>";
    StringBuilder want = new StringBuilder("<table>\n");
    String[][] rows = {{"eth0", "1.5k", "250"}, {"eth1", "2M", "500m"}};
    for (String[] r : rows) {
      want.append("\n  <tr><th colspan=2>")
          .append(r[0])
          .append("</th></tr>\n  <tr>\n    <td>Received</td>\n    <td>")
          .append(r[1])
          .append("B/s</td>\n  </tr>\n  <tr>\n    <td>Transmitted</td>\n    <td>")
          .append(r[2])
          .append("B/s</td>\n  </tr>");
    }
    want.append("\n</table>");
    assertEquals(want.toString(), console(text, Map.of("Params", Map.of("instance", "h1")), q));
  }

  @Test
  void definingReusableTemplates() {
    String text =
        "{{/* Define the template */}}\n"
            + "{{define \"myTemplate\"}}\n"
            + "  do something\n"
            + "{{end}}\n"
            + "\n"
            + "{{/* Use the template */}}\n"
            + "{{template \"myTemplate\"}}";
    assertEquals("\n\n\n\n\n  do something\n", console(text, null, null));
  }
}
