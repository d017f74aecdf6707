package io.cardinal.exposition;

import java.util.Arrays;

/**
 * Minimal open-addressing set of longs (used for 64-bit name/label-set hashes during validation).
 */
final class LongHashSet {
  private long[] keys = new long[16];
  private int size;
  private boolean hasZero;

  boolean contains(long k) {
    if (k == 0) {
      return hasZero;
    }
    long[] t = keys;
    int mask = t.length - 1;
    int i = (int) ExpositionParser.mix(k) & mask;
    while (true) {
      long v = t[i];
      if (v == 0) {
        return false;
      }
      if (v == k) {
        return true;
      }
      i = (i + 1) & mask;
    }
  }

  void add(long k) {
    if (k == 0) {
      hasZero = true;
      return;
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    if (insert(keys, k)) {
      size++;
    }
  }

  private static boolean insert(long[] t, long k) {
    int mask = t.length - 1;
    int i = (int) ExpositionParser.mix(k) & mask;
    while (true) {
      long v = t[i];
      if (v == 0) {
        t[i] = k;
        return true;
      }
      if (v == k) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }

  private void grow() {
    long[] n = new long[keys.length * 2];
    for (long k : keys) {
      if (k != 0) {
        insert(n, k);
      }
    }
    keys = n;
  }

  void clear() {
    if (size == 0 && !hasZero) {
      return;
    }
    if (keys.length > 256) {
      keys = new long[16];
    } else {
      Arrays.fill(keys, 0L);
    }
    size = 0;
    hasZero = false;
  }
}
