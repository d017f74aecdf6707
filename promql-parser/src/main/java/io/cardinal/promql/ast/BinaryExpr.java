package io.cardinal.promql.ast;

import java.util.Objects;

/**
 * A binary operation.
 *
 * @param returnBool whether the {@code bool} modifier was given
 * @param matching vector matching; {@code null} unless both sides are instant vectors (a parsed
 *     tree never holds one otherwise: the type checker rejects matching labels and fill modifiers
 *     there)
 * @param opPosition where the operator was written; the expression itself starts with its left-hand
 *     side
 */
public record BinaryExpr(
    BinaryOp op,
    Expr lhs,
    Expr rhs,
    boolean returnBool,
    VectorMatching matching,
    Position opPosition)
    implements Expr {
  public BinaryExpr {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(lhs, "lhs");
    Objects.requireNonNull(rhs, "rhs");
    Objects.requireNonNull(opPosition, "opPosition");
  }

  public BinaryExpr(BinaryOp op, Expr lhs, Expr rhs, boolean returnBool, VectorMatching matching) {
    this(op, lhs, rhs, returnBool, matching, Position.UNKNOWN);
  }

  @Override
  public Position position() {
    return lhs.position();
  }

  @Override
  public ValueType type() {
    return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR
        ? ValueType.SCALAR
        : ValueType.VECTOR;
  }

  @Override
  public String toString() {
    return toPromQL();
  }
}
