package io.cardinal.tsdb.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ChunkMapper} promises, run against each implementation by a subclass in its
 * module: chunks read back byte for byte under stable, distinct references; truncation releases
 * only storage whose chunks all end before the cut, and a snapshot taken earlier still reads them.
 */
public abstract class ChunkMapperContract {
  private final List<ChunkMapper> opened = new ArrayList<>();

  /** A fresh, empty mapper. */
  protected abstract ChunkMapper create() throws Exception;

  /**
   * The size of the implementation's storage unit (page or file) as {@link #create()} makes it, so
   * the truncation tests can fill several units whatever the implementation's granularity.
   */
  protected abstract int unitBytes();

  /**
   * Whether {@link ChunkMapper#bytesUsed()} goes down when truncation releases a unit. An
   * implementation that reports bytes written rather than bytes held says false.
   */
  protected boolean bytesUsedFallsOnTruncation() {
    return true;
  }

  private ChunkMapper open() throws Exception {
    ChunkMapper m = create();
    opened.add(m);
    return m;
  }

  @AfterEach
  void closeAll() {
    for (ChunkMapper m : opened) {
      m.close();
    }
  }

  private static byte[] read(ChunkMapper.ChunkReader r, long ref) {
    ChunkMapper.ChunkBuffer buf = new ChunkMapper.ChunkBuffer();
    int n = r.read(ref, buf);
    return Arrays.copyOf(buf.bytes, n);
  }

  private static byte[] random(Random r, int len) {
    byte[] b = new byte[len];
    r.nextBytes(b);
    return b;
  }

