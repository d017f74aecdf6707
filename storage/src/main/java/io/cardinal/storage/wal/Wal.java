package io.cardinal.storage.wal;

import io.cardinal.storage.io.FileOps;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * A write-ahead log: a directory of numbered segments in the Prometheus WAL format.
 *
 * <p>Opening a WAL never appends to an existing segment: writing starts in a new segment numbered
 * one past the newest on disk (0 for an empty directory), as in Prometheus. Each {@code log} call
 * appends its records and hands the partial last page to the OS; {@link #sync()} makes it durable.
 * A segment is rolled over when the next record does not fit in the space it has left, so that a
 * record never crosses segments; a record larger than a whole segment is written into a fresh
 * segment which then grows past the configured size.
 *
 * <p>With compression on, each non-empty record is snappy-compressed (raw block format) and the
 * compressed form is stored only if it is smaller, with the snappy flag set on all its fragments.
 *
 * <p>Thread-safe: all mutating methods are synchronized. Steady-state logging allocates nothing
 * beyond what snappy needs; the compression buffer grows to the largest record seen.
 */
public final class Wal implements Closeable {

  /**
   * @param segmentSize target size of a segment, a positive multiple of {@link WalFormat#PAGE_SIZE}
   * @param compress whether to snappy-compress records
   */
  public record Options(long segmentSize, boolean compress) {

    public static final Options DEFAULT = new Options(WalFormat.DEFAULT_SEGMENT_SIZE, false);

    public Options {
      WalSegmentWriter.checkSegmentSize(segmentSize);
    }

    public Options withSegmentSize(long size) {
      return new Options(size, compress);
    }

    public Options withCompression(boolean on) {
      return new Options(segmentSize, on);
    }
  }

  private final Path dir;
  private final Options options;
  private final ByteBuffer page = ByteBuffer.allocateDirect(WalFormat.PAGE_SIZE);
  private final CRC32C crc = new CRC32C();
  private byte[] compressBuf = new byte[0];
  private byte[] scratch = new byte[0];
  private WalSegmentWriter segment;
  private boolean closed;

  private Wal(Path dir, Options options) throws IOException {
    this.dir = dir;
    this.options = options;
    Files.createDirectories(dir);
    openSegment(Segments.last(dir) + 1);
  }

  /** Opens (creating if needed) the WAL in {@code dir} with default options. */
  public static Wal open(Path dir) throws IOException {
    return new Wal(dir, Options.DEFAULT);
  }

  /** Opens (creating if needed) the WAL in {@code dir}. */
  public static Wal open(Path dir, Options options) throws IOException {
    return new Wal(dir, options);
  }

  public Path dir() {
    return dir;
  }

  public Options options() {
    return options;
  }

  /** Index of the segment being written. */
  public synchronized int currentSegment() {
    return segment.index();
  }

  /** Appends each array as one record, then flushes the partial page to the OS. */
  public synchronized void log(byte[]... records) throws IOException {
    ensureOpen();
    for (byte[] r : records) {
      logOne(r, 0, r.length);
    }
    segment.flush();
  }

  /** Appends {@code len} bytes of {@code record} from {@code off} as one record. */
  public synchronized void log(byte[] record, int off, int len) throws IOException {
    ensureOpen();
    if (off < 0 || len < 0 || off > record.length - len) {
      throw new IndexOutOfBoundsException(
          "[off=" + off + ", len=" + len + ", length=" + record.length + "]");
    }
    logOne(record, off, len);
    segment.flush();
  }

  /** Appends the remaining bytes of {@code record} as one record; its position is not moved. */
  public synchronized void log(ByteBuffer record) throws IOException {
    ensureOpen();
    int len = record.remaining();
    if (record.hasArray()) {
      logOne(record.array(), record.arrayOffset() + record.position(), len);
    } else {
      if (scratch.length < len) {
        scratch = new byte[Math.max(len, scratch.length * 2)];
      }
      record.get(record.position(), scratch, 0, len);
      logOne(scratch, 0, len);
    }
    segment.flush();
  }

  private void logOne(byte[] data, int off, int len) throws IOException {
    boolean snappy = false;
    if (options.compress() && len > 0) {
      int max = Snappy.maxCompressedLength(len);
      if (compressBuf.length < max) {
        compressBuf = new byte[max];
      }
      int clen = Snappy.compress(data, off, len, compressBuf, 0);
      if (clen < len) {
        data = compressBuf;
        off = 0;
        len = clen;
        snappy = true;
      }
    }
    if (len > segment.capacityLeft() && !segment.isEmpty()) {
      nextSegment();
    }
    segment.append(data, off, len, snappy);
  }

  /**
   * Closes the current segment (padding its last page) and starts the next one; returns the new
   * segment's index. Used to cut the WAL before a checkpoint.
   */
  public synchronized int nextSegment() throws IOException {
    ensureOpen();
    int next = segment.index() + 1;
    segment.close();
    segment = null;
    openSegment(next);
    return next;
  }

  private void openSegment(int index) throws IOException {
    segment = new WalSegmentWriter(dir, index, options.segmentSize(), page, crc);
    FileOps.fsyncDir(dir);
  }

  /** Flushes and fsyncs the current segment. */
  public synchronized void sync() throws IOException {
    ensureOpen();
    segment.sync();
  }

  /** Deletes all segments below {@code index}; never the one being written. */
  public synchronized int truncate(int index) throws IOException {
    ensureOpen();
    return Segments.deleteBefore(dir, Math.min(index, segment.index()));
  }

  /**
   * Repairs this WAL after a reader reported {@code corruption}: see {@link WalRepair}. The segment
   * being written is closed (it comes after the corruption and is deleted with the others) and
   * writing continues in the segment after the repaired one.
   */
  public synchronized WalRepair.Result repair(WalCorruptionException corruption)
      throws IOException {
    ensureOpen();
    WalRepair.checkRepairable(dir, corruption);
    segment.close();
    segment = null;
    WalRepair.Result result = WalRepair.repair(dir, corruption);
    openSegment(corruption.segment() + 1);
    return result;
  }

  private void ensureOpen() throws IOException {
    if (closed || segment == null) {
      throw new IOException("WAL is closed [dir=" + dir + "]");
    }
  }

  /** Pads the last page, fsyncs and closes the current segment. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (segment != null) {
      segment.close();
      segment = null;
    }
  }
}
