package io.cardinal.tsdb.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Seeds;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The word-at-a-time {@link XorIterator} against the byte-at-a-time decoder it replaced ({@link
 * ReferenceXorIterator}): same samples, same errors, on random chunks, chunks placed anywhere in a
 * larger array (so both the word path and the end-of-array path run), truncated and corrupted
 * chunks. The seed is printed; rerun a failure with {@code -Dcardinal.seed=...}.
 */
class XorIteratorEquivalenceTest {
  private static final long SEED = Seeds.seed("XorIteratorEquivalenceTest");

  private static double nextValue(SplittableRandom r, int kind, double prev, int i) {
    switch (kind) {
      case 0:
        return prev + r.nextInt(100); // counter
      case 1:
        return r.nextDouble() * 1000; // noisy gauge
      case 2:
        return prev; // constant
      case 3:
        return Double.longBitsToDouble(r.nextLong()); // any bits, NaNs included
      case 4:
        return Math.round(r.nextGaussian() * 10) / 4.0; // few significant bits
      default:
        return i % 7 == 0
            ? Double.longBitsToDouble(0x7ff0000000000002L)
            : prev + 0.5; // stale markers
    }
  }

  private static long nextTime(SplittableRandom r, int kind, long prev) {
    switch (kind) {
      case 0:
        return prev + 15_000; // regular
      case 1:
        return prev + 15_000 + r.nextInt(-50, 50); // jitter (dod 14 bits)
      case 2:
        return prev + 1 + r.nextInt(200_000); // 17/20-bit dods
      default:
        return prev + 1 + (r.nextLong() & 0xFFFFFFFFFL); // 64-bit dods
    }
  }

  static byte[] randomChunk(SplittableRandom r) {
    XorChunk c = new XorChunk();
    int n = r.nextInt(1, 240);
    int vk = r.nextInt(6);
    int tk = r.nextInt(4);
    long t = r.nextLong(-1L << 50, 1L << 50);
    double v = r.nextDouble() * 100;
    for (int i = 0; i < n; i++) {
      c.append(t, v);
      t = nextTime(r, tk, t);
      v = nextValue(r, vk, v, i);
    }
    return c.toByteArray();
  }

  private static void assertSame(byte[] arr, int off, int len, String what) {
    ReferenceXorIterator ref = new ReferenceXorIterator(arr, off, len);
    XorIterator it = new XorIterator(arr, off, len);
    assertEquals(ref.numSamples(), it.numSamples(), what);
    int i = 0;
    while (true) {
      boolean a = ref.next();
      boolean b = it.next();
      assertEquals(a, b, what + ": next() of sample " + i);
      if (!a) {
        break;
      }
      assertEquals(ref.timestamp(), it.timestamp(), what + ": timestamp of sample " + i);
      assertEquals(ref.valueBits(), it.valueBits(), what + ": value bits of sample " + i);
      i++;
    }
    assertEquals(ref.error(), it.error(), what + ": error");
    assertFalse(it.next(), what + ": next() after the end");
  }

  @Test
  void sameSamplesAsTheReferenceAnywhereInAnArray() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int k = 0; k < 3000; k++) {
      byte[] chunk = randomChunk(r);
      int before = r.nextInt(0, 20);
      int after = r.nextInt(0, 12); // 0..7 forces the end-of-array path for the last fields
      byte[] arr = new byte[before + chunk.length + after];
      for (int i = 0; i < arr.length; i++) {
        arr[i] = (byte) r.nextInt(); // garbage around the chunk must not leak into values
      }
      System.arraycopy(chunk, 0, arr, before, chunk.length);
      assertSame(arr, before, chunk.length, "chunk " + k + Seeds.at(SEED));
    }
  }

  @Test
  void truncatedAndCorruptedChunksFailTheSameWay() {
    SplittableRandom r = new SplittableRandom(SEED ^ 0x5DEECE66DL);
    for (int k = 0; k < 3000; k++) {
      byte[] chunk = randomChunk(r);
      int len = r.nextInt(0, chunk.length + 1);
      assertSame(
          Arrays.copyOf(chunk, len),
          0,
          len,
          "truncated chunk " + k + " to " + len + Seeds.at(SEED));
      byte[] bad = chunk.clone();
      for (int j = r.nextInt(1, 4); j > 0; j--) {
        bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
      }
      assertSame(bad, 0, bad.length, "corrupted chunk " + k + Seeds.at(SEED));
      // Claimed sample count larger than the bits hold.
      byte[] more = chunk.clone();
      more[0] = (byte) 0x7F;
      assertSame(more, 0, more.length, "over-counted chunk " + k + Seeds.at(SEED));
    }
  }

  @Test
  void roundTripsWhatTheAppenderWrote() {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    XorIterator it = new XorIterator();
    for (int k = 0; k < 500; k++) {
      XorChunk c = new XorChunk();
      int n = r.nextInt(1, 300);
      long[] ts = new long[n];
      long[] vs = new long[n];
      long t = r.nextLong(0, 1L << 45);
      double v = 0;
      int tk = r.nextInt(4);
      int vk = r.nextInt(6);
      for (int i = 0; i < n; i++) {
        ts[i] = t;
        vs[i] = Double.doubleToRawLongBits(v);
        c.append(t, v);
        t = nextTime(r, tk, t);
        v = nextValue(r, vk, v, i);
      }
      it.reset(c.bytes(), 0, c.byteLength()); // the appender's own buffer, usually with spare room
      for (int i = 0; i < n; i++) {
        assertTrue(it.next(), "chunk " + k + " sample " + i + Seeds.at(SEED));
        assertEquals(ts[i], it.timestamp());
        assertEquals(vs[i], it.valueBits());
      }
      assertFalse(it.next());
      assertNull(it.error());
      // seek: first sample at or after a random time, never backwards
      it.reset(c.bytes(), 0, c.byteLength());
      int j = r.nextInt(n);
      assertTrue(it.seek(ts[j]));
      assertEquals(ts[j], it.timestamp());
      assertTrue(it.seek(ts[0]));
      assertEquals(ts[j], it.timestamp());
    }
  }
}
