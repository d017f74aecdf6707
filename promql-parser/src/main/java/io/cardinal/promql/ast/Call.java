package io.cardinal.promql.ast;

import java.util.List;
import java.util.Objects;

/** A function call. */
public record Call(Function function, List<Expr> args, Position position) implements Expr {
  public Call {
    Objects.requireNonNull(function, "function");
    args = List.copyOf(args);
    Objects.requireNonNull(position, "position");
  }

  public Call(Function function, List<Expr> args) {
    this(function, args, Position.UNKNOWN);
  }

  @Override
  public ValueType type() {
    return function.returnType();
  }

  @Override
  public String toString() {
    return toPromQL();
  }
}
