package io.cardinal.streaming;

import io.cardinal.promql.ast.AggregateOp;
import io.cardinal.promql.ast.BinaryOp;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.promql.ast.VectorMatching;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One operator of a compiled plan. Operators are immutable descriptions; the state they read lives
 * in the runtime's shared {@link SelectorState}s (per-series windows) and in {@link PlanState}
 * (subquery step caches).
 */
sealed interface Op {

  /** A scalar constant: number literals and arithmetic between them, folded at compile time. */
  record Const(double value) implements Op {}

  /** An instant vector selector: the latest sample at or before t within the lookback delta. */
  record Select(SelectorKey key) implements Op {}

  /** A function over a range selector's window (t - range, t]. */
  record Range(RangeFn fn, SelectorKey key, long rangeMs) implements Op {}

  /**
   * {@code count_over_time((inner)[range:step])}: the number of steps, aligned to multiples of
   * {@code stepMs} in (t - range, t], at which each inner series has a value. {@code extraMs} is
   * how far back the enclosing subqueries already reach (for pruning the step cache).
   */
  record CountSubquery(Op inner, long rangeMs, long stepMs, long extraMs) implements Op {}

  /** Unary minus on a vector. */
  record Negate(Op child) implements Op {}

  /** Arithmetic or comparison between a vector and a constant. */
  record VectorScalar(BinaryOp op, Op vector, double scalar, boolean scalarLeft, boolean bool)
      implements Op {}

  /** Arithmetic or comparison between two vectors, with vector matching. */
  record VectorVector(BinaryOp op, Op lhs, Op rhs, VectorMatching matching, boolean bool)
      implements Op {}

  /** {@code and}, {@code or}, {@code unless}. */
  record SetOp(BinaryOp op, Op lhs, Op rhs, VectorMatching matching) implements Op {}

  /** sum, avg, min, max, count, group, stddev, stdvar with by/without. */
  record Aggregate(AggregateOp op, Op child, List<String> grouping, boolean without)
      implements Op {}

  /** The range functions computed from a window of raw samples. */
  enum RangeFn {
    RATE("rate"),
    INCREASE("increase"),
    DELTA("delta"),
    IRATE("irate"),
    IDELTA("idelta"),
    RESETS("resets"),
    CHANGES("changes"),
    COUNT_OVER_TIME("count_over_time"),
    PRESENT_OVER_TIME("present_over_time"),
    LAST_OVER_TIME("last_over_time"),
    SUM_OVER_TIME("sum_over_time"),
    AVG_OVER_TIME("avg_over_time"),
    MIN_OVER_TIME("min_over_time"),
    MAX_OVER_TIME("max_over_time"),
    STDDEV_OVER_TIME("stddev_over_time"),
    STDVAR_OVER_TIME("stdvar_over_time");

    final String function;

    RangeFn(String function) {
      this.function = function;
    }

    /** Whether the result keeps the metric name (only last_over_time does). */
    boolean keepsName() {
      return this == LAST_OVER_TIME;
    }

    static RangeFn of(String function) {
      for (RangeFn f : values()) {
        if (f.function.equals(function)) {
          return f;
        }
      }
      return null;
    }
  }

  /**
   * What is kept per series for one selector: its matchers, and whether it serves instant selection
   * (stale markers kept) or range functions (stale markers dropped, as the engine drops them from
   * ranges). The matchers are held in a canonical order, so {@code {a="1",b="2"}} and {@code
   * {b="2",a="1"}} are one key and share one window.
   */
  record SelectorKey(List<LabelMatcher> matchers, boolean instant) {
    private static final Comparator<LabelMatcher> ORDER =
        Comparator.comparing(LabelMatcher::name)
            .thenComparing(LabelMatcher::type)
            .thenComparing(LabelMatcher::value);

    public SelectorKey {
      List<LabelMatcher> sorted = new ArrayList<>(matchers);
      sorted.sort(ORDER);
      matchers = List.copyOf(sorted);
    }
  }
}
