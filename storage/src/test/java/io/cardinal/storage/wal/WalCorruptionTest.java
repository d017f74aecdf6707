package io.cardinal.storage.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.storage.wal.WalCorruptionException.Kind;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalCorruptionTest {

  private static final long SEGMENT = 4L * WalFormat.PAGE_SIZE;

  @TempDir Path dir;

  /** Writes {@code n} records of varying size (some span pages) over several segments. */
  private List<byte[]> writeRecords(int n, long seed) throws Exception {
    Random rnd = new Random(seed);
    List<byte[]> recs = new ArrayList<>();
    try (Wal wal = Wal.open(dir, Wal.Options.DEFAULT.withSegmentSize(SEGMENT))) {
      for (int i = 0; i < n; i++) {
        byte[] r = new byte[1 + rnd.nextInt(i % 7 == 0 ? 50_000 : 3_000)];
        rnd.nextBytes(r);
        r[0] = (byte) i;
        recs.add(r);
        wal.log(r);
      }
    }
    return recs;
  }

  private static WalCorruptionException readExpectingCorruption(Path dir) {
    return assertThrows(
        WalCorruptionException.class, () -> TestUtil.readAll(SegmentRange.all(dir)));
  }

  private static void flipByte(Path file, long offset) throws Exception {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      int b = raf.read();
      raf.seek(offset);
      raf.write(b ^ 0x5a);
    }
  }

  @Test
  void flippedDataByteIsBadCrcAtFragmentOffset() throws Exception {
    List<byte[]> recs = writeRecords(200, 42);
    List<TestUtil.Pos> pos = TestUtil.readAll(SegmentRange.all(dir));
    assertEquals(recs.size(), pos.size());
    TestUtil.Pos victim = pos.get(pos.size() / 2);
    assertTrue(victim.segment() > 0, "victim should not be in the first segment");
    // Flip a byte inside the victim's first fragment data (first record byte is at start + 7).
    flipByte(Segments.path(dir, victim.segment()), victim.start() + 7);

    WalCorruptionException e = readExpectingCorruption(dir);
    assertEquals(Kind.BAD_CRC, e.kind());
    assertEquals(victim.segment(), e.segment());
    assertEquals(victim.start(), e.offset());
    assertEquals(Segments.path(dir, victim.segment()), e.file());
    assertTrue(e.getMessage().contains("segment=" + victim.segment()), e.getMessage());
    assertTrue(e.getMessage().contains("offset=" + victim.start()), e.getMessage());

    // Repair: everything before the victim survives, the victim and all later records are gone.
    int lastSegment = Segments.last(dir);
    WalRepair.Result res = WalRepair.repair(dir, e);
    assertEquals(victim.segment(), res.segment());
    assertEquals(victim.start(), res.truncatedTo());
    assertTrue(res.message().contains("segment " + victim.segment()), res.message());
    assertEquals(lastSegment - victim.segment(), res.deletedSegments().size());
    assertEquals(victim.segment(), Segments.last(dir));
    int victimIndex = pos.indexOf(victim);
    List<byte[]> after = TestUtil.readAllData(dir);
    assertEquals(victimIndex, after.size());
    for (int i = 0; i < after.size(); i++) {
      assertArrayEquals(recs.get(i), after.get(i));
    }
  }

  @Test
  void flippedByteInMiddleFragmentIsReported() throws Exception {
    try (Wal wal = Wal.open(dir)) {
      wal.log(new byte[1000], new byte[100_000], new byte[10]);
    }
    TestUtil.Pos big = TestUtil.readAll(SegmentRange.all(dir)).get(1);
    assertEquals(1007, big.start());
    // The first page boundary after the record start holds its MIDDLE fragment.
    long second = (big.start() / WalFormat.PAGE_SIZE + 1) * WalFormat.PAGE_SIZE;
    flipByte(Segments.path(dir, big.segment()), second + 100);
    WalCorruptionException e = readExpectingCorruption(dir);
    assertEquals(Kind.BAD_CRC, e.kind());
    assertEquals(big.segment(), e.segment());
    assertEquals(second, e.offset());
  }

  @Test
  void truncatedTailIsTornAndRepairCutsIt() throws Exception {
    List<byte[]> recs;
    try (Wal wal = Wal.open(dir)) {
      recs = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        byte[] r = new byte[i == 9 ? 3 * WalFormat.PAGE_SIZE : 1000];
        new Random(i).nextBytes(r);
        recs.add(r);
        wal.log(r);
      }
    }
    List<TestUtil.Pos> pos = TestUtil.readAll(SegmentRange.all(dir));
    TestUtil.Pos last = pos.get(9);
    Path seg = Segments.path(dir, 0);
    // Crash in the middle of the last record's second page.
    try (var ch = Files.newByteChannel(seg, StandardOpenOption.WRITE)) {
      ch.truncate(last.start() + WalFormat.PAGE_SIZE + 500);
    }
    WalCorruptionException e = readExpectingCorruption(dir);
    assertEquals(Kind.TORN_RECORD, e.kind());
    assertEquals(0, e.segment());
    assertEquals(last.start(), e.offset());

    try (Wal wal = Wal.open(dir)) {
      WalRepair.Result res = wal.repair(e);
      assertEquals(9, res.recordsKept());
      assertEquals(last.start(), res.truncatedTo());
      assertEquals(1, wal.currentSegment());
      wal.log(new byte[] {42});
    }
    List<byte[]> after = TestUtil.readAllData(dir);
    assertEquals(10, after.size());
    for (int i = 0; i < 9; i++) {
      assertArrayEquals(recs.get(i), after.get(i));
    }
    assertArrayEquals(new byte[] {42}, after.get(9));
  }

  @Test
  void tornFragmentHeaderAndTornFragmentData() throws Exception {
    try (Wal wal = Wal.open(dir)) {
      wal.log(new byte[100], new byte[100]);
    }
    Path seg = Segments.path(dir, 0);
    try (var ch = Files.newByteChannel(seg, StandardOpenOption.WRITE)) {
      ch.truncate(107 + 3); // 3 bytes of the second header
    }
    WalCorruptionException e = readExpectingCorruption(dir);
    assertEquals(Kind.TORN_RECORD, e.kind());
    assertEquals(107, e.offset());
    try (var ch = Files.newByteChannel(seg, StandardOpenOption.WRITE)) {
      ch.truncate(107);
    }
    // Rewrite header + half the data.
    try (Wal wal = Wal.open(dir)) {
      wal.log(new byte[100]);
    }
    byte[] whole = Files.readAllBytes(Segments.path(dir, 1));
    Files.delete(Segments.path(dir, 1));
    Files.write(seg, java.util.Arrays.copyOf(whole, 57), StandardOpenOption.APPEND);
    e = readExpectingCorruption(dir);
    assertEquals(Kind.TORN_RECORD, e.kind());
    assertEquals(107, e.offset());
    WalRepair.Result res = WalRepair.repair(dir, e);
    assertEquals(1, res.recordsKept());
    assertEquals(WalFormat.PAGE_SIZE, Files.size(seg), "repaired segment is page-padded");
    assertEquals(1, TestUtil.readAllData(dir).size());
  }

  @Test
  void partiallyWrittenZeroPaddingIsNotCorruption() throws Exception {
    try (Wal wal = Wal.open(dir)) {
      wal.log(new byte[] {1, 2, 3});
    }
    Path seg = Segments.path(dir, 0);
    try (var ch = Files.newByteChannel(seg, StandardOpenOption.WRITE)) {
      ch.truncate(5000); // padding cut short, as a crash during close would leave it
    }
    assertEquals(1, TestUtil.readAllData(dir).size());
  }

  @Test
  void zeroLengthSegmentsAreEmpty() throws Exception {
    Files.createFile(Segments.path(dir, 0));
    assertEquals(0, TestUtil.readAllData(dir).size());
    try (Wal wal = Wal.open(dir)) {
      assertEquals(1, wal.currentSegment());
      wal.log(new byte[] {5});
    }
    Files.createFile(Segments.path(dir, 2));
    List<byte[]> recs = TestUtil.readAllData(dir);
    assertEquals(1, recs.size());
    assertArrayEquals(new byte[] {5}, recs.get(0));
  }

  @Test
  void lastFragmentWithoutFirstIsUnexpected() throws Exception {
    byte[] data = {1, 2, 3};
    Files.write(Segments.path(dir, 0), fragment(WalFormat.TYPE_LAST, data));
    WalCorruptionException e = readExpectingCorruption(dir);
    assertEquals(Kind.UNEXPECTED_FRAGMENT_TYPE, e.kind());
    assertEquals(0, e.offset());
  }

  @Test
  void fullFragmentAfterFirstIsUnexpected() throws Exception {
    byte[] a = fragment(WalFormat.TYPE_FULL, new byte[] {1});
    byte[] b = fragment(WalFormat.TYPE_FIRST, new byte[] {2});
    byte[] c = fragment(WalFormat.TYPE_FULL, new byte[] {3});
    Files.write(Segments.path(dir, 0), concat(a, b, c));
    WalCorruptionException e = readExpectingCorruption(dir);
    assertEquals(Kind.UNEXPECTED_FRAGMENT_TYPE, e.kind());
    assertEquals(16, e.offset());
    assertTrue(e.getMessage().contains("type=FULL"), e.getMessage());
    WalRepair.repair(dir, e);
    assertEquals(1, TestUtil.readAllData(dir).size());
  }

  @Test
  void undefinedFragmentTypeIsUnexpected() throws Exception {
    Files.write(Segments.path(dir, 0), fragment(6, new byte[] {1}));
    assertEquals(Kind.UNEXPECTED_FRAGMENT_TYPE, readExpectingCorruption(dir).kind());
  }

  @Test
  void lengthExceedingPageIsReported() throws Exception {
    byte[] f = fragment(WalFormat.TYPE_FULL, new byte[10]);
    f[1] = (byte) 0x7f;
    f[2] = (byte) 0xff; // 32767 > 32761
    Files.write(Segments.path(dir, 0), f);
    WalCorruptionException e = readExpectingCorruption(dir);
    assertEquals(Kind.FRAGMENT_EXCEEDS_PAGE, e.kind());
    assertEquals(0, e.offset());
  }

  @Test
  void nonZeroPaddingIsReported() throws Exception {
    byte[] page = new byte[WalFormat.PAGE_SIZE];
    byte[] f = fragment(WalFormat.TYPE_FULL, new byte[] {1});
    System.arraycopy(f, 0, page, 0, f.length);
    page[1000] = 1;
    Files.write(Segments.path(dir, 0), page);
    WalCorruptionException e = readExpectingCorruption(dir);
    assertEquals(Kind.NONZERO_PADDING, e.kind());
    assertEquals(f.length, e.offset());
    assertTrue(e.getMessage().contains("byteOffset=1000"), e.getMessage());
  }

  @Test
  void headerInLastSixBytesOfFullPageIsReported() throws Exception {
    byte[] page = new byte[WalFormat.PAGE_SIZE];
    byte[] f = fragment(WalFormat.TYPE_FULL, new byte[WalFormat.PAGE_SIZE - 7 - 3]);
    System.arraycopy(f, 0, page, 0, f.length);
    page[WalFormat.PAGE_SIZE - 3] = WalFormat.TYPE_FULL;
    Files.write(Segments.path(dir, 0), page);
    WalCorruptionException e = readExpectingCorruption(dir);
    assertEquals(Kind.HEADER_CROSSES_PAGE, e.kind());
    assertEquals(WalFormat.PAGE_SIZE - 3, e.offset());
  }

  @Test
  void fragmentsDisagreeingOnCompressionAreReported() throws Exception {
    Files.write(
        Segments.path(dir, 0),
        concat(
            fragment(WalFormat.TYPE_FIRST | WalFormat.SNAPPY_FLAG, new byte[] {1}),
            fragment(WalFormat.TYPE_LAST, new byte[] {2})));
    WalCorruptionException e = readExpectingCorruption(dir);
    assertEquals(Kind.COMPRESSION_FLAG_MISMATCH, e.kind());
    assertEquals(8, e.offset());
  }

  @Test
  void zstdRecordIsUnsupportedAndNotRepairable() throws Exception {
    byte[] f = fragment(WalFormat.TYPE_FULL | WalFormat.ZSTD_FLAG, new byte[] {1, 2});
    Files.write(Segments.path(dir, 0), f);
    WalCorruptionException e = readExpectingCorruption(dir);
    assertEquals(Kind.UNSUPPORTED_COMPRESSION, e.kind());
    assertFalse(e.kind().repairable());
    assertThrows(IllegalArgumentException.class, () -> WalRepair.repair(dir, e));
    assertTrue(Files.size(Segments.path(dir, 0)) > 0, "data left alone");
  }

  @Test
  void garbledSnappyPayloadIsBadCompression() throws Exception {
    byte[] f =
        fragment(WalFormat.TYPE_FULL | WalFormat.SNAPPY_FLAG, new byte[] {0x05, 0x10, 'h', 'e'});
    Files.write(Segments.path(dir, 0), f);
    assertEquals(Kind.BAD_COMPRESSION, readExpectingCorruption(dir).kind());
  }

  @Test
  void recordTornAtSegmentEndIsReportedInThatSegment() throws Exception {
    Files.write(
        Segments.path(dir, 0),
        concat(
            fragment(WalFormat.TYPE_FULL, new byte[] {1}),
            fragment(WalFormat.TYPE_FIRST, new byte[] {2})));
    Files.write(Segments.path(dir, 1), fragment(WalFormat.TYPE_FULL, new byte[] {3}));
    WalCorruptionException e = readExpectingCorruption(dir);
    assertEquals(Kind.TORN_RECORD, e.kind());
    assertEquals(0, e.segment());
    assertEquals(8, e.offset());
    WalRepair.Result res = WalRepair.repair(dir, e);
    assertEquals(List.of(1), res.deletedSegments());
    assertEquals(1, TestUtil.readAllData(dir).size());
  }

  @Test
  void segmentGapIsReported() throws Exception {
    try (Wal wal = Wal.open(dir)) {
      wal.log(new byte[] {1});
      wal.nextSegment();
      wal.log(new byte[] {2});
      wal.nextSegment();
      wal.log(new byte[] {3});
    }
    Files.delete(Segments.path(dir, 1));
    WalCorruptionException e = readExpectingCorruption(dir);
    assertEquals(Kind.SEGMENT_GAP, e.kind());
    assertEquals(1, e.segment());
  }

  @Test
  void repairRefusesForeignDirectory(@TempDir Path other) throws Exception {
    Files.write(Segments.path(other, 0), fragment(WalFormat.TYPE_LAST, new byte[] {1}));
    WalCorruptionException e =
        assertThrows(WalCorruptionException.class, () -> TestUtil.readAll(SegmentRange.all(other)));
    assertThrows(IllegalArgumentException.class, () -> WalRepair.repair(dir, e));
  }

  static byte[] fragment(int type, byte[] data) {
    byte[] f = new byte[7 + data.length];
    f[0] = (byte) type;
    f[1] = (byte) (data.length >> 8);
    f[2] = (byte) data.length;
    int crc = TestUtil.crc32c(data, 0, data.length);
    f[3] = (byte) (crc >>> 24);
    f[4] = (byte) (crc >>> 16);
    f[5] = (byte) (crc >>> 8);
    f[6] = (byte) crc;
    System.arraycopy(data, 0, f, 7, data.length);
    return f;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }
}
