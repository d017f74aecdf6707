package io.cardinal.promql.ast;

import java.util.Objects;

/**
 * A binary operation.
 *
 * @param returnBool whether the {@code bool} modifier was given
 * @param matching   vector matching; {@code null} unless both sides are instant vectors
 */
public record BinaryExpr(BinaryOp op, Expr lhs, Expr rhs, boolean returnBool, VectorMatching matching)
        implements Expr {
    public BinaryExpr {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(lhs, "lhs");
        Objects.requireNonNull(rhs, "rhs");
    }

    @Override
    public ValueType type() {
        return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
    }

    @Override
    public String toString() {
        return toPromQL();
    }
}
