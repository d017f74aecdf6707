package io.cardinal.template;

import static io.cardinal.template.Render.execError;
import static io.cardinal.template.Render.render;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Prometheus's template functions, with Prometheus's own expectations. */
class PromFunctionsTest {
  private static final long EVAL_MS = 1_435_065_584_128L;

  private static TemplateContext ctx(QueryFunction q) {
    return new TemplateContext(
        EVAL_MS, q, "http://testhost:9090/path/prefix", TemplateContext.MissingKey.DEFAULT);
  }

  private static String run(String text, QueryFunction q) {
    return render(text, null, ctx(q));
  }

  private static QueryFunction returning(QuerySample... samples) {
    return (q, t) -> List.of(samples);
  }

  private static String each(String fn, Object... values) {
    return render("{{ range . }}{{ " + fn + " . }}:{{ end }}", List.of(values));
  }

  @Test
  void humanize() {
    assertEquals(
        "0:1:1.235M:120m:1.234m:-1:", each("humanize", 0.0, 1.0, 1234567.0, .12, 0.001234, -1.0));
    assertEquals("0:1:1.235M:120m:", each("humanize", "0.0", "1.0", "1234567.0", ".12"));
    assertEquals("0:-1:1:1.235M:9.223E:", each("humanize", 0L, -1L, 1L, 1234567L, Long.MAX_VALUE));
    assertEquals("1k:1000:1e-06y:1e+06Y:", each("humanize", 1000, 999.99, 1e-30, 1e30));
    assertEquals("1.235M", render("{{ humanize 1234567 }}"));
    assertEquals("1.234m", render("{{ 0.001234 | humanize }}"));
  }

  @Test
  void humanize1024() {
    assertEquals(
        "0:1:1Mi:0.12:1ki:-2ki:", each("humanize1024", 0.0, 1.0, 1048576.0, .12, 1024, -2048));
    assertEquals(
        "0:-1:1:1.177Mi:8Ei:", each("humanize1024", 0L, -1L, 1L, 1234567L, Long.MAX_VALUE));
    assertEquals("1Mi", render("{{ humanize1024 \"1048576.0\" }}"));
  }

  @Test
  void humanizeDuration() {
    assertEquals(
        "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:",
        each(
            "humanizeDuration",
            0.0,
            1.0,
            60.0,
            3600.0,
            86400.0,
            86400.0 + 3600,
            -(86400.0 * 2 + 3600 * 3 + 60 * 4 + 5),
            899.99));
    assertEquals(
        "100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:",
        each("humanizeDuration", .1, .0001, .12345, 60.1, 60.5, 1.2345, 12.345));
    assertEquals("0s:-1s:1s:14d 6h 56m 7s:", each("humanizeDuration", 0, -1, 1, 1234567));
    assertEquals(
        "1h 1m 1s 500ms", render("{{ humanizeDuration 3661 }} {{ humanizeDuration 0.5 }}"));
    assertEquals("100ms", render("{{ humanizeDuration \".1\" }}"));
  }

  @Test
  void humanizePercentage() {
    assertEquals(
        "-22.22%:0%:12.35%:123.5%",
        render(
            "{{ -0.22222 | humanizePercentage }}:{{ 0.0 | humanizePercentage }}:"
                + "{{ 0.1234567 | humanizePercentage }}:{{ 1.23456 | humanizePercentage }}"));
    assertEquals("12.34%", render("{{ humanizePercentage 0.1234 }}"));
    assertEquals("0%:-100%:100%:1.235e+08%:", each("humanizePercentage", 0L, -1L, 1L, 1234567L));
    assertEquals("-22.22%", render("{{ \"-0.22222\" | humanizePercentage }}"));
  }

