package io.cardinal.promql.engine;

import io.cardinal.promql.ast.BinaryOp;
import io.cardinal.promql.ast.VectorMatching;
import io.cardinal.tsdb.labels.Labels;
import java.util.List;

/**
 * The engine's elementary semantics, public for evaluators that must agree with it exactly
 * (streaming rule evaluation): one definition of each, so the two cannot drift apart.
 */
public final class EngineFunctions {
  private EngineFunctions() {}

  /** Whether {@code v} is Prometheus's stale marker. */
  public static boolean isStale(double v) {
    return Numbers.isStale(v);
  }

  /** Go's math.Pow, where it differs from Java's. */
  public static double pow(double x, double y) {
    return Numbers.pow(x, y);
  }

  /** Arithmetic, or a comparison giving 1 or 0, between two floats. */
  public static double scalarOp(BinaryOp op, double l, double r) {
    return Binary.scalarOp(op, l, r);
  }

  public static boolean compare(BinaryOp op, double l, double r) {
    return Binary.compare(op, l, r);
  }

  /** Whether the operator's result is no longer the metric it was computed from. */
  public static boolean changesSchema(BinaryOp op) {
    return Evaluator.changesSchema(op);
  }

  /** The labels without the metric name and the type/unit metadata labels. */
  public static Labels dropMetadata(Labels l) {
    return Evaluator.dropMetadata(l);
  }

  /** The key two sides of a binary operation are matched on. */
  public static Labels signature(Labels l, VectorMatching m) {
    return Binary.signature(l, m);
  }

  /** The labels of a vector/vector result, from the "many" side and the included "one" labels. */
  public static Labels resultMetric(Labels many, Labels one, BinaryOp op, VectorMatching m) {
    return Binary.resultMetric(many, one, op, m);
  }

  /** The group of an aggregation: the by() labels, or all but without() and the name. */
  public static Labels groupLabels(Labels l, List<String> grouping, boolean without) {
    return Aggregation.groupLabels(l, grouping, without);
  }
}
