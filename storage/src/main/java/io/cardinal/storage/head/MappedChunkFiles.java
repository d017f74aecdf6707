package io.cardinal.storage.head;

import io.cardinal.storage.io.FileOps;
import io.cardinal.storage.io.Varints;
import io.cardinal.tsdb.chunk.ChunkMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Full head chunks in Prometheus's {@code chunks_head/} format (see {@code
 * docs/format/head_chunks.md}).
 *
 * <pre>
 * File  --&gt; magic 0x0130BC91 &lt;4b BE&gt;, version 1 &lt;1b&gt;, padding 0 &lt;3b&gt;, Entry^*
 * Entry --&gt; seriesRef &lt;8b BE&gt;, mint &lt;8b BE&gt;, maxt &lt;8b BE&gt;, encoding &lt;1b&gt;, len &lt;uvarint&gt;,
 *           data &lt;len bytes&gt;, CRC32C(seriesRef .. data) &lt;4b BE&gt;
 * ref   --&gt; file sequence &lt;upper 32 bits&gt; | offset of the entry in the file &lt;lower 32 bits&gt;
 * </pre>
 *
 * <p>Files are named by their sequence number in six digits ({@code 000001}, ...) and never
 * appended to after a restart: the first write of a process starts a new file. A file is cut when
 * the next entry would take it past {@code maxFileSize}; a cut file is flushed, fsynced and mapped
 * read-only. Writes go through a buffer; a chunk is readable as soon as {@link #write} returns
 * (from the buffer until it is flushed). Reads of flushed bytes are lock-free through a mapping of
 * the file's flushed prefix, which is renewed (under the lock) when a read goes past it.
 *
 * <p>Mappings are never unmapped explicitly: a file deleted by {@link #truncateBefore} stays
 * readable through a mapping a concurrent reader still holds, and the memory is released by the
 * garbage collector, as the {@link ChunkMapper} contract requires.
 *
 * <p>Opening scans every file in sequence order, verifying the header and each entry's CRC. The
 * first bad entry is treated as a torn or corrupt tail: its file is cut to the last good entry and
 * every later file is deleted, so what survives is a prefix of what was written (the WAL still
 * holds every sample of the chunks lost). Each repair is logged and kept in {@link #repairs()}.
 *
 * <p>Thread-safe: writes, truncation and close are serialised on this object.
 */
public final class MappedChunkFiles implements ChunkMapper {

  /** Magic number at the start of every file. */
  public static final int MAGIC = 0x0130BC91;

  /** The only format version. */
  public static final byte VERSION = 1;

  /** Magic, version and padding. */
  public static final int HEADER_SIZE = 8;

  /** Series ref, mint, maxt, encoding: the fixed part of an entry before {@code len}. */
  public static final int ENTRY_FIXED = 25;

  public static final int CRC_SIZE = 4;

  /** Prometheus's file size: 128 MiB. */
  public static final long DEFAULT_MAX_FILE_SIZE = 128L << 20;

  public static final int DEFAULT_WRITE_BUFFER = 1 << 20;

  private static final System.Logger LOG = System.getLogger(MappedChunkFiles.class.getName());

  /** Receives every chunk found on disk when opening. */
  @FunctionalInterface
  public interface ChunkVisitor {
    void chunk(long seriesRef, long chunkRef, long minT, long maxT, byte encoding);
  }

  private static final class ChunkFile {
    final int seq;
    final Path path;

    /** Mapping of a prefix of the file (all of it once the file is finished); null if none yet. */
    volatile ByteBuffer map;

    // Guarded by the MappedChunkFiles lock.
    long size;
    long flushed;
    long maxT = Long.MIN_VALUE;
    int chunks;

    ChunkFile(int seq, Path path) {
      this.seq = seq;
      this.path = path;
    }
  }

  /** An immutable file list; as a {@link ChunkReader} it keeps deleted files readable. */
  private final class View implements ChunkReader {
    final ChunkFile[] files;
    final int firstSeq;

    View(ChunkFile[] files, int firstSeq) {
      this.files = files;
      this.firstSeq = firstSeq;
    }

    ChunkFile get(int seq) {
      long i = (long) seq - firstSeq;
      return i < 0 || i >= files.length ? null : files[(int) i];
    }

    @Override
    public int read(long ref, ChunkBuffer into) {
      return readFrom(this, ref, into);
    }
  }

  private static final class Scratch {
    final CRC32C crc = new CRC32C();
    final byte[] header = new byte[ENTRY_FIXED + 10];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private final Path dir;
  private final long maxFileSize;
  private final ByteBuffer wbuf;
  private final CRC32C crc = new CRC32C();
  private final List<ChunkFile> files = new ArrayList<>();
  private final List<String> repairs = new ArrayList<>();
  private final AtomicLong bytes = new AtomicLong();
  private volatile View view = new View(new ChunkFile[0], 0);
  private ChunkFile active;
  private FileChannel activeChannel;
  private int nextSeq;
  private long maxSeriesRef;
  private boolean closed;

  private MappedChunkFiles(Path dir, long maxFileSize, int writeBuffer) {
    if (maxFileSize < HEADER_SIZE + 64 || maxFileSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "max file size out of range [maxFileSize=" + maxFileSize + "]");
    }
    this.dir = dir;
    this.maxFileSize = maxFileSize;
    this.wbuf = ByteBuffer.allocate(Math.max(4096, writeBuffer));
  }

  /**
   * Opens {@code dir} with Prometheus's defaults, reporting every chunk found to {@code visitor}.
   */
  public static MappedChunkFiles open(Path dir, ChunkVisitor visitor) throws IOException {
    return open(dir, DEFAULT_MAX_FILE_SIZE, DEFAULT_WRITE_BUFFER, visitor);
  }

  /**
   * Opens (creating if needed) the chunk files in {@code dir}, repairing a corrupt tail, and
   * reports every chunk that survived to {@code visitor} in write order.
   */
  public static MappedChunkFiles open(
      Path dir, long maxFileSize, int writeBuffer, ChunkVisitor visitor) throws IOException {
    MappedChunkFiles m = new MappedChunkFiles(dir, maxFileSize, writeBuffer);
    Files.createDirectories(dir);
    m.load(visitor == null ? (s, c, lo, hi, e) -> {} : visitor);
    return m;
  }

  /** File name of sequence {@code seq}: six digits, as Prometheus. */
  public static String fileName(int seq) {
    return String.format("%06d", seq);
  }

  private static int parseSeq(String name) {
    if (name.isEmpty() || name.length() > 10) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  private void load(ChunkVisitor visitor) throws IOException {
    List<Integer> seqs = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        int seq = parseSeq(p.getFileName().toString());
        if (seq >= 0 && Files.isRegularFile(p)) {
          seqs.add(seq);
        }
      }
    }
    seqs.sort(null);
    int maxSeq = 0;
    for (int i = 0; i < seqs.size(); i++) {
      int seq = seqs.get(i);
      maxSeq = Math.max(maxSeq, seq);
      ChunkFile f = new ChunkFile(seq, dir.resolve(fileName(seq)));
      long good = scan(f, visitor);
      if (good >= 0) {
        repair(f, good, seqs.subList(i + 1, seqs.size()));
        if (good > HEADER_SIZE) {
          files.add(f);
        }
        break;
      }
      files.add(f);
    }
    for (ChunkFile f : files) {
      bytes.addAndGet(f.size);
    }
    nextSeq = maxSeq + 1;
    publish();
  }

  /**
   * Scans one file, reporting its chunks; returns -1 if the whole file is valid, otherwise the
   * length of its valid prefix (0 if even the header is bad), after recording why.
   */
  private long scan(ChunkFile f, ChunkVisitor visitor) throws IOException {
    long size = Files.size(f.path);
    if (size > Integer.MAX_VALUE) {
      throw new IOException(
          "head chunk file larger than 2 GiB [file=" + f.path + ", size=" + size + "]");
    }
    if (size < HEADER_SIZE) {
      return corrupt(f, 0, "file shorter than its header [size=" + size + "]");
    }
    ByteBuffer m = map(f.path, size);
    int magic = m.getInt(0);
    if (magic != MAGIC) {
      return corrupt(
          f, 0, String.format("bad magic [expected=0x%08X, found=0x%08X]", MAGIC, magic));
    }
    if (m.get(4) != VERSION) {
      return corrupt(
          f, 4, "unsupported version [expected=" + VERSION + ", found=" + m.get(4) + "]");
    }
    Scratch sc = SCRATCH.get();
    int off = HEADER_SIZE;
    long maxT = Long.MIN_VALUE;
    int chunks = 0;
    while (off < size) {
      String bad = null;
      int end = -1;
      if (size - off < ENTRY_FIXED + 1 + CRC_SIZE) {
        bad = "truncated entry header [bytesLeft=" + (size - off) + "]";
      } else {
        long len = 0;
        int shift = 0;
        int p = off + ENTRY_FIXED;
        while (true) {
          if (p >= size || shift > 28) {
            bad = "bad chunk length varint";
            break;
          }
          int b = m.get(p++) & 0xFF;
          len |= (long) (b & 0x7F) << shift;
          if (b < 0x80) {
            break;
          }
          shift += 7;
        }
        if (bad == null) {
          long e = p + len + CRC_SIZE;
          if (e > size) {
            bad = "entry runs past end of file [length=" + len + ", bytesLeft=" + (size - p) + "]";
          } else {
            int dataEnd = (int) (p + len);
            int want = m.getInt(dataEnd);
            int got = crc(sc.crc, m, off, dataEnd);
            if (want != got) {
              bad = String.format("checksum mismatch [expected=0x%08X, actual=0x%08X]", want, got);
            } else {
              end = (int) e;
            }
          }
        }
      }
      if (bad != null) {
        f.map = m;
        f.size = off;
        f.flushed = off;
        f.maxT = maxT;
        f.chunks = chunks;
        return corrupt(f, off, bad);
      }
      long seriesRef = m.getLong(off);
      long mint = m.getLong(off + 8);
      long maxt = m.getLong(off + 16);
      byte enc = m.get(off + 24);
      maxT = Math.max(maxT, maxt);
      maxSeriesRef = Math.max(maxSeriesRef, seriesRef);
      chunks++;
      visitor.chunk(seriesRef, ((long) f.seq << 32) | off, mint, maxt, enc);
      off = end;
    }
    f.map = m;
    f.size = size;
    f.flushed = size;
    f.maxT = maxT;
    f.chunks = chunks;
    return -1;
  }

  private long corrupt(ChunkFile f, long offset, String why) {
    repairs.add("head chunk file " + f.path + " corrupt at offset " + offset + ": " + why);
    return offset < HEADER_SIZE ? 0 : offset;
  }

  /**
   * Cuts {@code f} to {@code good} bytes (deleting it if that leaves no entry) and deletes later
   * files.
   */
  private void repair(ChunkFile f, long good, List<Integer> later) throws IOException {
    String why = repairs.get(repairs.size() - 1);
    f.map = null; // never touch the old mapping past the new end
    if (good <= HEADER_SIZE) {
      Files.deleteIfExists(f.path);
    } else {
      try (FileChannel ch = FileChannel.open(f.path, StandardOpenOption.WRITE)) {
        ch.truncate(good);
        ch.force(true);
      }
      f.map = map(f.path, good);
    }
    List<Path> deleted = new ArrayList<>();
    for (int i = later.size() - 1; i >= 0; i--) {
      Path p = dir.resolve(fileName(later.get(i)));
      Files.deleteIfExists(p);
      deleted.add(0, p.getFileName());
    }
    FileOps.fsyncDir(dir);
    String msg =
        why
            + "; "
            + (good <= HEADER_SIZE ? "deleted the file" : "cut the file to " + good + " bytes")
            + (deleted.isEmpty()
                ? ""
                : " and deleted " + deleted.size() + " later file(s) " + deleted)
            + "; the WAL replays the chunks lost";
    repairs.set(repairs.size() - 1, msg);
    LOG.log(Level.WARNING, msg);
  }

  private static int crc(CRC32C crc, ByteBuffer m, int from, int to) {
    ByteBuffer d = m.duplicate();
    d.limit(to).position(from);
    crc.reset();
    crc.update(d);
    return (int) crc.getValue();
  }

  private static ByteBuffer map(Path path, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }
  }

  /** Repairs made when opening: one message per corrupt file, naming file and offset. */
  public List<String> repairs() {
    return List.copyOf(repairs);
  }

  /** The highest series reference named by any chunk found when opening (0 if none). */
  public long maxSeriesRefOnDisk() {
    return maxSeriesRef;
  }

  public Path dir() {
    return dir;
  }

  /** Number of chunk files, the one being written included. */
  public synchronized int fileCount() {
    return files.size();
  }

  @Override
  public synchronized long write(
      long seriesRef, long minT, long maxT, byte encoding, byte[] chunk, int off, int len) {
    if (closed) {
      throw new IllegalStateException("head chunk files are closed [dir=" + dir + "]");
    }
    int entry = ENTRY_FIXED + Varints.uvarintSize(len) + len + CRC_SIZE;
    if (HEADER_SIZE + (long) entry > maxFileSize) {
      throw new IllegalArgumentException(
          "chunk does not fit a file [len=" + len + ", maxFileSize=" + maxFileSize + "]");
    }
    try {
      if (active == null || active.size + entry > maxFileSize) {
        cut();
      }
      ChunkFile f = active;
      long at = f.size;
      ByteBuffer b = wbuf;
      if (b.remaining() < entry) {
        flushBuffer();
        if (b.remaining() < entry) {
          b = ByteBuffer.allocate(entry);
        }
      }
      int start = b.position();
      b.putLong(seriesRef).putLong(minT).putLong(maxT).put(encoding);
      Varints.putUvarint(b, len);
      b.put(chunk, off, len);
      crc.reset();
      crc.update(b.array(), b.arrayOffset() + start, b.position() - start);
      b.putInt((int) crc.getValue());
      if (b != wbuf) {
        b.flip();
        writeFully(b, f.flushed);
        f.flushed += entry;
      }
      f.size += entry;
      f.maxT = Math.max(f.maxT, maxT);
      f.chunks++;
      bytes.addAndGet(entry);
      return ((long) f.seq << 32) | at;
    } catch (IOException e) {
      throw new UncheckedIOException("writing head chunk [dir=" + dir + "]", e);
    }
  }

  /** Finishes the file being written (if any) and starts the next one. Caller holds the lock. */
  private void cut() throws IOException {
    finishActive();
    ChunkFile f = new ChunkFile(nextSeq++, dir.resolve(fileName(nextSeq - 1)));
    activeChannel =
        FileChannel.open(
            f.path,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ);
    FileOps.fsyncDir(dir);
    // The header goes straight to the file, so a crash leaves a new file valid (if empty).
    wbuf.clear();
    ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE);
    h.putInt(MAGIC).put(VERSION).put((byte) 0).put((byte) 0).put((byte) 0).flip();
    active = f;
    writeFully(h, 0);
    f.size = HEADER_SIZE;
    f.flushed = HEADER_SIZE;
    bytes.addAndGet(HEADER_SIZE);
    active = f;
    files.add(f);
    publish();
  }

  /** Flushes, fsyncs and maps the file being written; the next write starts a new file. */
  private void finishActive() throws IOException {
    ChunkFile f = active;
    if (f == null) {
      return;
    }
    flushBuffer();
    activeChannel.force(true);
    f.map = activeChannel.map(FileChannel.MapMode.READ_ONLY, 0, f.size);
    activeChannel.close();
    activeChannel = null;
    active = null;
  }

  private void flushBuffer() throws IOException {
    if (wbuf.position() == 0) {
      return;
    }
    wbuf.flip();
    int n = wbuf.remaining();
    writeFully(wbuf, active.flushed);
    active.flushed += n;
    wbuf.clear();
  }

  private void writeFully(ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      pos += activeChannel.write(b, pos);
    }
  }

  /** Hands buffered chunks to the OS (they then survive a process crash) and fsyncs them. */
  public synchronized void sync() throws IOException {
    if (active != null) {
      flushBuffer();
      activeChannel.force(false);
    }
  }

  @Override
  public int read(long ref, ChunkBuffer into) {
    return readFrom(view, ref, into);
  }

  /** The current file list: chunks referenced now stay readable through it after truncation. */
  @Override
  public ChunkReader snapshot() {
    return view;
  }

  private int readFrom(View v, long ref, ChunkBuffer into) {
    int seq = (int) (ref >>> 32);
    long off = ref & 0xFFFFFFFFL;
    ChunkFile f = v.get(seq);
    if (f == null) {
      throw new IllegalStateException(
          "unknown head chunk reference [ref=0x" + Long.toHexString(ref) + "]");
    }
    ByteBuffer m = f.map;
    if (m != null) {
      int n = readEntry(f, m, (int) off, into);
      if (n >= 0) {
        return n;
      }
    }
    synchronized (this) {
      try {
        if (f == active && off >= f.flushed) {
          int n = readEntry(f, wbuf, (int) (off - f.flushed), into);
          if (n >= 0) {
            return n;
          }
        } else if (f == active) {
          m = f.map;
          if (m == null || m.capacity() < f.flushed) {
            m = activeChannel.map(FileChannel.MapMode.READ_ONLY, 0, f.flushed);
            f.map = m;
          }
          int n = readEntry(f, m, (int) off, into);
          if (n >= 0) {
            return n;
          }
        } else if (f.map != null) {
          int n = readEntry(f, f.map, (int) off, into);
          if (n >= 0) {
            return n;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("mapping head chunk file [file=" + f.path + "]", e);
      }
    }
    throw new IllegalStateException(
        "head chunk reference past end of file [ref=0x"
            + Long.toHexString(ref)
            + ", file="
            + f.path
            + "]");
  }

  /**
   * Copies the data of the entry at {@code off} of {@code b} (absolute indexes; for the write
   * buffer, everything below its position) after checking its CRC; -1 if the entry is not entirely
   * within {@code b}.
   */
  private static int readEntry(ChunkFile f, ByteBuffer b, int off, ChunkBuffer into) {
    int limit = b == null ? 0 : (b.hasArray() ? b.position() : b.capacity());
    if (off < 0 || off + ENTRY_FIXED + 1 > limit) {
      return -1;
    }
    int len = 0;
    int shift = 0;
    int p = off + ENTRY_FIXED;
    while (true) {
      if (p >= limit) {
        return -1;
      }
      int x = b.get(p++) & 0xFF;
      len |= (x & 0x7F) << shift;
      if (x < 0x80) {
        break;
      }
      shift += 7;
      if (shift > 28) {
        throw corruptRead(f, off, "bad chunk length varint");
      }
    }
    if (len < 0 || (long) p + len + CRC_SIZE > limit) {
      return -1;
    }
    Scratch sc = SCRATCH.get();
    int hlen = p - off;
    b.get(off, sc.header, 0, hlen);
    byte[] dst = into.ensure(len);
    b.get(p, dst, 0, len);
    CRC32C c = sc.crc;
    c.reset();
    c.update(sc.header, 0, hlen);
    c.update(dst, 0, len);
    int want = b.getInt(p + len);
    if ((int) c.getValue() != want) {
      throw corruptRead(
          f,
          off,
          String.format(
              "checksum mismatch [expected=0x%08X, actual=0x%08X]", want, (int) c.getValue()));
    }
    return len;
  }

  private static IllegalStateException corruptRead(ChunkFile f, long off, String why) {
    return new IllegalStateException(
        "corrupt head chunk: " + why + " [file=" + f.path + ", offset=" + off + "]");
  }

  /**
   * Deletes every file, except the one being written, whose chunks all end before {@code minT}. The
   * file being written is finished first if it holds chunks, so that it can go next time.
   */
  @Override
  public synchronized void truncateBefore(long minT) {
    if (closed) {
      return;
    }
    try {
      if (active != null && active.chunks > 0) {
        finishActive();
      }
      boolean removed = false;
      for (int i = 0; i < files.size(); i++) {
        ChunkFile f = files.get(i);
        if (f != active && f.maxT < minT) {
          try {
            Files.deleteIfExists(f.path);
          } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot delete head chunk file [file=" + f.path + "]: " + e);
            continue;
          }
          bytes.addAndGet(-f.size);
          files.remove(i--);
          removed = true;
        }
      }
      if (removed) {
        FileOps.fsyncDir(dir);
        publish();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("truncating head chunk files [dir=" + dir + "]", e);
    }
  }

  private void publish() {
    if (files.isEmpty()) {
      view = new View(new ChunkFile[0], 0);
      return;
    }
    int first = files.get(0).seq;
    int last = files.get(files.size() - 1).seq;
    ChunkFile[] arr = new ChunkFile[last - first + 1];
    for (ChunkFile f : files) {
      arr[f.seq - first] = f;
    }
    view = new View(arr, first);
  }

  @Override
  public long bytesUsed() {
    return bytes.get();
  }

  /** Flushes and fsyncs the file being written and closes it; mapped files stay readable. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      finishActive();
    } catch (IOException e) {
      throw new UncheckedIOException("closing head chunk files [dir=" + dir + "]", e);
    }
  }

  @Override
  public String toString() {
    return "MappedChunkFiles[dir=" + dir + "]";
  }
}