  @Test
  void humanizeTimestamp() {
    assertEquals(
        "2015-06-23 13:19:44.128 +0000 UTC", render("{{ 1435065584.128 | humanizeTimestamp }}"));
    assertEquals(
        "2015-06-23 13:19:44.128 +0000 UTC",
        render("{{ \"1435065584.128\" | humanizeTimestamp }}"));
    assertEquals(
        "1970-01-01 00:00:00 +0000 UTC:1969-12-31 23:59:59 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:"
            + "1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:",
        each("humanizeTimestamp", 0L, -1L, 1L, 1234567L, 9223372036L));
    assertEquals("1970-01-01 00:00:00.5 +0000 UTC", render("{{ humanizeTimestamp 0.5 }}"));
    assertEquals(
        "1970-01-01 00:00:01 +0000 UTC",
        render("{{ humanizeTimestamp 1.0009 }}"),
        "Prometheus keeps millisecond precision");
    assertEquals("1969-12-31 23:59:58.5 +0000 UTC", render("{{ humanizeTimestamp -1.5 }}"));
    assertEquals("+Inf:-Inf:NaN:", each("humanizeTimestamp", "+Inf", "-Inf", "NaN"));
    assertEquals(
        "template: t:1:16: executing \"t\" at <humanizeTimestamp .>: error calling humanizeTimestamp:"
            + " -9.223372036854776e+18 cannot be represented as a nanoseconds timestamp since it"
            + " overflows int64",
        execError(
            "{{ range . }}{{ humanizeTimestamp . }}:{{ end }}",
            List.of(Long.MIN_VALUE, Long.MAX_VALUE)));
  }

  @Test
  void infinitiesAndNaNAcrossTheHumanizers() {
    assertEquals(
        "+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:",
        render(
            "{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:"
                + "{{humanizeTimestamp .}}:{{ end }}",
            List.of(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN)));
  }

  @Test
  void numericArgumentsMustBeNumbersOrNumericStrings() {
    assertEquals(
        "template: t:1:3: executing \"t\" at <humanize \"one\">: error calling humanize:"
            + " strconv.ParseFloat: parsing \"one\": invalid syntax",
        execError("{{ humanize \"one\" }}", null));
    assertEquals(
        "template: t:1:11: executing \"t\" at <humanizePercentage>: error calling humanizePercentage:"
            + " strconv.ParseFloat: parsing \"one\": invalid syntax",
        execError("{{ \"one\" | humanizePercentage }}", null));
    assertEquals(
        "template: t:1:3: executing \"t\" at <humanize .>: error calling humanize:"
            + " can't convert bool to float",
        execError("{{ humanize . }}", true));
    assertEquals(
        "template: t:1:3: executing \"t\" at <humanize .>: error calling humanize:"
            + " can't convert <nil> to float",
        execError("{{ humanize . }}", null));
    assertEquals(
        "template: t:1:3: executing \"t\" at <humanize \"1e400\">: error calling humanize:"
            + " strconv.ParseFloat: parsing \"1e400\": value out of range",
        execError("{{ humanize \"1e400\" }}", null));
    assertEquals(
        "1k 250m 1k",
        render("{{ humanize \"1_000\" }} {{ humanize \"0x1p-2\" }} {{ humanize \"+1e3\" }}"));
  }

  @Test
  void toTimeAndToDuration() {
    assertEquals("2015", render("{{ (1435065584.128 | toTime).Format \"2006\" }}"));
    assertEquals("2015", render("{{ (\"1435065584.128\" | toTime).Format \"2006\" }}"));
    assertEquals("1970-01-01 00:00:00 +0000 UTC", render("{{ toTime 0 }}"));
    assertEquals(
        "2015-06-23T13:19:44.128Z Tue Jun 23 1:19PM",
        render(
            "{{ (toTime 1435065584.128).Format \"2006-01-02T15:04:05.999Z07:00 Mon Jan _2 3:04PM\" }}"));
    assertEquals(
        "Tuesday June 174 +0000 .12800",
        render("{{ (toTime 1435065584.128).Format \"Monday January 002 -0700 .00000\" }}"));
    assertEquals(
        "1h1m1s 500ms 0s 1.5\u00b5s -1m30s 100ns 2h0m0s",
        render(
            "{{ toDuration 3661 }} {{ toDuration 0.5 }} {{ toDuration 0 }} {{ toDuration 1.5e-6 }}"
                + " {{ toDuration -90 }} {{ toDuration 1e-7 }} {{ toDuration \"7200\" }}"));
    assertEquals(
        "template: t:1:3: executing \"t\" at <toTime \"NaN\">: error calling toTime: value is NaN or Inf",
        execError("{{ toTime \"NaN\" }}", null));
  }

