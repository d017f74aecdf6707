package io.cardinal;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Cardinal#query} and {@link Cardinal#queryRange} return: the value and the annotations
 * Prometheus attaches to it. Warnings and infos keep Prometheus's text with its prefix ({@code
 * PromQL warning: ...}, {@code PromQL info: ...}); a query with warnings still succeeded.
 *
 * <p>Java 17 has no pattern matching in {@code switch}, so the typed accessors ({@link #vector()},
 * {@link #matrix()}, {@link #scalar()}, {@link #string()}) save a cast when the caller knows what
 * the expression yields.
 */
public record PromQLResult(PromQLValue value, List<String> warnings, List<String> infos) {
  public PromQLResult {
    Objects.requireNonNull(value, "value");
    warnings = List.copyOf(warnings);
    infos = List.copyOf(infos);
  }

  /** The samples of an instant vector; throws {@link IllegalStateException} for any other type. */
  public List<PromQLValue.Sample> vector() {
    return as(PromQLValue.InstantVector.class).samples();
  }

  /** The series of a range matrix; throws {@link IllegalStateException} for any other type. */
  public List<PromQLValue.Series> matrix() {
    return as(PromQLValue.RangeMatrix.class).series();
  }

  /** The number of a scalar result; throws {@link IllegalStateException} for any other type. */
  public double scalar() {
    return as(PromQLValue.Scalar.class).value();
  }

  /** The text of a string result; throws {@link IllegalStateException} for any other type. */
  public String string() {
    return as(PromQLValue.Str.class).value();
  }

  private <T extends PromQLValue> T as(Class<T> type) {
    if (!type.isInstance(value)) {
      throw new IllegalStateException(
          "the query returned a " + value.typeName() + ", not a " + type.getSimpleName());
    }
    return type.cast(value);
  }
}
