package io.cardinal.storage.wal.record;

import java.util.Arrays;

/** Reusable primitive arrays of {@code (ref, t, v)} samples; grows, never shrinks. */
public final class SampleBatch {

  private long[] refs;
  private long[] ts;
  private double[] values;
  private int size;

  public SampleBatch() {
    this(64);
  }

  public SampleBatch(int capacity) {
    int c = Math.max(1, capacity);
    refs = new long[c];
    ts = new long[c];
    values = new double[c];
  }

  public void clear() {
    size = 0;
  }

  public int size() {
    return size;
  }

  public void add(long ref, long t, double v) {
    if (size == refs.length) {
      int c = size * 2;
      refs = Arrays.copyOf(refs, c);
      ts = Arrays.copyOf(ts, c);
      values = Arrays.copyOf(values, c);
    }
    refs[size] = ref;
    ts[size] = t;
    values[size] = v;
    size++;
  }

  public long ref(int i) {
    return refs[i];
  }

  public long t(int i) {
    return ts[i];
  }

  public double v(int i) {
    return values[i];
  }

  /** Backing arrays, valid for indexes {@code 0..size()}; replaced when the batch grows. */
  public long[] refs() {
    return refs;
  }

  public long[] timestamps() {
    return ts;
  }

  public double[] values() {
    return values;
  }
}
