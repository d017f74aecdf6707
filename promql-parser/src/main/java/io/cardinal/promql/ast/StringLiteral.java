package io.cardinal.promql.ast;

import java.util.Objects;

/** A string literal; {@code value} is unquoted (escape sequences resolved). */
public record StringLiteral(String value) implements Expr {
    public StringLiteral {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public ValueType type() {
        return ValueType.STRING;
    }

    @Override
    public String toString() {
        return toPromQL();
    }
}
