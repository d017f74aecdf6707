package io.cardinal.tsdb.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Seeds;
import io.cardinal.tsdb.workload.ValueModel;
import java.util.HexFormat;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class XorChunkTest {
  static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  /**
   * Bytes worked out by hand from chunks.md / bstream.md: header 0003; t0=1000 zig-zag varint (2000
   * = D0 0F); v0=1.0 raw (3FF0...); t1 delta 1000 uvarint (E8 07); v1=2.0: xor 7FF0.., control 11,
   * leading 00001, sigbits 001011, 11 one-bits -> C2 5F FF; t2 dod 0 -> 0; v2=3.0: xor 0008..,
   * leading 12 / trailing 51 do not fit the old window -> 11 01100 000001 1 -> 0110 1100 0000
   * 011(0) = 6C 06.
   */
  @Test
  void goldenBytesFromSpec() {
    XorChunk c = new XorChunk();
    c.append(1000, 1.0);
    c.append(2000, 2.0);
    c.append(3000, 3.0);
    assertArrayEquals(hex("0003 D00F 3FF0000000000000 E807 C25FFF 6C06"), c.toByteArray());
  }

  /** Reusing the previous leading/trailing window: control bits 10 then the window's bits. */
  @Test
  void goldenBytesReusedWindowAndZeroXor() {
    XorChunk c = new XorChunk();
    c.append(0, 0.0); // 00 (zig-zag 0), value 8 zero bytes
    c.append(10, 0.0); // delta 10 = 0A, xor 0 -> bit 0
    c.append(20, 0.0); // dod 0 -> 0, xor 0 -> 0
    // v=1.0: xor 3FF0.. leading 2 trailing 52 -> 11 00010 001010 1111111111 (10 bits)
    c.append(30, 1.0);
    // Bits after the 0A byte: 0 | 0 0 | 0 11 00010 001010 1111111111 | pad
    // = 0000 1100 0100 0101 0111 1111 1110 0000 -> 0C 45 7F E0
    assertArrayEquals(hex("0004 00 0000000000000000 0A 0C457FE0"), c.toByteArray());
  }

  @Test
  void dodRangesMatchPrometheusBuckets() {
    assertTrue(XorChunk.bitRange(8192, 14));
    assertFalse(XorChunk.bitRange(8193, 14));
    assertTrue(XorChunk.bitRange(-8191, 14));
    assertFalse(XorChunk.bitRange(-8192, 14));
  }

  @Test
  void specialValuesArePreservedBitExact() {
    long[] bits = {
      Double.doubleToRawLongBits(Double.NaN),
      STALE_NAN_BITS,
      Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
      Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY),
      Double.doubleToRawLongBits(-0.0),
      0L,
      1L,
      Long.MIN_VALUE,
      -1L,
      STALE_NAN_BITS,
      Double.doubleToRawLongBits(1e308)
    };
    XorChunk c = new XorChunk();
    for (int i = 0; i < bits.length; i++) {
      c.append(i * 15_000L, Double.longBitsToDouble(bits[i]));
    }
    XorIterator it = new XorIterator(c.bytes(), 0, c.byteLength());
    for (int i = 0; i < bits.length; i++) {
      assertTrue(it.next(), "sample " + i);
      assertEquals(i * 15_000L, it.timestamp());
      assertEquals(bits[i], it.valueBits(), "value bits of sample " + i);
    }
    assertFalse(it.next());
    assertNull(it.error());
  }

  @Test
  void randomizedRoundTrip() {
    long seed = Seeds.seed("XorChunkTest.randomizedRoundTrip");
    Random r = new Random(seed);
    XorIterator it = new XorIterator();
    XorChunk c = new XorChunk();
    for (int round = 0; round < 300; round++) {
      c.reset();
      int n = 1 + r.nextInt(240);
      long[] ts = new long[n];
      long[] vs = new long[n];
      long t = r.nextInt(3) == 0 ? -r.nextInt(1_000_000_000) : r.nextLong() >>> 20;
      double v = r.nextDouble() * 1000;
      for (int i = 0; i < n; i++) {
        switch (r.nextInt(6)) {
          case 0:
            t += 15_000;
            break;
          case 1:
            t += 15_000 + r.nextInt(200) - 100;
            break;
          case 2:
            t += 1 + r.nextInt(1 << 20);
            break;
          case 3:
            t += 1 + (r.nextLong() >>> 24);
            break;
          default:
            t += 1000;
        }
        switch (r.nextInt(7)) {
          case 0:
            v = v;
            break;
          case 1:
            v += r.nextInt(100);
            break;
          case 2:
            v = r.nextGaussian();
            break;
          case 3:
            v = Double.longBitsToDouble(r.nextLong());
            break;
          case 4:
            v = Double.longBitsToDouble(STALE_NAN_BITS);
            break;
          case 5:
            v = Math.round(v) + 1;
            break;
          default:
            v = r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NaN;
        }
        ts[i] = t;
        vs[i] = Double.doubleToRawLongBits(v);
        c.append(t, v);
      }
      it.reset(c.bytes(), 0, c.byteLength());
      assertEquals(n, it.numSamples());
      for (int i = 0; i < n; i++) {
        assertTrue(
            it.next(), "round " + round + " sample " + i + " " + it.error() + Seeds.at(seed));
        assertEquals(ts[i], it.timestamp(), "round " + round + " ts " + i + Seeds.at(seed));
        assertEquals(vs[i], it.valueBits(), "round " + round + " value " + i + Seeds.at(seed));
      }
      assertFalse(it.next());
      assertNull(it.error(), Seeds.at(seed));
    }
  }

  @Test
  void seekFindsFirstSampleAtOrAfter() {
    XorChunk c = new XorChunk();
    for (int i = 0; i < 100; i++) {
      c.append(i * 10L, i);
    }
    XorIterator it = new XorIterator(c.bytes(), 0, c.byteLength());
    assertTrue(it.seek(455));
    assertEquals(460, it.timestamp());
    assertEquals(46.0, it.value());
    assertTrue(it.seek(300)); // never moves backwards
    assertEquals(460, it.timestamp());
    assertFalse(it.seek(10_000));
  }

  @Test
  void truncatedChunkStopsWithErrorInsteadOfThrowing() {
    XorChunk c = new XorChunk();
    for (int i = 0; i < 50; i++) {
      c.append(i * 15_000L, Math.sin(i));
    }
    byte[] bytes = c.toByteArray();
    for (int cut = 0; cut < bytes.length; cut++) {
      XorIterator it = new XorIterator(bytes, 0, cut);
      int read = 0;
      while (it.next()) {
        read++;
      }
      assertTrue(read < 50, "cut at " + cut);
      assertNotNull(it.error(), "a chunk cut to " + cut + " bytes must report an error");
    }
  }

  @Test
  void resetReusesBufferAndClearsBits() {
    XorChunk c = new XorChunk();
    for (int i = 0; i < 120; i++) {
      c.append(i * 15_000L, i * 1.5);
    }
    byte[] buf = c.bytes();
    c.reset();
    c.append(1000, 1.0);
    c.append(2000, 2.0);
    c.append(3000, 3.0);
    assertTrue(buf == c.bytes(), "buffer reused");
    assertArrayEquals(hex("0003 D00F 3FF0000000000000 E807 C25FFF 6C06"), c.toByteArray());
  }

  /** The budget: at most 1.4 bytes per sample on the realistic counter/gauge mix. */
  @Test
  void realisticMixCompressesWithinBudget() {
    SplittableRandom r = new SplittableRandom(42);
    long totalBytes = 0;
    long totalSamples = 0;
    XorChunk c = new XorChunk();
    for (int series = 0; series < 2000; series++) {
      ValueModel m = ValueModel.forSeries(series);
      c.reset();
      double v = m.initial(r);
      long t = 1_700_000_000_000L + r.nextInt(15_000);
      for (int i = 0; i < 120; i++) {
        c.append(t, v);
        t += 15_000;
        v = m.next(v, r);
      }
      totalBytes += c.byteLength();
      totalSamples += 120;
    }
    double bps = (double) totalBytes / totalSamples;
    System.out.printf("realistic mix: %.3f bytes/sample%n", bps);
    assertTrue(bps <= 1.4, "bytes per sample " + bps);
  }
}
