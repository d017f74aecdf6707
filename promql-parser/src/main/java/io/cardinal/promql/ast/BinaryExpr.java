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
 * @param type the result type, derived from the operands when the node is made (null derives it;
 *     anything else must equal it). Kept rather than computed on each call: a chain of 50,000 terms
 *     asked its type once per node, each asking all the nodes below, made parsing quadratic
 */
public record BinaryExpr(
    BinaryOp op,
    Expr lhs,
    Expr rhs,
    boolean returnBool,
    VectorMatching matching,
    Position opPosition,
    ValueType type)
    implements Expr {
  public BinaryExpr {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(lhs, "lhs");
    Objects.requireNonNull(rhs, "rhs");
    Objects.requireNonNull(opPosition, "opPosition");
    ValueType derived =
        lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR
            ? ValueType.SCALAR
            : ValueType.VECTOR;
    if (type != null && type != derived) {
      throw new IllegalArgumentException("type " + type + " given, the operands make " + derived);
    }
    type = derived;
  }

  public BinaryExpr(
      BinaryOp op,
      Expr lhs,
      Expr rhs,
      boolean returnBool,
      VectorMatching matching,
      Position opPosition) {
    this(op, lhs, rhs, returnBool, matching, opPosition, null);
  }

  public BinaryExpr(BinaryOp op, Expr lhs, Expr rhs, boolean returnBool, VectorMatching matching) {
    this(op, lhs, rhs, returnBool, matching, Position.UNKNOWN, null);
  }

  @Override
  public Position position() {
    return lhs.position();
  }

  @Override
  public String toString() {
    return toPromQL();
  }
}
