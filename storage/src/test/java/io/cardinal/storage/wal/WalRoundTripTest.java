package io.cardinal.storage.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Seeds;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalRoundTripTest {

  private static final long SEGMENT = 3L * WalFormat.PAGE_SIZE;

  @TempDir Path dir;

  static byte[] randomRecord(Random rnd) {
    int kind = rnd.nextInt(100);
    int len;
    if (kind < 5) {
      len = 0;
    } else if (kind < 60) {
      len = rnd.nextInt(200);
    } else if (kind < 90) {
      len = 200 + rnd.nextInt(40_000);
    } else {
      len = 40_000 + rnd.nextInt(120_000); // up to ~1.6 segments
    }
    byte[] b = new byte[len];
    if (rnd.nextBoolean()) {
      rnd.nextBytes(b); // incompressible
    } else {
      for (int i = 0; i < len; i++) {
        b[i] = (byte) ('a' + (i / 13 + rnd.nextInt(2)) % 5); // compressible
      }
    }
    return b;
  }

  @ParameterizedTest(name = "snappy={0}")
  @ValueSource(booleans = {false, true})
  void randomizedRoundTripAcrossPagesAndSegments(boolean snappy) throws Exception {
    long seed = Seeds.seed("WalRoundTripTest snappy=" + snappy);
    Random rnd = new Random(seed);
    List<byte[]> written = new ArrayList<>();
    Wal.Options opts = Wal.Options.DEFAULT.withSegmentSize(SEGMENT).withCompression(snappy);
    for (int session = 0; session < 2; session++) {
      try (Wal wal = Wal.open(dir, opts)) {
        for (int batch = 0; batch < 120; batch++) {
          int n = 1 + rnd.nextInt(4);
          byte[][] recs = new byte[n][];
          for (int i = 0; i < n; i++) {
            recs[i] = randomRecord(rnd);
            written.add(recs[i]);
          }
          if (n == 1 && rnd.nextBoolean()) {
            ByteBuffer direct = ByteBuffer.allocateDirect(recs[0].length + 5);
            direct.position(5);
            direct.put(recs[0]).position(5);
            wal.log(direct);
          } else {
            wal.log(recs);
          }
          if (batch % 50 == 0) {
            wal.sync();
          }
        }
      }
    }
    List<TestUtil.Pos> read = TestUtil.readAll(SegmentRange.all(dir));
    assertEquals(written.size(), read.size(), Seeds.at(seed));
    Map<Integer, Integer> perSegment = new HashMap<>();
    for (int i = 0; i < written.size(); i++) {
      assertArrayEquals(written.get(i), read.get(i).data(), "record " + i + Seeds.at(seed));
      perSegment.merge(read.get(i).segment(), 1, Integer::sum);
    }
    int[] segs = Segments.list(dir);
    assertTrue(segs.length > 5, "expected rollovers, got " + segs.length);
    for (int s : segs) {
      long size = Files.size(Segments.path(dir, s));
      assertEquals(0, size % WalFormat.PAGE_SIZE, "closed segments are page-padded: " + s);
      if (size > SEGMENT) {
        assertEquals(1, perSegment.get(s), "an oversized segment holds exactly one record: " + s);
      }
    }
    // A sub-range reads exactly the records of those segments, in order.
    int from = segs[1];
    int to = segs[segs.length / 2];
    List<TestUtil.Pos> sub = TestUtil.readAll(new SegmentRange(dir, from, to));
    List<TestUtil.Pos> expected = new ArrayList<>();
    for (TestUtil.Pos p : read) {
      if (p.segment() >= from && p.segment() <= to) {
        expected.add(p);
      }
    }
    assertEquals(expected.size(), sub.size());
    for (int i = 0; i < sub.size(); i++) {
      assertEquals(expected.get(i).segment(), sub.get(i).segment());
      assertEquals(expected.get(i).start(), sub.get(i).start());
      assertArrayEquals(expected.get(i).data(), sub.get(i).data());
    }
  }

  @Test
  void reopenStartsNewSegment() throws Exception {
    try (Wal wal = Wal.open(dir)) {
      wal.log(new byte[] {1});
    }
    try (Wal wal = Wal.open(dir)) {
      assertEquals(1, wal.currentSegment());
      wal.log(new byte[] {2});
    }
    List<byte[]> recs = TestUtil.readAllData(dir);
    assertEquals(2, recs.size());
    assertArrayEquals(new byte[] {2}, recs.get(1));
  }

  @Test
  void recordLargerThanSegmentGetsItsOwnSegment() throws Exception {
    byte[] big = new byte[(int) SEGMENT * 2 + 123];
    new Random(1).nextBytes(big);
    try (Wal wal = Wal.open(dir, Wal.Options.DEFAULT.withSegmentSize(SEGMENT))) {
      wal.log(new byte[] {1, 2, 3});
      wal.log(big);
      assertEquals(1, wal.currentSegment());
      wal.log(new byte[] {4});
      assertEquals(2, wal.currentSegment());
    }
    List<TestUtil.Pos> read = TestUtil.readAll(SegmentRange.all(dir));
    assertEquals(3, read.size());
    assertEquals(1, read.get(1).segment());
    assertEquals(0, read.get(1).start());
    assertArrayEquals(big, read.get(1).data());
    assertTrue(Files.size(Segments.path(dir, 1)) > SEGMENT);
  }

  @Test
  void rolloverHappensWhenRecordDoesNotFitInSegment() throws Exception {
    // Two pages' worth of payload fit in segment 0, the third record does not.
    byte[] rec = new byte[WalFormat.PAGE_SIZE - 7];
    try (Wal wal = Wal.open(dir, Wal.Options.DEFAULT.withSegmentSize(2L * WalFormat.PAGE_SIZE))) {
      wal.log(rec, rec);
      assertEquals(0, wal.currentSegment());
      wal.log(new byte[1]);
      assertEquals(1, wal.currentSegment());
    }
    assertEquals(2L * WalFormat.PAGE_SIZE, Files.size(Segments.path(dir, 0)));
  }

  @Test
  void truncateDeletesOlderSegments() throws Exception {
    try (Wal wal = Wal.open(dir)) {
      for (int i = 0; i < 4; i++) {
        wal.log(new byte[] {(byte) i});
        wal.nextSegment();
      }
      assertEquals(3, wal.truncate(3));
    }
    assertArrayEquals(new int[] {3, 4}, Segments.list(dir));
    assertEquals(1, TestUtil.readAllData(dir).size());
  }

  @Test
  void steadyStateLoggingDoesNotAllocate() throws Exception {
    java.lang.management.ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
    if (!(tmx instanceof com.sun.management.ThreadMXBean)) {
      return;
    }
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) tmx;
    long tid = Thread.currentThread().getId();
    byte[] rec = new byte[300];
    Arrays.fill(rec, (byte) 7);
    try (Wal wal = Wal.open(dir, Wal.Options.DEFAULT.withCompression(false))) {
      for (int i = 0; i < 20_000; i++) {
        wal.log(rec, 0, rec.length);
      }
      long before = mx.getThreadAllocatedBytes(tid);
      int n = 20_000;
      for (int i = 0; i < n; i++) {
        wal.log(rec, 0, rec.length);
      }
      long perCall = (mx.getThreadAllocatedBytes(tid) - before) / n;
      assertTrue(perCall < 8, "bytes allocated per log call: " + perCall);
    }
  }
}
