package io.cardinal.compact;

import io.cardinal.tsdb.chunk.ChunkEncoding;
import io.cardinal.tsdb.chunk.XorChunk;
import io.cardinal.tsdb.chunk.XorIterator;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.query.ChunkIterator;
import io.cardinal.tsdb.query.ChunkSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.function.LongPredicate;

/**
 * Merges several label-ordered streams of chunk series into one. Series with the same labels are
 * combined: chunks that do not overlap in time pass through unchanged; overlapping chunks (vertical
 * compaction) are decoded, merged in time order with duplicate timestamps kept once (the first
 * stream's sample wins), and re-encoded into chunks of at most 120 samples. One series' chunks are
 * held in memory at a time, never a whole block.
 */
final class SeriesMerger implements Iterator<ChunkSeries> {
  static final int SAMPLES_PER_CHUNK = 120;

  private final PriorityQueue<Head> heap =
      new PriorityQueue<>(
          (a, b) -> {
            int c = a.cur.labels().compareTo(b.cur.labels());
            return c != 0 ? c : Integer.compare(a.order, b.order);
          });
  private final DeletedFilter deleted;
  private ChunkSeries next;

  /** Tells, for a series of one input stream, which timestamps are deleted (tombstones). */
  @FunctionalInterface
  public interface DeletedFilter {
    /**
     * A predicate for deleted timestamps of the current series of stream {@code order}, or null.
     */
    LongPredicate deleted(int order, ChunkSeries series);
  }

  private static final class Head {
    final Iterator<ChunkSeries> it;
    final int order;
    ChunkSeries cur;

    Head(Iterator<ChunkSeries> it, int order) {
      this.it = it;
      this.order = order;
    }
  }

  public SeriesMerger(List<Iterator<ChunkSeries>> inputs) {
    this(inputs, (o, s) -> null);
  }

  public SeriesMerger(List<Iterator<ChunkSeries>> inputs, DeletedFilter deleted) {
    this.deleted = deleted;
    for (int i = 0; i < inputs.size(); i++) {
      Head h = new Head(inputs.get(i), i);
      if (h.it.hasNext()) {
        h.cur = h.it.next();
        heap.add(h);
      }
    }
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      next = advance();
    }
    return next != null;
  }

  @Override
  public ChunkSeries next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    ChunkSeries n = next;
    next = null;
    return n;
  }

  private ChunkSeries advance() {
    while (!heap.isEmpty()) {
      Head first = heap.poll();
      Labels labels = first.cur.labels();
      List<Chunk> chunks = new ArrayList<>();
      boolean recode = collect(first, chunks);
      step(first);
      while (!heap.isEmpty() && heap.peek().cur.labels().equals(labels)) {
        Head h = heap.poll();
        recode |= collect(h, chunks);
        step(h);
      }
      chunks.sort((a, b) -> Long.compare(a.minT, b.minT));
      for (int i = 1; i < chunks.size() && !recode; i++) {
        recode = chunks.get(i).minT <= chunks.get(i - 1).maxT;
      }
      if (recode) {
        chunks = recode(chunks);
      }
      if (!chunks.isEmpty()) {
        return new MaterializedSeries(labels, chunks);
      }
    }
    return null;
  }

  private void step(Head h) {
    if (h.it.hasNext()) {
      h.cur = h.it.next();
      heap.add(h);
    }
  }

  /** Copies the series' chunks; returns true if deletions force re-encoding. */
  private boolean collect(Head h, List<Chunk> out) {
    LongPredicate del = deleted.deleted(h.order, h.cur);
    ChunkIterator it = h.cur.chunks(null);
    while (it.next()) {
      byte[] b = Arrays.copyOfRange(it.bytes(), it.offset(), it.offset() + it.length());
      out.add(new Chunk(it.minTime(), it.maxTime(), it.encoding(), b, h.order, del));
    }
    if (it.error() != null) {
      throw new IllegalStateException("reading chunks of " + h.cur.labels() + ": " + it.error());
    }
    return del != null;
  }

  /** Decodes, merges by timestamp (first input wins on ties), drops deleted samples, re-encodes. */
  static List<Chunk> recode(List<Chunk> chunks) {
    int total = 0;
    for (Chunk c : chunks) {
      total += ((c.data[0] & 0xFF) << 8) | (c.data[1] & 0xFF);
    }
    long[] ts = new long[total];
    long[] vs = new long[total];
    int[] order = new int[total];
    int n = 0;
    XorIterator it = new XorIterator();
    for (Chunk c : chunks) {
      if (c.encoding != ChunkEncoding.XOR) {
        throw new IllegalStateException("cannot merge chunks of encoding " + c.encoding);
      }
      it.reset(c.data, 0, c.data.length);
      while (it.next()) {
        if (c.deleted != null && c.deleted.test(it.timestamp())) {
          continue;
        }
        ts[n] = it.timestamp();
        vs[n] = it.valueBits();
        order[n] = c.order;
        n++;
      }
      if (it.error() != null) {
        throw new IllegalStateException("corrupt chunk while merging: " + it.error());
      }
    }
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Arrays.sort(
        idx,
        (a, b) ->
            ts[a] != ts[b] ? Long.compare(ts[a], ts[b]) : Integer.compare(order[a], order[b]));
    List<Chunk> out = new ArrayList<>();
    XorChunk cur = new XorChunk();
    long curMin = 0;
    long last = Long.MIN_VALUE;
    boolean any = false;
    for (int k = 0; k < n; k++) {
      int i = idx[k];
      if (any && ts[i] == last) {
        continue;
      }
      if (cur.numSamples() == SAMPLES_PER_CHUNK) {
        out.add(new Chunk(curMin, last, ChunkEncoding.XOR, cur.toByteArray(), 0, null));
        cur.reset();
      }
      if (cur.numSamples() == 0) {
        curMin = ts[i];
      }
      cur.append(ts[i], Double.longBitsToDouble(vs[i]));
      last = ts[i];
      any = true;
    }
    if (cur.numSamples() > 0) {
      out.add(new Chunk(curMin, last, ChunkEncoding.XOR, cur.toByteArray(), 0, null));
    }
    return out;
  }

  static final class Chunk {
    final long minT;
    final long maxT;
    final byte encoding;
    final byte[] data;
    final int order;
    final LongPredicate deleted;

    Chunk(long minT, long maxT, byte encoding, byte[] data, int order, LongPredicate deleted) {
      this.minT = minT;
      this.maxT = maxT;
      this.encoding = encoding;
      this.data = data;
      this.order = order;
      this.deleted = deleted;
    }
  }

  /** A merged series whose chunks are held in memory (one series at a time). */
  static final class MaterializedSeries implements ChunkSeries {
    final Labels labels;
    final List<Chunk> chunks;

    MaterializedSeries(Labels labels, List<Chunk> chunks) {
      this.labels = labels;
      this.chunks = chunks;
    }

    @Override
    public Labels labels() {
      return labels;
    }

    @Override
    public ChunkIterator chunks(ChunkIterator reuse) {
      return new ChunkIterator() {
        int i = -1;

        @Override
        public boolean next() {
          return ++i < chunks.size();
        }

        @Override
        public long minTime() {
          return chunks.get(i).minT;
        }

        @Override
        public long maxTime() {
          return chunks.get(i).maxT;
        }

        @Override
        public byte encoding() {
          return chunks.get(i).encoding;
        }

        @Override
        public byte[] bytes() {
          return chunks.get(i).data;
        }

        @Override
        public int offset() {
          return 0;
        }

        @Override
        public int length() {
          return chunks.get(i).data.length;
        }
      };
    }
  }
}
