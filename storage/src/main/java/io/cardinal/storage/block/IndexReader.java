package io.cardinal.storage.block;

import io.cardinal.storage.io.Crc32c;
import io.cardinal.storage.io.Varints;
import io.cardinal.tsdb.chunk.Varint;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.PostingsPlanner;
import java.io.Closeable;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.roaringbitmap.ArrayContainer;
import org.roaringbitmap.BitmapContainer;
import org.roaringbitmap.Container;
import org.roaringbitmap.RoaringBitmap;

/**
 * Reads a format-v2 block index, memory-mapped. On open it verifies the header, the TOC, the symbol
 * table and the postings offset table (checksums included) and loads the symbols and the postings
 * offsets; series entries and postings lists are read, and their checksums verified, on demand.
 * Thread-safe after construction.
 */
public final class IndexReader implements Closeable {
  private static final int TOC_SIZE = 6 * 8 + 4;

  /** RoaringBitmap's limit for an array container; above it a container is a 65,536-bit bitmap. */
  private static final int ARRAY_CONTAINER_MAX = 4096;

  private final Path path;
  private final MappedByteBuffer m;
  private final String[] symbols;
  // name -> (values in order, offsets of their postings lists)
  private final Map<String, Values> postingsOffsets = new HashMap<>();
  private final List<String> names = new ArrayList<>();
  private long allPostingsOffset = -1;

  /** Null until first needed; see {@link #allPostings()}. */
  private volatile RoaringBitmap allPostings;

  private final Source source = new Source();

  static final class Values {
    final List<String> values = new ArrayList<>();
    final List<Long> offsets = new ArrayList<>();

    /** value → index in {@link #values}; built on the first lookup by value. */
    private volatile Map<String, Integer> byValue;

    /** The index of {@code value}, or -1. */
    int indexOf(String value) {
      Map<String, Integer> m = byValue;
      if (m == null) {
        m = new HashMap<>(values.size() * 2);
        for (int i = 0; i < values.size(); i++) {
          m.put(values.get(i), i);
        }
        byValue = m;
      }
      Integer i = m.get(value);
      return i == null ? -1 : i;
    }
  }

  public IndexReader(Path path) throws IOException {
    this.path = path;
    try (FileChannel ch = FileChannel.open(path)) {
      long size = ch.size();
      if (size < 5 + TOC_SIZE) {
        throw BlockCorruptionException.at(
            path, size, "index of " + size + " bytes is too small to hold a header and a TOC");
      }
      if (size > Integer.MAX_VALUE) {
        throw BlockCorruptionException.at(path, 0, "index larger than 2 GiB is not supported yet");
      }
      m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }
    int magic = m.getInt(0);
    if (magic != IndexWriter.MAGIC) {
      throw BlockCorruptionException.at(
          path, 0, String.format("bad index magic %08x, expected %08x", magic, IndexWriter.MAGIC));
    }
    if (m.get(4) != IndexWriter.VERSION) {
      throw BlockCorruptionException.at(
          path, 4, "unsupported index version " + m.get(4) + ", expected 2");
    }
    int tocAt = m.capacity() - TOC_SIZE;
    checkCrc(tocAt, 48, tocAt + 48, "TOC");
    long symbolsAt = m.getLong(tocAt);
    long postingsTableAt = m.getLong(tocAt + 40);
    symbols = readSymbols(checkOffset(symbolsAt, "symbol table"));
    readPostingsOffsetTable(checkOffset(postingsTableAt, "postings offset table"));
  }

  private int checkOffset(long off, String what) throws BlockCorruptionException {
    if (off < 5 || off > m.capacity() - TOC_SIZE - 8) {
      throw BlockCorruptionException.at(
          path,
          m.capacity() - TOC_SIZE,
          "TOC points the " + what + " at " + off + ", outside the file");
    }
    return (int) off;
  }

  private void checkCrc(int from, int len, int crcAt, String section)
      throws BlockCorruptionException {
    if (from < 0 || len < 0 || crcAt + 4 > m.capacity()) {
      throw BlockCorruptionException.at(
          path, from, section + " of " + len + " bytes runs past the end of the file");
    }
    int sum = Crc32c.of(m.slice(from, len));
    int stored = m.getInt(crcAt);
    if (stored != sum) {
      throw BlockCorruptionException.checksum(path, from, section, stored, sum);
    }
  }

  /** A section starting with {@code len <4B>}: verifies its checksum, returns the body offset. */
  private int section(int at, String what) throws BlockCorruptionException {
    if (at + 4 > m.capacity()) {
      throw BlockCorruptionException.at(path, at, what + " starts past the end of the file");
    }
    int len = m.getInt(at);
    if (len < 0 || (long) at + 4 + len + 4 > m.capacity()) {
      throw BlockCorruptionException.at(
          path, at, what + " length " + len + " runs past the end of the file");
    }
    checkCrc(at + 4, len, at + 4 + len, what);
    return at + 4;
  }

