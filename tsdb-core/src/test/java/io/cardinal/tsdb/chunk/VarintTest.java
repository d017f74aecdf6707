package io.cardinal.tsdb.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cardinal.testing.Seeds;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VarintTest {
  @Test
  void uvarintSizeIsTheEncodedLength() {
    long[] edges = {
      0,
      1,
      127,
      128,
      16383,
      16384,
      (1L << 21) - 1,
      1L << 21,
      (1L << 56) - 1,
      1L << 56,
      (1L << 63) - 1,
      -1,
      Long.MIN_VALUE
    };
    byte[] buf = new byte[10];
    for (long v : edges) {
      assertEquals(Varint.putUvarint(buf, 0, v), Varint.uvarintSize(v), "v=" + v);
    }
    long seed = Seeds.seed("VarintTest");
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 100_000; i++) {
      long v = r.nextLong() >>> r.nextInt(64);
      assertEquals(Varint.putUvarint(buf, 0, v), Varint.uvarintSize(v), "v=" + v + Seeds.at(seed));
    }
  }
}
