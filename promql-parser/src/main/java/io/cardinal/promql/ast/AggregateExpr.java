package io.cardinal.promql.ast;

import java.util.List;
import java.util.Objects;

/**
 * An aggregation such as {@code sum by (job) (x)} or {@code topk(5, x)}.
 *
 * @param param the parameter of topk/bottomk/quantile/count_values/limitk/limit_ratio, else {@code
 *     null}
 * @param grouping labels of the by/without clause (empty if none)
 * @param without true for {@code without}
 * @param position where the aggregation operator was written
 */
public record AggregateExpr(
    AggregateOp op,
    Expr expr,
    Expr param,
    List<String> grouping,
    boolean without,
    Position position)
    implements Expr {
  public AggregateExpr {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(expr, "expr");
    grouping = List.copyOf(grouping);
    Objects.requireNonNull(position, "position");
  }

  public AggregateExpr(
      AggregateOp op, Expr expr, Expr param, List<String> grouping, boolean without) {
    this(op, expr, param, grouping, without, Position.UNKNOWN);
  }

  @Override
  public ValueType type() {
    return ValueType.VECTOR;
  }

  @Override
  public String toString() {
    return toPromQL();
  }
}
