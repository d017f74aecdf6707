package io.cardinal.storage.wal.record;

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

    /** Replaces {@code out}'s contents with the record's samples. */
    public void samples(ByteBuffer rec, SampleBatch out) {
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
