package io.cardinal.promql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.cardinal.promql.ast.BinaryExpr;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.NumberLiteral;
import io.cardinal.promql.ast.ParenExpr;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Inputs that could make a parser backtrack exponentially or blow the stack must finish quickly.
 */
class PathologicalInputTest {

  private static final Duration LIMIT = Duration.ofSeconds(10);

  @Test
  void thousandNestedParenthesesParse() {
    String q = "(".repeat(1000) + "1" + ")".repeat(1000);
    Expr e = assertTimeoutPreemptively(LIMIT, () -> PromQL.parse(q));
    int depth = 0;
    while (e instanceof ParenExpr p) {
      e = p.expr();
      depth++;
    }
    assertEquals(1000, depth);
    assertEquals(new NumberLiteral(1), e);
  }

  @Test
  void unclosedParenthesesFailFast() {
    String q = "(".repeat(1000);
    PromQLParseException e =
        assertTimeoutPreemptively(
            LIMIT, () -> assertThrows(PromQLParseException.class, () -> PromQL.parse(q)));
    assertEquals("1:1001: parse error: unclosed left parenthesis", e.getMessage());
  }

  @Test
  void unclosedFunctionCallsFailFast() {
    String q = "abs(".repeat(2000) + "x";
    PromQLParseException e =
        assertTimeoutPreemptively(
            LIMIT, () -> assertThrows(PromQLParseException.class, () -> PromQL.parse(q)));
    assertEquals("unclosed left parenthesis", e.detail());
  }

  @Test
  void veryDeepNestingBecomesParseErrorNotStackOverflow() {
    String q = "(".repeat(20_000) + "1" + ")".repeat(20_000);
    PromQLParseException e =
        assertTimeoutPreemptively(
            LIMIT, () -> assertThrows(PromQLParseException.class, () -> PromQL.parse(q)));
    assertEquals("expression nesting too deep (more than 10000 parentheses)", e.detail());
  }

  @Test
  void deepNestingOfUnaryMinusParses() {
    String q = "-(".repeat(3000) + "x" + ")".repeat(3000);
    Expr e = assertTimeoutPreemptively(LIMIT, () -> PromQL.parse(q));
    assertEquals(q.replace("-(", "-("), e.toPromQL());
  }

  @Test
  void longBinaryChainIsLeftAssociative() {
    String q = "a" + "+a".repeat(9_999);
    Expr e = assertTimeoutPreemptively(LIMIT, () -> PromQL.parse(q));
    int terms = 1;
    while (e instanceof BinaryExpr b) {
      terms++;
      e = b.lhs();
    }
    assertEquals(10_000, terms);
  }

  @Test
  void longChainWithMixedPrecedence() {
    StringBuilder sb = new StringBuilder("a");
    String[] ops = {"+", "*", "-", "/", "^", "and", "or", "unless", "%", ">", "==", "<="};
    for (int i = 0; i < 5000; i++) {
      String op = ops[i % ops.length];
      sb.append(' ')
          .append(op)
          .append(
              op.length() <= 2 && (op.equals(">") || op.equals("==") || op.equals("<="))
                  ? " bool "
                  : " ")
          .append("m")
          .append(i);
    }
    Expr e = assertTimeoutPreemptively(LIMIT, () -> PromQL.parse(sb.toString()));
    assertInstanceOf(BinaryExpr.class, e);
    assertEquals(e, PromQL.parse(e.toPromQL()));
  }

  @Test
  void adversarialStringsAndSelectors() {
    String longRegex = "(a|" + "(b|".repeat(2000) + "c" + ")".repeat(2001);
    String q1 = "foo{bar=~\"" + longRegex + "\"}";
    Expr e = assertTimeoutPreemptively(LIMIT, () -> PromQL.parse(q1));
    assertInstanceOf(io.cardinal.promql.ast.VectorSelector.class, e);

    String q2 = "foo{" + "a=\"b\",".repeat(5000) + "}";
    assertTimeoutPreemptively(LIMIT, () -> PromQL.parse(q2));

    String q3 = "\"" + "\\\\".repeat(50_000) + "\"";
    Expr s = assertTimeoutPreemptively(LIMIT, () -> PromQL.parse(q3));
    assertEquals(50_000, ((io.cardinal.promql.ast.StringLiteral) s).value().length());

    String q4 = "foo{a=\"" + "x".repeat(100_000);
    PromQLParseException err =
        assertTimeoutPreemptively(
            LIMIT, () -> assertThrows(PromQLParseException.class, () -> PromQL.parse(q4)));
    assertEquals("1:7: parse error: unterminated quoted string", err.getMessage());
  }

  @Test
  void manyDanglingOperatorsFailFast() {
    String q = "a" + " +".repeat(10_000);
    PromQLParseException e =
        assertTimeoutPreemptively(
            LIMIT, () -> assertThrows(PromQLParseException.class, () -> PromQL.parse(q)));
    // unary plus chains are legal, so the error is at the end, as in Prometheus
    assertEquals("1:20002: parse error: unexpected end of input", e.getMessage());
  }

  @Test
  void deeplyNestedSubqueriesAndAggregations() {
    String q = "sum(".repeat(500) + "rate(x[5m])" + ")".repeat(500);
    Expr e = assertTimeoutPreemptively(LIMIT, () -> PromQL.parse(q));
    assertEquals(q, e.toPromQL());
  }

  @Test
  void aFiftyThousandTermChainParsesInLinearTime() {
    // Was 25-60 s: each node's type was recomputed from the whole chain below it.
    String q = "1" + "+1".repeat(49_999);
    Expr e = assertTimeoutPreemptively(LIMIT, () -> PromQL.parse(q));
    assertInstanceOf(BinaryExpr.class, e);
  }

  @Test
  void theDeadlineBoundsParsing() {
    String q = "1" + "+1".repeat(499_999);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50);
    long t0 = System.nanoTime();
    ParseTimeoutException e =
        assertThrows(ParseTimeoutException.class, () -> PromQL.parse(q, deadline));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("query timed out in expression parsing", e.getMessage());
    org.junit.jupiter.api.Assertions.assertFalse(e.isCanceled());
    org.junit.jupiter.api.Assertions.assertTrue(ms < 5_000, "gave up after " + ms + " ms");
  }

  @Test
  void anInterruptCancelsParsing() {
    String q = "1" + "+1".repeat(499_999);
    Thread.currentThread().interrupt();
    try {
      ParseTimeoutException e =
          assertThrows(
              ParseTimeoutException.class,
              () -> PromQL.parse(q, System.nanoTime() + 60_000_000_000L));
      org.junit.jupiter.api.Assertions.assertTrue(e.isCanceled());
      assertEquals("query was canceled in expression parsing", e.getMessage());
    } finally {
      Thread.interrupted();
    }
  }
}
