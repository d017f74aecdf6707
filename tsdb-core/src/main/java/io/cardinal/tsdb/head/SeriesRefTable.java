package io.cardinal.tsdb.head;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Series by reference: a paged array, so the append-by-reference fast path is two array loads and
 * no hashing or locking. References are never reused, so after churn old pages empty out; GC
 * releases a page once every slot in it is gone.
 */
final class SeriesRefTable {
  private static final int PAGE_BITS = 12;
  private static final int PAGE_SIZE = 1 << PAGE_BITS;

  private volatile AtomicReferenceArray<AtomicReferenceArray<MemSeries>> dir =
      new AtomicReferenceArray<>(16);

  MemSeries get(long ref) {
    long p = ref >>> PAGE_BITS;
    AtomicReferenceArray<AtomicReferenceArray<MemSeries>> d = dir;
    if (ref <= 0 || p >= d.length()) {
      return null;
    }
    AtomicReferenceArray<MemSeries> page = d.get((int) p);
    return page == null ? null : page.get((int) (ref & (PAGE_SIZE - 1)));
  }

  void put(long ref, MemSeries s) {
    int p = (int) (ref >>> PAGE_BITS);
    AtomicReferenceArray<MemSeries> page = pageFor(p);
    page.set((int) (ref & (PAGE_SIZE - 1)), s);
    if (dir.get(p) != page) {
      // GC released the page between our lookup and our write; write again into the live page.
      synchronized (this) {
        pageFor(p).set((int) (ref & (PAGE_SIZE - 1)), s);
      }
    }
  }

  void remove(long ref) {
    long p = ref >>> PAGE_BITS;
    AtomicReferenceArray<AtomicReferenceArray<MemSeries>> d = dir;
    if (p < d.length()) {
      AtomicReferenceArray<MemSeries> page = d.get((int) p);
      if (page != null) {
        page.set((int) (ref & (PAGE_SIZE - 1)), null);
      }
    }
  }

  /** Releases pages below {@code maxRef} whose slots are all empty; returns pages freed. */
  synchronized int releaseEmptyPages(long maxRef) {
    AtomicReferenceArray<AtomicReferenceArray<MemSeries>> d = dir;
    // The page holding maxRef may still receive new series; leave it.
    long lastFull = Math.min(d.length(), maxRef >>> PAGE_BITS);
    int freed = 0;
    for (int p = 0; p < lastFull; p++) {
      AtomicReferenceArray<MemSeries> page = d.get(p);
      if (page == null) {
        continue;
      }
      if (isEmpty(page)) {
        d.set(p, null);
        // A put racing with us either sees the null (and re-installs) or wrote before this
        // re-check.
        if (isEmpty(page)) {
          freed++;
        } else {
          d.compareAndSet(p, null, page);
        }
      }
    }
    return freed;
  }

  private static boolean isEmpty(AtomicReferenceArray<MemSeries> page) {
    for (int i = 0; i < PAGE_SIZE; i++) {
      if (page.get(i) != null) {
        return false;
      }
    }
    return true;
  }

  private AtomicReferenceArray<MemSeries> pageFor(int p) {
    AtomicReferenceArray<AtomicReferenceArray<MemSeries>> d = dir;
    if (p < d.length()) {
      AtomicReferenceArray<MemSeries> page = d.get(p);
      if (page != null) {
        return page;
      }
    }
    synchronized (this) {
      d = dir;
      if (p >= d.length()) {
        int len = d.length();
        while (len <= p) {
          len *= 2;
        }
        AtomicReferenceArray<AtomicReferenceArray<MemSeries>> bigger =
            new AtomicReferenceArray<>(len);
        for (int i = 0; i < d.length(); i++) {
          bigger.set(i, d.get(i));
        }
        dir = bigger;
        d = bigger;
      }
      AtomicReferenceArray<MemSeries> page = d.get(p);
      if (page == null) {
        page = new AtomicReferenceArray<>(PAGE_SIZE);
        d.set(p, page);
      }
      return page;
    }
  }
}
