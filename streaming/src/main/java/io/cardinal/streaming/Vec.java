package io.cardinal.streaming;

import io.cardinal.tsdb.labels.Labels;
import java.util.Arrays;

/**
 * An instant vector being computed: label sets (the metric name still in them where its removal is
 * delayed), values, and per element whether the name is to be dropped at the end, as the engine
 * marks it.
 */
final class Vec {
  Labels[] labels;
  double[] values;
  boolean[] dropName;
  int size;

  Vec(int capacity) {
    int c = Math.max(capacity, 4);
    labels = new Labels[c];
    values = new double[c];
    dropName = new boolean[c];
  }

  void add(Labels l, double v, boolean drop) {
    if (size == labels.length) {
      int c = size * 2;
      labels = Arrays.copyOf(labels, c);
      values = Arrays.copyOf(values, c);
      dropName = Arrays.copyOf(dropName, c);
    }
    labels[size] = l;
    values[size] = v;
    dropName[size] = drop;
    size++;
  }

  /** Rough heap size, for the state estimate of cached subquery steps. */
  long bytes() {
    return 48 + 17L * labels.length;
  }
}
