package io.cardinal.tsdb.head;

import io.cardinal.tsdb.labels.Labels;

/**
 * Sees every committed batch after it is applied: what streaming rule evaluation feeds on. Called
 * on the committing thread while the head's commit lock is held, so batches arrive in commit order
 * and a series' samples in time order; keep it short and never block. The arrays are the appender's
 * own and valid only during the call.
 */
@FunctionalInterface
public interface CommitObserver {
  /**
   * @param newRefs references of the series this batch created, {@code newLabels} their labels (the
   *     first {@code newCount} entries)
   * @param refs series of the applied samples, with {@code ts} and {@code vs} (the first {@code n}
   *     entries)
   */
  void committed(
      long[] newRefs, Labels[] newLabels, int newCount, long[] refs, long[] ts, double[] vs, int n);
}