  @Test
  void now() {
    assertEquals("1.435065584128e+09", render("{{ now }}"), "a float64, printed as Go does");
    assertEquals("2015-06-23 13:19:44.128 +0000 UTC", render("{{ now | humanizeTimestamp }}"));
  }

  @Test
  void queryFirstLabelValueStrvalue() {
    QuerySample a =
        new QuerySample(Map.of("__name__", "metric", "instance", "a", "__value__", "sv"), 11);
    assertEquals("11", run("{{ query \"metric{instance='a'}\" | first | value }}", returning(a)));
    assertEquals(
        "1.5",
        run("{{ query \"1.5\" | first | value }}", returning(new QuerySample(Map.of(), 1.5))));
    assertEquals("a", run("{{ query \"metric\" | first | label \"instance\" }}", returning(a)));
    assertEquals("", run("{{ query \"metric\" | first | label \"foo\" }}", returning(a)));
    assertEquals("sv", run("{{ query \"metric\" | first | strvalue }}", returning(a)));
    assertEquals(
        "a 11",
        run(
            "{{ with query \"metric\" | first }}{{ .Labels.instance }} {{ .Value }}{{ end }}",
            returning(a)));
    assertEquals(
        "{map[__name__:metric __value__:sv instance:a] 11}",
        run("{{ query \"metric\" | first }}", returning(a)),
        "an action prints the sample itself, not its pointer");
    assertEquals(
        "&{map[__name__:metric __value__:sv instance:a] 11}",
        run("{{ print (query \"metric\" | first) }}", returning(a)));
    assertEquals(
        "<no value>", run("{{ $x := query \"metric\" | first }}{{ $x.Labels.foo }}", returning(a)));
  }

  @Test
  void queryReceivesTheExpressionAndTheEvaluationTime() {
    List<String> seen = new ArrayList<>();
    QueryFunction q =
        (expr, t) -> {
          seen.add(expr + "@" + t);
          return List.of();
        };
    assertEquals("none", run("{{ with query \"up == 0\" }}some{{ else }}none{{ end }}", q));
    assertEquals(List.of("up == 0@" + EVAL_MS), seen);
  }

  @Test
  void queryErrors() {
    assertEquals(
        "template: t:1:21: executing \"t\" at <first>: error calling first: first() called on vector with no elements",
        execError("{{ query \"missing\" | first }}", null, ctx(returning())));
    assertEquals(
        "template: t:1:10: executing \"t\" at <\"missing\">: can't evaluate field banana in type template.queryResult",
        execError("{{ (query \"missing\").banana }}", null, ctx(returning())));
    QueryFunction failing =
        (q, t) -> {
          throw new IllegalStateException("parse error at char 3");
        };
    assertEquals(
        "template: t:1:3: executing \"t\" at <query \"up{\">: error calling query: parse error at char 3",
        execError("{{ query \"up{\" }}", null, ctx(failing)));
    assertEquals(
        "template: t:1:3: executing \"t\" at <query \"up\">: error calling query: no query function configured",
        execError("{{ query \"up\" }}", null));
    assertEquals(
        "template: t:1:9: executing \"t\" at <.>: wrong type for value;"
            + " expected template.queryResult; got []string",
        execError("{{ first . }}", List.of("x")));
  }

