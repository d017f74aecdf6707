package io.cardinal.promql.ast;

/**
 * A node of the PromQL abstract syntax tree. All implementations are immutable records
 * whose {@code equals} compares structure (source positions are not part of the tree).
 */
public sealed interface Expr permits AggregateExpr, BinaryExpr, Call, MatrixSelector, NumberLiteral,
        ParenExpr, StringLiteral, SubqueryExpr, UnaryExpr, VectorSelector {

    /** The type this expression evaluates to. */
    ValueType type();

    /** Canonical PromQL text of this expression, as Prometheus' {@code String()} renders it. */
    default String toPromQL() {
        return Printer.print(this);
    }
}
