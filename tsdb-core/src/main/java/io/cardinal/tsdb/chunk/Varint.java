package io.cardinal.tsdb.chunk;

/**
 * Go's {@code encoding/binary} varints, used throughout Prometheus's formats: unsigned LEB128
 * ({@code uvarint}) and zig-zag signed ({@code varint}).
 */
public final class Varint {
  private Varint() {}

  /** Writes {@code v} as a uvarint at {@code off}; returns the offset after it. */
  public static int putUvarint(byte[] b, int off, long v) {
    while ((v & ~0x7FL) != 0) {
      b[off++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[off++] = (byte) v;
    return off;
  }

  public static int putVarint(byte[] b, int off, long v) {
    return putUvarint(b, off, zigzag(v));
  }

  public static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  public static long unzigzag(long u) {
    return (u >>> 1) ^ -(u & 1);
  }

  /** Encoded length of {@code v} as a uvarint (1 to 10 bytes). */
  public static int uvarintSize(long v) {
    return (63 - Long.numberOfLeadingZeros(v | 1)) / 7 + 1;
  }
}
