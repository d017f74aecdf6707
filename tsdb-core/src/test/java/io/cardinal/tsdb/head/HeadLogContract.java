package io.cardinal.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Seeds;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.QuerierContract;
import io.cardinal.tsdb.query.SeriesSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What every {@link HeadLog} promises, run against each implementation by a subclass in its module:
 * a log that keeps anything gives back exactly the first {@code n} entries of each call, in call
 * order, unaffected by the caller reusing its arrays afterwards; replaying it rebuilds the head
 * that wrote it. A log that keeps nothing ({@link HeadLog#NONE}) reads back empty.
 */
public abstract class HeadLogContract {
  /** One logged entry: a series creation (labels set) or a sample (labels null). */
  public record Entry(long ref, Labels labels, long t, double v) {
    public static Entry series(long ref, Labels labels) {
      return new Entry(ref, labels, 0, 0);
    }

    public static Entry sample(long ref, long t, double v) {
      return new Entry(ref, null, t, v);
    }

    @Override
    public String toString() {
      return labels != null
          ? "series " + ref + " " + labels
          : "sample " + ref + " " + t + "=" + Double.doubleToRawLongBits(v);
    }
  }

  /** A fresh, empty log. */
  protected abstract HeadLog create() throws Exception;

  /** Everything the log made of the calls so far, in order; called once, after the last call. */
  protected abstract List<Entry> readBack() throws Exception;

  /** False for a log that keeps nothing. */
  protected boolean keeps() {
    return true;
  }

  @Test
  void callsReadBackInOrderWithOnlyTheFirstNOfEachArray() throws Exception {
    long seed = Seeds.seed(getClass().getSimpleName() + ".order");
    Random r = new Random(seed);
    HeadLog log = create();
    List<Entry> want = new ArrayList<>();
    long nextRef = 1;
    List<Long> refs = new ArrayList<>();
    // One set of arrays for every call, overwritten after each, as the head reuses its buffers.
    long[] ra = new long[64];
    Labels[] la = new Labels[64];
    long[] ta = new long[64];
    double[] va = new double[64];
    for (int call = 0; call < 200; call++) {
      if (refs.isEmpty() || r.nextInt(4) == 0) {
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
          ra[i] = nextRef++;
          la[i] =
              Labels.of(
                  "__name__", "m" + r.nextInt(3), "id", Long.toString(ra[i]), "u", "\u00fc" + call);
          refs.add(ra[i]);
          want.add(Entry.series(ra[i], la[i]));
        }
        ra[n] = -1;
        la[n] = Labels.of("__name__", "beyond_n");
        log.logSeries(ra, la, n);
      } else {
        int n = 1 + r.nextInt(40);
        for (int i = 0; i < n; i++) {
          ra[i] = refs.get(r.nextInt(refs.size()));
          ta[i] = 1_700_000_000_000L + call * 1000L + i;
          va[i] =
              r.nextInt(5) == 0
                  ? Double.longBitsToDouble(0x7ff0000000000002L)
                  : r.nextGaussian() * 1e6;
          want.add(Entry.sample(ra[i], ta[i], va[i]));
        }
        ra[n] = -1;
        ta[n] = -1;
        log.logSamples(ra, ta, va, n);
      }
      Arrays.fill(ra, 0xBADL);
      Arrays.fill(la, Labels.EMPTY);
      Arrays.fill(ta, 0xBADL);
      Arrays.fill(va, -0.0);
    }
    List<String> got = new ArrayList<>();
    for (Entry e : readBack()) {
      got.add(e.toString());
    }
    List<String> expected = new ArrayList<>();
    if (keeps()) {
      for (Entry e : want) {
        expected.add(e.toString());
      }
    }
    assertEquals(expected, got, Seeds.at(seed));
  }

  @Test
  void replayingWhatAHeadLoggedRebuildsTheHead() throws Exception {
    long seed = Seeds.seed(getClass().getSimpleName() + ".replay");
    Random r = new Random(seed);
    Head head = new Head(HeadOptions.defaults().withLog(create()));
    for (int commit = 0; commit < 30; commit++) {
      HeadAppender app = head.appender();
      for (int i = 0; i < 20; i++) {
        Labels l = Labels.of("__name__", "g", "s", Integer.toString(r.nextInt(12)));
        app.append(0, l, commit * 15_000L + i, r.nextInt(1000) / 4.0);
      }
      app.commit();
    }
    List<Entry> entries = readBack();
    if (!keeps()) {
      assertEquals(List.of(), entries, Seeds.at(seed));
      return;
    }
    Head replayed = new Head(HeadOptions.defaults());
    Map<Long, Labels> byRef = new HashMap<>();
    HeadAppender app = replayed.appender();
    int samples = 0;
    for (Entry e : entries) {
      if (e.labels() != null) {
        assertEquals(
            null,
            byRef.put(e.ref(), e.labels()),
            "series " + e.ref() + " logged twice" + Seeds.at(seed));
      } else {
        Labels l = byRef.get(e.ref());
        assertTrue(
            l != null, "sample of series " + e.ref() + " before its series" + Seeds.at(seed));
        app.append(0, l, e.t(), e.v());
        samples++;
      }
    }
    app.commit();
    assertTrue(samples > 0, "nothing was logged" + Seeds.at(seed));
    SeriesSet want =
        head.querier(Long.MIN_VALUE, Long.MAX_VALUE)
            .select(true, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.equal("__name__", "g"));
    SeriesSet got =
        replayed
            .querier(Long.MIN_VALUE, Long.MAX_VALUE)
            .select(true, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.equal("__name__", "g"));
    assertEquals(QuerierContract.dump(want), QuerierContract.dump(got), Seeds.at(seed));
  }
}
