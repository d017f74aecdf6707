package io.cardinal.tsdb.chunk;

import java.util.Arrays;

/**
 * An appendable XOR ("Gorilla", "varbit") chunk, bit-for-bit Prometheus's {@code
 * chunkenc.XORChunk}.
 *
 * <p>Layout: {@code num_samples <uint16 BE>}, then a bit stream written most significant bit first:
 * sample 0 as {@code ts <varint>, v <64 bits>}; sample 1 as {@code ts delta <uvarint>, v
 * <varbit_xor>}; later samples as {@code dod <varbit_ts>, v <varbit_xor>}; zero padding to the
 * byte. See docs/format/chunks.md.
 *
 * <p>The buffer is reused by {@link #reset()}, so a series that cuts a chunk every 120 samples
 * keeps one buffer for its lifetime and appending allocates nothing in steady state. Not
 * thread-safe: the owning series' lock guards it.
 */
public final class XorChunk {
  static final int HEADER_BYTES = 2;
  private static final int LEADING_UNSET = 0xFF;

  private byte[] buf;
  private int bitLen = HEADER_BYTES * 8;
  private int num;
  private long t;
  private long tDelta;
  private long vBits;
  private int leading = LEADING_UNSET;
  private int trailing;

  public XorChunk() {
    this(32);
  }

  public XorChunk(int initialCapacity) {
    buf = new byte[Math.max(initialCapacity, 16)];
  }

  /** Empties the chunk, keeping its buffer. */
  public void reset() {
    Arrays.fill(buf, 0, byteLength(), (byte) 0);
    bitLen = HEADER_BYTES * 8;
    num = 0;
    leading = LEADING_UNSET;
    trailing = 0;
  }

  public int numSamples() {
    return num;
  }

  /** Bytes of the encoded chunk including the 2-byte header. */
  public int byteLength() {
    return (bitLen + 7) >>> 3;
  }

  /** The backing array; valid for {@link #byteLength()} bytes until the next append or reset. */
  public byte[] bytes() {
    return buf;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, byteLength());
  }

  /** Timestamp of the last appended sample. */
  public long lastTimestamp() {
    return t;
  }

  public double lastValue() {
    return Double.longBitsToDouble(vBits);
  }

  /**
   * Appends a sample. The caller guarantees {@code t} is greater than the last timestamp (the head
   * rejects out-of-order samples before they get here); the encoding itself would accept any order
   * after the second sample, but the second sample's delta is unsigned.
   */
  public void append(long ts, double v) {
    long bits = Double.doubleToRawLongBits(v);
    // Capacity is checked for this sample's timestamp encoding plus the longest value encoding
    // (VALUE_MAX_BITS), not a 160-bit worst case for both: the buffer grows nearly only when it
    // must,
    // which keeps re-allocations (and, on the heap, cross-generation stores) few.
    if (num == 0) {
      long z = Varint.zigzag(ts);
      ensureCapacity(bitLen + 8 * Varint.uvarintSize(z) + 64);
      writeVarintBytes(z);
      writeBits(bits, 64);
    } else if (num == 1) {
      long d = ts - t;
      ensureCapacity(bitLen + 8 * Varint.uvarintSize(d) + VALUE_MAX_BITS);
      writeVarintBytes(d);
      writeValue(bits);
      tDelta = d;
    } else {
      long d = ts - t;
      long dod = d - tDelta;
      if (dod == 0) {
        ensureCapacity(bitLen + 1 + VALUE_MAX_BITS);
        writeBit(false);
      } else if (bitRange(dod, 14)) {
        ensureCapacity(bitLen + 16 + VALUE_MAX_BITS);
        writeBits(0b10, 2);
        writeBits(dod, 14);
      } else if (bitRange(dod, 17)) {
        ensureCapacity(bitLen + 20 + VALUE_MAX_BITS);
        writeBits(0b110, 3);
        writeBits(dod, 17);
      } else if (bitRange(dod, 20)) {
        ensureCapacity(bitLen + 24 + VALUE_MAX_BITS);
        writeBits(0b1110, 4);
        writeBits(dod, 20);
      } else {
        ensureCapacity(bitLen + 68 + VALUE_MAX_BITS);
        writeBits(0b1111, 4);
        writeBits(dod, 64);
      }
      writeValue(bits);
      tDelta = d;
    }
    t = ts;
    vBits = bits;
    num++;
    buf[0] = (byte) (num >>> 8);
    buf[1] = (byte) num;
  }

  /**
   * Whether {@code x} fits the symmetric {@code nbits} range Prometheus uses: [-(2^(n-1)-1),
   * 2^(n-1)].
   */
  static boolean bitRange(long x, int nbits) {
    return -((1L << (nbits - 1)) - 1) <= x && x <= (1L << (nbits - 1));
  }

  /** The longest value encoding: control bits '11', 5 bits leading, 6 bits length, 64 bits. */
  private static final int VALUE_MAX_BITS = 2 + 5 + 6 + 64;

  private void writeValue(long bits) {
    long delta = bits ^ vBits;
    if (delta == 0) {
      writeBit(false);
      return;
    }
    writeBit(true);
    int newLeading = Long.numberOfLeadingZeros(delta);
    int newTrailing = Long.numberOfTrailingZeros(delta);
    // Only 5 bits are available for the leading-zero count.
    if (newLeading >= 32) {
      newLeading = 31;
    }
    if (leading != LEADING_UNSET && newLeading >= leading && newTrailing >= trailing) {
      writeBit(false);
      writeBits(delta >>> trailing, 64 - leading - trailing);
      return;
    }
    leading = newLeading;
    trailing = newTrailing;
    writeBit(true);
    writeBits(newLeading, 5);
    int sigbits = 64 - newLeading - newTrailing;
    // 64 significant bits do not fit in 6 bits; it is written as 0 and read back as 64.
    writeBits(sigbits, 6);
    writeBits(delta >>> newTrailing, sigbits);
  }

  private void writeVarintBytes(long u) {
    while ((u & ~0x7FL) != 0) {
      writeBits((u & 0x7F) | 0x80, 8);
      u >>>= 7;
    }
    writeBits(u, 8);
  }

  private void writeBit(boolean bit) {
    if (bit) {
      buf[bitLen >>> 3] |= (byte) (0x80 >>> (bitLen & 7));
    }
    bitLen++;
  }

  /** Writes the low {@code n} bits of {@code v}, most significant first. */
  private void writeBits(long v, int n) {
    while (n > 0) {
      int free = 8 - (bitLen & 7);
      int take = Math.min(free, n);
      int chunk = (int) (v >>> (n - take)) & ((1 << take) - 1);
      buf[bitLen >>> 3] |= (byte) (chunk << (free - take));
      bitLen += take;
      n -= take;
    }
  }

  private void ensureCapacity(int bits) {
    int need = (bits + 7) >>> 3;
    if (need > buf.length) {
      // Grow by a quarter: the buffer is kept for the series' lifetime, so slack costs memory on
      // every series, while the extra copies happen only while the first chunk fills.
      buf = Arrays.copyOf(buf, Math.max(need, buf.length + (buf.length >>> 2)));
    }
  }
}
