package io.cardinal.promql.ast;

import java.util.List;
import java.util.Objects;

/**
 * How the two sides of a vector/vector binary operation are matched.
 *
 * @param cardinality one-to-one, many-to-one ({@code group_left}), one-to-many ({@code
 *     group_right}), many-to-many (set operators)
 * @param matchingLabels labels of {@code on(...)} / {@code ignoring(...)}
 * @param on true for {@code on}, false for {@code ignoring} (or no clause)
 * @param include extra labels of {@code group_left(...)} / {@code group_right(...)}
 * @param fillLeft {@code fill_left}/{@code fill} value for missing left-hand series, or null
 * @param fillRight {@code fill_right}/{@code fill} value for missing right-hand series, or null
 */
public record VectorMatching(
    Cardinality cardinality,
    List<String> matchingLabels,
    boolean on,
    List<String> include,
    Double fillLeft,
    Double fillRight) {

  public enum Cardinality {
    ONE_TO_ONE,
    MANY_TO_ONE,
    ONE_TO_MANY,
    MANY_TO_MANY
  }

  public VectorMatching {
    Objects.requireNonNull(cardinality, "cardinality");
    matchingLabels = List.copyOf(matchingLabels);
    include = List.copyOf(include);
  }

  public static VectorMatching oneToOne() {
    return new VectorMatching(Cardinality.ONE_TO_ONE, List.of(), false, List.of(), null, null);
  }

  public VectorMatching withCardinality(Cardinality card) {
    return new VectorMatching(card, matchingLabels, on, include, fillLeft, fillRight);
  }

  public boolean hasFill() {
    return fillLeft != null || fillRight != null;
  }
}
