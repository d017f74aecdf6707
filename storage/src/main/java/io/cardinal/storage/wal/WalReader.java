package io.cardinal.storage.wal;

import static io.cardinal.storage.wal.WalFormat.HEADER_SIZE;
import static io.cardinal.storage.wal.WalFormat.PAGE_SIZE;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * Iterates the records of one or more segment ranges in order, reassembling fragments, verifying
 * CRC32C checksums and decompressing snappy records.
 *
 * <pre>{@code
 * try (WalReader r = WalReader.open(walDir)) {
 *     while (r.next()) {
 *         ByteBuffer rec = r.record(); // valid until the next call to next()
 *     }
 * }
 * }</pre>
 *
 * <p>Any deviation from the format raises a {@link WalCorruptionException} naming the segment, the
 * byte offset and what was wrong. The reader is stricter than required where a valid Prometheus
 * writer cannot produce the input: a fragment must not cross a page boundary, fragments of one
 * record must agree on compression, and a record must end in the segment where it started. A
 * segment whose length is not a page multiple (the newest one, or one left by a restart) simply
 * ends: its missing padding is implied.
 */
public final class WalReader implements Closeable {

  private static final int MAX_SNAPPY_RATIO = 22;

  private final List<Path> files;
  private final int[] indexes;
  private final CRC32C crc = new CRC32C();
  private final byte[] page = new byte[PAGE_SIZE];

  private int cur = -1;
  private FileChannel channel;
  private final ByteBuffer pageBuf = ByteBuffer.wrap(page);

  /** Offset of the current page in its segment. */
  private long pageStart;

  /** Valid bytes in the current page; less than a page only at the end of a segment. */
  private int pageLen;

  private int pagePos;

  private byte[] rec = new byte[4096];
  private int recLen;
  private byte[] comp = new byte[0];
  private int compLen;
  private ByteBuffer recView = ByteBuffer.wrap(rec);
  private int recSegment = -1;
  private long recStart;
  private long recEnd;

  private WalReader(List<Path> files, int[] indexes) {
    this.files = files;
    this.indexes = indexes;
  }

  /** Reads every segment of the WAL in {@code dir}. */
  public static WalReader open(Path dir) throws IOException {
    return open(SegmentRange.all(dir));
  }

  /**
   * Reads the given ranges one after the other (e.g. a checkpoint directory followed by the WAL).
   * Segment indexes within a range must be contiguous.
   */
  public static WalReader open(SegmentRange... ranges) throws IOException {
    List<Path> files = new ArrayList<>();
    int[] idx = new int[8];
    for (SegmentRange r : ranges) {
      int prev = -1;
      for (int i : Segments.list(r.dir())) {
        if (!r.contains(i)) {
          continue;
        }
        if (prev >= 0 && i != prev + 1) {
          throw WalCorruptionException.segmentGap(r.dir(), prev + 1, i);
        }
        prev = i;
        if (files.size() == idx.length) {
          idx = Arrays.copyOf(idx, idx.length * 2);
        }
        idx[files.size()] = i;
        files.add(Segments.path(r.dir(), i));
      }
    }
    return new WalReader(files, Arrays.copyOf(idx, files.size()));
  }

  /** Reads the single segment file {@code index} in {@code dir}. */
  public static WalReader openSegment(Path dir, int index) {
    return new WalReader(List.of(Segments.path(dir, index)), new int[] {index});
  }

  /**
   * Advances to the next record.
   *
   * @return false at the clean end of the last segment
   * @throws WalCorruptionException when the bytes are not a valid WAL
   */
  public boolean next() throws IOException {
    while (true) {
      if (channel == null && !openNext()) {
        return false;
      }
      if (readRecord()) {
        return true;
      }
      closeChannel();
    }
  }

  /** The current record, position 0, limit its length. Valid until the next {@link #next()}. */
  public ByteBuffer record() {
    if (recView.array() != rec) {
      recView = ByteBuffer.wrap(rec);
    }
    recView.clear().limit(recLen);
    return recView;
  }

  /** Backing array of the current record (bytes {@code 0..recordLength()}); reused. */
  public byte[] recordArray() {
    return rec;
  }

  public int recordLength() {
    return recLen;
  }

  /** Index of the segment holding the current record. */
  public int segment() {
    return recSegment;
  }

  /** Path of the segment holding the current record. */
  public Path segmentFile() {
    return files.get(cur);
  }

  /** Offset of the current record's first fragment header within its segment. */
  public long recordStartOffset() {
    return recStart;
  }

  /** Offset just past the current record's last fragment within its segment. */
  public long recordEndOffset() {
    return recEnd;
  }

  private boolean openNext() throws IOException {
    if (cur + 1 >= files.size()) {
      return false;
    }
    cur++;
    channel = FileChannel.open(files.get(cur), StandardOpenOption.READ);
    pageStart = 0;
    pageLen = 0;
    pagePos = 0;
    return true;
  }

  private void closeChannel() throws IOException {
    FileChannel c = channel;
    channel = null;
    if (c != null) {
      c.close();
    }
  }

  /** Loads the next page; false at the end of the segment. */
  private boolean loadPage() throws IOException {
    if (pageLen < PAGE_SIZE && pageStart + pageLen > 0) {
      return false; // the previous page was short: end of file
    }
    pageStart += pageLen;
    pageBuf.clear();
    while (pageBuf.hasRemaining()) {
      if (channel.read(pageBuf) < 0) {
        break;
      }
    }
    pageLen = pageBuf.position();
    pagePos = 0;
    return pageLen > 0;
  }

