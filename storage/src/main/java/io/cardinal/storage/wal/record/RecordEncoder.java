package io.cardinal.storage.wal.record;

/**
 * Encodes WAL records (Prometheus {@code tsdb/record}). Each method appends one complete record,
 * type byte first, to {@code out} and returns the record's start offset in {@code out}, so several
 * records can be batched in one buffer. No allocation beyond the buffer's growth.
 *
 * <pre>
 * Series     --&gt; 0x01, ( ref &lt;8b BE&gt;, n &lt;uvarint&gt;, ( len &lt;uvarint&gt;, utf8 )^2n )^*
 * Samples    --&gt; 0x02, [ ref0 &lt;8b BE&gt;, t0 &lt;8b BE&gt;, ( ref-ref0 &lt;varint&gt;, t-t0 &lt;varint&gt;, v &lt;8b BE&gt; )^+ ]
 * Tombstones --&gt; 0x03, ( ref &lt;8b BE&gt;, mint &lt;varint&gt;, maxt &lt;varint&gt; )^*
 * Exemplars  --&gt; 0x04, [ ref0 &lt;8b BE&gt;, t0 &lt;8b BE&gt;, ( ref-ref0 &lt;varint&gt;, t-t0 &lt;varint&gt;, v &lt;8b BE&gt;, labels )^+ ]
 * MmapMarker --&gt; 0x05, ( ref &lt;8b BE&gt;, chunkRef &lt;8b BE&gt; )^*
 * </pre>
 *
 * Deltas are zig-zag varints (the upstream diagram says uvarint; the upstream code writes signed
 * varints, which is what is on disk).
 */
public final class RecordEncoder {

  private RecordEncoder() {}

  /** A series record with {@code count} entries. */
  public static int series(Encbuf out, long[] refs, LabelPairs[] labels, int count) {
    checkCount(count, refs.length, labels.length);
    int start = out.length();
    out.putByte(RecordType.SERIES.code());
    for (int i = 0; i < count; i++) {
      out.putBE64(refs[i]);
      putLabels(out, labels[i]);
    }
    return start;
  }

  /** A series record with one entry. */
  public static int series(Encbuf out, long ref, LabelPairs labels) {
    int start = out.length();
    out.putByte(RecordType.SERIES.code());
    out.putBE64(ref);
    putLabels(out, labels);
    return start;
  }

  /** A samples record; with {@code count == 0} it is the type byte alone. */
  public static int samples(Encbuf out, long[] refs, long[] ts, double[] vs, int count) {
    checkCount(count, refs.length, ts.length, vs.length);
    int start = out.length();
    out.putByte(RecordType.SAMPLES.code());
    if (count == 0) {
      return start;
    }
    long ref0 = refs[0];
    long t0 = ts[0];
    out.putBE64(ref0);
    out.putBE64(t0);
    for (int i = 0; i < count; i++) {
      out.putVarint(refs[i] - ref0);
      out.putVarint(ts[i] - t0);
      out.putBE64Double(vs[i]);
    }
    return start;
  }

  /** A samples record of the whole batch. */
  public static int samples(Encbuf out, SampleBatch batch) {
    return samples(out, batch.refs(), batch.timestamps(), batch.values(), batch.size());
  }

  /** A tombstones record: one {@code (ref, mint, maxt)} interval per entry. */
  public static int tombstones(Encbuf out, long[] refs, long[] mints, long[] maxts, int count) {
    checkCount(count, refs.length, mints.length, maxts.length);
    int start = out.length();
    out.putByte(RecordType.TOMBSTONES.code());
    for (int i = 0; i < count; i++) {
      out.putBE64(refs[i]);
      out.putVarint(mints[i]);
      out.putVarint(maxts[i]);
    }
    return start;
  }

  /** A tombstones record of the whole batch. */
  public static int tombstones(Encbuf out, TombstoneBatch batch) {
    int start = out.length();
    out.putByte(RecordType.TOMBSTONES.code());
    for (int i = 0; i < batch.size(); i++) {
      out.putBE64(batch.ref(i));
      out.putVarint(batch.mint(i));
      out.putVarint(batch.maxt(i));
    }
    return start;
  }

  /** An exemplars record; with {@code count == 0} it is the type byte alone. */
  public static int exemplars(
      Encbuf out, long[] refs, long[] ts, double[] vs, LabelPairs[] labels, int count) {
    checkCount(count, refs.length, ts.length, vs.length, labels.length);
    int start = out.length();
    out.putByte(RecordType.EXEMPLARS.code());
    if (count == 0) {
      return start;
    }
    long ref0 = refs[0];
    long t0 = ts[0];
    out.putBE64(ref0);
    out.putBE64(t0);
    for (int i = 0; i < count; i++) {
      out.putVarint(refs[i] - ref0);
      out.putVarint(ts[i] - t0);
      out.putBE64Double(vs[i]);
      putLabels(out, labels[i]);
    }
    return start;
  }

  /** An exemplars record of the whole batch. */
  public static int exemplars(Encbuf out, ExemplarBatch batch) {
    int n = batch.size();
    long[] refs = new long[n];
    long[] ts = new long[n];
    double[] vs = new double[n];
    LabelPairs[] ls = new LabelPairs[n];
    for (int i = 0; i < n; i++) {
      refs[i] = batch.ref(i);
      ts[i] = batch.t(i);
      vs[i] = batch.v(i);
      ls[i] = batch.labels(i);
    }
    return exemplars(out, refs, ts, vs, ls, n);
  }

  /** An m-map markers record. */
  public static int mmapMarkers(Encbuf out, long[] refs, long[] chunkRefs, int count) {
    checkCount(count, refs.length, chunkRefs.length);
    int start = out.length();
    out.putByte(RecordType.MMAP_MARKERS.code());
    for (int i = 0; i < count; i++) {
      out.putBE64(refs[i]);
      out.putBE64(chunkRefs[i]);
    }
    return start;
  }

  /** {@code n <uvarint>} then each name and value as {@code len <uvarint>, utf8}. */
  public static void putLabels(Encbuf out, LabelPairs labels) {
    int n = labels.size();
    out.putUvarint(n);
    for (int i = 0; i < n; i++) {
      out.putUvarintStr(labels.name(i));
      out.putUvarintStr(labels.value(i));
    }
  }

  private static void checkCount(int count, int... lengths) {
    if (count < 0) {
      throw RecordFormatException.invalidArgument("negative count [count=" + count + "]");
    }
    for (int l : lengths) {
      if (l < count) {
        throw RecordFormatException.invalidArgument(
            "array shorter than count [count=" + count + ", length=" + l + "]");
      }
    }
  }
}
