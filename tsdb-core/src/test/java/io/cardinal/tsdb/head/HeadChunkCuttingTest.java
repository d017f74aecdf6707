package io.cardinal.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeadChunkCuttingTest {
  static final Labels L = Labels.of("__name__", "m");
  static final long H2 = HeadOptions.DEFAULT_CHUNK_RANGE_MS;

  /** Chunk boundaries as (minT, maxT, samples) from the mapped chunks plus the open one. */
  private static List<long[]> chunks(Head head) {
    MemSeries s = HeadTestSupport.series(head, L);
    List<long[]> out = new ArrayList<>();
    synchronized (s) {
      for (int i = 0; i < s.mappedCount; i++) {
        out.add(new long[] {s.mappedMinT(i), s.mappedMaxT(i)});
      }
      if (s.hasHeadSamples()) {
        out.add(new long[] {s.headMinT, s.lastT});
      }
    }
    return out;
  }

  private static void fill(Head head, long from, long to, long step) {
    HeadAppender app = head.appender();
    long ref = 0;
    for (long t = from; t < to; t += step) {
      ref = app.append(ref, L, t, t);
      app.commit();
    }
  }

  @Test
  void fifteenSecondScrapesMakeFourChunksOf120PerTwoHours() {
    Head head = Head.inMemory();
    fill(head, 0, 2 * H2, 15_000);
    List<long[]> cs = chunks(head);
    assertEquals(8, cs.size());
    for (long[] c : cs) {
      long samples = (c[1] - c[0]) / 15_000 + 1;
      assertEquals(120, samples, "samples in chunk " + c[0] + ".." + c[1]);
    }
  }

  @Test
  void chunksNeverCrossTheTwoHourBoundary() {
    Head head = Head.inMemory();
    // Start mid-range at an odd offset so the boundary falls inside what would be one chunk.
    fill(head, H2 / 2 + 7_000, 3 * H2, 10_000);
    for (long[] c : chunks(head)) {
      assertEquals(
          Math.floorDiv(c[0], H2),
          Math.floorDiv(c[1], H2),
          "chunk " + c[0] + ".." + c[1] + " crosses a 2h boundary");
    }
  }

  @Test
  void rateIncreaseCutsAtTwiceTheTarget() {
    Head head = Head.inMemory();
    // 30 samples at 60s set the end prediction; then samples arrive every 100ms.
    HeadAppender app = head.appender();
    long ref = 0;
    long t = 0;
    for (int i = 0; i < 30; i++, t += 60_000) {
      ref = app.append(ref, L, t, i);
    }
    for (int i = 0; i < 1000; i++, t += 100) {
      ref = app.append(ref, L, t, i);
    }
    app.commit();
    List<long[]> cs = chunks(head);
    MemSeries s = HeadTestSupport.series(head, L);
    assertTrue(cs.size() >= 4, "chunks: " + cs.size());
    // No chunk holds more than 2 x 120 samples.
    assertEquals(
        1030,
        HeadTestSupport.read(head, 0, Long.MAX_VALUE, Matcher.equal("__name__", "m"))
            .get(L)
            .size());
    synchronized (s) {
      assertTrue(s.head.numSamples() <= 240);
    }
  }

  @Test
  void incompressibleValuesCutAtAboutOneKibibyte() {
    Head head = Head.inMemory();
    Random r = new Random(7);
    HeadAppender app = head.appender();
    long ref = 0;
    for (int i = 0; i < 600; i++) {
      ref = app.append(ref, L, i * 15_000L, Double.longBitsToDouble(r.nextLong() >>> 2));
    }
    app.commit();
    MemSeries s = HeadTestSupport.series(head, L);
    io.cardinal.tsdb.chunk.ChunkMapper.ChunkBuffer buf =
        new io.cardinal.tsdb.chunk.ChunkMapper.ChunkBuffer();
    synchronized (s) {
      assertTrue(s.mappedCount >= 4, "mapped chunks " + s.mappedCount);
      for (int i = 0; i < s.mappedCount; i++) {
        int len = head.chunkMapper().read(s.mappedRef(i), buf);
        assertTrue(len <= 1024 + 100, "chunk of " + len + " bytes");
      }
    }
  }

  @Test
  void computeChunkEndTimeMatchesPrometheus() {
    // 30 samples at 15s from a 2h-aligned start: the remaining range splits into 4 chunks.
    assertEquals(30 * 60_000L, MemSeries.computeChunkEndTime(0, 29 * 15_000L, H2));
    assertEquals(H2, MemSeries.computeChunkEndTime(0, H2 / 2, H2));
  }
}
