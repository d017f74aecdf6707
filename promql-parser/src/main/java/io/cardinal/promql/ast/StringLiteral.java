package io.cardinal.promql.ast;

import java.util.Objects;

/** A string literal; {@code value} is unquoted (escape sequences resolved). */
public record StringLiteral(String value, Position position) implements Expr {
  public StringLiteral {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(position, "position");
  }

  public StringLiteral(String value) {
    this(value, Position.UNKNOWN);
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
