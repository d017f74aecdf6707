package io.cardinal.storage.block;

import com.carrotsearch.hppc.IntArrayList;
import io.cardinal.storage.wal.record.Encbuf;
import io.cardinal.tsdb.labels.Labels;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Writes a block {@code index} in Prometheus's format v2 (docs/format/index.md):
 *
 * <pre>
 * Index    --> Header, SymbolTable, Series^N, LabelIndex^L, Postings^P, LabelOffsetTable,
 *              PostingsOffsetTable, TOC
 * Header   --> magic 0xBAAAD700 &lt;4B&gt;, version 2 &lt;1B&gt;
 * </pre>
 *
 * Series must be added in label order (Go's byte order, {@link Labels#compareTo}); each series is
 * aligned to 16 bytes and its ID, used in postings, is its offset / 16. Postings and label indices
 * are kept in memory as series IDs (4 bytes per label of every series) and written on {@link
 * #close}.
 */
final class IndexWriter implements Closeable {
  public static final int MAGIC = 0xBAAAD700;
  public static final int VERSION = 2;

  private final Path path;
  private final FileChannel channel;
  private final OutputStream out;
  private final CRC32C crc = new CRC32C();
  private final Encbuf buf = new Encbuf(4096);
  private final Map<String, Integer> symbolIndex = new HashMap<>();
  // name -> value -> series IDs, both sorted in Go's byte order when written.
  private final Map<String, Map<String, IntArrayList>> postings = new HashMap<>();
  private final IntArrayList all = new IntArrayList();
  private long pos;
  private Labels last;
  private boolean seriesStarted;
  private long symbolsOffset;
  private long seriesOffset;

  /**
   * Creates the file and writes the header and the symbol table ({@code symbols} sorted, distinct).
   */
  public IndexWriter(Path path, Iterable<String> symbols) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
    buf.reset().putBE32(MAGIC).putByte(VERSION);
    writeBuf();
    writeSymbols(symbols);
  }

  private void writeSymbols(Iterable<String> symbols) throws IOException {
    symbolsOffset = pos;
    buf.reset().putBE32(0).putBE32(0);
    int n = 0;
    String prev = null;
    for (String s : symbols) {
      if (prev != null && Labels.compareStrings(prev, s) >= 0) {
        throw new IllegalArgumentException("symbols not sorted and distinct at \"" + s + "\"");
      }
      buf.putUvarintStr(s);
      symbolIndex.put(s, n++);
      prev = s;
    }
    buf.setBE32(0, buf.length() - 4).setBE32(4, n);
    writeWithCrc(4);
  }

  /** Adds a series (in label order) with its chunk metadata. */
  public void addSeries(Labels labels, ChunkMetas chunks) throws IOException {
    if (last != null && last.compareTo(labels) >= 0) {
      throw new IllegalArgumentException("series out of order: " + labels + " after " + last);
    }
    last = labels;
    align(16);
    if (!seriesStarted) {
      seriesStarted = true;
      seriesOffset = pos;
    }
    if ((pos & 15) != 0 || pos / 16 > Integer.MAX_VALUE) {
      throw new IOException("series offset " + pos + " not addressable as a 32-bit series ID");
    }
    int id = (int) (pos / 16);
    Encbuf body = new Encbuf(64 + chunks.size() * 12);
    body.putUvarint(labels.size());
    for (int i = 0; i < labels.size(); i++) {
      body.putUvarint(symbolRef(labels.name(i)));
      body.putUvarint(symbolRef(labels.value(i)));
      postings
          .computeIfAbsent(labels.name(i), k -> new HashMap<>())
          .computeIfAbsent(labels.value(i), k -> new IntArrayList())
          .add(id);
    }
    all.add(id);
    body.putUvarint(chunks.size());
    long prevMaxT = 0;
    long prevRef = 0;
    for (int c = 0; c < chunks.size(); c++) {
      long mint = chunks.minTime(c);
      long maxt = chunks.maxTime(c);
      long ref = chunks.ref(c);
      if (c == 0) {
        body.putVarint(mint);
        body.putUvarint(maxt - mint);
        body.putUvarint(ref);
      } else {
        if (mint <= prevMaxT) {
          throw new IllegalArgumentException(
              "overlapping chunks in " + labels + ": " + mint + " <= " + prevMaxT);
        }
        body.putUvarint(mint - prevMaxT);
        body.putUvarint(maxt - mint);
        body.putVarint(ref - prevRef);
      }
      prevMaxT = maxt;
      prevRef = ref;
    }
    buf.reset().putUvarint(body.length());
    int lenBytes = buf.length();
    buf.putBytes(body.array(), 0, body.length());
    writeWithCrc(lenBytes);
  }

  private int symbolRef(String s) {
    Integer i = symbolIndex.get(s);
    if (i == null) {
      throw new IllegalArgumentException("symbol \"" + s + "\" missing from the symbol table");
    }
    return i;
  }

  @Override
  public void close() throws IOException {
    if (!seriesStarted) {
      seriesOffset = 0;
    }
    List<String> names = new ArrayList<>(postings.keySet());
    names.sort(Labels::compareStrings);
    // Label indices: deprecated in v2 readers but still written so older readers work.
    long labelIndicesStart = 0;
    Map<String, Long> labelIndexOffsets = new TreeMap<>(Labels::compareStrings);
    for (String name : names) {
      align(4);
      if (labelIndicesStart == 0) {
        labelIndicesStart = pos;
      }
      labelIndexOffsets.put(name, pos);
      List<String> values = sortedValues(name);
      buf.reset().putBE32(0).putBE32(1).putBE32(values.size());
      for (String v : values) {
        buf.putBE32(symbolRef(v));
      }
      buf.setBE32(0, buf.length() - 4);
      writeWithCrc(4);
    }
    // Postings: the all-series list under ("", "") first, then every pair in order.
    List<String[]> keys = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    align(4);
    long postingsStart = pos;
    keys.add(new String[] {"", ""});
    offsets.add(pos);
    writePostings(all);
    for (String name : names) {
      for (String v : sortedValues(name)) {
        align(4);
        keys.add(new String[] {name, v});
        offsets.add(pos);
        writePostings(postings.get(name).get(v));
      }
    }
    // Label offset table.
    long labelOffsetTable = pos;
    buf.reset().putBE32(0).putBE32(labelIndexOffsets.size());
    for (Map.Entry<String, Long> e : labelIndexOffsets.entrySet()) {
      buf.putByte(1).putUvarintStr(e.getKey()).putUvarint(e.getValue());
    }
    buf.setBE32(0, buf.length() - 4);
    writeWithCrc(4);
    // Postings offset table.
    long postingsOffsetTable = pos;
    buf.reset().putBE32(0).putBE32(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      buf.putByte(2)
          .putUvarintStr(keys.get(i)[0])
          .putUvarintStr(keys.get(i)[1])
          .putUvarint(offsets.get(i));
    }
    buf.setBE32(0, buf.length() - 4);
    writeWithCrc(4);
    // TOC.
    buf.reset()
        .putBE64(symbolsOffset)
        .putBE64(seriesOffset)
        .putBE64(labelIndicesStart)
        .putBE64(labelOffsetTable)
        .putBE64(postingsStart)
        .putBE64(postingsOffsetTable);
    writeWithCrc(0);
    out.flush();
    channel.force(true);
    out.close();
  }

  private List<String> sortedValues(String name) {
    List<String> values = new ArrayList<>(postings.get(name).keySet());
    values.sort(Labels::compareStrings);
    return values;
  }

  private void writePostings(IntArrayList ids) throws IOException {
    buf.reset().putBE32(4 + 4 * ids.size()).putBE32(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      buf.putBE32(ids.get(i));
    }
    writeWithCrc(4);
  }

  /** Writes buf, then CRC32C over buf[from..] (the section body after its length field). */
  private void writeWithCrc(int from) throws IOException {
    crc.reset();
    crc.update(buf.array(), from, buf.length() - from);
    int sum = (int) crc.getValue();
    buf.putBE32(sum);
    writeBuf();
  }

  private void writeBuf() throws IOException {
    out.write(buf.array(), 0, buf.length());
    pos += buf.length();
  }

  private void align(int n) throws IOException {
    int pad = (int) ((n - (pos % n)) % n);
    for (int i = 0; i < pad; i++) {
      out.write(0);
    }
    pos += pad;
  }

  public Path path() {
    return path;
  }

  /** Chunk metadata of one series: (minTime, maxTime, ref) triples in time order. */
  public static final class ChunkMetas {
    private long[] m = new long[3 * 8];
    private int n;

    public ChunkMetas clear() {
      n = 0;
      return this;
    }

    public ChunkMetas add(long minT, long maxT, long ref) {
      if ((n + 1) * 3 > m.length) {
        m = java.util.Arrays.copyOf(m, m.length * 2);
      }
      m[3 * n] = minT;
      m[3 * n + 1] = maxT;
      m[3 * n + 2] = ref;
      n++;
      return this;
    }

    public int size() {
      return n;
    }

    public long minTime(int i) {
      return m[3 * i];
    }

    public long maxTime(int i) {
      return m[3 * i + 1];
    }

    public long ref(int i) {
      return m[3 * i + 2];
    }
  }
}
