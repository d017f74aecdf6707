package io.cardinal.promql.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompiledMatchersTest {
  @Test
  void aSelectorsMatchersAreCompiledOnceAndHandedOutAsCopies() {
    List<LabelMatcher> ms =
        new ArrayList<>(
            List.of(
                new LabelMatcher(LabelMatcher.Type.EQ, "__name__", "up"),
                new LabelMatcher(LabelMatcher.Type.RE, "job", "api-(a|b)"),
                new LabelMatcher(LabelMatcher.Type.NRE, "env", "dev.*")));
    Matcher[] a = Evaluator.matchers(ms);
    Matcher[] b = Evaluator.matchers(List.copyOf(ms));
    assertNotSame(a, b);
    assertArrayEquals(a, b);
    assertSame(a[1], b[1], "the compiled regex is reused");
    assertTrue(a[1].matches("api-b"));
    assertFalse(a[2].matches("dev-1"));
    a[0] = null; // a caller changing its copy does not change the next one
    assertEquals(Matcher.equal("__name__", "up"), Evaluator.matchers(ms)[0]);
    // A change of the selector's matchers is a different key, not a stale hit.
    ms.set(1, new LabelMatcher(LabelMatcher.Type.RE, "job", "api-c"));
    assertTrue(Evaluator.matchers(ms)[1].matches("api-c"));
    assertFalse(Evaluator.matchers(ms)[1].matches("api-a"));
  }
}