  /** Reads one record of the current segment; false at its clean end. */
  private boolean readRecord() throws IOException {
    int segIdx = indexes[cur];
    Path file = files.get(cur);
    int fragments = 0;
    int firstFlags = 0;
    long start = -1;
    recLen = 0;
    compLen = 0;
    while (true) {
      if (pagePos >= pageLen && !loadPage()) {
        if (fragments > 0) {
          throw WalCorruptionException.torn(
              segIdx,
              file,
              start,
              "segment ends after "
                  + fragments
                  + " fragment(s) of a record without its LAST fragment");
        }
        return false;
      }
      int p = pagePos;
      long off = pageStart + p;
      int typeByte = page[p] & 0xff;
      int type = typeByte & WalFormat.TYPE_MASK;
      if (type == WalFormat.TYPE_PAGE_TERM) {
        for (int i = p + 1; i < pageLen; i++) {
          if (page[i] != 0) {
            throw WalCorruptionException.nonZeroPadding(
                segIdx, file, off, pageStart + i, page[i] & 0xff);
          }
        }
        pagePos = pageLen;
        continue;
      }
      if ((typeByte & WalFormat.ZSTD_FLAG) != 0) {
        throw WalCorruptionException.unsupportedCompression(segIdx, file, off, typeByte);
      }
      if (p + HEADER_SIZE > pageLen) {
        if (pageLen == PAGE_SIZE) {
          throw WalCorruptionException.headerCrossesPage(segIdx, file, off, typeByte);
        }
        throw WalCorruptionException.torn(
            segIdx,
            file,
            fragments > 0 ? start : off,
            "segment ends inside a fragment header [fragmentOffset=" + off + "]");
      }
      int length = ((page[p + 1] & 0xff) << 8) | (page[p + 2] & 0xff);
      int expectedCrc =
          ((page[p + 3] & 0xff) << 24)
              | ((page[p + 4] & 0xff) << 16)
              | ((page[p + 5] & 0xff) << 8)
              | (page[p + 6] & 0xff);
      int dataStart = p + HEADER_SIZE;
      if (dataStart + length > PAGE_SIZE) {
        throw WalCorruptionException.fragmentExceedsPage(
            segIdx, file, off, length, PAGE_SIZE - dataStart);
      }
      if (dataStart + length > pageLen) {
        throw WalCorruptionException.torn(
            segIdx,
            file,
            fragments > 0 ? start : off,
            "segment ends inside fragment data [fragmentOffset="
                + off
                + ", length="
                + length
                + ", available="
                + (pageLen - dataStart)
                + "]");
      }
      crc.reset();
      crc.update(page, dataStart, length);
      int actualCrc = (int) crc.getValue();
      if (actualCrc != expectedCrc) {
        throw WalCorruptionException.badCrc(segIdx, file, off, expectedCrc, actualCrc);
      }
      switch (type) {
        case WalFormat.TYPE_FULL:
        case WalFormat.TYPE_FIRST:
          if (fragments != 0) {
            throw WalCorruptionException.unexpectedFragment(segIdx, file, off, type, fragments);
          }
          start = off;
          firstFlags = typeByte & WalFormat.SNAPPY_FLAG;
          break;
        case WalFormat.TYPE_MIDDLE:
        case WalFormat.TYPE_LAST:
          if (fragments == 0) {
            throw WalCorruptionException.unexpectedFragment(segIdx, file, off, type, fragments);
          }
          if ((typeByte & WalFormat.SNAPPY_FLAG) != firstFlags) {
            throw WalCorruptionException.compressionMismatch(segIdx, file, off, typeByte);
          }
          break;
        default:
          throw WalCorruptionException.unexpectedFragment(segIdx, file, off, type, fragments);
      }
      if (firstFlags != 0) {
        comp = ensure(comp, compLen + length);
        System.arraycopy(page, dataStart, comp, compLen, length);
        compLen += length;
      } else {
        rec = ensure(rec, recLen + length);
        System.arraycopy(page, dataStart, rec, recLen, length);
        recLen += length;
      }
      fragments++;
      pagePos = dataStart + length;
      if (type == WalFormat.TYPE_FULL || type == WalFormat.TYPE_LAST) {
        if (firstFlags != 0 && compLen > 0) {
          decompress(segIdx, file, start);
        }
        recSegment = segIdx;
        recStart = start;
        recEnd = pageStart + pagePos;
        return true;
      }
    }
  }

  private void decompress(int segIdx, Path file, long start) throws WalCorruptionException {
    int n;
    try {
      n = Snappy.uncompressedLength(comp, 0, compLen);
    } catch (IOException | RuntimeException e) {
      throw WalCorruptionException.badCompression(segIdx, file, start, "bad length preamble", e);
    }
    if (n < 0 || (long) n > (long) compLen * MAX_SNAPPY_RATIO + 64) {
      throw WalCorruptionException.badCompression(
          segIdx,
          file,
          start,
          "implausible uncompressed length [compressed=" + compLen + ", uncompressed=" + n + "]",
          null);
    }
    rec = ensure(rec, n);
    try {
      recLen = Snappy.uncompress(comp, 0, compLen, rec, 0);
    } catch (IOException | RuntimeException e) {
      throw WalCorruptionException.badCompression(
          segIdx, file, start, "compressed=" + compLen + ", uncompressed=" + n, e);
    }
  }

  private static byte[] ensure(byte[] a, int size) {
    if (a.length >= size) {
      return a;
    }
    return Arrays.copyOf(a, Math.max(size, a.length + (a.length >> 1)));
  }

  @Override
  public void close() throws IOException {
    closeChannel();
  }
}
