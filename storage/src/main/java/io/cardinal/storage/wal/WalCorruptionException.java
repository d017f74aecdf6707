package io.cardinal.storage.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The WAL layer's single exception type: the bytes on disk are not a valid WAL. It always names the
 * segment (index and file), the byte offset inside that segment and a {@link Kind}; callers
 * classify by {@link #kind()}, never by message text.
 *
 * <p>{@link #offset()} is the offset of the fragment header where the problem was found, except for
 * {@link Kind#TORN_RECORD} where it is the offset of the first fragment of the incomplete record.
 * Either way, every record that ends at or before {@code offset} is intact, which is what {@link
 * WalRepair} relies on.
 */
public final class WalCorruptionException extends IOException {

  private static final long serialVersionUID = 1L;

  /** What was wrong. */
  public enum Kind {
    /** CRC32C of a fragment's data does not match its header. */
    BAD_CRC(true),
    /** Fragment type out of sequence (e.g. MIDDLE without FIRST) or undefined (5..7). */
    UNEXPECTED_FRAGMENT_TYPE(true),
    /** The segment ends inside a record or inside a fragment: a write that never completed. */
    TORN_RECORD(true),
    /** A fragment's length field claims more bytes than are left in its page. */
    FRAGMENT_EXCEEDS_PAGE(true),
    /** A fragment header does not fit in the rest of the page. */
    HEADER_CROSSES_PAGE(true),
    /** Page padding after a type-0 byte contains a non-zero byte. */
    NONZERO_PADDING(true),
    /** Fragments of one record disagree on their compression flags. */
    COMPRESSION_FLAG_MISMATCH(true),
    /** The snappy payload of a record does not decompress. */
    BAD_COMPRESSION(true),
    /**
     * The record uses a compression this implementation cannot read (zstd). The data may be fine:
     * repairing would destroy it, so this kind is not repairable.
     */
    UNSUPPORTED_COMPRESSION(false),
    /** Segment indexes are not contiguous. */
    SEGMENT_GAP(false);

    private final boolean repairable;

    Kind(boolean repairable) {
      this.repairable = repairable;
    }

    /** Whether truncating at the corruption is a sound reaction. */
    public boolean repairable() {
      return repairable;
    }
  }

  private final Kind kind;
  private final int segment;
  private final Path file;
  private final long offset;

  private WalCorruptionException(
      Kind kind, int segment, Path file, long offset, String detail, Throwable cause) {
    super(
        kind
            + ": "
            + detail
            + " [segment="
            + segment
            + ", file="
            + file
            + ", offset="
            + offset
            + "]",
        cause);
    this.kind = kind;
    this.segment = segment;
    this.file = file;
    this.offset = offset;
  }

  public Kind kind() {
    return kind;
  }

  /** Index of the corrupt segment. */
  public int segment() {
    return segment;
  }

  /** The corrupt segment file. */
  public Path file() {
    return file;
  }

  /** Byte offset inside the segment, see the class comment. */
  public long offset() {
    return offset;
  }

  static WalCorruptionException badCrc(
      int segment, Path file, long offset, int expected, int actual) {
    return new WalCorruptionException(
        Kind.BAD_CRC,
        segment,
        file,
        offset,
        String.format(
            "fragment checksum mismatch [expected=0x%08x, actual=0x%08x]", expected, actual),
        null);
  }

  static WalCorruptionException unexpectedFragment(
      int segment, Path file, long offset, int type, int fragmentsBefore) {
    return new WalCorruptionException(
        Kind.UNEXPECTED_FRAGMENT_TYPE,
        segment,
        file,
        offset,
        "unexpected fragment [type="
            + WalFormat.typeName(type)
            + ", fragmentsBefore="
            + fragmentsBefore
            + "]",
        null);
  }

  static WalCorruptionException torn(int segment, Path file, long offset, String what) {
    return new WalCorruptionException(
        Kind.TORN_RECORD, segment, file, offset, "torn record at end of segment: " + what, null);
  }

  static WalCorruptionException fragmentExceedsPage(
      int segment, Path file, long offset, int length, int available) {
    return new WalCorruptionException(
        Kind.FRAGMENT_EXCEEDS_PAGE,
        segment,
        file,
        offset,
        "record fragment length exceeds page [length=" + length + ", available=" + available + "]",
        null);
  }

  static WalCorruptionException headerCrossesPage(
      int segment, Path file, long offset, int typeByte) {
    return new WalCorruptionException(
        Kind.HEADER_CROSSES_PAGE,
        segment,
        file,
        offset,
        String.format(
            "fragment header crosses page boundary [typeByte=0x%02x, pageOffset=%d]",
            typeByte, offset % WalFormat.PAGE_SIZE),
        null);
  }

  static WalCorruptionException nonZeroPadding(
      int segment, Path file, long offset, long badByteOffset, int value) {
    return new WalCorruptionException(
        Kind.NONZERO_PADDING,
        segment,
        file,
        offset,
        String.format(
            "non-zero byte in page padding [byteOffset=%d, value=0x%02x]", badByteOffset, value),
        null);
  }

  static WalCorruptionException compressionMismatch(
      int segment, Path file, long offset, int typeByte) {
    return new WalCorruptionException(
        Kind.COMPRESSION_FLAG_MISMATCH,
        segment,
        file,
        offset,
        String.format(
            "fragment compression flags differ from the record's first fragment [typeByte=0x%02x]",
            typeByte),
        null);
  }

  static WalCorruptionException badCompression(
      int segment, Path file, long offset, String detail, Throwable cause) {
    return new WalCorruptionException(
        Kind.BAD_COMPRESSION,
        segment,
        file,
        offset,
        "snappy payload does not decompress [" + detail + "]",
        cause);
  }

  static WalCorruptionException unsupportedCompression(
      int segment, Path file, long offset, int typeByte) {
    return new WalCorruptionException(
        Kind.UNSUPPORTED_COMPRESSION,
        segment,
        file,
        offset,
        String.format("zstd-compressed record is not supported [typeByte=0x%02x]", typeByte),
        null);
  }

  static WalCorruptionException segmentGap(Path dir, int expected, int found) {
    return new WalCorruptionException(
        Kind.SEGMENT_GAP,
        expected,
        dir.resolve(WalFormat.segmentName(expected)),
        0,
        "segments are not sequential [expected=" + expected + ", found=" + found + "]",
        null);
  }
}
