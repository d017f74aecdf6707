package io.cardinal.compact;

import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.Series;
import io.cardinal.tsdb.query.SeriesSet;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeSet;

/**
 * One querier over several (blocks and the head): series with the same labels from different
 * sources become one series whose samples are merged in time order, a timestamp present in more
 * than one source appearing once (overlapping blocks, or a block and the head around a cut).
 */
public final class MergeQuerier implements Querier {
  private final List<Querier> queriers;

  public MergeQuerier(List<Querier> queriers) {
    this.queriers = List.copyOf(queriers);
  }

  @Override
  public SeriesSet select(boolean sorted, long mint, long maxt, Matcher... matchers) {
    if (queriers.size() == 1) {
      return queriers.get(0).select(sorted, mint, maxt, matchers);
    }
    // Merging needs every input sorted; the output is then sorted too.
    List<SeriesSet> sets = new ArrayList<>();
    for (Querier q : queriers) {
      sets.add(q.select(true, mint, maxt, matchers));
    }
    List<Series> out = new ArrayList<>();
    PriorityQueue<Cursor> pq =
        new PriorityQueue<>(
            (a, b) -> {
              int c = a.cur.labels().compareTo(b.cur.labels());
              return c != 0 ? c : Integer.compare(a.order, b.order);
            });
    for (int i = 0; i < sets.size(); i++) {
      Cursor c = new Cursor(sets.get(i), i);
      if (c.advance()) {
        pq.add(c);
      }
    }
    while (!pq.isEmpty()) {
      Cursor first = pq.poll();
      Labels l = first.cur.labels();
      List<Series> same = new ArrayList<>();
      same.add(first.cur);
      if (first.advance()) {
        pq.add(first);
      }
      while (!pq.isEmpty() && pq.peek().cur.labels().equals(l)) {
        Cursor c = pq.poll();
        same.add(c.cur);
        if (c.advance()) {
          pq.add(c);
        }
      }
      out.add(same.size() == 1 ? same.get(0) : new MergedSeries(l, same));
    }
    return SeriesSet.of(out);
  }

  private static final class Cursor {
    final SeriesSet set;
    final int order;
    Series cur;

    Cursor(SeriesSet set, int order) {
      this.set = set;
      this.order = order;
    }

    boolean advance() {
      if (set.next()) {
        cur = set.at();
        return true;
      }
      return false;
    }
  }

  @Override
  public List<String> labelNames(Matcher... matchers) {
    TreeSet<String> all = new TreeSet<>(Labels::compareStrings);
    for (Querier q : queriers) {
      all.addAll(q.labelNames(matchers));
    }
    return new ArrayList<>(all);
  }

  @Override
  public List<String> labelValues(String name, Matcher... matchers) {
    TreeSet<String> all = new TreeSet<>(Labels::compareStrings);
    for (Querier q : queriers) {
      all.addAll(q.labelValues(name, matchers));
    }
    return new ArrayList<>(all);
  }

  @Override
  public void close() {
    for (Querier q : queriers) {
      q.close();
    }
  }

  /** Same labels in several sources. */
  static final class MergedSeries implements Series {
    final Labels labels;
    final List<Series> parts;

    MergedSeries(Labels labels, List<Series> parts) {
      this.labels = labels;
      this.parts = parts;
    }

    @Override
    public Labels labels() {
      return labels;
    }

    @Override
    public SampleIterator iterator(SampleIterator reuse) {
      SampleIterator[] its = new SampleIterator[parts.size()];
      for (int i = 0; i < its.length; i++) {
        its[i] = parts.get(i).iterator(null);
      }
      return new ChainIterator(its);
    }
  }

  /** Merges sample iterators by timestamp; on equal timestamps the earliest input wins. */
  static final class ChainIterator implements SampleIterator {
    private final SampleIterator[] its;
    private final boolean[] has;
    private int cur = -1;
    private long t;
    private String error;

    ChainIterator(SampleIterator[] its) {
      this.its = its;
      this.has = new boolean[its.length];
      for (int i = 0; i < its.length; i++) {
        has[i] = its[i].next();
        noteError(i);
      }
    }

    private void noteError(int i) {
      if (!has[i] && its[i].error() != null && error == null) {
        error = its[i].error();
      }
    }

    @Override
    public boolean next() {
      if (cur >= 0) {
        // Step past the emitted timestamp in every input that has it.
        for (int i = 0; i < its.length; i++) {
          while (has[i] && its[i].timestamp() <= t) {
            has[i] = its[i].next();
            noteError(i);
          }
        }
      }
      cur = -1;
      for (int i = 0; i < its.length; i++) {
        if (has[i] && (cur < 0 || its[i].timestamp() < its[cur].timestamp())) {
          cur = i;
        }
      }
      if (cur < 0) {
        return false;
      }
      t = its[cur].timestamp();
      return true;
    }

    @Override
    public boolean seek(long target) {
      if (cur >= 0 && t >= target) {
        return true;
      }
      for (int i = 0; i < its.length; i++) {
        if (has[i] && its[i].timestamp() < target) {
          has[i] = its[i].seek(target);
          noteError(i);
        }
      }
      cur = -1;
      for (int i = 0; i < its.length; i++) {
        if (has[i] && (cur < 0 || its[i].timestamp() < its[cur].timestamp())) {
          cur = i;
        }
      }
      if (cur < 0) {
        return false;
      }
      t = its[cur].timestamp();
      return true;
    }

    @Override
    public long timestamp() {
      return t;
    }

    @Override
    public double value() {
      return its[cur].value();
    }

    @Override
    public String error() {
      return error;
    }
  }
}
