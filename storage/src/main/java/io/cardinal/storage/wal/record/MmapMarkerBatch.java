package io.cardinal.storage.wal.record;

import java.util.Arrays;

/** Reusable arrays of m-map markers {@code (series ref, m-mapped chunk ref)}. */
public final class MmapMarkerBatch {

  private long[] refs = new long[16];
  private long[] chunkRefs = new long[16];
  private int size;

  public void clear() {
    size = 0;
  }

  public int size() {
    return size;
  }

  public void add(long ref, long chunkRef) {
    if (size == refs.length) {
      int c = size * 2;
      refs = Arrays.copyOf(refs, c);
      chunkRefs = Arrays.copyOf(chunkRefs, c);
    }
    refs[size] = ref;
    chunkRefs[size] = chunkRef;
    size++;
  }

  public long ref(int i) {
    return refs[i];
  }

  public long chunkRef(int i) {
    return chunkRefs[i];
  }
}
