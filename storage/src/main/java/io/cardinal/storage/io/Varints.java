package io.cardinal.storage.io;

import io.cardinal.tsdb.chunk.Varint;
import java.nio.ByteBuffer;

/**
 * Varint reading for storage's file formats, next to tsdb-core's {@link Varint} (which encodes, and
 * which the chunk encodings keep for themselves). Readers take a one-element cursor array that they
 * advance, so a caller walks a section without allocating; a malformed varint raises {@link
 * VarintException}, which the caller turns into its format's corruption error naming the file.
 */
public final class Varints {
  private Varints() {}

  /** A uvarint at {@code c[0]} of {@code b}, not reading at or past {@code end}. */
  public static long uvarint(ByteBuffer b, int[] c, int end) throws VarintException {
    long x = 0;
    int s = 0;
    for (int i = 0; i < 10; i++) {
      if (c[0] >= end) {
        throw new VarintException(c[0], true);
      }
      int v = b.get(c[0]++) & 0xFF;
      if (v < 0x80) {
        return x | ((long) v << s);
      }
      x |= (long) (v & 0x7F) << s;
      s += 7;
    }
    throw new VarintException(c[0], false);
  }

  /** A uvarint at {@code c[0]} of {@code b}, not reading at or past {@code end}. */
  public static long uvarint(byte[] b, int[] c, int end) throws VarintException {
    long x = 0;
    int s = 0;
    for (int i = 0; i < 10; i++) {
      if (c[0] >= end) {
        throw new VarintException(c[0], true);
      }
      int v = b[c[0]++] & 0xFF;
      if (v < 0x80) {
        return x | ((long) v << s);
      }
      x |= (long) (v & 0x7F) << s;
      s += 7;
    }
    throw new VarintException(c[0], false);
  }

  /** A zig-zag signed varint; see {@link #uvarint(ByteBuffer, int[], int)}. */
  public static long varint(ByteBuffer b, int[] c, int end) throws VarintException {
    return Varint.unzigzag(uvarint(b, c, end));
  }

  /** A zig-zag signed varint; see {@link #uvarint(byte[], int[], int)}. */
  public static long varint(byte[] b, int[] c, int end) throws VarintException {
    return Varint.unzigzag(uvarint(b, c, end));
  }

  /** Writes {@code v} as a uvarint at the buffer's position. */
  public static void putUvarint(ByteBuffer b, long v) {
    while ((v & ~0x7FL) != 0) {
      b.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    b.put((byte) v);
  }

  /** Writes {@code v} as a uvarint into {@code b} at {@code off}; returns the offset after it. */
  public static int putUvarint(byte[] b, int off, long v) {
    return Varint.putUvarint(b, off, v);
  }

  /** Encoded length of {@code v} as a uvarint. */
  public static int uvarintSize(long v) {
    return Varint.uvarintSize(v);
  }

  /** A varint that ends past the readable bytes or runs over 10 bytes. */
  public static final class VarintException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int offset;
    private final boolean truncated;

    VarintException(int offset, boolean truncated) {
      super(truncated ? "truncated varint" : "invalid varint", null, false, false);
      this.offset = offset;
      this.truncated = truncated;
    }

    /** Where reading stopped. */
    public int offset() {
      return offset;
    }

    /** True if the bytes ended inside the varint, false if it was over 10 bytes. */
    public boolean truncated() {
      return truncated;
    }
  }
}