  @Test
  void rangeOverQueryAndSortByLabel() {
    QueryFunction q =
        returning(
            new QuerySample(Map.of("__name__", "metric", "instance", "b"), 21),
            new QuerySample(Map.of("__name__", "metric", "instance", "a"), 11),
            new QuerySample(Map.of("__name__", "metric", "instance", "a", "x", "2"), 12),
            new QuerySample(Map.of("__name__", "metric"), 1));
    assertEquals(
        "<no value>:1: a:11: a:12: b:21: ",
        run(
            "{{ range query \"metric\" | sortByLabel \"instance\" }}{{.Labels.instance}}:{{.Value}}: {{end}}",
            q),
        "stable; a missing label sorts as \"\" (and prints as <no value>)");
    assertEquals(
        "b a a  ", run("{{ range query \"metric\" }}{{ label \"instance\" . }} {{ end }}", q));
  }

  @Test
  void args() {
    assertEquals("x", render("{{ (args 1 \"x\").arg1 }}"));
    assertEquals("map[arg0:1 arg1:2]", render("{{ args 1 2 }}"));
    assertEquals("map[]", render("{{ args }}"));
    assertEquals("<no value>", render("{{ (args 1).arg5 }}"));
  }

  @Test
  void stringFunctions() {
    assertEquals("Aa Bb CC", render("{{ \"aa bb CC\" | title }}"));
    assertEquals("AA BB CC", render("{{ \"aa bb CC\" | toUpper }}"));
    assertEquals("aa bb cc", render("{{ \"aA bB CC\" | toLower }}"));
    assertEquals("STRAßE", render("{{ toUpper \"straße\" }}"), "Go maps case rune by rune");
    assertEquals("\u00e9lan", render("{{ toLower \"\u00c9LAN\" }}"));
  }

