package io.cardinal.storage.wal.record;

import io.cardinal.tsdb.chunk.Varint;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A decoding cursor over a record that keeps the first error: once a read fails, every later read
 * returns 0 (or "") and leaves the cursor alone, so decoding code reads straight and checks {@link
 * #err()} once at the end. Reusable via {@link #reset(ByteBuffer)}; allocates only for strings and
 * on the error path.
 *
 * <p>Integers follow Go's {@code encoding/binary}: big-endian fixed width, and LEB128 varints of at
 * most 10 bytes ({@code varint} is zig-zag signed).
 */
final class Decbuf {

  private ByteBuffer b;
  private int base;
  private int pos;
  private int end;
  private RecordFormatException err;
  private byte[] scratch = new byte[64];

  /** Decodes {@code buf}'s bytes from position to limit; the buffer itself is not moved. */
  public Decbuf reset(ByteBuffer buf) {
    this.b = buf;
    this.base = buf.position();
    this.pos = buf.position();
    this.end = buf.limit();
    this.err = null;
    return this;
  }

  /** Bytes not yet consumed. */
  public int remaining() {
    return end - pos;
  }

  /** Offset of the cursor from the start of the record. */
  public int offset() {
    return pos - base;
  }

  /** The first error, or null. */
  public RecordFormatException err() {
    return err;
  }

  public boolean ok() {
    return err == null;
  }

  private boolean need(String field, int n) {
    if (err != null) {
      return false;
    }
    if (end - pos < n) {
      err = RecordFormatException.truncated(field, offset(), n, end - pos);
      return false;
    }
    return true;
  }

  /** Records an error unless one is already kept. */
  void fail(RecordFormatException e) {
    if (err == null) {
      err = e;
    }
  }

  public int u8(String field) {
    if (!need(field, 1)) {
      return 0;
    }
    return b.get(pos++) & 0xff;
  }

  public long be64(String field) {
    if (!need(field, 8)) {
      return 0;
    }
    long v = b.getLong(pos);
    if (b.order() != ByteOrder.BIG_ENDIAN) {
      v = Long.reverseBytes(v);
    }
    pos += 8;
    return v;
  }

  public double be64Double(String field) {
    return Double.longBitsToDouble(be64(field));
  }

  public long uvarint(String field) {
    if (err != null) {
      return 0;
    }
    long x = 0;
    int shift = 0;
    for (int i = 0; i < 10; i++) {
      if (pos + i >= end) {
        err = RecordFormatException.truncated(field, offset(), i + 1, end - pos);
        return 0;
      }
      int c = b.get(pos + i) & 0xff;
      if (c < 0x80) {
        if (i == 9 && c > 1) {
          break; // overflow
        }
        pos += i + 1;
        return x | ((long) c << shift);
      }
      x |= (long) (c & 0x7f) << shift;
      shift += 7;
    }
    err = RecordFormatException.invalidVarint(field, offset());
    return 0;
  }

  public long varint(String field) {
    return Varint.unzigzag(uvarint(field));
  }

  /**
   * Like {@link #uvarintStr(String)}, returning {@code strings}' canonical instance. {@code hint}
   * (may be null) is a likely equal string, tried first; if {@code hintPos >= 0} its UTF-8 bytes
   * are at that absolute index of this record's buffer, and are compared as bytes (a vectorised
   * compare instead of one char at a time). {@link #lastStringPos()} then tells where this string's
   * bytes were, to be the next hint.
   */
  public String uvarintStr(
      String field,
      io.cardinal.tsdb.labels.Utf8Interner strings,
      String hint,
      int hintPos,
      int hintLen) {
    int at = offset();
    long len = uvarint(field);
    if (err != null) {
      return "";
    }
    if (len > end - pos) {
      err =
          RecordFormatException.truncated(
              field, at, (int) Math.min(len, Integer.MAX_VALUE), end - pos);
      return "";
    }
    int n = (int) len;
    lastStringPos = pos;
    lastStringLen = n;
    String s;
    if (hintPos >= 0 && hint != null && n == hintLen && b.hasArray()) {
      byte[] a = b.array();
      int o = b.arrayOffset();
      s =
          java.util.Arrays.equals(a, o + pos, o + pos + n, a, o + hintPos, o + hintPos + n)
              ? hint
              : strings.intern(a, o + pos, n);
    } else {
      s = strings.intern(b, pos, n, hint);
    }
    pos += n;
    return s;
  }

  /** Absolute buffer index of the bytes of the string {@link #uvarintStr} last returned. */
  public int lastStringPos() {
    return lastStringPos;
  }

  /** Byte length of that string. */
  public int lastStringLen() {
    return lastStringLen;
  }

  private int lastStringPos = -1;
  private int lastStringLen;

  /** A uvarint length followed by that many UTF-8 bytes. */
  public String uvarintStr(String field) {
    int at = offset();
    long len = uvarint(field);
    if (err != null) {
      return "";
    }
    if (len > end - pos) {
      err =
          RecordFormatException.truncated(
              field, at, (int) Math.min(len, Integer.MAX_VALUE), end - pos);
      return "";
    }
    int n = (int) len;
    String s;
    if (b.hasArray()) {
      s = new String(b.array(), b.arrayOffset() + pos, n, StandardCharsets.UTF_8);
    } else {
      if (scratch.length < n) {
        scratch = new byte[Math.max(n, scratch.length * 2)];
      }
      b.get(pos, scratch, 0, n);
      s = new String(scratch, 0, n, StandardCharsets.UTF_8);
    }
    pos += n;
    return s;
  }

  /**
   * A uvarint count of items each taking at least {@code minItemBytes} bytes; fails with {@link
   * RecordFormatException.Code#INVALID_LENGTH} if the rest of the record cannot hold them (guards
   * allocations against garbage).
   */
  public int count(String field, int minItemBytes) {
    int at = offset();
    long n = uvarint(field);
    if (err != null) {
      return 0;
    }
    if (n < 0 || n > (long) (end - pos) / Math.max(1, minItemBytes)) {
      err = RecordFormatException.invalidLength(field, at, n, end - pos);
      return 0;
    }
    return (int) n;
  }
}
