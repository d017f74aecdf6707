package io.cardinal.tsdb.chunk;

/**
 * The byte-at-a-time decoder that XorIterator replaced, kept as the reference in
 * XorIteratorEquivalenceTest.
 *
 * <p>Decodes an XOR chunk. Reusable: {@link #reset} points it at other bytes without allocating, so
 * a query walks thousands of chunks with one iterator.
 *
 * <p>A malformed chunk never throws from {@link #next()}: iteration stops and {@link #error()} says
 * what was wrong and at which bit, in the style of Prometheus's iterators that keep their first
 * error.
 */
final class ReferenceXorIterator {
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

  ReferenceXorIterator() {}

  ReferenceXorIterator(byte[] chunk, int off, int len) {
    reset(chunk, off, len);
  }

  /** Points the iterator at a chunk's bytes (header included). */
  ReferenceXorIterator reset(byte[] chunk, int off, int len) {
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
    if (pos >= endBit) {
      fail("unexpected end of chunk");
      return false;
    }
    boolean b = (data[start + (pos >>> 3)] & (0x80 >>> (pos & 7))) != 0;
    pos++;
    return b;
  }

  private long readBits(int n) {
    if (pos + n > endBit) {
      fail("unexpected end of chunk");
      return 0;
    }
    long r = 0;
    while (n > 0) {
      int avail = 8 - (pos & 7);
      int take = Math.min(avail, n);
      int b = ((data[start + (pos >>> 3)] & 0xFF) >>> (avail - take)) & ((1 << take) - 1);
      r = (r << take) | b;
      pos += take;
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
