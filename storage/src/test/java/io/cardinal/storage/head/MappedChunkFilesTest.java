package io.cardinal.storage.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.chunk.ChunkMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chunks_head/ format: golden bytes, cutting, reading back, repair of torn and corrupt files.
 */
class MappedChunkFilesTest {

  @TempDir Path dir;

  /** One chunk as the visitor reports it. */
  record Seen(long seriesRef, long chunkRef, long minT, long maxT, byte encoding) {}

  static List<Seen> reopen(Path dir, long maxFile, List<String> repairs) throws IOException {
    List<Seen> seen = new ArrayList<>();
    MappedChunkFiles m =
        MappedChunkFiles.open(
            dir, maxFile, 4096, (s, c, lo, hi, e) -> seen.add(new Seen(s, c, lo, hi, e)));
    repairs.addAll(m.repairs());
    m.close();
    return seen;
  }

  static byte[] data(int seed, int len) {
    byte[] b = new byte[len];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] read(ChunkMapper.ChunkReader r, long ref) {
    ChunkMapper.ChunkBuffer buf = new ChunkMapper.ChunkBuffer();
    int n = r.read(ref, buf);
    return Arrays.copyOf(buf.bytes, n);
  }

  @Test
  void goldenBytesOfOneEntry() throws IOException {
    try (MappedChunkFiles m = MappedChunkFiles.open(dir, null)) {
      long ref =
          m.write(
              1, 1000, 2000, (byte) 1, new byte[] {(byte) 0xAA, (byte) 0xBB, (byte) 0xCC}, 0, 3);
      assertEquals((1L << 32) | 8, ref, "file 1, offset 8 (just after the header)");
    }
    byte[] want = {
      0x01,
      0x30,
      (byte) 0xBC,
      (byte) 0x91, // magic
      0x01, // version
      0x00,
      0x00,
      0x00, // padding
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1, // series ref 1
      0,
      0,
      0,
      0,
      0,
      0,
      0x03,
      (byte) 0xE8, // mint 1000
      0,
      0,
      0,
      0,
      0,
      0,
      0x07,
      (byte) 0xD0, // maxt 2000
      0x01, // encoding XOR
      0x03, // len, uvarint
      (byte) 0xAA,
      (byte) 0xBB,
      (byte) 0xCC, // data
      0x73,
      0x20,
      0x3A,
      (byte) 0xD7, // CRC32C (Castagnoli) of series ref .. data
    };
    assertArrayEquals(want, Files.readAllBytes(dir.resolve("000001")));
    List<String> repairs = new ArrayList<>();
    assertEquals(
        List.of(new Seen(1, (1L << 32) | 8, 1000, 2000, (byte) 1)), reopen(dir, 1 << 20, repairs));
    assertEquals(List.of(), repairs);
  }

  @Test
  void readableFromTheWriteBufferAndAfterEveryCutAndReopen() throws IOException {
    long maxFile = 2048;
    List<Long> refs = new ArrayList<>();
    try (MappedChunkFiles m = MappedChunkFiles.open(dir, maxFile, 4096, null)) {
      for (int i = 0; i < 200; i++) {
        long ref =
            m.write(
                i % 7 + 1, i * 10L, i * 10L + 9, (byte) 1, data(i, 20 + i % 150), 0, 20 + i % 150);
        refs.add(ref);
        // Readable at once, whether still buffered or already in a cut file.
        assertArrayEquals(data(i, 20 + i % 150), read(m::read, ref));
        if (i % 13 == 0) {
          for (int j = 0; j <= i; j += 5) {
            assertArrayEquals(data(j, 20 + j % 150), read(m::read, refs.get(j)));
          }
        }
      }
      assertTrue(m.fileCount() > 5, "files cut at " + maxFile + " bytes: " + m.fileCount());
    }
    for (Path p : Files.list(dir).toList()) {
      assertTrue(Files.size(p) <= maxFile, p + " is " + Files.size(p));
    }
    List<String> repairs = new ArrayList<>();
    List<Seen> seen = reopen(dir, maxFile, repairs);
    assertEquals(List.of(), repairs);
    assertEquals(200, seen.size());
    try (MappedChunkFiles m = MappedChunkFiles.open(dir, maxFile, 4096, null)) {
      for (int i = 0; i < 200; i++) {
        Seen s = seen.get(i);
        assertEquals(refs.get(i), s.chunkRef());
        assertEquals(i % 7 + 1, s.seriesRef());
        assertEquals(i * 10L, s.minT());
        assertEquals(i * 10L + 9, s.maxT());
        assertArrayEquals(data(i, 20 + i % 150), read(m::read, s.chunkRef()));
      }
      // A restart never appends to an old file.
      long ref = m.write(1, 5000, 5001, (byte) 1, new byte[] {1}, 0, 1);
      assertEquals(seen.get(199).chunkRef() >>> 32, (ref >>> 32) - 1);
    }
  }

