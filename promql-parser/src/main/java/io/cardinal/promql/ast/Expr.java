package io.cardinal.promql.ast;

/**
 * A node of the PromQL abstract syntax tree. All implementations are immutable records whose {@code
 * equals} compares structure: a node's {@link #position()} never takes part.
 */
public sealed interface Expr
    permits AggregateExpr,
        BinaryExpr,
        Call,
        MatrixSelector,
        NumberLiteral,
        ParenExpr,
        StringLiteral,
        SubqueryExpr,
        UnaryExpr,
        VectorSelector {

  /** The type this expression evaluates to. */
  ValueType type();

  /**
   * Where the expression starts in the parsed query; {@link Position#UNKNOWN} for nodes built by
   * code.
   */
  Position position();

  /** Canonical PromQL text of this expression, as Prometheus' {@code String()} renders it. */
  default String toPromQL() {
    return Printer.print(this);
  }
}
