package io.cardinal.storage.block;

import io.cardinal.tsdb.chunk.XorIterator;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.ChunkIterator;
import io.cardinal.tsdb.query.ChunkSeries;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.Series;
import io.cardinal.tsdb.query.SeriesSet;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * An opened, immutable block: meta.json, the index, chunk segments and tombstones. Opening checks
 * every structural part (headers, TOC, symbol table, postings offset table, checksums); a series or
 * chunk that turns out corrupt later fails the query that reads it with a {@link
 * BlockCorruptionException} naming file and offset. Thread-safe.
 */
public final class Block implements Closeable {
  private final Path dir;
  private final BlockMeta meta;
  private final IndexReader index;
  private final ChunkSegmentReader chunks;
  private final Tombstones tombstones;

  private Block(
      Path dir,
      BlockMeta meta,
      IndexReader index,
      ChunkSegmentReader chunks,
      Tombstones tombstones) {
    this.dir = dir;
    this.meta = meta;
    this.index = index;
    this.chunks = chunks;
    this.tombstones = tombstones;
  }

  public static Block open(Path dir) throws IOException {
    BlockMeta meta = BlockMeta.read(dir);
    IndexReader index = new IndexReader(dir.resolve("index"));
    ChunkSegmentReader chunks = new ChunkSegmentReader(dir.resolve("chunks"));
    Tombstones ts = Tombstones.read(dir.resolve("tombstones"));
    return new Block(dir, meta, index, chunks, ts);
  }

  public BlockMeta meta() {
    return meta;
  }

  public Path dir() {
    return dir;
  }

  public IndexReader index() {
    return index;
  }

  public Tombstones tombstones() {
    return tombstones;
  }

  /** A querier over [mint, maxt] (inclusive) of this block. */
  public Querier querier(long mint, long maxt) {
    return new BlockQuerier(mint, maxt);
  }

  /**
   * Every series with chunks overlapping [mint, maxt], in label order, as raw chunks (for
   * compaction and dumps).
   */
  public List<ChunkSeries> chunkSeries(long mint, long maxt, Matcher... matchers)
      throws IOException {
    List<ChunkSeries> out = new ArrayList<>();
    RoaringBitmap ids =
        index.postings(
            matchers.length == 0
                ? new Matcher[] {Matcher.regex(Labels.METRIC_NAME, ".*")}
                : matchers);
    IndexReader.SeriesEntry e = new IndexReader.SeriesEntry();
    IntIterator it = ids.getIntIterator();
    while (it.hasNext()) {
      int id = it.next();
      index.series(id, e);
      long[] refs = overlapping(e.chunks, mint, maxt);
      if (refs.length > 0) {
        out.add(new BlockChunkSeries(e.labels, refs));
      }
    }
    return out;
  }

  /**
   * Every series in label order as raw chunks, read lazily one series at a time: compaction streams
   * through this, so it never holds a whole block's series in the heap. A corrupt series ends the
   * iteration with an {@link UncheckedIOException} naming file and offset.
   */
  public java.util.Iterator<ChunkSeries> streamChunkSeries() throws IOException {
    IntIterator ids = index.postings().getIntIterator();
    return new java.util.Iterator<>() {
      final IndexReader.SeriesEntry e = new IndexReader.SeriesEntry();

      @Override
      public boolean hasNext() {
        return ids.hasNext();
      }

      @Override
      public ChunkSeries next() {
        try {
          index.series(ids.next(), e);
        } catch (BlockCorruptionException ex) {
          throw new UncheckedIOException(ex);
        }
        return new BlockChunkSeries(
            e.labels, overlapping(e.chunks, Long.MIN_VALUE, Long.MAX_VALUE));
      }
    };
  }

  /** (ref, minT, maxT) triples of the chunks overlapping [mint, maxt]. */
  private static long[] overlapping(IndexWriter.ChunkMetas cm, long mint, long maxt) {
    int n = 0;
    for (int i = 0; i < cm.size(); i++) {
      if (cm.maxTime(i) >= mint && cm.minTime(i) <= maxt) {
        n++;
      }
    }
    long[] out = new long[3 * n];
    int k = 0;
    for (int i = 0; i < cm.size(); i++) {
      if (cm.maxTime(i) >= mint && cm.minTime(i) <= maxt) {
        out[k++] = cm.ref(i);
        out[k++] = cm.minTime(i);
        out[k++] = cm.maxTime(i);
      }
    }
    return out;
  }

  private final class BlockChunkSeries implements ChunkSeries {
    final Labels labels;
    final long[] refs;

    BlockChunkSeries(Labels labels, long[] refs) {
      this.labels = labels;
      this.refs = refs;
    }

    @Override
    public Labels labels() {
      return labels;
    }

    @Override
    public ChunkIterator chunks(ChunkIterator reuse) {
      return new ChunkIterator() {
        final ChunkSegmentReader.Chunk c = new ChunkSegmentReader.Chunk();
        int i = -1;
        String error;

        @Override
        public boolean next() {
          if (error != null || ++i >= refs.length / 3) {
            return false;
          }
          try {
            chunks.read(refs[3 * i], c);
            return true;
          } catch (BlockCorruptionException e) {
            error = e.getMessage();
            return false;
          }
        }

        @Override
        public long minTime() {
          return refs[3 * i + 1];
        }

        @Override
        public long maxTime() {
          return refs[3 * i + 2];
        }

        @Override
        public byte encoding() {
          return c.encoding;
        }

        @Override
        public byte[] bytes() {
          return c.data;
        }

        @Override
        public int offset() {
          return 0;
        }

        @Override
        public int length() {
          return c.length;
        }

        @Override
        public String error() {
          return error;
        }
      };
    }
  }