  private String[] readSymbols(int at) throws BlockCorruptionException {
    int body = section(at, "symbol table");
    int n = m.getInt(body);
    int p = body + 4;
    int end = body + m.getInt(at);
    if (n < 0) {
      throw BlockCorruptionException.at(path, body, "negative symbol count " + n);
    }
    String[] out = new String[n];
    int[] cursor = {p};
    for (int i = 0; i < n; i++) {
      out[i] = readString(cursor, end, "symbol " + i);
    }
    return out;
  }

  private void readPostingsOffsetTable(int at) throws BlockCorruptionException {
    int body = section(at, "postings offset table");
    int n = m.getInt(body);
    int end = body + m.getInt(at);
    int[] c = {body + 4};
    String lastName = null;
    for (int i = 0; i < n; i++) {
      if (c[0] >= end || m.get(c[0]) != 2) {
        throw BlockCorruptionException.at(
            path, c[0], "postings offset entry " + i + " must start with key count 2");
      }
      c[0]++;
      String name = readString(c, end, "postings offset name");
      String value = readString(c, end, "postings offset value");
      long off = readUvarint(c, end, "postings offset");
      if (name.isEmpty() && value.isEmpty()) {
        allPostingsOffset = off;
        continue;
      }
      Values v = postingsOffsets.get(name);
      if (v == null) {
        v = new Values();
        postingsOffsets.put(name, v);
        if (lastName != null && Labels.compareStrings(lastName, name) > 0) {
          throw BlockCorruptionException.at(
              path, c[0], "postings offset table not sorted at label name \"" + name + "\"");
        }
        names.add(name);
        lastName = name;
      }
      v.values.add(value);
      v.offsets.add(off);
    }
  }

  private String readString(int[] c, int end, String what) throws BlockCorruptionException {
    long len = readUvarint(c, end, what + " length");
    if (c[0] + len > end) {
      throw BlockCorruptionException.at(
          path, c[0], what + " of " + len + " bytes runs past its section");
    }
    byte[] b = new byte[(int) len];
    m.get(c[0], b);
    c[0] += (int) len;
    return new String(b, StandardCharsets.UTF_8);
  }

  private long readUvarint(int[] c, int end, String what) throws BlockCorruptionException {
    try {
      return Varints.uvarint(m, c, end);
    } catch (Varints.VarintException e) {
      throw BlockCorruptionException.at(
          path, e.offset(), (e.truncated() ? "truncated " : "invalid varint in ") + what);
    }
  }

  private long readVarint(int[] c, int end, String what) throws BlockCorruptionException {
    return Varint.unzigzag(readUvarint(c, end, what));
  }

  /** Sorted label names. */
  public List<String> labelNames() {
    return List.copyOf(names);
  }

  /** Sorted values of {@code name}. */
  public List<String> labelValues(String name) {
    Values v = postingsOffsets.get(name);
    return v == null ? List.of() : List.copyOf(v.values);
  }

  public String[] symbols() {
    return symbols;
  }

  /**
   * The postings list at a file offset, as series IDs. Each run of IDs that share their upper 16
   * bits becomes one container of exactly its size, appended in order: no container grows, and no
   * ID is searched for. The list must be strictly increasing (an index invariant, checked here,
   * since a bitmap built from a list that is not would answer wrongly rather than fail).
   */
  private RoaringBitmap readPostings(long off) throws BlockCorruptionException {
    int body = section((int) off, "postings list");
    int n = m.getInt(body);
    int len = m.getInt((int) off);
    if (n < 0 || 4 + 4L * n != len) {
      throw BlockCorruptionException.at(
          path, off, "postings list of " + n + " entries does not fit its length " + len);
    }
    int at = body + 4;
    RoaringBitmap out = new RoaringBitmap();
    long prev = -1;
    int i = 0;
    while (i < n) {
      // Find where this key's run ends (checking the order), then fill a container of exactly its
      // size: reading an ID twice from the mapped file is cheaper than sizing a buffer by guess.
      int key = m.getInt(at + 4 * i) >>> 16;
      int j = i;
      for (; j < n; j++) {
        long id = m.getInt(at + 4 * j) & 0xFFFFFFFFL;
        if (id <= prev) {
          throw BlockCorruptionException.at(
              path,
              at + 4L * j,
              "postings list entry " + j + " (" + id + ") does not increase after " + prev);
        }
        if (id >>> 16 != key) {
          break;
        }
        prev = id;
      }
      out.append((char) key, container(at, i, j));
      i = j;
    }
    return out;
  }

