package io.cardinal.storage.wal;

import static io.cardinal.storage.wal.WalFormat.HEADER_SIZE;
import static io.cardinal.storage.wal.WalFormat.PAGE_SIZE;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Appends records to one segment file, page by page.
 *
 * <p>A record is cut into fragments so that no fragment crosses a 32 KiB page boundary: {@code
 * FULL} when it fits in the rest of the current page, otherwise {@code FIRST}, {@code MIDDLE}...,
 * {@code LAST}. When fewer than {@value WalFormat#HEADER_SIZE} bytes remain in a page, the page is
 * zero-padded and closed. When exactly {@value WalFormat#HEADER_SIZE} bytes remain, a zero-length
 * {@code FIRST} fragment is written there, as Prometheus does.
 *
 * <p>The page is kept in one direct buffer; {@link #flush()} hands the written-but-unflushed part
 * of the page to the OS without padding it (the same page is completed by later appends), and a
 * full page is written and zeroed for reuse. No allocation happens per record.
 *
 * <p>Not thread-safe; {@link Wal} serializes access.
 */
final class WalSegmentWriter implements Closeable {

  private static final byte[] ZEROS = new byte[PAGE_SIZE];

  private final int index;
  private final Path path;
  private final FileChannel channel;
  private final int pagesPerSegment;

  /** Shared with the owning {@link Wal}; bytes at and after {@link #alloc} are always zero. */
  private final ByteBuffer page;

  private final CRC32C crc;

  /** Bytes of the current page filled with fragments. */
  private int alloc;

  /** Bytes of the current page already written to the channel. */
  private int flushed;

  /** Complete pages written to the channel. */
  private int donePages;

  private boolean closed;

  WalSegmentWriter(Path dir, int index, long segmentSize, ByteBuffer page, CRC32C crc)
      throws IOException {
    checkSegmentSize(segmentSize);
    this.index = index;
    this.path = Segments.path(dir, index);
    this.pagesPerSegment = (int) (segmentSize / PAGE_SIZE);
    this.page = page;
    this.crc = crc;
    this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  /**
   * Creates segment file {@code index} in {@code dir}; fails if it exists.
   *
   * @param segmentSize a positive multiple of {@link WalFormat#PAGE_SIZE}
   */
  public static WalSegmentWriter create(Path dir, int index, long segmentSize) throws IOException {
    return new WalSegmentWriter(
        dir, index, segmentSize, ByteBuffer.allocateDirect(PAGE_SIZE), new CRC32C());
  }

  static void checkSegmentSize(long segmentSize) {
    if (segmentSize <= 0
        || segmentSize % PAGE_SIZE != 0
        || segmentSize / PAGE_SIZE > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "segment size must be a positive multiple of the page size [segmentSize="
              + segmentSize
              + ", pageSize="
              + PAGE_SIZE
              + "]");
    }
  }

  public int index() {
    return index;
  }

  public Path path() {
    return path;
  }

  /** Whether nothing has been appended yet. */
  public boolean isEmpty() {
    return alloc == 0 && donePages == 0;
  }

  /** Bytes appended so far, padding included. */
  public long size() {
    return (long) donePages * PAGE_SIZE + alloc;
  }

  /**
   * Record bytes that still fit in this segment: the free space of the current page and of all
   * untouched pages, each less one fragment header. Can be negative or zero when full.
   */
  public long capacityLeft() {
    return (PAGE_SIZE - alloc)
        - HEADER_SIZE
        + (long) (PAGE_SIZE - HEADER_SIZE) * (pagesPerSegment - donePages - 1);
  }

  /**
   * Appends one record's bytes, fragmenting across pages. Does not check the segment's capacity:
   * the caller decides when to roll over; a record larger than a segment simply makes it larger.
   *
   * @param snappy whether {@code data} is snappy-compressed (sets the flag in every fragment)
   */
  public void append(byte[] data, int off, int len, boolean snappy) throws IOException {
    if (closed) {
      throw new IOException("segment writer is closed [segment=" + index + ", file=" + path + "]");
    }
    if (PAGE_SIZE - alloc < HEADER_SIZE) {
      // A previous page flush failed; the page is still full.
      flushPage(true);
    }
    int pos = off;
    int rem = len;
    boolean first = true;
    do {
      int l = Math.min(rem, PAGE_SIZE - alloc - HEADER_SIZE);
      int type;
      if (l == rem) {
        type = first ? WalFormat.TYPE_FULL : WalFormat.TYPE_LAST;
      } else {
        type = first ? WalFormat.TYPE_FIRST : WalFormat.TYPE_MIDDLE;
      }
      if (snappy) {
        type |= WalFormat.SNAPPY_FLAG;
      }
      crc.reset();
      crc.update(data, pos, l);
      page.put(alloc, (byte) type);
      page.putShort(alloc + 1, (short) l);
      page.putInt(alloc + 3, (int) crc.getValue());
      page.put(alloc + HEADER_SIZE, data, pos, l);
      alloc += HEADER_SIZE + l;
      if (PAGE_SIZE - alloc < HEADER_SIZE) {
        flushPage(true);
      }
      pos += l;
      rem -= l;
      first = false;
    } while (rem > 0);
  }

  /** Writes the unflushed part of the current page to the OS without padding it. */
  public void flush() throws IOException {
    if (alloc > flushed) {
      flushPage(false);
    }
  }

  /** {@link #flush()} then {@link FileChannel#force(boolean) fsync}. */
  public void sync() throws IOException {
    flush();
    try {
      channel.force(false);
    } catch (IOException e) {
      throw named("fsync", e);
    }
  }

  /** A disk-full or I/O error with the segment it happened on: the OS's message names no file. */
  private IOException named(String what, IOException e) {
    return new IOException(what + " of WAL segment " + path + " failed: " + e.getMessage(), e);
  }

  private void flushPage(boolean pad) throws IOException {
    int dirty = alloc;
    if (pad) {
      alloc = PAGE_SIZE; // the bytes after the fragments are zero already
    }
    page.limit(alloc).position(flushed);
    try {
      while (page.hasRemaining()) {
        channel.write(page);
      }
    } catch (IOException e) {
      throw named("write", e);
    }
    page.clear();
    flushed = alloc;
    if (pad) {
      page.put(0, ZEROS, 0, dirty);
      alloc = 0;
      flushed = 0;
      donePages++;
    }
  }

  /**
   * Pads and writes the last page if it has data (Prometheus never leaves a partial page behind in
   * a closed segment), fsyncs and closes the file.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      if (alloc > 0) {
        flushPage(true);
      }
      channel.force(false);
    } finally {
      closed = true;
      page.clear();
      page.put(0, ZEROS, 0, PAGE_SIZE);
      alloc = 0;
      flushed = 0;
      channel.close();
    }
  }
}
