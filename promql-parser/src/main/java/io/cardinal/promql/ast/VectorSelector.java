package io.cardinal.promql.ast;

import java.util.List;
import java.util.Objects;

/**
 * An instant vector selector. As in Prometheus, when a metric name is given outside the braces
 * ({@code foo{a="b"}}) the matcher {@code __name__="foo"} is appended to {@code matchers}, so
 * {@code matchers} alone is the complete selection.
 *
 * @param name metric name written before the braces, or {@code null}
 * @param matchers all label matchers (including the metric name matcher)
 * @param offset the offset modifier, or {@code null}
 * @param at the {@code @} modifier, or {@code null}
 * @param anchored the experimental {@code anchored} range modifier
 * @param smoothed the experimental {@code smoothed} range modifier
 * @param position where the selector starts (metric name or opening brace)
 */
public record VectorSelector(
    String name,
    List<LabelMatcher> matchers,
    DurationExpr offset,
    AtModifier at,
    boolean anchored,
    boolean smoothed,
    Position position)
    implements Expr {

  public VectorSelector {
    matchers = List.copyOf(Objects.requireNonNull(matchers, "matchers"));
    Objects.requireNonNull(position, "position");
  }

  public VectorSelector(
      String name,
      List<LabelMatcher> matchers,
      DurationExpr offset,
      AtModifier at,
      boolean anchored,
      boolean smoothed) {
    this(name, matchers, offset, at, anchored, smoothed, Position.UNKNOWN);
  }

  /** A selector by metric name and extra matchers (the name matcher is added). */
  public static VectorSelector of(String name, LabelMatcher... matchers) {
    List<LabelMatcher> all = new java.util.ArrayList<>(List.of(matchers));
    if (name != null) {
      all.add(LabelMatcher.eq(LabelMatcher.METRIC_NAME, name));
    }
    return new VectorSelector(name, all, null, null, false, false);
  }

  public VectorSelector withOffset(DurationExpr newOffset) {
    return new VectorSelector(name, matchers, newOffset, at, anchored, smoothed, position);
  }

  public VectorSelector withAt(AtModifier newAt) {
    return new VectorSelector(name, matchers, offset, newAt, anchored, smoothed, position);
  }

  public VectorSelector withAnchored(boolean value) {
    return new VectorSelector(name, matchers, offset, at, value, smoothed, position);
  }

  public VectorSelector withSmoothed(boolean value) {
    return new VectorSelector(name, matchers, offset, at, anchored, value, position);
  }

  /**
   * The constant offset in milliseconds (0 if none); use {@link #offset()} for duration
   * expressions.
   */
  public long offsetMillis() {
    return offset == null ? 0 : offset.literalMillis();
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
