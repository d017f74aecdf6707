package io.cardinal.template;

import static io.cardinal.template.Render.execError;
import static io.cardinal.template.Render.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** How Java values appear to templates: Go's kinds, type names and printing. */
class DataModelTest {
  record Host(String name, int port, List<String> tags) {}

  private record Hidden(String value) {}

  @Test
  void narrowNumbersAreIntAndFloat64() {
    Map<String, Object> d = new HashMap<>();
    d.put("i", 7);
    d.put("s", (short) 3);
    d.put("b", (byte) 2);
    d.put("fl", 1.5f);
    d.put("c", 'x');
    assertEquals(
        "int int int float64 string", render("{{printf \"%T %T %T %T %T\" .i .s .b .fl .c}}", d));
    assertEquals("true", render("{{eq .i 7}}", d));
    assertEquals("7329 1.5 x", render("{{printf \"%d%d%d%d\" .i .s .b 9}} {{.fl}} {{.c}}", d));
  }

  @Test
  void recordsAreStructsWithCapitalisedFields() {
    Host h = new Host("db1", 5432, List.of("sql", "primary"));
    assertEquals(
        "db1:5432 [sql primary] sql", render("{{.Name}}:{{.Port}} {{.Tags}} {{index .Tags 0}}", h));
    assertEquals("template.Host", render("{{printf \"%T\" .}}", h));
    assertEquals(
        "secret", render("{{.Value}}", new Hidden("secret")), "non-public records work too");
    assertEquals(
        "template: t:1:2: executing \"t\" at <.name>: can't evaluate field name in type template.Host",
        execError("{{.name}}", h));
  }

  @Test
  void mapTypeNamesFollowTheirValues() {
    assertEquals("map[string]string", render("{{printf \"%T\" .}}", Map.of("a", "b")));
    assertEquals(
        "map[string]interface {}", render("{{printf \"%T\" .}}", Map.of("a", 1, "b", "x")));
    assertEquals("map[int]string", render("{{printf \"%T\" .}}", Map.of(1, "x")));
    assertEquals(
        "[]string []interface {} []float64",
        render(
            "{{printf \"%T %T %T\" .a .b .c}}",
            Map.of("a", List.of("x"), "b", List.of("x", 1), "c", List.of(1.5))));
    assertEquals(
        "template: t:1:2: executing \"t\" at <.x>: can't evaluate field x in type map[int]string",
        execError("{{.x}}", Map.of(1, "x")));
    assertEquals("x", render("{{index . 1}}", Map.of(1, "x")));
  }

  @Test
  void arraysSetsAndCollectionsAreSlices() {
    assertEquals("[1 2 3] 3", render("{{.}} {{len .}}", new long[] {1, 2, 3}));
    assertEquals("[1.5 2.5]", render("{{.}}", new double[] {1.5, 2.5}));
    LinkedHashSet<String> set = new LinkedHashSet<>(List.of("b", "a"));
    assertEquals("b,a,", render("{{range .}}{{.}},{{end}}", set));
  }

  @Test
  void instantsAndDurationsAreGoTimes() {
    Map<String, Object> d =
        Map.of(
            "t", Instant.ofEpochSecond(1_435_065_584, 128_000_000), "d", Duration.ofMillis(90_500));
    assertEquals("2015-06-23 13:19:44.128 +0000 UTC 1m30.5s", render("{{.t}} {{.d}}", d));
    assertEquals("2015-06-23 90.5", render("{{.t.Format \"2006-01-02\"}} {{.d.Seconds}}", d));
    assertEquals("*time.Time *time.Duration", render("{{printf \"%T %T\" .t .d}}", d));
  }

  @Test
  void otherObjectsPrintThroughToString() {
    assertEquals("1.50", render("{{.}}", new BigDecimal("1.50")));
    assertEquals("[1.50]", render("{{.}}", List.of(new BigDecimal("1.50"))));
  }

  @Test
  void templatesExecuteConcurrently() throws Exception {
    Template t =
        Template.parse("t", "{{range $i, $e := .}}{{if $i}},{{end}}{{$e | humanize}}{{end}}");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        long n = i;
        results.add(pool.submit(() -> t.execute(List.of(n * 1000, n), Render.CTX)));
      }
      for (int i = 0; i < 200; i++) {
        String want = PromFunctions.humanize(i * 1000.0) + "," + PromFunctions.humanize(i);
        assertEquals(want, results.get(i).get());
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void deepNestingFailsAsAnError() {
    String text = "{{" + "(".repeat(50_000) + "1" + ")".repeat(50_000) + "}}";
    TemplateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            TemplateException.class, () -> Template.parse("t", text));
    assertTrue(e.isParseError());
    assertEquals("template: t:1: max expression depth exceeded", e.getMessage());
  }
}
