package io.cardinal.rulelint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RenderersTest {
  private static final Finding MISSING =
      new Finding(
          "rules.yml",
          12,
          "api",
          "HighLatency",
          "series/missing",
          Severity.PROBLEM,
          "metric http_requests_totl has no series now and never existed within retention",
          Map.of("metric", "http_requests_totl"));

  private static Finding total() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("rules", 2);
    d.put("series", 9L);
    d.put("share", 0.5);
    d.put("names", List.of("a\"b", "c\\d"));
    return new Finding(
        "rules.yml", 0, "", "", "record/cost", Severity.INFO, "the 2 rules create 9 series", d);
  }

  @Test
  void text() {
    assertEquals(
        "rules.yml:12: group \"api\", rule \"HighLatency\": series/missing: metric"
            + " http_requests_totl has no series now and never existed within retention\n"
            + "rules.yml: record/cost: the 2 rules create 9 series\n",
        Renderers.text(List.of(MISSING, total())));
    assertEquals("", Renderers.text(List.of()));
  }

  @Test
  void summary() {
    assertEquals("no findings", Renderers.summary(List.of()));
    assertEquals("1 problem, 0 warnings, 1 info", Renderers.summary(List.of(MISSING, total())));
  }

  @Test
  void jsonIsAnArrayOfFindings() {
    String json = Renderers.json(List.of(MISSING, total()));
    List<?> arr = (List<?>) Json.parse(json);
    assertEquals(2, arr.size());
    Map<?, ?> first = (Map<?, ?>) arr.get(0);
    assertEquals("rules.yml", first.get("file"));
    assertEquals(12L, first.get("line"));
    assertEquals("api", first.get("group"));
    assertEquals("HighLatency", first.get("rule"));
    assertEquals("series/missing", first.get("check"));
    assertEquals("problem", first.get("severity"));
    assertEquals(Map.of("metric", "http_requests_totl"), first.get("details"));
    Map<?, ?> details = (Map<?, ?>) ((Map<?, ?>) arr.get(1)).get("details");
    assertEquals(9L, details.get("series"));
    assertEquals(0.5, details.get("share"));
    assertEquals(List.of("a\"b", "c\\d"), details.get("names"));
    assertEquals("[]\n", Renderers.json(List.of()));
  }

  @Test
  void jsonReader() {
    assertEquals(
        Map.of("a", List.of(1L, -2.5, true, "x\ny\u00e9")),
        Json.parse(" {\"a\": [1, -2.5e0, true, \"x\\ny\\u00e9\"]} "));
    assertEquals(null, Json.parse("null"));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> Json.parse("{\"a\":}"));
  }

  @Test
  void exitCodes() {
    assertEquals(0, RuleLinter.exitCode(List.of()));
    assertEquals(0, RuleLinter.exitCode(List.of(total())));
    assertEquals(1, RuleLinter.exitCode(List.of(total(), MISSING)));
  }
}
