package io.cardinal.promql.ast;

import java.util.Objects;

/**
 * Unary {@code -expr} or {@code +expr}. Unary minus on a bare number literal is folded into the
 * literal.
 */
public record UnaryExpr(boolean negate, Expr expr, Position position) implements Expr {
  public UnaryExpr {
    Objects.requireNonNull(expr, "expr");
    Objects.requireNonNull(position, "position");
  }

  public UnaryExpr(boolean negate, Expr expr) {
    this(negate, expr, Position.UNKNOWN);
  }

  @Override
  public ValueType type() {
    return expr.type();
  }

  @Override
  public String toString() {
    return toPromQL();
  }
}
