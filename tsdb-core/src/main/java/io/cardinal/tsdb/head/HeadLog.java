package io.cardinal.tsdb.head;

import io.cardinal.tsdb.labels.Labels;

/**
 * The head's write-ahead hook: a commit calls it with the batch's new series and samples before
 * they become visible, and the commit only succeeds if it returns. The storage module's WAL
 * implements it; {@link #NONE} is the in-memory head's.
 *
 * <p>Calls come under the head's commit lock, one commit at a time, and carry only samples the head
 * is about to apply, in the order it applies them: a log replayed in its order rebuilds the head.
 */
public interface HeadLog {
  /** Logs series creations: {@code refs[i]} has {@code labels[i]}, for i < n. */
  void logSeries(long[] refs, Labels[] labels, int n);

  /** Logs samples: {@code refs[i]} at {@code ts[i]} = {@code vs[i]}, for i < n. */
  void logSamples(long[] refs, long[] ts, double[] vs, int n);

  HeadLog NONE =
      new HeadLog() {
        @Override
        public void logSeries(long[] refs, Labels[] labels, int n) {}

        @Override
        public void logSamples(long[] refs, long[] ts, double[] vs, int n) {}
      };
}