  /** One container of the IDs at entries [from, to) of the list at {@code at}, all of one key. */
  private Container container(int at, int from, int to) {
    int count = to - from;
    if (count <= ARRAY_CONTAINER_MAX) {
      char[] low = new char[count];
      for (int k = 0; k < count; k++) {
        low[k] = (char) m.getInt(at + 4 * (from + k));
      }
      return new ArrayContainer(low);
    }
    long[] words = new long[1 << 10];
    for (int k = from; k < to; k++) {
      int low = m.getInt(at + 4 * k) & 0xFFFF;
      words[low >>> 6] |= 1L << low;
    }
    return new BitmapContainer(words, count);
  }

  /**
   * Every series of the block. Read once and kept (two bytes or less per series): every selector
   * whose matchers all match the empty string starts from it. Callers get a copy they may change.
   */
  private RoaringBitmap allPostings() throws BlockCorruptionException {
    RoaringBitmap all = allPostings;
    if (all == null) {
      all = allPostingsOffset >= 0 ? readPostings(allPostingsOffset) : new RoaringBitmap();
      all.runOptimize();
      allPostings = all;
    }
    return all.clone();
  }

  /**
   * Series IDs matching every matcher (every series when there are none), as planned by {@link
   * PostingsPlanner}; the caller owns the bitmap.
   */
  public RoaringBitmap postings(Matcher... matchers) throws BlockCorruptionException {
    return PostingsPlanner.postings(source, matchers);
  }

  /** The index as the planner reads it: every list is decoded anew, so the planner may keep it. */
  private final class Source implements PostingsPlanner.Source<BlockCorruptionException> {
    private final SeriesEntry entry = new SeriesEntry();

    @Override
    public void postings(String name, Set<String> values, List<RoaringBitmap> out)
        throws BlockCorruptionException {
      Values v = postingsOffsets.get(name);
      if (v == null) {
        return;
      }
      for (String value : values) {
        int i = v.indexOf(value);
        if (i >= 0) {
          out.add(readPostings(v.offsets.get(i)));
        }
      }
    }

    @Override
    public void postings(Matcher m, boolean want, List<RoaringBitmap> out)
        throws BlockCorruptionException {
      Values v = postingsOffsets.get(m.name());
      if (v == null) {
        return;
      }
      for (int i = 0; i < v.values.size(); i++) {
        if (m.matches(v.values.get(i)) == want) {
          out.add(readPostings(v.offsets.get(i)));
        }
      }
    }

    @Override
    public RoaringBitmap allPostings() throws BlockCorruptionException {
      return IndexReader.this.allPostings();
    }

    @Override
    public Labels labels(int id) throws BlockCorruptionException {
      series(id, entry);
      return entry.labels;
    }

    @Override
    public boolean freshLists() {
      return true;
    }
  }

  /** One decoded series entry; reusable. */
  public static final class SeriesEntry {
    public Labels labels;
    public final IndexWriter.ChunkMetas chunks = new IndexWriter.ChunkMetas();
  }

  /** Decodes the series with ID {@code id} (its offset / 16). */
  public void series(int id, SeriesEntry into) throws BlockCorruptionException {
    long off = (long) id * 16;
    int[] c = {(int) off};
    if (off <= 0 || off >= m.capacity()) {
      throw BlockCorruptionException.at(path, off, "series ID " + id + " points outside the index");
    }
    long len = readUvarint(c, m.capacity(), "series length");
    int body = c[0];
    if (body + len + 4 > m.capacity()) {
      throw BlockCorruptionException.at(
          path, off, "series entry of " + len + " bytes runs past the end of the file");
    }
    checkCrc(body, (int) len, body + (int) len, "series");
    int end = body + (int) len;
    int nl = (int) readUvarint(c, end, "label count");
    String[] pairs = new String[nl * 2];
    for (int i = 0; i < nl * 2; i++) {
      long ref = readUvarint(c, end, "label symbol reference");
      if (ref >= symbols.length) {
        throw BlockCorruptionException.at(
            path, c[0], "symbol reference " + ref + " beyond the " + symbols.length + " symbols");
      }
      pairs[i] = symbols[(int) ref];
    }
    into.labels = Labels.of(pairs);
    into.chunks.clear();
    int nc = (int) readUvarint(c, end, "chunk count");
    long prevMaxT = 0;
    long prevRef = 0;
    for (int i = 0; i < nc; i++) {
      long mint;
      long maxt;
      long ref;
      if (i == 0) {
        mint = readVarint(c, end, "chunk mint");
        maxt = mint + readUvarint(c, end, "chunk maxt delta");
        ref = readUvarint(c, end, "chunk ref");
      } else {
        mint = prevMaxT + readUvarint(c, end, "chunk mint delta");
        maxt = mint + readUvarint(c, end, "chunk maxt delta");
        ref = prevRef + readVarint(c, end, "chunk ref delta");
      }
      into.chunks.add(mint, maxt, ref);
      prevMaxT = maxt;
      prevRef = ref;
    }
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() {}
}
