package io.cardinal.promql.ast;

import java.util.Objects;

/**
 * A float literal such as {@code 1}, {@code 0x1f}, {@code -Inf} or {@code 5m} (a duration used as
 * seconds).
 */
public record NumberLiteral(double value, Position position) implements Expr {
  public NumberLiteral {
    Objects.requireNonNull(position, "position");
  }

  public NumberLiteral(double value) {
    this(value, Position.UNKNOWN);
  }

  @Override
  public ValueType type() {
    return ValueType.SCALAR;
  }

  @Override
  public String toString() {
    return toPromQL();
  }
}
