package io.cardinal.promql.ast;

import java.util.Objects;

/** A parenthesised expression. */
public record ParenExpr(Expr expr, Position position) implements Expr {
  public ParenExpr {
    Objects.requireNonNull(expr, "expr");
    Objects.requireNonNull(position, "position");
  }

  public ParenExpr(Expr expr) {
    this(expr, Position.UNKNOWN);
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
