package io.cardinal.tsdb.head;

import io.cardinal.tsdb.labels.Labels;

/** Computes the 64-bit series key. Replaceable so tests can force collisions. */
@FunctionalInterface
interface LabelHasher {
  long hash(Labels labels);

  LabelHasher DEFAULT = Labels::hash64;
}
