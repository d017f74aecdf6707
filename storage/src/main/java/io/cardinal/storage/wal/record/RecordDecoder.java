package io.cardinal.storage.wal.record;

import io.cardinal.tsdb.chunk.Varint;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Decodes WAL records written by {@link RecordEncoder} or by Prometheus. Reusable and not
 * thread-safe: it keeps one {@link Decbuf}. Each method checks the type byte, decodes the whole
 * record and throws {@link RecordFormatException} (with the number of entries decoded so far) if
 * the record is truncated or garbled; the output batch then holds the entries decoded before the
 * error. The buffer's position is not moved.
 */
public final class RecordDecoder {

  private final Decbuf d = new Decbuf();

  /**
   * The previous series' strings: WAL series come in creation order, so neighbours share labels.
   */
  private String[] prevSeries = new String[0];

  /** Buffer index and byte length of each of the previous series' strings, if in this record. */
  private int[] prevPos = new int[0];

  private int[] prevLen = new int[0];
  private long[] prevHashes = new long[0];
  private long[] curHashes = new long[0];
  private boolean prevInRecord;

  private static final java.lang.invoke.VarHandle BE_LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  /** Cursor and failure flag of the array fast path. */
  private int fp;

  private boolean fastBad;

  /** Replaces {@code out}'s contents with the record's samples. */
  public void samples(ByteBuffer rec, SampleBatch out) {
    // Replay decodes tens of millions of samples: a tight loop over the backing array, and the
    // checked cursor below only to report exactly where a malformed record went wrong.
    if (rec.hasArray()
        && samplesFast(
            rec.array(),
            rec.arrayOffset() + rec.position(),
            rec.arrayOffset() + rec.limit(),
            out)) {
      return;
    }
    out.clear();
    begin(rec, RecordType.SAMPLES);
    if (d.remaining() == 0) {
      return;
    }
    long ref0 = d.be64("baseRef");
    long t0 = d.be64("baseTime");
    while (d.ok() && d.remaining() > 0) {
      long dref = d.varint("refDelta");
      long dt = d.varint("timeDelta");
      double v = d.be64Double("value");
      if (d.ok()) {
        out.add(ref0 + dref, t0 + dt, v);
      }
    }
    finish(RecordType.SAMPLES, out.size());
  }

  private boolean samplesFast(byte[] a, int p, int end, SampleBatch out) {
    out.clear();
    if (p >= end || a[p] != RecordType.SAMPLES.code()) {
      return false;
    }
    p++;
    if (p == end) {
      return true;
    }
    if (end - p < 16) {
      return false;
    }
    long ref0 = (long) BE_LONG.get(a, p);
    long t0 = (long) BE_LONG.get(a, p + 8);
    fp = p + 16;
    fastBad = false;
    while (fp < end) {
      long dref = fastVarint(a, end);
      long dt = fastVarint(a, end);
      if (fastBad || end - fp < 8) {
        return false;
      }
      double v = Double.longBitsToDouble((long) BE_LONG.get(a, fp));
      fp += 8;
      out.add(ref0 + dref, t0 + dt, v);
    }
    return true;
  }

