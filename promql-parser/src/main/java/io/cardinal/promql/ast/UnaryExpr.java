package io.cardinal.promql.ast;

import java.util.Objects;

/** Unary {@code -expr} or {@code +expr}. Unary minus on a bare number literal is folded into the literal. */
public record UnaryExpr(boolean negate, Expr expr) implements Expr {
    public UnaryExpr {
        Objects.requireNonNull(expr, "expr");
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
