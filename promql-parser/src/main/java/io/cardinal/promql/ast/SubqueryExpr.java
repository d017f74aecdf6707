package io.cardinal.promql.ast;

import java.util.Objects;

/**
 * A subquery {@code expr[range:step]}.
 *
 * @param step the resolution, or {@code null} for the default evaluation interval ({@code [1h:]})
 * @param offset the offset modifier, or {@code null}
 * @param at the {@code @} modifier, or {@code null}
 */
public record SubqueryExpr(
    Expr expr, DurationExpr range, DurationExpr step, DurationExpr offset, AtModifier at)
    implements Expr {
  public SubqueryExpr {
    Objects.requireNonNull(expr, "expr");
    Objects.requireNonNull(range, "range");
  }

  /** The inner expression's position: the range and any modifiers follow it. */
  @Override
  public Position position() {
    return expr.position();
  }

  public SubqueryExpr withOffset(DurationExpr newOffset) {
    return new SubqueryExpr(expr, range, step, newOffset, at);
  }

  public SubqueryExpr withAt(AtModifier newAt) {
    return new SubqueryExpr(expr, range, step, offset, newAt);
  }

  @Override
  public ValueType type() {
    return ValueType.MATRIX;
  }

  @Override
  public String toString() {
    return toPromQL();
  }
}