  @Test
  void chunksReadBackByteForByteUnderDistinctReferences() throws Exception {
    long seed = Seeds.seed(getClass().getSimpleName() + ".readBack");
    Random r = new Random(seed);
    ChunkMapper m = open();
    List<byte[]> written = new ArrayList<>();
    List<Long> refs = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      byte[] c = random(r, 1 + r.nextInt(600));
      // Only [off, off+len) of the caller's array is the chunk; the padding must not leak in.
      int off = r.nextInt(8);
      byte[] padded = new byte[off + c.length + r.nextInt(8)];
      Arrays.fill(padded, (byte) 0x5A);
      System.arraycopy(c, 0, padded, off, c.length);
      refs.add(m.write(i % 37, i * 1000L, i * 1000L + 999, (byte) 1, padded, off, c.length));
      written.add(c);
    }
    assertEquals(
        written.size(), new HashSet<>(refs).size(), "references are distinct" + Seeds.at(seed));
    for (int i = 0; i < written.size(); i++) {
      assertArrayEquals(written.get(i), read(m::read, refs.get(i)), "chunk " + i + Seeds.at(seed));
      assertArrayEquals(
          written.get(i),
          read(m.snapshot(), refs.get(i)),
          "chunk " + i + " via snapshot" + Seeds.at(seed));
    }
    assertTrue(
        m.bytesUsed() >= written.stream().mapToLong(b -> b.length).sum(),
        "bytesUsed " + m.bytesUsed() + " below the bytes written" + Seeds.at(seed));
  }

  @Test
  void aReusedBufferGrowsAndReportsEachChunksOwnLength() throws Exception {
    ChunkMapper m = open();
    byte[] big = new byte[3000];
    Arrays.fill(big, (byte) 7);
    long bigRef = m.write(1, 0, 10, (byte) 1, big, 0, big.length);
    long smallRef = m.write(1, 11, 20, (byte) 1, new byte[] {1, 2, 3}, 0, 3);
    ChunkMapper.ChunkBuffer buf = new ChunkMapper.ChunkBuffer();
    assertEquals(3000, m.read(bigRef, buf));
    assertTrue(buf.bytes.length >= 3000);
    assertEquals(7, buf.bytes[2999]);
    assertEquals(3, m.read(smallRef, buf));
    assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOf(buf.bytes, 3));
  }

  @Test
  void anUnknownReferenceIsAnIllegalState() throws Exception {
    ChunkMapper m = open();
    long ref = m.write(1, 0, 10, (byte) 1, new byte[] {9}, 0, 1);
    long farAway = ((ref >>> 32) + 1000) << 32 | (ref & 0xFFFFFFFFL);
    assertThrows(IllegalStateException.class, () -> read(m::read, farAway));
  }

  /**
   * Writes chunks with rising times until {@code units} units are full; returns refs, data, maxTs.
   */
  private static List<Object[]> fill(ChunkMapper m, Random r, int unitBytes, int units) {
    List<Object[]> out = new ArrayList<>();
    long total = 0;
    long t = 0;
    while (total < (long) unitBytes * units) {
      byte[] c = random(r, 200 + r.nextInt(800));
      long ref = m.write(out.size() % 11, t, t + 999, (byte) 1, c, 0, c.length);
      out.add(new Object[] {ref, c, t + 999});
      total += c.length + 40;
      t += 1000;
    }
    return out;
  }

  @Test
  void truncationReleasesOnlyWhatEndsBeforeTheCutAndSnapshotsStillRead() throws Exception {
    long seed = Seeds.seed(getClass().getSimpleName() + ".truncate");
    Random r = new Random(seed);
    ChunkMapper m = open();
    List<Object[]> chunks = fill(m, r, unitBytes(), 4);
    ChunkMapper.ChunkReader before = m.snapshot();
    long usedBefore = m.bytesUsed();
    int mid = chunks.size() / 2;
    long cut = (long) chunks.get(mid)[2];

    m.truncateBefore(cut);

    if (bytesUsedFallsOnTruncation()) {
      assertTrue(
          m.bytesUsed() < usedBefore,
          "bytesUsed " + usedBefore + " -> " + m.bytesUsed() + Seeds.at(seed));
    } else {
      assertTrue(
          m.bytesUsed() <= usedBefore,
          "bytesUsed " + usedBefore + " -> " + m.bytesUsed() + Seeds.at(seed));
    }
    // Every chunk ending at or after the cut is kept, whichever unit it shares.
    for (int i = mid; i < chunks.size(); i++) {
      assertArrayEquals(
          (byte[]) chunks.get(i)[1],
          read(m::read, (long) chunks.get(i)[0]),
          "chunk " + i + " ends after the cut" + Seeds.at(seed));
    }
    // The first unit held only chunks before the cut, so it is gone from live reads...
    assertThrows(
        IllegalStateException.class,
        () -> read(m::read, (long) chunks.get(0)[0]),
        "the first chunk was truncated away" + Seeds.at(seed));
    // ...but a reader taken before the truncation still sees every chunk.
    for (int i = 0; i < chunks.size(); i++) {
      assertArrayEquals(
          (byte[]) chunks.get(i)[1],
          read(before, (long) chunks.get(i)[0]),
          "chunk " + i + " via the earlier snapshot" + Seeds.at(seed));
    }
  }

  @Test
  void truncatingBeforeEverythingKeepsAllAndTruncatingPastEverythingKeepsWriting()
      throws Exception {
    long seed = Seeds.seed(getClass().getSimpleName() + ".truncateEdges");
    Random r = new Random(seed);
    ChunkMapper m = open();
    List<Object[]> chunks = fill(m, r, unitBytes(), 3);
    m.truncateBefore(Long.MIN_VALUE);
    for (int i = 0; i < chunks.size(); i++) {
      assertArrayEquals(
          (byte[]) chunks.get(i)[1],
          read(m::read, (long) chunks.get(i)[0]),
          "chunk " + i + Seeds.at(seed));
    }
    m.truncateBefore(Long.MAX_VALUE);
    byte[] after = random(r, 100);
    long ref =
        m.write(5, Long.MAX_VALUE - 10, Long.MAX_VALUE - 1, (byte) 1, after, 0, after.length);
    assertArrayEquals(
        after, read(m::read, ref), "a write after truncating everything" + Seeds.at(seed));
    assertTrue(
        !chunks.isEmpty() && (long) chunks.get(chunks.size() - 1)[0] != ref,
        "a new reference" + Seeds.at(seed));
  }

  @Test
  void concurrentWritersEachReadBackTheirOwnChunks() throws Exception {
    long seed = Seeds.seed(getClass().getSimpleName() + ".concurrent");
    ChunkMapper m = open();
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Object[]>>> futures = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        int id = w;
        futures.add(
            pool.submit(
                () -> {
                  Random r = new Random(seed + id);
                  List<Object[]> mine = new ArrayList<>();
                  for (int i = 0; i < 300; i++) {
                    byte[] c = random(r, 1 + r.nextInt(300));
                    mine.add(new Object[] {m.write(id, i, i, (byte) 1, c, 0, c.length), c});
                  }
                  return mine;
                }));
      }
      Set<Long> refs = new HashSet<>();
      for (Future<List<Object[]>> f : futures) {
        for (Object[] c : f.get()) {
          assertTrue(refs.add((long) c[0]), "reference handed out twice" + Seeds.at(seed));
          assertArrayEquals((byte[]) c[1], read(m::read, (long) c[0]), Seeds.at(seed));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
