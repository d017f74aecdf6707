package io.cardinal.promql.ast;

import java.util.Objects;

/** A parenthesised expression. */
public record ParenExpr(Expr expr) implements Expr {
    public ParenExpr {
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
