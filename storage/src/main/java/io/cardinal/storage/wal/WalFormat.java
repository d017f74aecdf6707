package io.cardinal.storage.wal;

/**
 * Constants of the Prometheus write-ahead-log segment format.
 *
 * <pre>
 * Segment  --&gt; Page^N                       (no header, no footer)
 * Page     --&gt; Fragment^M, Padding           (exactly 32 KiB, only the last page of a segment may be short)
 * Fragment --&gt; type &lt;1b&gt;, len &lt;uint16 BE&gt;, CRC32C(data) &lt;uint32 BE&gt;, data &lt;len bytes&gt;
 * Padding  --&gt; 0x00^k                        (k &gt;= 0, up to the page boundary)
 * </pre>
 *
 * <p>The type byte is {@code reserved<3bit> | zstd<1bit> | snappy<1bit> | fragmentType<3bit>}. A
 * fragment never crosses a page boundary: when fewer than {@link #HEADER_SIZE} bytes are left in a
 * page, the rest of the page is zero-filled and a type of 0 tells the reader to skip to the next
 * page. Records never cross segment boundaries. See {@code docs/format/wal.md}.
 */
public final class WalFormat {

  /** Size of a page: fragments are laid out so that none crosses a page boundary. */
  public static final int PAGE_SIZE = 32 * 1024;

  /** type (1) + length (2) + CRC32C (4). */
  public static final int HEADER_SIZE = 7;

  /** Largest payload a single fragment can carry. */
  public static final int MAX_FRAGMENT_DATA = PAGE_SIZE - HEADER_SIZE;

  /** Default segment size, 128 MiB, as in Prometheus. */
  public static final long DEFAULT_SEGMENT_SIZE = 128L * 1024 * 1024;

  /** Fragment type: the rest of the page is zero padding. */
  public static final int TYPE_PAGE_TERM = 0;

  /** Fragment type: the whole record in one fragment. */
  public static final int TYPE_FULL = 1;

  /** Fragment type: first fragment of a record split across pages. */
  public static final int TYPE_FIRST = 2;

  /** Fragment type: neither first nor last fragment of a split record. */
  public static final int TYPE_MIDDLE = 3;

  /** Fragment type: last fragment of a split record. */
  public static final int TYPE_LAST = 4;

  /** Low three bits of the type byte: the fragment type. */
  public static final int TYPE_MASK = 0x07;

  /** The record's data is snappy (raw block format) compressed. */
  public static final int SNAPPY_FLAG = 0x08;

  /**
   * The record's data is zstd compressed (Prometheus 3.x); not supported by this implementation.
   */
  public static final int ZSTD_FLAG = 0x10;

  /** Segment file names are the segment index as 8 decimal digits. */
  public static final int SEGMENT_NAME_DIGITS = 8;

  private WalFormat() {}

  /** {@code 00000042} for 42. */
  public static String segmentName(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("negative segment index [index=" + index + "]");
    }
    return String.format("%08d", index);
  }

  /**
   * Parses a segment file name, returning -1 when the name is not a segment's (Prometheus skips
   * such files, e.g. {@code checkpoint.00000003} or {@code 00000001.repair}).
   */
  public static int parseSegmentName(String name) {
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

  static String typeName(int fragmentType) {
    switch (fragmentType) {
      case TYPE_PAGE_TERM:
        return "PAGE_TERM";
      case TYPE_FULL:
        return "FULL";
      case TYPE_FIRST:
        return "FIRST";
      case TYPE_MIDDLE:
        return "MIDDLE";
      case TYPE_LAST:
        return "LAST";
      default:
        return "UNKNOWN(" + fragmentType + ")";
    }
  }
}
