package io.cardinal.template;

import static io.cardinal.template.Render.execError;
import static io.cardinal.template.Render.parseError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's error texts: parse errors with a line, execution errors with line:column and node. */
class ErrorMessagesTest {
  record Person(String name) {}

  private static Map<String, Object> data() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "str");
    m.put("f", 1.5);
    m.put("l", List.of("a", "b", "c"));
    m.put("p", new Person("Ann"));
    m.put("fn", (Supplier<Object>) () -> 1);
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '\'',
      value = {
        "{{ => template: t:1: unclosed action",
        "{{ .x => template: t:1: unclosed action",
        "{{if .}}x => template: t:1: unexpected EOF",
        "{{end}} => template: t:1: unexpected {{end}}",
        "{{else}} => template: t:1: unexpected {{else}}",
        "{{foo}} => template: t:1: function \"foo\" not defined",
        "{{\"abc}} => template: t:1: unterminated quoted string",
        "{{`abc}} => template: t:1: unterminated raw quoted string",
        "{{'a}} => template: t:1: unterminated character constant",
        "{{3x}} => template: t:1: bad number syntax: \"3x\"",
        "{{ ) }} => template: t:1: unexpected right paren",
        "{{ (1 }} => template: t:1: unclosed left paren",
        "{{ .a | 1 }} => template: t:1: non executable command in pipeline stage 2",
        "{{ }} => template: t:1: missing value for command",
        "{{if}}{{end}} => template: t:1: missing value for if",
        "{{ | }} => template: t:1: unexpected \"|\" in command",
        "{{range $i, $j, $k := .}}{{end}} => template: t:1: too many declarations in range",
        "{{ \"x\".y }} => template: t:1: unexpected . after term \"\\\"x\\\"\"",
        "{{template .x}} => template: t:1: unexpected \".x\" in template clause",
        "{{define \"a\"}}x => template: t:1: unexpected EOF",
        "{{with .}}{{else}}{{else}}{{end}} => template: t:1: expected end; found {{else}}",
        "{{ 99999999999999999999 }} => template: t:1: integer overflow: \"99999999999999999999\"",
        "{{ 'ab' }} => template: t:1: malformed character constant: 'ab'",
        "{{ \"\\q\" }} => template: t:1: invalid syntax",
        "{{ .x@ }} => template: t:1: bad character U+0040 '@'",
        "{{ 1 = 2 }} => template: t:1: unexpected \"=\" in operand",
        "{{ :x }} => template: t:1: expected :=",
        "{{ 1+2i }} => template: t:1: complex constants are not supported: \"1+2i\"",
        "{{ define \"x\" }}{{ define \"y\" }}{{end}}{{end}} => template: t:1: unexpected <define> in command",
      })
  void parseErrors(String text, String expected) {
    assertEquals(expected, parseError(text));
  }

  @Test
  void parseErrorsReportTheLine() {
    assertEquals("template: t:2: function \"bar\" not defined", parseError("line1\n{{ bar 1 }}"));
    assertEquals("template: t:3: unexpected EOF", parseError("{{if .}}\nx\n"));
    assertEquals("template: t:3: unclosed action started at t:2", parseError("a\n{{ .x\n"));
    assertEquals(
        "template: t:1: unrecognized character in action: U+00A0", parseError("{{\u00a0}}"));
  }

  @Test
  void executionErrorsNameLineColumnAndNode() {
    assertEquals(
        "template: t:1:3: executing \"t\" at <index .l 5>: error calling index: index out of range: 5",
        execError("{{ index .l 5 }}", data()));
    assertEquals(
        "template: t:2:5: executing \"t\" at <index .l 9>: error calling index: index out of range: 9",
        execError("a\nb {{ index .l 9 }}", data()));
    assertEquals(
        "template: t:1:5: executing \"t\" at <index .l 9>: error calling index: index out of range: 9",
        execError("\u00e9{{ index .l 9 }}", data()),
        "columns count bytes");
    assertEquals(
        "template: t:1:17: executing \"x\" at <index . 9>: error calling index: index out of range: 9",
        execError("{{define \"x\"}}{{ index . 9 }}{{end}}{{template \"x\" .l}}", data()),
        "the executing template is named, the location is in the parsed text");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '\'',
      value = {
        "{{ .s.x }} => template: t:1:5: executing \"t\" at <.s.x>: can't evaluate field x in type string",
        "{{ .p.name }} => template: t:1:5: executing \"t\" at <.p.name>:"
            + " can't evaluate field name in type template.Person",
        "{{ toUpper 1 }} => template: t:1:11: executing \"t\" at <1>: expected string; found 1",
        "{{ .f | toUpper }} => template: t:1:8: executing \"t\" at <toUpper>:"
            + " wrong type for value; expected string; got float64",
        "{{ .missing | toUpper }} => template: t:1:14: executing \"t\" at <toUpper>:"
            + " invalid value; expected string",
        "{{ nil }} => template: t:1:3: executing \"t\" at <nil>: nil is not a command",
        "{{ 1 2 }} => template: t:1:3: executing \"t\" at <1>: can't give argument to non-function 1",
        "{{ humanize 1 2 }} => template: t:1:3: executing \"t\" at <humanize>:"
            + " wrong number of args for humanize: want 1 got 2",
        "{{ printf }} => template: t:1:3: executing \"t\" at <printf>:"
            + " wrong number of args for printf: want at least 1 got 0",
        "{{ template \"nope\" }} => template: t:1:12: executing \"t\" at <{{template \"nope\"}}>:"
            + " template \"nope\" not defined",
        "{{ if eq .f 1 }}x{{ end }} => template: t:1:6: executing \"t\" at <eq .f 1>:"
            + " error calling eq: incompatible types for comparison: float64 and int",
        "{{range .s}}{{end}} => template: t:1:8: executing \"t\" at <.s>: range can't iterate over str",
        "{{ $x := 1 }}{{ $x 2 }} => template: t:1:16: executing \"t\" at <$x>:"
            + " can't give argument to non-function $x",
        "{{ .s 1 }} => template: t:1:3: executing \"t\" at <.s>: s is not a method but has arguments",
        "{{ .p.Name 1 }} => template: t:1:5: executing \"t\" at <.p.Name>:"
            + " Name has arguments but cannot be invoked as function",
        "{{ .fn }} => template: t:1:3: executing \"t\" at <{{.fn}}>:"
            + " can't print {{.fn}} of type func() interface {}",
        "{{ range $i, $e := 3 }}{{ end }} => template: t:1:19: executing \"t\" at <3>:"
            + " can't use 3 to iterate over more than one variable",
        "{{ eq nil }} => template: t:1:3: executing \"t\" at <eq nil>:"
            + " error calling eq: missing argument for comparison",
        "{{ humanize }} => template: t:1:3: executing \"t\" at <humanize>:"
            + " wrong number of args for humanize: want 1 got 0",
        "{{ first 1 }} => template: t:1:9: executing \"t\" at <1>:"
            + " can't handle 1 for arg of type template.queryResult",
        "{{ and }} => template: t:1:3: executing \"t\" at <and>:"
            + " wrong number of args for and: want at least 1 got 0",
      })
  void executionErrors(String text, String expected) {
    assertEquals(expected, execError(text, data()));
  }

  @Test
  void missingKeyOptions() {
    TemplateContext error = new TemplateContext(0, null, "", TemplateContext.MissingKey.ERROR);
    assertEquals(
        "template: t:1:3: executing \"t\" at <.Foo>: nil data; no entry for key \"Foo\"",
        execError("{{ .Foo }}", null, error));
    assertEquals(
        "template: t:1:3: executing \"t\" at <.a>: map has no entry for key \"a\"",
        execError("{{ .a }}", Map.of("b", "x"), error));
    TemplateContext zero = new TemplateContext(0, null, "", TemplateContext.MissingKey.ZERO);
    assertEquals("[]", Render.render("[{{ .a }}]", Map.of("b", "x"), zero), "string zero value");
    assertEquals("[0]", Render.render("[{{ .a }}]", Map.of("b", 1), zero), "int zero value");
    assertEquals("[<no value>]", Render.render("[{{ .a }}]", Map.of("b", "x")), "Go's default");
  }

  @Test
  void executingAnUndefinedTemplateByName() throws TemplateException {
    Template t = Template.parse("t", "x");
    TemplateException e =
        assertThrows(TemplateException.class, () -> t.executeTemplate("zz", null, Render.CTX));
    assertEquals("template: no template \"zz\" associated with template \"t\"", e.getMessage());
  }

  @Test
  void deepTemplateRecursionIsStopped() {
    String msg = execError("{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" .}}", null);
    assertEquals(
        "template: t:1:25: executing \"r\" at <{{template \"r\" .}}>:"
            + " exceeded maximum template depth ("
            + Exec.MAX_DEPTH
            + ")",
        msg);
  }
}
