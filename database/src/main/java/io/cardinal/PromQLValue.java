package io.cardinal;

import io.cardinal.tsdb.labels.Labels;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The value of a PromQL query, one of Prometheus's four result types: a {@link Scalar}, a {@link
 * Str}ing, an {@link InstantVector} (one sample per series, from {@link Cardinal#query}) or a
 * {@link RangeMatrix} (points per series, from {@link Cardinal#queryRange} or a range selector such
 * as {@code foo[5m]}). Every value is immutable.
 */
public sealed interface PromQLValue
    permits PromQLValue.Scalar,
        PromQLValue.Str,
        PromQLValue.InstantVector,
        PromQLValue.RangeMatrix {

  /**
   * Prometheus's name of the result type: {@code scalar}, {@code string}, {@code vector} or {@code
   * matrix}.
   */
  String typeName();

  /** A number without labels, e.g. the result of {@code 1 + 1} or {@code scalar(...)}. */
  record Scalar(Instant timestamp, double value) implements PromQLValue {
    public Scalar {
      Objects.requireNonNull(timestamp, "timestamp");
    }

    @Override
    public String typeName() {
      return "scalar";
    }
  }

  /** A string literal, the only expression that yields one. */
  record Str(Instant timestamp, String value) implements PromQLValue {
    public Str {
      Objects.requireNonNull(timestamp, "timestamp");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String typeName() {
      return "string";
    }
  }

  /** One sample per series, all at the evaluation time. */
  record InstantVector(List<Sample> samples) implements PromQLValue {
    public InstantVector {
      samples = List.copyOf(samples);
    }

    @Override
    public String typeName() {
      return "vector";
    }
  }

  /** Points over time for each series, oldest first. */
  record RangeMatrix(List<Series> series) implements PromQLValue {
    public RangeMatrix {
      series = List.copyOf(series);
    }

    @Override
    public String typeName() {
      return "matrix";
    }
  }

  /** One element of an instant vector. */
  record Sample(Labels labels, Instant timestamp, double value) {
    public Sample {
      Objects.requireNonNull(labels, "labels");
      Objects.requireNonNull(timestamp, "timestamp");
    }
  }

  /** One series of a range matrix. */
  record Series(Labels labels, List<Point> points) {
    public Series {
      Objects.requireNonNull(labels, "labels");
      points = List.copyOf(points);
    }
  }

  /** One point of a {@link Series}. */
  record Point(Instant timestamp, double value) {
    public Point {
      Objects.requireNonNull(timestamp, "timestamp");
    }
  }
}
