package io.cardinal.promql.ast;

/** A float literal such as {@code 1}, {@code 0x1f}, {@code -Inf} or {@code 5m} (a duration used as seconds). */
public record NumberLiteral(double value) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.SCALAR;
    }

    @Override
    public String toString() {
        return toPromQL();
    }
}
