package io.cardinal.promql.engine;

import io.cardinal.tsdb.labels.Labels;
import java.util.List;
import java.util.Objects;

/**
 * A query result value, as in Prometheus' API: scalar, string, instant vector or range vector
 * (matrix).
 */
public sealed interface Value permits Value.Scalar, Value.Str, Value.Vector, Value.Matrix {

  /** Prometheus' result type name: "scalar", "string", "vector" or "matrix". */
  String typeName();

  record Scalar(long timestamp, double value) implements Value {
    @Override
    public String typeName() {
      return "scalar";
    }
  }

  record Str(long timestamp, String value) implements Value {
    public Str {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String typeName() {
      return "string";
    }
  }

  /** One element of an instant vector. */
  record Sample(Labels labels, long timestamp, double value) {}

  record Vector(List<Sample> samples) implements Value {
    public Vector {
      samples = List.copyOf(samples);
    }

    @Override
    public String typeName() {
      return "vector";
    }
  }

  /** One series of a range vector: parallel arrays of timestamps (ascending) and values. */
  record Series(Labels labels, long[] timestamps, double[] values) {
    public Series {
      if (timestamps.length != values.length) {
        throw new IllegalArgumentException("timestamps and values differ in length");
      }
    }

    public int size() {
      return timestamps.length;
    }
  }

  record Matrix(List<Series> series) implements Value {
    public Matrix {
      series = List.copyOf(series);
    }

    @Override
    public String typeName() {
      return "matrix";
    }
  }
}
