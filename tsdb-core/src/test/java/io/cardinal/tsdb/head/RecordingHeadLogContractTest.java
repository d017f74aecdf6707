package io.cardinal.tsdb.head;

import io.cardinal.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.List;

/**
 * A log that copies each call into a list: it keeps everything, so it proves that the contract's
 * read-back and replay checks can pass, and the in-memory head is checked against a keeping log
 * without the storage module.
 */
class RecordingHeadLogContractTest extends HeadLogContract {
  private final List<Entry> entries = new ArrayList<>();

  @Override
  protected HeadLog create() {
    return new HeadLog() {
      @Override
      public void logSeries(long[] refs, Labels[] labels, int n) {
        for (int i = 0; i < n; i++) {
          entries.add(Entry.series(refs[i], labels[i]));
        }
      }

      @Override
      public void logSamples(long[] refs, long[] ts, double[] vs, int n) {
        for (int i = 0; i < n; i++) {
          entries.add(Entry.sample(refs[i], ts[i], vs[i]));
        }
      }
    };
  }

  @Override
  protected List<Entry> readBack() {
    return entries;
  }
}
