package io.cardinal.tsdb.head;

import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.PostingsPlanner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.roaringbitmap.RoaringBitmap;

/**
 * The head's inverted index: label name and value to the set of series references (RoaringBitmap),
 * plus the all-series posting.
 *
 * <p>It is also the symbol table: the map keys are the one canonical instance of every label name
 * and value in the head, and {@link #add} returns the series' labels rewritten to those instances,
 * so a string shared by a million series is stored once. Deleting the last series of a value
 * removes the value, so symbols are cleaned with their postings.
 */
final class MemPostings {
  /**
   * A value's posting list; extending the bitmap keeps the canonical string without another object.
   */
  static final class Posting extends RoaringBitmap {
    final String value;

    Posting(String value) {
      this.value = value;
    }
  }

  static final class NameIndex {
    final String name;
    final HashMap<String, Posting> values = new HashMap<>();

    NameIndex(String name) {
      this.name = name;
    }
  }

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final HashMap<String, NameIndex> names = new HashMap<>();
  private final RoaringBitmap all = new RoaringBitmap();
  private final SeriesRefTable refs;
  private final Source source = new Source();

  /**
   * {@code refs} gives the labels of a series by reference, for {@link #select}'s candidate check.
   */
  MemPostings(SeriesRefTable refs) {
    this.refs = refs;
  }

  /** Indexes a new series and returns its labels with interned strings. */
  Labels add(int ref, Labels labels) {
    String[] canon = new String[labels.size() * 2];
    lock.writeLock().lock();
    try {
      for (int i = 0; i < labels.size(); i++) {
        NameIndex ni = names.computeIfAbsent(labels.name(i), NameIndex::new);
        Posting p = ni.values.computeIfAbsent(labels.value(i), Posting::new);
        p.add(ref);
        canon[2 * i] = ni.name;
        canon[2 * i + 1] = p.value;
      }
      all.add(ref);
    } finally {
      lock.writeLock().unlock();
    }
    int[] k = {0};
    return labels.intern(s -> canon[k[0]++]);
  }

