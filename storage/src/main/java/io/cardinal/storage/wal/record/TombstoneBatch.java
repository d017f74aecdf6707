package io.cardinal.storage.wal.record;

import java.util.Arrays;

/**
 * Reusable arrays of tombstone intervals {@code (ref, mint, maxt)}: samples of series {@code ref}
 * in {@code [mint, maxt]} are deleted. A series with several intervals appears several times.
 */
public final class TombstoneBatch {

  private long[] refs = new long[16];
  private long[] mints = new long[16];
  private long[] maxts = new long[16];
  private int size;

  public void clear() {
    size = 0;
  }

  public int size() {
    return size;
  }

  public void add(long ref, long mint, long maxt) {
    if (size == refs.length) {
      int c = size * 2;
      refs = Arrays.copyOf(refs, c);
      mints = Arrays.copyOf(mints, c);
      maxts = Arrays.copyOf(maxts, c);
    }
    refs[size] = ref;
    mints[size] = mint;
    maxts[size] = maxt;
    size++;
  }

  public long ref(int i) {
    return refs[i];
  }

  public long mint(int i) {
    return mints[i];
  }

  public long maxt(int i) {
    return maxts[i];
  }
}
