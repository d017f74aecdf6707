package io.cardinal.tsdb.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Decodes an XOR chunk. Reusable: {@link #reset} points it at other bytes without allocating, so a
 * query walks thousands of chunks with one iterator.
 *
 * <p>A malformed chunk never throws from {@link #next()}: iteration stops and {@link #error()} says
 * what was wrong and at which bit, in the style of Prometheus's iterators that keep their first
 * error.
 *
 * <p>Bits are read a 64-bit big-endian word at a time ({@link #readBits}): one unaligned load and
 * two shifts per field instead of a loop over bytes. Bytes after the chunk's end but inside the
 * array may be loaded; only bits before the end are ever used.
 */
public final class XorIterator {
  private static final VarHandle BE_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private byte[] data;
  private int start;
  private int endBit;
  private int pos;
  private int total;
  private int read;
  private long t;
  private long tDelta;
  private long vBits;
  private int leading;
  private int trailing;
  private String error;

  public XorIterator() {}

  public XorIterator(byte[] chunk, int off, int len) {
    reset(chunk, off, len);
  }

  /** Points the iterator at a chunk's bytes (header included). */
  public XorIterator reset(byte[] chunk, int off, int len) {
    data = chunk;
    start = off;
    endBit = len * 8;
    error = null;
    read = 0;
    t = Long.MIN_VALUE;
    vBits = 0;
    leading = 0;
    trailing = 0;
    tDelta = 0;
    if (len < XorChunk.HEADER_BYTES) {
      total = 0;
      error = "chunk of " + len + " bytes is shorter than its 2-byte header";
      return this;
    }
    total = ((chunk[off] & 0xFF) << 8) | (chunk[off + 1] & 0xFF);
    pos = XorChunk.HEADER_BYTES * 8;
    return this;
  }

  /** Samples in the chunk according to its header. */
  public int numSamples() {
    return total;
  }

  public long timestamp() {
    return t;
  }

  public double value() {
    return Double.longBitsToDouble(vBits);
  }

  public long valueBits() {
    return vBits;
  }

  /** Null, or why decoding stopped early. */
  public String error() {
    return error;
  }

  /** Advances to the next sample; false at the end or on a decoding error. */
  public boolean next() {
    if (read >= total || error != null) {
      return false;
    }
    if (read == 0) {
      long ts = readUvarint();
      long v = readBits(64);
      if (error != null) {
        return false;
      }
      t = Varint.unzigzag(ts);
      vBits = v;
    } else if (read == 1) {
      long d = readUvarint();
      readValue();
      if (error != null) {
        return false;
      }
      tDelta = d;
      t += d;
    } else if (endBit - pos >= FAST_BITS) {
      // Every field of this sample lies well inside the chunk: no bounds to check bit by bit.
      long w = peek(pos);
      int ones = Long.numberOfLeadingZeros(~w);
      long dod;
      if (ones == 0) {
        pos += 1;
        dod = 0;
      } else if (ones == 1) {
        dod = signed((w << 2) >>> 50, 14);
        pos += 16;
      } else if (ones == 2) {
        dod = signed((w << 3) >>> 47, 17);
        pos += 20;
      } else if (ones == 3) {
        dod = signed((w << 4) >>> 44, 20);
        pos += 24;
      } else {
        pos += 4;
        dod = readBits(64);
      }
      w = peek(pos);
      if (w < 0) {
        if ((w << 1) < 0) {
          leading = (int) (w >>> 57) & 31;
          int sig = (int) (w >>> 51) & 63;
          pos += 13;
          if (sig == 0) {
            sig = 64;
          }
          trailing = 64 - leading - sig;
          if (trailing < 0) {
            fail("invalid significant bit count " + sig + " with " + leading + " leading zeros");
            return false;
          }
        } else {
          pos += 2;
        }
        vBits ^= readBits(64 - leading - trailing) << trailing;
      } else {
        pos += 1;
      }
      tDelta += dod;
      t += tDelta;
    } else {
      int ones = 0;
      while (ones < 4) {
        if (!readBit()) {
          break;
        }
        ones++;
      }
      long dod;
      switch (ones) {
        case 0:
          dod = 0;
          break;
        case 1:
          dod = signed(readBits(14), 14);
          break;
        case 2:
          dod = signed(readBits(17), 17);
          break;
        case 3:
          dod = signed(readBits(20), 20);
          break;
        default:
          dod = readBits(64);
          break;
      }
      readValue();
      if (error != null) {
        return false;
      }
      tDelta += dod;
      t += tDelta;
    }
    read++;
    return true;
  }

  /**
   * Advances to the first sample with timestamp >= {@code target}; false if none. Does not move
   * backwards, like Prometheus's {@code Seek}.
   */
  public boolean seek(long target) {
    if (read > 0 && t >= target) {
      return true;
    }
    while (next()) {
      if (t >= target) {
        return true;
      }
    }
    return false;
  }

  private static long signed(long bits, int n) {
    // Values above 2^(n-1) are the negative half of the symmetric range (see bstream.md).
    return bits > (1L << (n - 1)) ? bits - (1L << n) : bits;
  }

  private void readValue() {
    if (!readBit()) {
      return;
    }
    if (readBit()) {
      leading = (int) readBits(5);
      int sig = (int) readBits(6);
      if (sig == 0) {
        sig = 64;
      }
      trailing = 64 - leading - sig;
      if (trailing < 0) {
        fail("invalid significant bit count " + sig + " with " + leading + " leading zeros");
        return;
      }
    }
    int sig = 64 - leading - trailing;
    long bits = readBits(sig);
    vBits ^= bits << trailing;
  }

  private long readUvarint() {
    long x = 0;
    int s = 0;
    for (int i = 0; i < 10; i++) {
      long b = readBits(8);
      if (error != null) {
        return 0;
      }
      if (b < 0x80) {
        return x | (b << s);
      }
      x |= (b & 0x7F) << s;
      s += 7;
    }
    fail("varint overflows 64 bits");
    return 0;
  }

  private boolean readBit() {
    int p = pos;
    if (p >= endBit) {
      fail("unexpected end of chunk");
      return false;
    }
    pos = p + 1;
    return ((data[start + (p >>> 3)] << (p & 7)) & 0x80) != 0;
  }

  /**
   * Bits a sample can need at most (4 + 64 dod, 2 + 5 + 6 + 64 value = 145) plus the 9 bytes a
   * {@link #peek} at the last field loads: with this many left, {@link #next} skips per-field
   * checks.
   */
  private static final int FAST_BITS = 160 + 72;

  /**
   * The 64 bits from bit {@code p} on, left-aligned; bytes p/8 .. p/8+8 must be inside the chunk.
   */
  private long peek(int p) {
    int idx = start + (p >>> 3);
    int off = p & 7;
    long w = (long) BE_LONG.get(data, idx);
    return off == 0 ? w : (w << off) | ((data[idx + 8] & 0xFF) >>> (8 - off));
  }

  /** The next {@code n} bits (0..64) as an unsigned number, most significant first. */
  private long readBits(int n) {
    int p = pos;
    if (p + n > endBit) {
      fail("unexpected end of chunk");
      return 0;
    }
    if (n == 0) {
      return 0;
    }
    pos = p + n;
    int idx = start + (p >>> 3);
    int off = p & 7;
    byte[] d = data;
    if (idx + 8 <= d.length) {
      long w = (long) BE_LONG.get(d, idx);
      int extra = off + n - 64;
      if (extra <= 0) {
        return (w << off) >>> (64 - n);
      }
      // The field runs 1..7 bits into the ninth byte: the word's last 64 - off bits, then those.
      return ((w << off) >>> (off - extra)) | ((d[idx + 8] & 0xFF) >>> (8 - extra));
    }
    return readBitsSlow(p, n);
  }

  /** Byte by byte, near the end of the array where a whole word cannot be loaded. */
  private long readBitsSlow(int p, int n) {
    long r = 0;
    while (n > 0) {
      int avail = 8 - (p & 7);
      int take = Math.min(avail, n);
      int b = ((data[start + (p >>> 3)] & 0xFF) >>> (avail - take)) & ((1 << take) - 1);
      r = (r << take) | b;
      p += take;
      n -= take;
    }
    return r;
  }

  private void fail(String why) {
    if (error == null) {
      error = why + " at bit " + pos + " after " + read + " of " + total + " samples";
    }
  }
}