  private final class BlockQuerier implements Querier {
    private final long mint;
    private final long maxt;

    BlockQuerier(long mint, long maxt) {
      this.mint = mint;
      this.maxt = maxt;
    }

    @Override
    public SeriesSet select(boolean sorted, long mint, long maxt, Matcher... matchers) {
      long lo = Math.max(mint, this.mint);
      long hi = Math.min(maxt, this.maxt);
      List<Series> out = new ArrayList<>();
      if (lo > hi || meta.maxTime <= lo || meta.minTime > hi) {
        return SeriesSet.of(out);
      }
      try {
        RoaringBitmap ids = index.postings(matchers);
        IndexReader.SeriesEntry e = new IndexReader.SeriesEntry();
        IntIterator it = ids.getIntIterator();
        while (it.hasNext()) {
          int id = it.next();
          index.series(id, e);
          long[] refs = overlapping(e.chunks, lo, hi);
          if (refs.length > 0) {
            out.add(new BlockSeries(e.labels, refs, tombstones.intervals(id), lo, hi));
          }
        }
      } catch (BlockCorruptionException ex) {
        throw new UncheckedIOException(ex);
      }
      // Series IDs follow label order, so the result is already sorted.
      return SeriesSet.of(out);
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
      if (matchers.length == 0) {
        return index.labelNames();
      }
      java.util.TreeSet<String> names = new java.util.TreeSet<>(Labels::compareStrings);
      SeriesSet s = select(false, mint, maxt, matchers);
      while (s.next()) {
        Labels l = s.at().labels();
        for (int i = 0; i < l.size(); i++) {
          names.add(l.name(i));
        }
      }
      return new ArrayList<>(names);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
      if (matchers.length == 0) {
        return index.labelValues(name);
      }
      java.util.TreeSet<String> values = new java.util.TreeSet<>(Labels::compareStrings);
      SeriesSet s = select(false, mint, maxt, matchers);
      while (s.next()) {
        String v = s.at().labels().get(name);
        if (!v.isEmpty()) {
          values.add(v);
        }
      }
      return new ArrayList<>(values);
    }

    @Override
    public void close() {}
  }

  private final class BlockSeries implements Series {
    final Labels labels;
    final long[] refs;
    final List<long[]> deleted;
    final long mint;
    final long maxt;

    BlockSeries(Labels labels, long[] refs, List<long[]> deleted, long mint, long maxt) {
      this.labels = labels;
      this.refs = refs;
      this.deleted = deleted;
      this.mint = mint;
      this.maxt = maxt;
    }

    @Override
    public Labels labels() {
      return labels;
    }

    @Override
    public SampleIterator iterator(SampleIterator reuse) {
      BlockSampleIterator it =
          reuse instanceof BlockSampleIterator
              ? (BlockSampleIterator) reuse
              : new BlockSampleIterator();
      it.reset(chunks, refs, deleted, mint, maxt);
      return it;
    }

    @Override
    public String toString() {
      return labels.toString();
    }
  }

  /** Decodes a block series' chunks in order, skipping deleted intervals; reusable. */
  static final class BlockSampleIterator implements SampleIterator {
    private final ChunkSegmentReader.Chunk chunk = new ChunkSegmentReader.Chunk();
    private final XorIterator dec = new XorIterator();
    private ChunkSegmentReader reader;
    private long[] refs;
    private List<long[]> deleted;
    private long mint;
    private long maxt;
    private int i;
    private boolean inChunk;
    private boolean done;
    private boolean hasCur;
    private String error;

    void reset(ChunkSegmentReader reader, long[] refs, List<long[]> deleted, long mint, long maxt) {
      this.reader = reader;
      this.refs = refs;
      this.deleted = deleted;
      this.mint = mint;
      this.maxt = maxt;
      i = 0;
      inChunk = false;
      done = false;
      hasCur = false;
      error = null;
    }

    @Override
    public boolean next() {
      hasCur = advance();
      return hasCur;
    }

    private boolean advance() {
      while (!done) {
        if (!inChunk) {
          if (i >= refs.length / 3) {
            done = true;
            return false;
          }
          try {
            reader.read(refs[3 * i], chunk);
          } catch (BlockCorruptionException e) {
            error = e.getMessage();
            done = true;
            return false;
          }
          i++;
          dec.reset(chunk.data, 0, chunk.length);
          inChunk = true;
        }
        if (!dec.next()) {
          if (dec.error() != null) {
            error = dec.error();
            done = true;
            return false;
          }
          inChunk = false;
          continue;
        }
        long t = dec.timestamp();
        if (t < mint || isDeleted(t)) {
          continue;
        }
        if (t > maxt) {
          done = true;
          return false;
        }
        return true;
      }
      return false;
    }

    private boolean isDeleted(long t) {
      for (int k = 0; k < deleted.size(); k++) {
        long[] iv = deleted.get(k);
        if (t >= iv[0] && t <= iv[1]) {
          return true;
        }
      }
      return false;
    }

    @Override
    public boolean seek(long t) {
      if (hasCur && dec.timestamp() >= t) {
        return true;
      }
      while (next()) {
        if (dec.timestamp() >= t) {
          return true;
        }
      }
      return false;
    }

    @Override
    public long timestamp() {
      return dec.timestamp();
    }

    @Override
    public double value() {
      return dec.value();
    }

    @Override
    public String error() {
      return error;
    }
  }

  @Override
  public void close() {
    index.close();
    chunks.close();
  }
}
