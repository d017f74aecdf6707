package io.cardinal.streaming;

import io.cardinal.tsdb.labels.Labels;
import java.util.Arrays;

/**
 * The samples one series keeps for one selector, in time order, in two arrays used from {@code
 * start} to {@code end}: appends compact the arrays rather than wrap around them, so every window
 * is one contiguous slice the range functions read in place. Guarded by the selector's lock.
 */
final class SeriesBuf {
  static final int INITIAL = 8;

  final Labels labels;
  final SelectorState owner;
  long[] t = new long[INITIAL];
  double[] v = new double[INITIAL];
  int start;
  int end;

  /** Set when the sweep removed this buffer: routes holding it must look their target up again. */
  boolean dead;

  SeriesBuf(Labels labels, SelectorState owner) {
    this.labels = labels;
    this.owner = owner;
  }

  int size() {
    return end - start;
  }

  static long bytesFor(int capacity) {
    return 96 + 16L * capacity;
  }

  int capacity() {
    return t.length;
  }

  /**
   * Appends a sample; those at or before {@code horizon} may be dropped to make room. Samples
   * arrive in time order per series; an older or equal timestamp (only possible while seeding
   * merges) is placed in order.
   */
  void append(long ts, double val, long horizon) {
    if (ts <= horizon) {
      owner.evicted(ts);
      return;
    }
    // Trimming on every append (rather than when room is needed) keeps the arrays at the window's
    // size: measured in a server, the memory of larger arrays costs more garbage collection than
    // reading the window's oldest entry costs here.
    trim(horizon);
    if (end > start && ts <= t[end - 1]) {
      insert(ts, val);
      return;
    }
    if (end == t.length) {
      makeRoom();
    }
    t[end] = ts;
    v[end] = val;
    end++;
  }

  /**
   * Puts samples older than every held one in front of them (seeding under live data). {@code ts}
   * is sorted and its samples are newer than {@code horizon}.
   */
  void prepend(long[] ts, double[] vals, int n) {
    if (n == 0) {
      return;
    }
    int held = end - start;
    int old = t.length;
    int cap = Math.max(INITIAL, Integer.highestOneBit(Math.max(1, held + n - 1)) * 2);
    long[] nt = new long[cap];
    double[] nv = new double[cap];
    System.arraycopy(ts, 0, nt, 0, n);
    System.arraycopy(vals, 0, nv, 0, n);
    System.arraycopy(t, start, nt, n, held);
    System.arraycopy(v, start, nv, n, held);
    t = nt;
    v = nv;
    start = 0;
    end = n + held;
    owner.addBytes(SeriesBuf.bytesFor(cap) - SeriesBuf.bytesFor(old));
  }

  private void insert(long ts, double val) {
    int i = Arrays.binarySearch(t, start, end, ts);
    if (i >= 0) {
      v[i] = val;
      return;
    }
    int at = -i - 1;
    if (end == t.length) {
      makeRoom();
      at = -Arrays.binarySearch(t, start, end, ts) - 1;
    }
    System.arraycopy(t, at, t, at + 1, end - at);
    System.arraycopy(v, at, v, at + 1, end - at);
    t[at] = ts;
    v[at] = val;
    end++;
  }

  /** Drops samples at or before {@code horizon}. */
  void trim(long horizon) {
    while (start < end && t[start] <= horizon) {
      owner.evicted(t[start]);
      start++;
    }
    if (start == end) {
      start = 0;
      end = 0;
    }
  }

  private void makeRoom() {
    int n = end - start;
    if (start > 0 && start >= t.length / 4) {
      System.arraycopy(t, start, t, 0, n);
      System.arraycopy(v, start, v, 0, n);
    } else {
      int old = t.length;
      long[] nt = new long[old * 2];
      double[] nv = new double[old * 2];
      System.arraycopy(t, start, nt, 0, n);
      System.arraycopy(v, start, nv, 0, n);
      t = nt;
      v = nv;
      owner.addBytes(SeriesBuf.bytesFor(nt.length) - SeriesBuf.bytesFor(old));
    }
    start = 0;
    end = n;
  }

  /** Gives memory back after the window shrank (the sweep, off the per-sample path). */
  void shrink() {
    int n = end - start;
    int cap = t.length;
    if (cap > INITIAL * 2 && n < cap / 4) {
      int nc = Math.max(INITIAL, Integer.highestOneBit(Math.max(1, n)) * 2);
      t = Arrays.copyOfRange(t, start, start + nc);
      v = Arrays.copyOfRange(v, start, start + nc);
      start = 0;
      end = n;
      owner.addBytes(SeriesBuf.bytesFor(nc) - SeriesBuf.bytesFor(cap));
    }
  }

  /** Index of the first sample after {@code ts}. */
  int firstAfter(long ts) {
    int lo = start;
    int hi = end;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (t[mid] <= ts) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
