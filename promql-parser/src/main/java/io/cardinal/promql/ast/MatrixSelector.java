package io.cardinal.promql.ast;

import java.util.Objects;

/**
 * A range vector selector {@code selector[range]}; offset and {@code @} live on the inner selector.
 */
public record MatrixSelector(VectorSelector selector, DurationExpr range) implements Expr {
  public MatrixSelector {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(range, "range");
  }

  /** The selector's position: the range and any modifiers follow it. */
  @Override
  public Position position() {
    return selector.position();
  }

  /** The constant range in milliseconds; use {@link #range()} when it is a duration expression. */
  public long rangeMillis() {
    return range.literalMillis();
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
