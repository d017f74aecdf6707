package io.cardinal.template;

import static io.cardinal.template.Render.execError;
import static io.cardinal.template.Render.render;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Go's builtin functions: logic, len/index/slice, printing, escaping, comparisons, call. */
class BuiltinsTest {
  private static Map<String, Object> data() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("l", List.of("a", "b", "c"));
    m.put("grid", List.of(List.of(1, 2), List.of(3, 4)));
    m.put("labels", Map.of("job", "node", "instance", "a:9100"));
    Map<String, Object> mixed = new HashMap<>();
    mixed.put("n", 1);
    mixed.put("s", "x");
    m.put("mixed", mixed);
    m.put("f", 1.5);
    m.put("i", 2);
    return m;
  }

  @Test
  void andOrReturnTheDecidingArgument() {
    assertEquals("0", render("{{and 1 0 2}}"));
    assertEquals("2", render("{{and 1 2}}"));
    assertEquals("3", render("{{or 0 \"\" 3}}"));
    assertEquals("", render("{{or 0 \"\"}}"));
    assertEquals("x", render("{{or 0 \"x\"}}"));
    assertEquals("1", render("{{1 | and 2}}"), "the piped value is the last argument");
    assertEquals("<no value>", render("{{and .missing 1}}", Map.of()));
  }

  @Test
  void andOrShortCircuit() {
    assertEquals("1", render("{{or 1 (index .l 10)}}", data()));
    assertEquals("0", render("{{and 0 (index .l 10)}}", data()));
    assertEquals("yes", render("{{if and .l (eq (index .l 0) \"a\")}}yes{{end}}", data()));
    assertEquals(
        "none", render("{{if and .nothing (index .nothing 5)}}x{{else}}none{{end}}", data()));
  }

  @Test
  void not() {
    assertEquals(
        "true false true true false",
        render("{{not 0}} {{not 1}} {{not \"\"}} {{not .missing}} {{not .l}}", data()));
  }

  @Test
  void len() {
    assertEquals(
        "6 3 2 2", render("{{len \"héllo\"}} {{len .l}} {{len .labels}} {{len .grid}}", data()));
    assertEquals(
        "template: t:1:2: executing \"t\" at <len 3>: error calling len: len of type int",
        execError("{{len 3}}", null));
    assertEquals(
        "template: t:1:2: executing \"t\" at <len .missing>: error calling len:"
            + " reflect: call of reflect.Value.Type on zero Value",
        execError("{{len .missing}}", Map.of()));
  }

  @Test
  void index() {
    assertEquals("b", render("{{index .l 1}}", data()));
    assertEquals("3", render("{{index .grid 1 0}}", data()));
    assertEquals("node", render("{{index .labels \"job\"}}", data()));
    assertEquals("", render("{{index .labels \"nope\"}}", data()), "zero value of string");
    assertEquals("<no value>", render("{{index .mixed \"nope\"}}", data()), "zero interface");
    assertEquals("98", render("{{index \"abc\" 1}}"), "a string indexes to a byte");
    assertEquals(
        "template: t:1:2: executing \"t\" at <index .l 3>: error calling index: index out of range: 3",
        execError("{{index .l 3}}", data()));
    assertEquals(
        "template: t:1:2: executing \"t\" at <index .l -1>: error calling index: index out of range: -1",
        execError("{{index .l -1}}", data()));
    assertEquals(
        "template: t:1:2: executing \"t\" at <index .labels 1>: error calling index:"
            + " value has type int; should be string",
        execError("{{index .labels 1}}", data()));
    assertEquals(
        "template: t:1:2: executing \"t\" at <index .l \"x\">: error calling index:"
            + " cannot index slice/array with type string",
        execError("{{index .l \"x\"}}", data()));
    assertEquals(
        "template: t:1:2: executing \"t\" at <index nil 1>: error calling index: index of untyped nil",
        execError("{{index nil 1}}", data()));
    assertEquals(
        "template: t:1:2: executing \"t\" at <index 5 1>: error calling index: can't index item of type int",
        execError("{{index 5 1}}", data()));
    assertEquals("[a b c]", render("{{index .l}}", data()), "no indexes: the item itself");
  }

  @Test
  void slice() {
    assertEquals("bc", render("{{slice \"abcdef\" 1 3}}"));
    assertEquals("[b c]", render("{{slice .l 1}}", data()));
    assertEquals("[a b]", render("{{slice .l 0 2}}", data()));
    assertEquals("[a b c]", render("{{slice .l}}", data()));
    assertEquals("[]", render("{{slice .l 3}}", data()));
    assertEquals(
        "template: t:1:2: executing \"t\" at <slice .l 2 1>: error calling slice: invalid slice index: 2 > 1",
        execError("{{slice .l 2 1}}", data()));
    assertEquals(
        "template: t:1:2: executing \"t\" at <slice \"ab\" 0 1 2>: error calling slice:"
            + " cannot 3-index slice a string",
        execError("{{slice \"ab\" 0 1 2}}", data()));
    assertEquals(
        "template: t:1:2: executing \"t\" at <slice .l 4>: error calling slice: index out of range: 4",
        execError("{{slice .l 4}}", data()));
  }

  @Test
  void htmlJsAndUrlqueryEscaping() {
    assertEquals(
        "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;",
        render("{{html \"<a href='x'>&\\\"</a>\"}}"));
    assertEquals("&lt;no value&gt;", render("{{html .missing}}", Map.of()));
    assertEquals("1 2", render("{{html 1 2}}"));
    assertEquals(
        "it\\'s \\u003Cb\\u003E\\\"q\\\" \\u0026 \\u003D \\\\ \\u000A é",
        render("{{js \"it's <b>\\\"q\\\" & = \\\\ \\n é\"}}"));
    assertEquals("a+b%26c%3Dd%2F%C3%A9", render("{{urlquery \"a b&c=d/é\"}}"));
    assertEquals("x%3Cno+value%3E", render("{{urlquery \"x\" .missing}}", Map.of()));
  }

  @Test
  void comparisons() {
    assertEquals(
        "true false true", render("{{eq 1 2 3 1}} {{eq \"a\" \"b\"}} {{eq .f 1.5}}", data()));
    assertEquals("true false", render("{{ne 1 2}} {{ne \"a\" \"a\"}}"));
    assertEquals(
        "true true false true false true",
        render(
            "{{lt 1 2}} {{le 2 2}} {{gt 1.5 2.5}} {{ge \"b\" \"a\"}} {{lt \"b\" \"a\"}} {{ge 2 2}}"));
    assertEquals("false true", render("{{eq .missing \"x\"}} {{ne .missing 1}}", Map.of()));
    assertEquals("true", render("{{eq true true}}"));
    assertEquals("true", render("{{lt \"Z\" \"a\"}}"), "strings compare by bytes");
    assertEquals("true", render("{{lt \"\u00ff\" \"\u0100\"}}"));
  }

  @Test
  void comparingIncompatibleTypesIsAnError() {
    assertEquals(
        "template: t:1:2: executing \"t\" at <eq .f 1>: error calling eq:"
            + " incompatible types for comparison: float64 and int",
        execError("{{eq .f 1}}", data()));
    assertEquals(
        "template: t:1:2: executing \"t\" at <lt .i 1.5>: error calling lt:"
            + " incompatible types for comparison: int and float64",
        execError("{{lt .i 1.5}}", data()));
    assertEquals(
        "template: t:1:2: executing \"t\" at <lt true false>: error calling lt: invalid type for comparison",
        execError("{{lt true false}}", data()));
    assertEquals(
        "template: t:1:2: executing \"t\" at <gt .l .l>: error calling gt: invalid type for comparison",
        execError("{{gt .l .l}}", data()));
    assertEquals(
        "template: t:1:2: executing \"t\" at <eq 1>: error calling eq: missing argument for comparison",
        execError("{{eq 1}}", data()));
    assertEquals(
        "template: t:1:2: executing \"t\" at <eq .l .l>: error calling eq:"
            + " non-comparable type [a b c]: []string",
        execError("{{eq .l .l}}", data()));
  }

  @Test
  void call() {
    Map<String, Object> d = new HashMap<>();
    d.put("twice", (Function<Object, Object>) x -> ((Long) x) * 2);
    d.put("hello", (Supplier<Object>) () -> "hello");
    d.put("join", (BiFunction<Object, Object, Object>) (a, b) -> a + "-" + b);
    d.put("s", "str");
    assertEquals(
        "42 hello a-b", render("{{call .twice 21}} {{call .hello}} {{call .join \"a\" \"b\"}}", d));
    assertEquals(
        "template: t:1:2: executing \"t\" at <call .s>: error calling call: non-function .s of type string",
        execError("{{call .s}}", d));
    assertEquals(
        "template: t:1:2: executing \"t\" at <call .nope>: error calling call: call of nil",
        execError("{{call .nope}}", d));
    assertEquals(
        "template: t:1:2: executing \"t\" at <{{.hello}}>: can't print {{.hello}} of type func() interface {}",
        execError("{{.hello}}", d));
  }

  @Test
  void printAcceptsAnyValues() {
    assertEquals(
        "[1 2] map[instance:a:9100 job:node]", render("{{print (index .grid 0) .labels}}", data()));
    assertEquals("a 1 [x]", render("{{print \"a \" 1 \" \" .}}", List.of("x")));
  }
}
