package io.cardinal.storage.wal.record;

import java.util.Arrays;

/** Reusable arrays of exemplars {@code (ref, t, v, labels)}. */
public final class ExemplarBatch {

  private long[] refs = new long[16];
  private long[] ts = new long[16];
  private double[] values = new double[16];
  private LabelPairs[] labels = new LabelPairs[16];
  private int size;

  public void clear() {
    Arrays.fill(labels, 0, size, null);
    size = 0;
  }

  public int size() {
    return size;
  }

  public void add(long ref, long t, double v, LabelPairs l) {
    if (size == refs.length) {
      int c = size * 2;
      refs = Arrays.copyOf(refs, c);
      ts = Arrays.copyOf(ts, c);
      values = Arrays.copyOf(values, c);
      labels = Arrays.copyOf(labels, c);
    }
    refs[size] = ref;
    ts[size] = t;
    values[size] = v;
    labels[size] = l;
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

  public LabelPairs labels(int i) {
    return labels[i];
  }
}
