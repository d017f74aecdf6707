package io.cardinal.compact;

import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.ChunkSeries;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.Series;
import io.cardinal.tsdb.query.SeriesSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongPredicate;

/**
 * Deleted intervals of head series (the head's tombstones), applied when the head is queried and
 * when its data is cut into a block. Blocks keep their own tombstones file.
 */
public final class Deletions {
  private final Map<Labels, List<long[]>> byLabels = new ConcurrentHashMap<>();

  public boolean isEmpty() {
    return byLabels.isEmpty();
  }

  public void add(Labels labels, long mint, long maxt) {
    byLabels
        .computeIfAbsent(labels, k -> new CopyOnWriteArrayList<>())
        .add(new long[] {mint, maxt});
  }

  /** Forgets intervals wholly before {@code t} (the head no longer holds that data). */
  public void dropBefore(long t) {
    byLabels.values().forEach(l -> l.removeIf(iv -> iv[1] < t));
    byLabels.values().removeIf(List::isEmpty);
  }

  /** A predicate for deleted timestamps of {@code labels}, or null if nothing of it is deleted. */
  public LongPredicate predicate(Labels labels) {
    List<long[]> ivs = byLabels.get(labels);
    if (ivs == null || ivs.isEmpty()) {
      return null;
    }
    return t -> {
      for (long[] iv : ivs) {
        if (t >= iv[0] && t <= iv[1]) {
          return true;
        }
      }
      return false;
    };
  }

  /** Chunk series with deleted samples removed (series left empty disappear). */
  public Iterable<ChunkSeries> apply(List<ChunkSeries> series) {
    if (isEmpty()) {
      return series;
    }
    return () -> {
      Iterator<ChunkSeries> in = series.iterator();
      return new SeriesMerger(List.of(in), (order, s) -> predicate(s.labels()));
    };
  }

  /** A querier that hides deleted samples of the wrapped (head) querier. */
  public Querier apply(Querier q) {
    if (isEmpty()) {
      return q;
    }
    return new Querier() {
      @Override
      public SeriesSet select(boolean sorted, long mint, long maxt, Matcher... matchers) {
        SeriesSet in = q.select(sorted, mint, maxt, matchers);
        List<Series> out = new ArrayList<>();
        while (in.next()) {
          Series s = in.at();
          LongPredicate del = predicate(s.labels());
          out.add(del == null ? s : new FilteredSeries(s, del));
        }
        return SeriesSet.of(out);
      }

      @Override
      public List<String> labelNames(Matcher... matchers) {
        return q.labelNames(matchers);
      }

      @Override
      public List<String> labelValues(String name, Matcher... matchers) {
        return q.labelValues(name, matchers);
      }

      @Override
      public void close() {
        q.close();
      }
    };
  }

  private static final class FilteredSeries implements Series {
    final Series s;
    final LongPredicate deleted;

    FilteredSeries(Series s, LongPredicate deleted) {
      this.s = s;
      this.deleted = deleted;
    }

    @Override
    public Labels labels() {
      return s.labels();
    }

    @Override
    public SampleIterator iterator(SampleIterator reuse) {
      SampleIterator it = s.iterator(null);
      return new SampleIterator() {
        @Override
        public boolean next() {
          while (it.next()) {
            if (!deleted.test(it.timestamp())) {
              return true;
            }
          }
          return false;
        }

        @Override
        public boolean seek(long t) {
          if (!it.seek(t)) {
            return false;
          }
          return !deleted.test(it.timestamp()) || next();
        }

        @Override
        public long timestamp() {
          return it.timestamp();
        }

        @Override
        public double value() {
          return it.value();
        }

        @Override
        public String error() {
          return it.error();
        }
      };
    }
  }
}
