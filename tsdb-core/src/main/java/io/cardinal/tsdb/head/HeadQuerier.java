package io.cardinal.tsdb.head;

import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.Series;
import io.cardinal.tsdb.query.SeriesSet;
import java.util.ArrayList;
import java.util.List;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/** Queries the head over a fixed time range. Cheap to create; holds no locks between calls. */
final class HeadQuerier implements Querier {
  private final Head head;
  private final long mint;
  private final long maxt;

  HeadQuerier(Head head, long mint, long maxt) {
    this.head = head;
    this.mint = mint;
    this.maxt = maxt;
  }

  @Override
  public SeriesSet select(boolean sorted, long mint, long maxt, Matcher... matchers) {
    long lo = Math.max(mint, this.mint);
    long hi = Math.min(maxt, this.maxt);
    RoaringBitmap bm = head.postings.select(matchers);
    List<HeadSeries> out = new ArrayList<>(Math.min(bm.getCardinality(), 1 << 16));
    IntIterator it = bm.getIntIterator();
    while (it.hasNext()) {
      MemSeries s = head.byRef(it.next());
      if (s == null) {
        continue;
      }
      boolean overlaps;
      synchronized (s) {
        overlaps = !s.deleted && overlaps(s, lo, hi);
      }
      if (overlaps) {
        out.add(new HeadSeries(head, s, lo, hi));
      }
    }
    if (sorted) {
      out.sort((a, b) -> a.labels().compareTo(b.labels()));
    }
    return SeriesSet.of(out);
  }

  private static boolean overlaps(MemSeries s, long lo, long hi) {
    long first = s.minTime();
    return first != MemSeries.NO_TIME && first <= hi && s.lastT >= lo;
  }

  /** References of series matching the matchers (for label queries and statistics). */
  RoaringBitmap postings(Matcher... matchers) {
    return head.postings.select(matchers);
  }

  @Override
  public List<String> labelNames(Matcher... matchers) {
    return head.postings.labelNames(matchers.length == 0 ? null : head.postings.select(matchers));
  }

  @Override
  public List<String> labelValues(String name, Matcher... matchers) {
    return head.postings.labelValues(
        name, matchers.length == 0 ? null : head.postings.select(matchers));
  }

  @Override
  public void close() {}

  /** A head series in a result; its samples are read when {@link #iterator} is called. */
  static final class HeadSeries implements Series {
    final Head head;
    final MemSeries s;
    final long mint;
    final long maxt;

    HeadSeries(Head head, MemSeries s, long mint, long maxt) {
      this.head = head;
      this.s = s;
      this.mint = mint;
      this.maxt = maxt;
    }

    @Override
    public Labels labels() {
      return s.labels;
    }

    @Override
    public SampleIterator iterator(SampleIterator reuse) {
      HeadSeriesIterator it =
          reuse instanceof HeadSeriesIterator
              ? (HeadSeriesIterator) reuse
              : new HeadSeriesIterator();
      it.reset(head.chunkMapper(), s, mint, maxt);
      return it;
    }

    @Override
    public String toString() {
      return s.labels.toString();
    }
  }
}
