package io.cardinal.storage.wal.record;

import io.cardinal.tsdb.chunk.Varint;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable, reusable byte buffer for encoding records (Go {@code encoding.Encbuf}). Strings are
 * written as UTF-8 without intermediate allocation. Integers: big-endian fixed width, and LEB128
 * varints ({@code varint} is zig-zag signed), as Go's {@code encoding/binary}.
 */
public final class Encbuf {

  private byte[] b;
  private int len;
  private ByteBuffer view;

  public Encbuf() {
    this(1024);
  }

  public Encbuf(int capacity) {
    this.b = new byte[Math.max(16, capacity)];
    this.view = ByteBuffer.wrap(b);
  }

  /** Forgets the contents, keeping the capacity. */
  public Encbuf reset() {
    len = 0;
    return this;
  }

  public int length() {
    return len;
  }

  /** Backing array; bytes {@code 0..length()} are the contents. Replaced when the buffer grows. */
  public byte[] array() {
    return b;
  }

  /** Contents {@code [from, length())} as a reused buffer view. */
  public ByteBuffer view(int from) {
    if (view.array() != b) {
      view = ByteBuffer.wrap(b);
    }
    view.limit(len).position(from);
    return view;
  }

  /** The whole contents as a reused buffer view. */
  public ByteBuffer view() {
    return view(0);
  }

  /** A copy of the contents. */
  public byte[] toByteArray() {
    return Arrays.copyOf(b, len);
  }

  private void ensure(int extra) {
    if (len + extra > b.length) {
      b = Arrays.copyOf(b, Math.max(len + extra, b.length * 2));
    }
  }

  public Encbuf putByte(int v) {
    ensure(1);
    b[len++] = (byte) v;
    return this;
  }

  public Encbuf putBE64(long v) {
    ensure(8);
    for (int i = 7; i >= 0; i--) {
      b[len + i] = (byte) v;
      v >>>= 8;
    }
    len += 8;
    return this;
  }

  public Encbuf putBE32(int v) {
    ensure(4);
    b[len] = (byte) (v >>> 24);
    b[len + 1] = (byte) (v >>> 16);
    b[len + 2] = (byte) (v >>> 8);
    b[len + 3] = (byte) v;
    len += 4;
    return this;
  }

  /** Overwrites 4 bytes at {@code at} (for lengths known only after the body is written). */
  public Encbuf setBE32(int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
    return this;
  }

  public Encbuf putBytes(byte[] src, int off, int n) {
    ensure(n);
    System.arraycopy(src, off, b, len, n);
    len += n;
    return this;
  }

  public Encbuf putBE64Double(double v) {
    return putBE64(Double.doubleToRawLongBits(v));
  }

  public Encbuf putUvarint(long v) {
    ensure(10);
    len = Varint.putUvarint(b, len, v);
    return this;
  }

  public Encbuf putVarint(long v) {
    return putUvarint(Varint.zigzag(v));
  }

  /** uvarint byte length, then the UTF-8 bytes of {@code s}. */
  public Encbuf putUvarintStr(String s) {
    int n = utf8Length(s);
    putUvarint(n);
    ensure(n);
    int p = len;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xc0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[p++] = (byte) (0xf0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
        b[p++] = (byte) (0x80 | (cp & 0x3f));
      } else if (Character.isSurrogate(c)) {
        b[p++] = (byte) '?'; // unpaired surrogate, as String.getBytes(UTF_8) does
      } else {
        b[p++] = (byte) (0xe0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    len = p;
    return this;
  }

  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