  /**
   * Builds the index for series created without it ({@link Head#restoreSeriesDeferred}), reading
   * series in reference order so every bitmap is appended to at its end, and interning the series'
   * label strings. Start-up only, before queries run.
   *
   * <p>One thread, one pass: the build is memory-bound (two threads each scanning every series were
   * slower). Consecutive series usually repeat a label's name and often its value (same job, same
   * target) at the same position, so the last index entry per position is tried first, by identity,
   * before any hash lookup; replayed strings come from one interner, so identity is the common
   * case.
   */
  void buildDeferred(SeriesRefTable refs, long lastRef) {
    lock.writeLock().lock();
    try {
      String[] lastName = new String[16];
      NameIndex[] lastNi = new NameIndex[16];
      String[] lastValue = new String[16];
      Posting[] lastP = new Posting[16];
      for (long ref = 1; ref <= lastRef; ref++) {
        MemSeries s = refs.get(ref);
        if (s == null || !s.postingsPending) {
          continue;
        }
        Labels l = s.labels;
        int n = l.size();
        if (n > lastName.length) {
          int cap = Math.max(n, lastName.length * 2);
          lastName = Arrays.copyOf(lastName, cap);
          lastNi = Arrays.copyOf(lastNi, cap);
          lastValue = Arrays.copyOf(lastValue, cap);
          lastP = Arrays.copyOf(lastP, cap);
        }
        for (int i = 0; i < n; i++) {
          String name = l.name(i);
          NameIndex ni = lastNi[i];
          if (name != lastName[i]) {
            ni = names.computeIfAbsent(name, NameIndex::new);
            lastName[i] = name;
            lastNi[i] = ni;
            lastValue[i] = null;
          }
          String value = l.value(i);
          Posting p = lastP[i];
          if (value != lastValue[i]) {
            p = ni.values.computeIfAbsent(value, Posting::new);
            lastValue[i] = value;
            lastP[i] = p;
          }
          p.add((int) ref);
          l.replaceWithEqual(2 * i, ni.name);
          l.replaceWithEqual(2 * i + 1, p.value);
        }
        all.add((int) ref);
        s.postingsPending = false;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Removes series refs; {@code labels[i]} are the labels of {@code refs[i]}. */
  void delete(int[] refs, Labels[] labels, int n) {
    lock.writeLock().lock();
    try {
      for (int j = 0; j < n; j++) {
        int ref = refs[j];
        Labels ls = labels[j];
        for (int i = 0; i < ls.size(); i++) {
          NameIndex ni = names.get(ls.name(i));
          if (ni == null) {
            continue;
          }
          Posting p = ni.values.get(ls.value(i));
          if (p == null) {
            continue;
          }
          p.remove(ref);
          if (p.isEmpty()) {
            ni.values.remove(ls.value(i));
            if (ni.values.isEmpty()) {
              names.remove(ls.name(i));
            }
          }
        }
        all.remove(ref);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Series matching all matchers (see {@link PostingsPlanner}), as a new bitmap. The read lock
   * keeps the lists the planner reads, and the series it checks labels of, from changing under it.
   */
  RoaringBitmap select(Matcher... matchers) {
    lock.readLock().lock();
    try {
      return PostingsPlanner.postings(source, matchers);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The index as the planner reads it; its lists are the live ones, read under the read lock. */
  private final class Source implements PostingsPlanner.Source<RuntimeException> {
    @Override
    public void postings(String name, Set<String> values, List<RoaringBitmap> out) {
      NameIndex ni = names.get(name);
      if (ni == null) {
        return;
      }
      for (String v : values) {
        Posting p = ni.values.get(v);
        if (p != null) {
          out.add(p);
        }
      }
    }

    @Override
    public void postings(Matcher m, boolean want, List<RoaringBitmap> out) {
      NameIndex ni = names.get(m.name());
      if (ni == null) {
        return;
      }
      for (Posting p : ni.values.values()) {
        if (m.matches(p.value) == want) {
          out.add(p);
        }
      }
    }

    @Override
    public RoaringBitmap allPostings() {
      return all;
    }

    @Override
    public Labels labels(int id) {
      MemSeries s = refs.get(id);
      return s == null ? null : s.labels;
    }

    @Override
    public boolean freshLists() {
      return false;
    }
  }

  List<String> labelNames(RoaringBitmap restrict) {
    lock.readLock().lock();
    try {
      List<String> out = new ArrayList<>();
      for (NameIndex ni : names.values()) {
        if (restrict == null || hasAny(ni, restrict)) {
          out.add(ni.name);
        }
      }
      out.sort(Labels::compareStrings);
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  private static boolean hasAny(NameIndex ni, RoaringBitmap restrict) {
    for (Posting p : ni.values.values()) {
      if (RoaringBitmap.intersects(p, restrict)) {
        return true;
      }
    }
    return false;
  }

  List<String> labelValues(String name, RoaringBitmap restrict) {
    lock.readLock().lock();
    try {
      NameIndex ni = names.get(name);
      if (ni == null) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (Posting p : ni.values.values()) {
        if (restrict == null || RoaringBitmap.intersects(p, restrict)) {
          out.add(p.value);
        }
      }
      out.sort(Labels::compareStrings);
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  java.util.SortedSet<String> symbols() {
    lock.readLock().lock();
    try {
      java.util.TreeSet<String> out = new java.util.TreeSet<>(Labels::compareStrings);
      for (NameIndex ni : names.values()) {
        out.add(ni.name);
        out.addAll(ni.values.keySet());
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  int seriesCount() {
    lock.readLock().lock();
    try {
      return all.getCardinality();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Fills cardinality statistics (see {@link TsdbStatus}). */
  void stats(TsdbStatus.Builder b, int limit) {
    lock.readLock().lock();
    try {
      long pairs = 0;
      List<Map.Entry<String, Long>> valueCount = new ArrayList<>();
      List<Map.Entry<String, Long>> memory = new ArrayList<>();
      List<Map.Entry<String, Long>> pairSeries = new ArrayList<>();
      List<Map.Entry<String, Long>> metricSeries = new ArrayList<>();
      for (NameIndex ni : names.values()) {
        pairs += ni.values.size();
        valueCount.add(Map.entry(ni.name, (long) ni.values.size()));
        long bytes = 0;
        for (Posting p : ni.values.values()) {
          bytes += p.value.length();
          long card = p.getLongCardinality();
          pairSeries.add(Map.entry(ni.name + "=" + p.value, card));
          if (ni.name.equals(Labels.METRIC_NAME)) {
            metricSeries.add(Map.entry(p.value, card));
          }
        }
        memory.add(Map.entry(ni.name, bytes));
      }
      b.numLabelPairs = pairs;
      b.seriesCountByMetricName = top(metricSeries, limit);
      b.labelValueCountByLabelName = top(valueCount, limit);
      b.memoryInBytesByLabelName = top(memory, limit);
      b.seriesCountByLabelValuePair = top(pairSeries, limit);
    } finally {
      lock.readLock().unlock();
    }
  }

  private static List<TsdbStatus.Stat> top(List<Map.Entry<String, Long>> in, int limit) {
    Map.Entry<String, Long>[] arr = in.toArray(new Map.Entry[0]);
    Arrays.sort(
        arr,
        Comparator.comparing((Map.Entry<String, Long> e) -> e.getValue())
            .reversed()
            .thenComparing(Map.Entry::getKey));
    List<TsdbStatus.Stat> out = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, arr.length); i++) {
      out.add(new TsdbStatus.Stat(arr[i].getKey(), arr[i].getValue()));
    }
    return out;
  }
}
