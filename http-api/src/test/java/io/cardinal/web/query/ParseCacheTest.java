package io.cardinal.web.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cardinal.promql.PromQL;
import io.cardinal.promql.PromQLParseException;
import io.cardinal.promql.ast.Expr;
import org.junit.jupiter.api.Test;

class ParseCacheTest {
  @Test
  void sameTextSameTreeAsTheParser() {
    ParseCache c = new ParseCache(4, 100);
    Expr a = c.parse("sum by (job) (rate(x_total[5m]))");
    assertEquals(PromQL.parse("sum by (job) (rate(x_total[5m]))"), a);
    assertSame(a, c.parse("sum by (job) (rate(x_total[5m]))"));
    assertEquals(1, c.size());
  }

  @Test
  void errorsAreNotCachedAndLongTextsBypass() {
    ParseCache c = new ParseCache(4, 10);
    assertThrows(PromQLParseException.class, () -> c.parse("sum("));
    assertThrows(PromQLParseException.class, () -> c.parse("sum("));
    assertEquals(0, c.size());
    Expr a = c.parse("rate(a_long_metric_name[5m])");
    assertNotSame(a, c.parse("rate(a_long_metric_name[5m])"));
    assertEquals(0, c.size());
  }

  @Test
  void leastRecentlyUsedIsEvicted() {
    ParseCache c = new ParseCache(2, 100);
    Expr a = c.parse("a");
    c.parse("b");
    c.parse("a");
    c.parse("c"); // evicts b
    assertEquals(2, c.size());
    assertSame(a, c.parse("a"));
  }
}
