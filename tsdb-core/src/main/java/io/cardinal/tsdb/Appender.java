package io.cardinal.tsdb;

import io.cardinal.tsdb.labels.Labels;

/**
 * Appends one batch of samples (typically one scrape), then commits or rolls it back.
 *
 * <p>An appender belongs to one thread at a time. After {@link #commit()} or {@link #rollback()} it
 * is ready for the next batch, and reusing it is what keeps the append path free of allocation.
 * Different appenders may be used concurrently.
 */
public interface Appender {
  /**
   * Offers a sample. {@code ref} is the value an earlier call returned for the same series, or 0;
   * with a live reference {@code labels} is not looked at and may be null.
   *
   * @return the series reference (> 0) to pass next time when the sample was accepted into the
   *     batch, otherwise a negative code; {@link AppendStatus#of(long)} tells which.
   */
  long append(long ref, Labels labels, long t, double v);

  /**
   * Writes the batch (to the WAL first, when there is one) and returns what happened.
   *
   * @throws IllegalStateException if the database was closed; nothing of the batch is stored
   */
  CommitResult commit();

  /** Discards the batch's samples. Series it created stay until head GC removes them. */
  void rollback();

  /** Sets the limits for the next batch; {@link BatchLimits#NONE} by default. */
  Appender limits(BatchLimits limits);
}
