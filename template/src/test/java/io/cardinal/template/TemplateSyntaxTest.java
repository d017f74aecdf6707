package io.cardinal.template;

import static io.cardinal.template.Render.parseError;
import static io.cardinal.template.Render.render;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Go text/template's language: text, actions, literals, pipelines, variables, control. */
class TemplateSyntaxTest {
  record Person(String name, long age, Map<String, String> labels, Person boss) {}

  private static Map<String, Object> data() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "str");
    m.put("n", 42);
    m.put("f", 1.5);
    m.put("l", List.of("a", "b", "c"));
    m.put("empty", List.of());
    m.put("m", Map.of("k", "v", "k2", "v2"));
    m.put("nested", Map.of("inner", Map.of("leaf", "deep")));
    m.put("p", new Person("Ann", 41, Map.of("team", "db"), new Person("Bob", 50, Map.of(), null)));
    return m;
  }

  @Test
  void textAndActions() {
    assertEquals("plain text", render("plain text"));
    assertEquals("", render(""));
    assertEquals("1", render("{{ 1 }}"));
    assertEquals("abc", render("a{{\"b\"}}c"));
    assertEquals("a}}b", render("a}}b"), "a lone right delimiter is text");
    assertEquals("str 42 1.5", render("{{.s}} {{.n}} {{.f}}", data()));
    assertEquals("line1\nline2 str\n", render("line1\nline2 {{ .s }}\n", data()));
  }

  @Test
  void stringLiteralsUseGoEscapes() {
    assertEquals("tab\there\u00e9AA\"q\"", render("{{\"tab\\there\\u00e9\\x41\\101\\\"q\\\"\"}}"));
    assertEquals("a\\nb", render("{{`a\\nb`}}"), "raw strings keep backslashes");
    assertEquals("two\nlines", render("{{`two\nlines`}}"), "raw strings may span lines");
    assertEquals("ab", render("{{`a\r\nb`}}".replace("\n", "")), "raw strings drop \\r");
    assertEquals("\u00e9", render("{{\"\\xc3\\xa9\"}}"), "\\x escapes are bytes of UTF-8");
    assertEquals("\uD83D\uDE00", render("{{\"\\U0001F600\"}}"));
  }

  @Test
  void numberAndCharacterLiterals() {
    assertEquals(
        "31 15 5 15 1000 -7", render("{{0x1F}} {{0o17}} {{0b101}} {{017}} {{1_000}} {{-7}}"));
    assertEquals("97 10 39 233", render("{{'a'}} {{'\\n'}} {{'\\''}} {{'é'}}"));
    assertEquals("é", render("{{printf \"%c\" 'é'}}"));
    assertEquals("true false", render("{{true}} {{false}}"));
    assertEquals("1000", render("{{1e3}}"), "1e3 is a float constant, printed as Go prints 1000.0");
    assertEquals("int float64", render("{{printf \"%T %T\" 1 1.0}}"));
    assertEquals("int", render("{{printf \"%T\" 0x10}}"), "hex integers stay integers");
  }

  @Test
  void trimMarkers() {
    assertEquals("a1b", render("a  {{- 1 -}}  b"));
    assertEquals("a1 \n b", render("a\n\t {{- 1}} \n b"));
    assertEquals("1x", render("{{1 -}}\n\n  x"));
    assertEquals("a1b", render("a\r\n{{- 1 -}}\r\nb"));
    assertEquals("x -1y", render("x {{-1 -}} y"), "{{-1 is the number -1, not a trim marker");
    assertEquals("x3 y", render("x{{3 }} y"));
    assertEquals(
        "<ul>\n  <li>a</li>\n  <li>b</li></ul>",
        render(
            "<ul>\n  {{- range . }}\n  <li>{{ . }}</li>\n  {{- end }}\n</ul>"
                .replace("\n</ul>", "</ul>"),
            List.of("a", "b")));
  }

  @Test
  void comments() {
    assertEquals("ab", render("a{{/* comment */}}b"));
    assertEquals("ab", render("a {{- /* c */ -}} \n b"));
    assertEquals("ab", render("a{{/* line1\nline2 */}}b"));
    assertEquals("template: t:1: unclosed comment", parseError("{{/* x }}"));
    assertEquals(
        "template: t:1: comment ends before closing delimiter", parseError("{{/* x */ }}"));
  }

  @Test
  void pipelines() {
    assertEquals("x-abc", render("{{\"abc\" | printf \"%s-%s\" \"x\"}}"));
    assertEquals("4 3", render("{{ 3 | printf \"%d %d\" 4 }}"));
    assertEquals("4", render("{{ printf \"%d\" (len \"abcd\") }}"));
    assertEquals("3", render("{{ (len \"abc\") }}"));
    assertEquals("1!", render("{{ \"a\" | len | printf \"%d!\" }}"));
    assertEquals("ANN", render("{{ .p.Name | toUpper }}", data()));
    assertEquals("Bob", render("{{ (.p).Boss.Name }}", data()));
    assertEquals("b", render("{{ (index .l 1) }}", data()));
    assertEquals("v", render("{{ (index . \"m\").k }}", data()));
  }

  @Test
  void variablesAndAssignment() {
    assertEquals("1", render("{{$x := 1}}{{$x}}"));
    assertEquals("2", render("{{$x := 1}}{{$x = 2}}{{$x}}"));
    assertEquals("21", render("{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}"));
    assertEquals("2", render("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}"));
    assertEquals(
        "3", render("{{$last := 0}}{{range .}}{{$last = .}}{{end}}{{$last}}", List.of(1, 2, 3)));
    assertEquals("xx", render("{{with $v := \"x\"}}{{$v}}{{.}}{{end}}"));
    assertEquals(
        "0", render("{{if $x := 0}}a{{else}}{{$x}}{{end}}"), "if-declared vars reach else");
    assertEquals("strstrstr", render("{{range .l}}{{$.s}}{{end}}", data()));
    assertEquals("deep", render("{{$n := .nested}}{{$n.inner.leaf}}", data()));
    assertEquals("deep", render("{{$.nested.inner.leaf}}", data()));
    assertEquals("map[k:v]", render("{{$}}", Map.of("k", "v")));
    assertEquals(
        "template: t:1: undefined variable \"$y\"",
        parseError("{{if true}}{{$y := 1}}{{end}}{{$y}}"));
    assertEquals(
        "template: t:1: undefined variable \"$i\"",
        parseError("{{range $i, $e := .}}{{end}}{{$i}}"));
    assertEquals("template: t:1: undefined variable \"$x\"", parseError("{{$x}}"));
  }

  @Test
  void fieldsOfMapsAndRecords() {
    assertEquals("deep", render("{{.nested.inner.leaf}}", data()));
    assertEquals(
        "Ann 41 db Bob",
        render("{{.p.Name}} {{.p.Age}} {{.p.Labels.team}} {{.p.Boss.Name}}", data()));
    assertEquals("<no value>", render("{{.missing}}", data()));
    assertEquals("<no value>", render("{{.missing.deeper}}", data()), "fields of nil are nil");
    assertEquals("<no value>", render("{{.p.Boss.Boss.Name}}", data()));
    assertEquals("<no value>", render("{{.}}"));
    assertEquals("<no value>", render("{{.Foo}}"), "fields of nil data are nil");
  }

  @Test
  void ifElseChains() {
    String t = "{{if eq . 1}}one{{else if eq . 2}}two{{else}}many{{end}}";
    assertEquals("one", render(t, 1));
    assertEquals("two", render(t, 2));
    assertEquals("many", render(t, 3));
    assertEquals("yes", render("{{if and .s .n}}yes{{end}}", data()));
    assertEquals("", render("{{if .missing}}yes{{end}}", data()));
  }

  @Test
  void truthFollowsGo() {
    String t = "{{if .}}T{{else}}F{{end}}";
    for (Object falsy : Arrays.asList(false, 0, 0L, 0.0, "", List.of(), Map.of(), null)) {
      assertEquals("F", render(t, falsy), "falsy: " + falsy);
    }
    for (Object truthy :
        Arrays.asList(true, 1, -1L, 0.5, Double.NaN, "a", " ", List.of(0), Map.of("", ""))) {
      assertEquals("T", render(t, truthy), "truthy: " + truthy);
    }
    assertEquals("T", render(t, new Person("", 0, Map.of(), null)), "structs are true");
  }

  @Test
  void with() {
    String t = "{{with .x}}[{{.}}]{{else}}none{{end}}";
    assertEquals("none", render(t, Map.of("x", "")));
    assertEquals("[v]", render(t, Map.of("x", "v")));
    assertEquals("none", render(t, Map.of()));
    String chain = "{{with .a}}A{{else with .b}}B={{.}}{{else}}C{{end}}";
    assertEquals("B=bee", render(chain, Map.of("a", "", "b", "bee")));
    assertEquals("A", render(chain, Map.of("a", "x", "b", "bee")));
    assertEquals("C", render(chain, Map.of()));
  }

  @Test
  void rangeOverListsWithIndexAndElse() {
    assertEquals("a,b,c,", render("{{range .l}}{{.}},{{end}}", data()));
    assertEquals("0=a 1=b 2=c ", render("{{range $i, $e := .l}}{{$i}}={{$e}} {{end}}", data()));
    assertEquals("a b c ", render("{{range $e := .l}}{{$e}} {{end}}", data()));
    assertEquals("empty", render("{{range .empty}}x{{else}}empty{{end}}", data()));
    assertEquals("empty", render("{{range .missing}}x{{else}}empty{{end}}", data()));
    assertEquals("12", render("{{range .}}{{.}}{{end}}", new int[] {1, 2}));
    assertEquals("ab", render("{{range .}}{{.}}{{end}}", new String[] {"a", "b"}));
  }

  @Test
  void rangeOverMapsVisitsKeysInSortedOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", 2);
    m.put("c", 3);
    m.put("a", 1);
    m.put("B", 0);
    assertEquals("B=0;a=1;b=2;c=3;", render("{{range $k, $v := .}}{{$k}}={{$v}};{{end}}", m));
    assertEquals("0123", render("{{range .}}{{.}}{{end}}", m));
    assertEquals("0123", render("{{range $v := .}}{{$v}}{{end}}", m));
    Map<Integer, String> byNumber = new LinkedHashMap<>();
    byNumber.put(10, "ten");
    byNumber.put(2, "two");
    byNumber.put(-1, "minus");
    assertEquals("-1 2 10 ", render("{{range $k, $v := .}}{{$k}} {{end}}", byNumber));
    assertEquals("none", render("{{range .}}x{{else}}none{{end}}", new TreeMap<>()));
  }

  @Test
  void rangeOverAnInteger() {
    assertEquals("012", render("{{range 3}}{{.}}{{end}}"));
    assertEquals("0 1 ", render("{{range $i := 2}}{{$i}} {{end}}"));
    assertEquals("none", render("{{range 0}}x{{else}}none{{end}}"));
  }

  @Test
  void breakAndContinue() {
    String t =
        "{{range .}}{{if eq . 3}}{{break}}{{end}}{{if eq . 1}}{{continue}}{{end}}{{.}}{{end}}";
    assertEquals("02", render(t, List.of(0, 1, 2, 3, 4)));
    assertEquals("template: t:1: {{break}} outside {{range}}", parseError("{{break}}"));
    assertEquals(
        "template: t:1: {{continue}} outside {{range}}",
        parseError("{{if true}}{{continue}}{{end}}"));
  }

  @Test
  void rangeVariablesAreScopedToTheLoop() {
    assertEquals(
        "x0 x1 |x",
        render(
            "{{$v := \"x\"}}{{range $i, $e := .}}{{$v}}{{$i}} {{end}}|{{$v}}", List.of("p", "q")));
    assertEquals(
        "12|0",
        render("{{$sum := 0}}{{range .}}{{$sum := .}}{{$sum}}{{end}}|{{$sum}}", List.of(1, 2)));
  }

  @Test
  void defineAndTemplate() {
    assertEquals(
        "TWO ONE",
        render(
            "{{define \"T1\"}}ONE{{end}}{{define \"T2\"}}TWO {{template \"T1\"}}{{end}}{{template \"T2\"}}"));
    assertEquals("[d]", render("{{define \"x\"}}[{{.}}]{{end}}{{template \"x\" \"d\"}}"));
    assertEquals("<no value>", render("{{define \"x\"}}{{.}}{{end}}{{template \"x\"}}"));
    assertEquals(
        "Ann", render("{{define \"name\"}}{{.Name}}{{end}}{{template \"name\" .p}}", data()));
    assertEquals(
        "321",
        render(
            "{{define \"r\"}}{{if .}}{{len .}}{{template \"r\" (slice . 1)}}{{end}}{{end}}{{template \"r\" .}}",
            List.of(1, 2, 3)));
    assertEquals(
        "template: t:1: undefined variable \"$y\"",
        parseError("{{$y := 1}}{{define \"x\"}}{{$y}}{{end}}"),
        "defined templates see no outer variables");
    assertEquals("[x]", render("{{define \"x\"}}[{{$}}]{{end}}{{template \"x\" \"x\"}}"));
  }

  @Test
  void argsPassesSeveralValuesToATemplate() {
    String t =
        "{{define \"myMultiArgTemplate\"}}\n  First argument: {{.arg0}}\n  Second argument: {{.arg1}}\n{{end}}\n"
            + "{{template \"myMultiArgTemplate\" (args 1 2)}}";
    assertEquals("\n\n  First argument: 1\n  Second argument: 2\n", render(t));
    assertEquals(
        "1 2",
        render("{{define \"x\"}}{{.arg0}} {{.arg1}}{{end}}{{template \"x\" (args 1 \"2\")}}"));
  }

  @Test
  void block() {
    assertEquals("default d", render("{{block \"b\" .}}default {{.}}{{end}}", "d"));
    assertEquals(
        "template: t:1: template: multiple definition of template \"b\"",
        parseError("{{block \"b\" .}}x{{end}}{{define \"b\"}}y{{end}}"));
  }

  @Test
  void aDefinitionNamedLikeAnEmptyMainTemplateReplacesIt() throws TemplateException {
    assertEquals("X", render("{{define \"t\"}}X{{end}}"));
    Template t = Template.parse("t", "main{{define \"a\"}}A{{.}}{{end}}{{define \"b\"}}B{{end}}");
    assertEquals(Set.of("t", "a", "b"), t.templateNames());
    assertEquals("A1", t.executeTemplate("a", 1, Render.CTX));
    assertEquals("main", t.execute(null, Render.CTX));
  }

  @Test
  void methodsOfTimeAndDuration() {
    assertEquals("2015", render("{{ (1435065584.128 | toTime).Format \"2006\" }}"));
    assertEquals("1435065584", render("{{ (toTime 1435065584.128).Unix }}"));
    assertEquals("90", render("{{ (toDuration 90).Seconds }}"));
    assertEquals("1.5", render("{{ (toDuration 90).Minutes }}"));
  }

  @Test
  void templatesAreReusableAndIndependentOfEachExecution() throws TemplateException {
    Template t = Template.parse("t", "{{$x := .}}{{range .}}{{$x = .}}{{end}}{{$x}}");
    List<String> out = new ArrayList<>();
    for (List<Integer> in : List.of(List.of(1, 2), List.of(7))) {
      out.add(t.execute(in, Render.CTX));
    }
    assertEquals(List.of("2", "7"), out);
  }
}