  @ParameterizedTest(name = "title {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "hello world|Hello World",
        "don't stop|Don't Stop",
        "foo.bar|Foo.bar",
        "foo..bar|Foo..Bar",
        "foo-bar_baz|Foo-Bar_baz",
        "node_exporter|Node_exporter",
        "3rd place|3Rd Place",
        "\u00e9lan vital|\u00c9lan Vital",
        "mIxEd CaSe|MIxEd CaSe",
        "a/b|A/B",
        "tab\there|Tab\tHere",
      })
  void titleCapitalisesWordsLikeCasesTitleNoLower(String in, String expected) {
    assertEquals(expected, GoText.title(in));
  }

  @Test
  void matchAndReReplaceAll() {
    assertEquals(
        "true false false",
        render("{{ match \"a+\" \"aa\" }} {{ match \"a+\" \"b\" }} {{ match \"^a\" \"ba\" }}"));
    assertEquals("true", render("{{ match \"(?i)ERROR\" \"an error\" }}"));
    assertEquals("xa", render("{{ reReplaceAll \"(a)b\" \"x$1\" \"ab\" }}"));
    assertEquals("XbXcX", render("{{ reReplaceAll \"a*\" \"X\" \"baaac\" }}"));
    assertEquals("", render("{{ reReplaceAll \"(a)\" \"$1x\" \"a\" }}"), "$1x names group \"1x\"");
    assertEquals("ax", render("{{ reReplaceAll \"(a)\" \"${1}x\" \"a\" }}"));
    assertEquals("$a", render("{{ reReplaceAll \"(a)\" \"$$$1\" \"a\" }}"));
    assertEquals(
        "<hi> <there>",
        render("{{ reReplaceAll \"(?P<word>\\\\w+)\" \"<${word}>\" \"hi there\" }}"));
    assertEquals("host", render("{{ reReplaceAll \":.*\" \"\" \"host:9100\" }}"));
    assertEquals("$ x", render("{{ reReplaceAll \"a\" \"$ x\" \"a\" }}"), "a lone $ is literal");
    assertEquals(
        "template: t:1:3: executing \"t\" at <match \"(\" \"x\">: error calling match:"
            + " error parsing regexp: missing closing ): `(`",
        execError("{{ match \"(\" \"x\" }}", null));
    assertEquals(
        "template: t:1:3: executing \"t\" at <reReplaceAll \"(\" \"\" \"x\">: error calling reReplaceAll:"
            + " regexp: Compile(`(`): error parsing regexp: missing closing ): `(`",
        execError("{{ reReplaceAll \"(\" \"\" \"x\" }}", null));
  }

  @Test
  void links() {
    assertEquals("/graph?g0.expr=up&g0.tab=0", render("{{ graphLink \"up\" }}"));
    assertEquals("/graph?g0.expr=up&g0.tab=1", render("{{ tableLink \"up\" }}"));
    assertEquals(
        "/graph?g0.expr=rate%28x%7Ba%3D%22b%22%7D%5B5m%5D%29&g0.tab=0",
        render("{{ graphLink \"rate(x{a=\\\"b\\\"}[5m])\" }}"));
    assertEquals("a+b%2Fc", render("{{ urlQueryEscape \"a b/c\" }}"));
  }

  @Test
  void safeHtml() {
    assertEquals("<b>", render("{{ \"<b>\" | safeHtml }}"));
    assertEquals("template.HTML", render("{{ printf \"%T\" (safeHtml \"x\") }}"));
    assertEquals(
        "true", render("{{ eq (safeHtml \"x\") \"x\" }}"), "template.HTML is a string kind");
    assertEquals(
        "template: t:1:18: executing \"t\" at <toUpper>: wrong type for value; expected string; got template.HTML",
        execError("{{ safeHtml \"x\" | toUpper }}", null));
  }

  @ParameterizedTest(name = "stripPort {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "foo.example.com|foo.example.com",
        "foo.example.com:12345|foo.example.com",
        "192.0.2.1|192.0.2.1",
        "192.0.2.1:12345|192.0.2.1",
        "2001:0DB8::1|2001:0DB8::1",
        "[2001:0DB8::1]:12345|2001:0DB8::1",
        "[2001:0DB8::1]::12345|[2001:0DB8::1]::12345",
      })
  void stripPort(String in, String expected) {
    assertEquals(expected, render("{{ . | stripPort }}", in));
  }

  @ParameterizedTest(name = "stripDomain {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "foo.example.com|foo",
        "foo.example.com:12345|foo:12345",
        "192.0.2.1|192.0.2.1",
        "192.0.2.1:12345|192.0.2.1:12345",
        "2001:0DB8::1|2001:0DB8::1",
        "[2001:0DB8::1]:12345|[2001:0DB8::1]:12345",
        "[2001:0DB8::1]::12345|[2001:0DB8::1]::12345",
        "localhost|localhost",
      })
  void stripDomain(String in, String expected) {
    assertEquals(expected, render("{{ . | stripDomain }}", in));
  }

  @Test
  void parseDuration() {
    assertEquals("3720.01", render("{{ printf \"%0.2f\" (parseDuration \"1h2m10ms\") }}"));
    assertEquals(
        "3720.01 86400 0 1.5 604800",
        render(
            "{{ parseDuration \"1h2m10ms\" }} {{ parseDuration \"1d\" }} {{ parseDuration \"0\" }}"
                + " {{ parseDuration \"1s500ms\" }} {{ parseDuration \"1w\" }}"));
    assertEquals(
        "template: t:1:3: executing \"t\" at <parseDuration \"1x\">: error calling parseDuration:"
            + " unknown unit \"x\" in duration \"1x\"",
        execError("{{ parseDuration \"1x\" }}", null));
    assertEquals(
        "template: t:1:3: executing \"t\" at <parseDuration \"1m1h\">: error calling parseDuration:"
            + " not a valid duration string: \"1m1h\"",
        execError("{{ parseDuration \"1m1h\" }}", null));
    assertEquals(
        "template: t:1:3: executing \"t\" at <parseDuration \"\">: error calling parseDuration:"
            + " empty duration string",
        execError("{{ parseDuration \"\" }}", null));
  }

  @Test
  void externalUrlAndPathPrefix() {
    assertEquals("http://testhost:9090/path/prefix", run("{{ externalURL }}", null));
    assertEquals("/path/prefix", run("{{ pathPrefix }}", null));
    assertEquals("", render("{{ pathPrefix }}"));
  }
}
