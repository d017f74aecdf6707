package io.cardinal.promql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.promql.ast.VectorSelector;
import org.junit.jupiter.api.Test;

/**
 * Regexes are checked at parse time by the RE2 engine that runs them, so a pattern RE2 refuses is a
 * parse error with a position (Prometheus's 400 bad_data), never a failure of the query later.
 */
class RegexValidationTest {
  static String error(String q) {
    return assertThrows(PromQLParseException.class, () -> PromQL.parse(q)).getMessage();
  }

  @Test
  void patternsRe2RefusesAreParseErrorsAtTheMatcher() {
    String nested = error("{__name__=~\"a{100}{100}\"}");
    assertTrue(nested.startsWith("1:2: parse error: error parsing regexp: "), nested);
    String lookahead = error("up{job=~\"(?=a)\"}");
    assertTrue(lookahead.startsWith("1:4: parse error: error parsing regexp: "), lookahead);
    String repeat = error("up{job!~\"a{1001}\"}");
    assertTrue(repeat.contains("invalid repeat count"), repeat);
  }

  @Test
  void aHundredThousandCharacterAlternationIsAccepted() {
    StringBuilder re = new StringBuilder();
    for (int i = 0; re.length() < 100_000; i++) {
      re.append(i == 0 ? "" : "|").append("value_").append(i);
    }
    VectorSelector v = (VectorSelector) PromQL.parse("up{job=~\"" + re + "\"}");
    assertEquals(
        re.toString(),
        v.matchers().stream().filter(m -> m.name().equals("job")).findFirst().get().value());
  }
}
