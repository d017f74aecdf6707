package io.cardinal.storage.wal;

import static io.cardinal.storage.wal.WalFormat.HEADER_SIZE;
import static io.cardinal.storage.wal.WalFormat.PAGE_SIZE;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Follows a live WAL directory record by record, from a position (segment, byte offset of a record
 * boundary) onwards, while the database keeps writing it.
 *
 * <p>{@link WalReader} reads complete segments from their start, which is what replay and
 * checkpoints need (see {@link WalReplay}); a watcher must instead resume in the middle of the
 * segment being written, many times a second, without re-reading it. So this class reads the same
 * page format itself (32 KiB pages, 7-byte fragment headers {@code type | length (2, big endian) |
 * CRC32C (4)}, FULL / FIRST / MIDDLE / LAST fragments that never cross a page, snappy-compressed
 * records) starting at any record boundary:
 *
 * <ul>
 *   <li>A record that is not complete yet (the file ends inside it: the writer flushes a record's
 *       first fragments with the page that fills up before its last fragment) is left for the next
 *       poll; the position stays at its first fragment.
 *   <li>A segment is finished once a newer segment exists: the writer pads and closes a segment
 *       before it creates the next. The watcher then reads what is left of it and moves to the next
 *       existing segment.
 *   <li>Segments deleted before the watcher reached them (WAL truncation after a checkpoint, when
 *       the watcher lags by more than the segments the checkpoint folds) are reported through
 *       {@link Listener#gap}.
 *   <li>A record that is corrupt for good (bad checksum or framing in a finished segment) is
 *       reported through {@link Listener#corrupt} and the rest of that segment is skipped.
 * </ul>
 *
 * <p>Not thread-safe: one watcher per reading thread.
 */
public final class WalWatcher implements Closeable {
  /** Receives records and events. {@code rec} is valid only during the call. */
  public interface Listener {
    void record(ByteBuffer rec, int segment) throws IOException;

    /** Segments {@code from..to} (inclusive) were deleted before they were read. */
    default void gap(int from, int to) {}

    /**
     * A finished segment had an unreadable record at {@code offset}; the rest of the segment is
     * skipped.
     */
    default void corrupt(int segment, long offset, String why) {}
  }

  private enum Step {
    RECORD,
    INCOMPLETE,
    CORRUPT
  }

  /** Polls a record may stay unreadable in the newest segment before it is taken as corrupt. */
  public static final int CORRUPT_RETRIES = 50;

  private final Path dir;
  private int segment;
  private long offset;
  private FileChannel channel;
  private final CRC32C crc = new CRC32C();
  private final byte[] window = new byte[4 * PAGE_SIZE];
  private long windowStart;
  private int windowLen;
  private byte[] rec = new byte[4096];
  private int recLen;
  private byte[] comp = new byte[0];
  private int compLen;
  private String corruptWhy;
  private long corruptAt = -1;
  private int corruptSeen;

  public WalWatcher(Path dir, int segment, long offset) {
    this.dir = dir;
    this.segment = segment;
    this.offset = offset;
  }

  /** Segment of the next record. */
  public int segment() {
    return segment;
  }

  /**
   * Offset of the next record in {@link #segment()}; {@link Long#MAX_VALUE} once the rest of the
   * segment was given up as corrupt.
   */
  public long offset() {
    return offset;
  }

  /**
   * Reads every complete record available now, moving through finished segments, at most {@code
   * maxRecords}.
   *
   * @return the number of records delivered
   */
  public int poll(Listener listener, int maxRecords) throws IOException {
    int delivered = 0;
    while (delivered < maxRecords) {
      if (channel == null && !open(listener)) {
        return delivered;
      }
      long size = channel.size();
      Step step = readRecord(size);
      if (step == Step.RECORD) {
        corruptSeen = 0;
        listener.record(ByteBuffer.wrap(rec, 0, recLen), segment);
        delivered++;
        continue;
      }
      int next = nextSegment();
      if (next < 0) {
        // The newest segment: wait for the writer, but not forever for a record that cannot be
        // read.
        if (step == Step.CORRUPT && noteCorrupt() >= CORRUPT_RETRIES) {
          listener.corrupt(segment, offset, corruptWhy);
          // Nothing after it in this segment can be found again: wait for the next segment.
          offset = Long.MAX_VALUE;
        }
        return delivered;
      }
      // A newer segment exists, so this one is finished; read what the writer added before closing
      // it.
      if (channel.size() > size) {
        continue;
      }
      if (step == Step.CORRUPT || offset < size && offset != Long.MAX_VALUE) {
        listener.corrupt(
            segment,
            offset,
            step == Step.CORRUPT
                ? corruptWhy
                : "segment ends inside a record (" + (size - offset) + " bytes)");
      }
      closeChannel();
      if (next > segment + 1) {
        listener.gap(segment + 1, next - 1);
      }
      segment = next;
      offset = 0;
      corruptSeen = 0;
    }
    return delivered;
  }

  private int noteCorrupt() {
    if (corruptAt != offset) {
      corruptAt = offset;
      corruptSeen = 0;
    }
    return ++corruptSeen;
  }

  /**
   * Opens the current segment; when it is gone, moves to the next existing one (reporting the gap).
   */
  private boolean open(Listener listener) throws IOException {
    while (true) {
      try {
        channel = FileChannel.open(Segments.path(dir, segment), StandardOpenOption.READ);
        windowLen = 0;
        return true;
      } catch (NoSuchFileException e) {
        int next = nextSegment();
        if (next < 0) {
          int[] all = Segments.list(dir);
          if (all.length > 0 && all[all.length - 1] < segment) {
            // Nothing at or after our segment yet (the directory was cut back): wait.
            return false;
          }
          return false;
        }
        listener.gap(segment, next - 1);
        segment = next;
        offset = 0;
      }
    }
  }

  /** The smallest existing segment index above the current one, or -1. */
  private int nextSegment() throws IOException {
    int best = -1;
    for (int i : Segments.list(dir)) {
      if (i > segment && (best < 0 || i < best)) {
        best = i;
      }
    }
    return best;
  }

  /** Reads one record starting at {@link #offset}; on success the offset moves past it. */
  private Step readRecord(long size) throws IOException {
    if (offset == Long.MAX_VALUE) {
      return Step.INCOMPLETE;
    }
    long pos = offset;
    int fragments = 0;
    boolean snappy = false;
    recLen = 0;
    compLen = 0;
    while (true) {
      int inPage = (int) (pos % PAGE_SIZE);
      if (PAGE_SIZE - inPage < HEADER_SIZE) {
        // Too little room for a header: the writer padded the rest of the page.
        pos += PAGE_SIZE - inPage;
        if (fragments == 0) {
          offset = Math.min(pos, size);
        }
        continue;
      }
      if (pos + HEADER_SIZE > size) {
        return Step.INCOMPLETE;
      }
      if (!load(pos, HEADER_SIZE, size)) {
        return Step.INCOMPLETE;
      }
      int h = (int) (pos - windowStart);
      int typeByte = window[h] & 0xff;
      int type = typeByte & WalFormat.TYPE_MASK;
      if (type == WalFormat.TYPE_PAGE_TERM) {
        if (fragments > 0) {
          return corrupt("page padding inside a record at offset " + pos);
        }
        long next = pos - inPage + PAGE_SIZE;
        if (next > size) {
          // The padding of a closed page is not all written yet.
          return Step.INCOMPLETE;
        }
        pos = next;
        offset = pos;
        continue;
      }
      if ((typeByte & WalFormat.ZSTD_FLAG) != 0) {
        return corrupt("zstd-compressed record (unsupported) at offset " + pos);
      }
      int length = ((window[h + 1] & 0xff) << 8) | (window[h + 2] & 0xff);
      int expected =
          ((window[h + 3] & 0xff) << 24)
              | ((window[h + 4] & 0xff) << 16)
              | ((window[h + 5] & 0xff) << 8)
              | (window[h + 6] & 0xff);
      if (inPage + HEADER_SIZE + length > PAGE_SIZE) {
        return corrupt("fragment of " + length + " bytes crosses a page boundary at offset " + pos);
      }
      long dataPos = pos + HEADER_SIZE;
      if (dataPos + length > size) {
        return Step.INCOMPLETE;
      }
      if (!load(dataPos, length, size)) {
        return Step.INCOMPLETE;
      }
      int d = (int) (dataPos - windowStart);
      crc.reset();
      crc.update(window, d, length);
      if ((int) crc.getValue() != expected) {
        return corrupt("checksum mismatch at offset " + pos);
      }
      boolean first = type == WalFormat.TYPE_FULL || type == WalFormat.TYPE_FIRST;
      if (first != (fragments == 0) || type > WalFormat.TYPE_LAST) {
        return corrupt(
            "unexpected fragment type "
                + type
                + " after "
                + fragments
                + " fragment(s) at offset "
                + pos);
      }
      if (first) {
        snappy = (typeByte & WalFormat.SNAPPY_FLAG) != 0;
      } else if (snappy != ((typeByte & WalFormat.SNAPPY_FLAG) != 0)) {
        return corrupt("fragments of one record disagree on compression at offset " + pos);
      }
      if (snappy) {
        comp = grow(comp, compLen + length);
        System.arraycopy(window, d, comp, compLen, length);
        compLen += length;
      } else {
        rec = grow(rec, recLen + length);
        System.arraycopy(window, d, rec, recLen, length);
        recLen += length;
      }
      fragments++;
      pos = dataPos + length;
      if (type == WalFormat.TYPE_FULL || type == WalFormat.TYPE_LAST) {
        if (snappy && compLen > 0) {
          try {
            int n = org.xerial.snappy.Snappy.uncompressedLength(comp, 0, compLen);
            rec = grow(rec, n);
            recLen = org.xerial.snappy.Snappy.uncompress(comp, 0, compLen, rec, 0);
          } catch (IOException | RuntimeException e) {
            return corrupt("bad snappy record at offset " + offset + ": " + e.getMessage());
          }
        }
        offset = pos;
        return Step.RECORD;
      }
    }
  }

  private Step corrupt(String why) {
    corruptWhy = why;
    return Step.CORRUPT;
  }

  /** Makes bytes [pos, pos+n) available in {@link #window}; false if the file is shorter. */
  private boolean load(long pos, int n, long size) throws IOException {
    if (pos >= windowStart && pos + n <= windowStart + windowLen) {
      return true;
    }
    if (pos + n > size) {
      return false;
    }
    int want = (int) Math.min(window.length, size - pos);
    ByteBuffer bb = ByteBuffer.wrap(window, 0, want);
    long at = pos;
    while (bb.hasRemaining()) {
      int r = channel.read(bb, at);
      if (r < 0) {
        break;
      }
      at += r;
    }
    windowStart = pos;
    windowLen = bb.position();
    return windowLen >= n;
  }

  private static byte[] grow(byte[] a, int size) {
    return a.length >= size ? a : Arrays.copyOf(a, Math.max(size, a.length * 2));
  }

  private void closeChannel() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
    windowLen = 0;
  }

  @Override
  public void close() throws IOException {
    closeChannel();
  }
}