  /** A zig-zag varint at {@link #fp}; sets {@link #fastBad} if truncated or over 10 bytes. */
  private long fastVarint(byte[] a, int end) {
    int p = fp;
    long x = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p >= end) {
        fastBad = true;
        return 0;
      }
      int c = a[p++];
      if (c >= 0) {
        if (shift == 63 && c > 1) {
          break;
        }
        fp = p;
        x |= (long) c << shift;
        return Varint.unzigzag(x);
      }
      x |= (long) (c & 0x7f) << shift;
    }
    fastBad = true;
    return 0;
  }

  /** Appends the record's series to {@code out}. */
  public void series(ByteBuffer rec, List<RefSeries> out) {
    begin(rec, RecordType.SERIES);
    int n = 0;
    while (d.ok() && d.remaining() > 0) {
      long ref = d.be64("ref");
      LabelPairs labels = labels();
      if (d.ok()) {
        out.add(new RefSeries(ref, labels));
        n++;
      }
    }
    finish(RecordType.SERIES, n);
  }

  /** Receives decoded series one at a time. */
  @FunctionalInterface
  public interface SeriesSink {
    /**
     * {@code namesAndValues} is a new array the sink may keep: name0, value0, name1, ...; {@code
     * stringHashes[i]} is {@code Labels.stringHash(namesAndValues[i])}, in a scratch array valid
     * during the call only.
     */
    void series(long ref, String[] namesAndValues, long[] stringHashes);
  }

  /**
   * Decodes the record's series into {@code sink}, taking every label string from {@code strings}:
   * the allocation-lean path for replaying millions of series, where the same names and values
   * repeat. Series before a decoding error are delivered, then it throws.
   */
  public void series(
      ByteBuffer rec, io.cardinal.tsdb.labels.Utf8Interner strings, SeriesSink sink) {
    begin(rec, RecordType.SERIES);
    prevInRecord = false;
    int n = 0;
    while (d.ok() && d.remaining() > 0) {
      long ref = d.be64("ref");
      int count = d.count("labelCount", 2);
      if (!d.ok()) {
        break;
      }
      String[] nv = new String[2 * count];
      String[] hints = prevSeries.length == nv.length ? prevSeries : null;
      // Where the previous series' strings are in this record (-1 if it was in an earlier one).
      boolean sameRecord = hints != null && prevInRecord;
      if (prevPos.length < nv.length) {
        int cap = Math.max(nv.length, prevPos.length * 2);
        prevPos = new int[cap];
        prevLen = new int[cap];
        prevHashes = java.util.Arrays.copyOf(prevHashes, cap);
        curHashes = new long[cap];
      }
      for (int i = 0; i < nv.length && d.ok(); i++) {
        String hint = hints == null ? null : hints[i];
        int hp = sameRecord ? prevPos[i] : -1;
        nv[i] =
            d.uvarintStr(
                i % 2 == 0 ? "labelName" : "labelValue",
                strings,
                hint,
                hp,
                sameRecord ? prevLen[i] : -1);
        // The hint's hash is the previous series' (same string); otherwise the table's.
        curHashes[i] = hint != null && nv[i] == hint ? prevHashes[i] : strings.lastLabelHash();
        prevPos[i] = d.lastStringPos();
        prevLen[i] = d.lastStringLen();
      }
      if (d.ok()) {
        prevSeries = nv;
        prevInRecord = true;
        long[] t = prevHashes;
        prevHashes = curHashes;
        curHashes = t;
        sink.series(ref, nv, prevHashes);
        n++;
      } else {
        prevInRecord = false;
      }
    }
    finish(RecordType.SERIES, n);
  }

  /** Replaces {@code out}'s contents with the record's tombstone intervals. */
  public void tombstones(ByteBuffer rec, TombstoneBatch out) {
    out.clear();
    begin(rec, RecordType.TOMBSTONES);
    while (d.ok() && d.remaining() > 0) {
      long ref = d.be64("ref");
      long mint = d.varint("mint");
      long maxt = d.varint("maxt");
      if (d.ok()) {
        out.add(ref, mint, maxt);
      }
    }
    finish(RecordType.TOMBSTONES, out.size());
  }

  /** Replaces {@code out}'s contents with the record's exemplars. */
  public void exemplars(ByteBuffer rec, ExemplarBatch out) {
    out.clear();
    begin(rec, RecordType.EXEMPLARS);
    if (d.remaining() == 0) {
      return;
    }
    long ref0 = d.be64("baseRef");
    long t0 = d.be64("baseTime");
    while (d.ok() && d.remaining() > 0) {
      long dref = d.varint("refDelta");
      long dt = d.varint("timeDelta");
      double v = d.be64Double("value");
      LabelPairs labels = labels();
      if (d.ok()) {
        out.add(ref0 + dref, t0 + dt, v, labels);
      }
    }
    finish(RecordType.EXEMPLARS, out.size());
  }

  /** Replaces {@code out}'s contents with the record's m-map markers. */
  public void mmapMarkers(ByteBuffer rec, MmapMarkerBatch out) {
    out.clear();
    begin(rec, RecordType.MMAP_MARKERS);
    while (d.ok() && d.remaining() > 0) {
      long ref = d.be64("ref");
      long chunkRef = d.be64("chunkRef");
      if (d.ok()) {
        out.add(ref, chunkRef);
      }
    }
    finish(RecordType.MMAP_MARKERS, out.size());
  }

  private LabelPairs labels() {
    int n = d.count("labelCount", 2);
    if (!d.ok()) {
      return null;
    }
    String[] nv = new String[2 * n];
    for (int i = 0; i < nv.length && d.ok(); i++) {
      nv[i] = d.uvarintStr(i % 2 == 0 ? "labelName" : "labelValue");
    }
    return d.ok() ? new StringLabelPairs(nv) : null;
  }

  private void begin(ByteBuffer rec, RecordType expected) {
    d.reset(rec);
    int t = d.u8("type");
    if (!d.ok()) {
      throw RecordFormatException.wrongType(expected, -1);
    }
    if (t != expected.code()) {
      throw RecordFormatException.wrongType(expected, t);
    }
  }

  private void finish(RecordType type, int decoded) {
    if (!d.ok()) {
      throw d.err().withContext(type, decoded);
    }
  }
}