  @Test
  void tornTailIsCutAndReported() throws IOException {
    try (MappedChunkFiles m = MappedChunkFiles.open(dir, null)) {
      for (int i = 0; i < 10; i++) {
        m.write(1, i, i, (byte) 1, data(i, 30), 0, 30);
      }
    }
    Path f = dir.resolve("000001");
    long entry = 25 + 1 + 30 + 4;
    long full = Files.size(f);
    assertEquals(8 + 10 * entry, full);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(full - 17); // the last entry lost its CRC and part of its data
    }
    List<String> repairs = new ArrayList<>();
    List<Seen> seen = reopen(dir, 1 << 20, repairs);
    assertEquals(9, seen.size());
    assertEquals(1, repairs.size(), repairs.toString());
    String msg = repairs.get(0);
    assertTrue(msg.contains(f.toString()) && msg.contains("offset " + (8 + 9 * entry)), msg);
    assertEquals(8 + 9 * entry, Files.size(f), "cut to the last good entry");
    // Repaired for good: a second open finds nothing wrong.
    repairs.clear();
    assertEquals(9, reopen(dir, 1 << 20, repairs).size());
    assertEquals(List.of(), repairs);
  }

  @Test
  void corruptEntryInAnEarlierFileCutsThereAndDropsLaterFiles() throws IOException {
    long maxFile = 1024;
    try (MappedChunkFiles m = MappedChunkFiles.open(dir, maxFile, 4096, null)) {
      for (int i = 0; i < 60; i++) {
        m.write(1 + i % 3, i, i, (byte) 1, data(i, 60), 0, 60);
      }
    }
    long files = Files.list(dir).count();
    assertTrue(files >= 4, "files: " + files);
    Path second = dir.resolve("000002");
    long entry = 25 + 1 + 60 + 4;
    long at = 8 + 3 * entry + 40; // inside the data of the file's fourth entry
    try (RandomAccessFile raf = new RandomAccessFile(second.toFile(), "rw")) {
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x10);
    }
    List<String> repairs = new ArrayList<>();
    List<Seen> seen = reopen(dir, maxFile, repairs);
    int perFile = (int) ((maxFile - 8) / entry);
    assertEquals(perFile + 3, seen.size(), "first file and three entries of the second");
    assertEquals(1, repairs.size());
    String msg = repairs.get(0);
    assertTrue(
        msg.contains(second.toString())
            && msg.contains("offset " + (8 + 3 * entry))
            && msg.contains("checksum mismatch")
            && msg.contains("deleted " + (files - 2) + " later file"),
        msg);
    assertEquals(List.of(dir.resolve("000001"), second), Files.list(dir).sorted().toList());
  }

  @Test
  void badHeaderDeletesTheFile() throws IOException {
    try (MappedChunkFiles m = MappedChunkFiles.open(dir, null)) {
      m.write(1, 0, 1, (byte) 1, new byte[] {1, 2}, 0, 2);
    }
    Path f = dir.resolve("000001");
    byte[] b = Files.readAllBytes(f);
    b[0] = 0x02;
    Files.write(f, b);
    List<String> repairs = new ArrayList<>();
    assertEquals(List.of(), reopen(dir, 1 << 20, repairs));
    assertTrue(
        repairs.get(0).contains("bad magic [expected=0x0130BC91, found=0x0230BC91]"),
        repairs.get(0));
    assertFalse(Files.exists(f));
  }

  @Test
  void truncateDeletesOnlyWholeFilesEndedBeforeTheCutAndSnapshotsStayReadable() throws IOException {
    long maxFile = 1024;
    try (MappedChunkFiles m = MappedChunkFiles.open(dir, maxFile, 4096, null)) {
      List<Long> refs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        refs.add(m.write(1, i * 100L, i * 100L + 99, (byte) 1, data(i, 60), 0, 60));
      }
      int before = m.fileCount();
      ChunkMapper.ChunkReader snap = m.snapshot();
      // Chunk 20 ends at 2099: its file, and every later one, must stay.
      m.truncateBefore(2050);
      assertTrue(m.fileCount() < before);
      assertArrayEquals(data(20, 60), read(m::read, refs.get(20)));
      assertArrayEquals(data(39, 60), read(m::read, refs.get(39)));
      assertThrows(IllegalStateException.class, () -> read(m::read, refs.get(0)));
      // A reader taken before the truncation still reads deleted files.
      assertArrayEquals(data(0, 60), read(snap, refs.get(0)));
      long ref = m.write(1, 9000, 9001, (byte) 1, new byte[] {7}, 0, 1);
      assertArrayEquals(new byte[] {7}, read(m::read, ref));
    }
  }
}
