package io.cardinal.storage.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte-exact checks of the segment layout against hand-computed bytes. */
class WalFormatGoldenTest {

  @TempDir Path dir;

  @Test
  void independentCrcMatchesCheckValue() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xE3069283, TestUtil.crc32c(check, 0, check.length));
  }

  @Test
  void singleSmallRecordIsOneFullFragment() throws Exception {
    byte[] golden = TestUtil.resource("full-record-123456789.bin");
    try (Wal wal = Wal.open(dir)) {
      assertEquals(0, wal.currentSegment());
      wal.log("123456789".getBytes(StandardCharsets.US_ASCII));
      // The partial page is flushed to the OS after each log call, unpadded.
      assertArrayEquals(golden, Files.readAllBytes(dir.resolve("00000000")));
    }
    // Closing pads the last page with zeros.
    byte[] closed = Files.readAllBytes(dir.resolve("00000000"));
    assertEquals(WalFormat.PAGE_SIZE, closed.length);
    assertArrayEquals(golden, Arrays.copyOf(closed, golden.length));
    for (int i = golden.length; i < closed.length; i++) {
      assertEquals(0, closed[i], "padding byte " + i);
    }
    List<byte[]> recs = TestUtil.readAllData(dir);
    assertEquals(1, recs.size());
    assertEquals("123456789", new String(recs.get(0), StandardCharsets.US_ASCII));
  }

  @Test
  void recordSpanningTwoPagesIsFirstThenLast() throws Exception {
    int firstLen = WalFormat.PAGE_SIZE - 7; // 32761 = 0x7FF9
    byte[] rec = new byte[firstLen + 100];
    for (int i = 0; i < rec.length; i++) {
      rec[i] = (byte) (i * 31 + 7);
    }
    try (Wal wal = Wal.open(dir)) {
      wal.log(rec);
      byte[] seg = Files.readAllBytes(dir.resolve("00000000"));
      assertEquals(WalFormat.PAGE_SIZE + 7 + 100, seg.length);
      // Page 0: FIRST fragment filling the page exactly.
      assertEquals(0x02, seg[0]);
      assertEquals(0x7F, seg[1] & 0xff);
      assertEquals(0xF9, seg[2] & 0xff);
      assertEquals(TestUtil.crc32c(rec, 0, firstLen), be32(seg, 3));
      assertArrayEquals(
          Arrays.copyOfRange(rec, 0, firstLen), Arrays.copyOfRange(seg, 7, WalFormat.PAGE_SIZE));
      // Page 1: LAST fragment with the remaining 100 bytes.
      int p = WalFormat.PAGE_SIZE;
      assertEquals(0x04, seg[p]);
      assertEquals(0x00, seg[p + 1]);
      assertEquals(0x64, seg[p + 2]);
      assertEquals(TestUtil.crc32c(rec, firstLen, 100), be32(seg, p + 3));
      assertArrayEquals(
          Arrays.copyOfRange(rec, firstLen, rec.length),
          Arrays.copyOfRange(seg, p + 7, seg.length));
    }
    List<byte[]> recs = TestUtil.readAllData(dir);
    assertEquals(1, recs.size());
    assertArrayEquals(rec, recs.get(0));
  }

  @Test
  void pageTailShorterThanHeaderIsZeroPadded() throws Exception {
    // First record leaves 3 bytes in the page: too few for a header, so the page is closed.
    byte[] a = new byte[WalFormat.PAGE_SIZE - 7 - 3];
    Arrays.fill(a, (byte) 0x55);
    byte[] b = {1, 2, 3};
    try (Wal wal = Wal.open(dir)) {
      wal.log(a, b);
      byte[] seg = Files.readAllBytes(dir.resolve("00000000"));
      assertEquals(WalFormat.PAGE_SIZE + 7 + 3, seg.length);
      assertEquals(0x01, seg[0]);
      for (int i = WalFormat.PAGE_SIZE - 3; i < WalFormat.PAGE_SIZE; i++) {
        assertEquals(0, seg[i]);
      }
      assertEquals(0x01, seg[WalFormat.PAGE_SIZE]);
      assertEquals(3, seg[WalFormat.PAGE_SIZE + 2]);
    }
    List<byte[]> recs = TestUtil.readAllData(dir);
    assertEquals(2, recs.size());
    assertArrayEquals(b, recs.get(1));
  }

  @Test
  void exactlyHeaderSizeLeftGivesEmptyFirstFragment() throws Exception {
    // Leaves exactly 7 bytes: Prometheus writes a zero-length FIRST fragment there.
    byte[] a = new byte[WalFormat.PAGE_SIZE - 7 - 7];
    byte[] b = {9, 8, 7, 6};
    try (Wal wal = Wal.open(dir)) {
      wal.log(a, b);
      byte[] seg = Files.readAllBytes(dir.resolve("00000000"));
      int p = WalFormat.PAGE_SIZE - 7;
      assertEquals(0x02, seg[p]);
      assertEquals(0, seg[p + 1]);
      assertEquals(0, seg[p + 2]);
      assertEquals(0, be32(seg, p + 3)); // CRC32C of nothing
      assertEquals(0x04, seg[WalFormat.PAGE_SIZE]);
      assertEquals(4, seg[WalFormat.PAGE_SIZE + 2]);
    }
    List<byte[]> recs = TestUtil.readAllData(dir);
    assertArrayEquals(b, recs.get(1));
  }

  @Test
  void zeroLengthRecordIsAnEmptyFullFragment() throws Exception {
    try (Wal wal = Wal.open(dir, Wal.Options.DEFAULT.withCompression(true))) {
      wal.log(new byte[0]);
      assertArrayEquals(
          new byte[] {1, 0, 0, 0, 0, 0, 0}, Files.readAllBytes(dir.resolve("00000000")));
    }
    List<byte[]> recs = TestUtil.readAllData(dir);
    assertEquals(1, recs.size());
    assertEquals(0, recs.get(0).length);
  }

  @Test
  void readsHandWrittenSnappyFragment() throws Exception {
    Files.write(dir.resolve("00000000"), TestUtil.resource("snappy-record-hello.bin"));
    List<byte[]> recs = TestUtil.readAllData(dir);
    assertEquals(1, recs.size());
    assertEquals("hello", new String(recs.get(0), StandardCharsets.US_ASCII));
  }

  @Test
  void compressibleRecordGetsSnappyFlag() throws Exception {
    byte[] rec = new byte[1000];
    Arrays.fill(rec, (byte) 'a');
    try (Wal wal = Wal.open(dir, Wal.Options.DEFAULT.withCompression(true))) {
      wal.log(rec, "xyz".getBytes(StandardCharsets.US_ASCII));
      byte[] seg = Files.readAllBytes(dir.resolve("00000000"));
      assertEquals(0x09, seg[0], "FULL | snappy flag");
      int len = ((seg[1] & 0xff) << 8) | (seg[2] & 0xff);
      assertTrue(len < 100, "compressed length " + len);
      // The snappy block starts with the uncompressed length as a uvarint: 1000 = e8 07.
      assertEquals(0xe8, seg[7] & 0xff);
      assertEquals(0x07, seg[8] & 0xff);
      // Incompressible record stays uncompressed, without the flag.
      assertEquals(0x01, seg[7 + len]);
    }
    List<byte[]> recs = TestUtil.readAllData(dir);
    assertArrayEquals(rec, recs.get(0));
    assertEquals("xyz", new String(recs.get(1), StandardCharsets.US_ASCII));
  }

  @Test
  void segmentNamesAreEightDigits() {
    assertEquals("00000000", WalFormat.segmentName(0));
    assertEquals("00000123", WalFormat.segmentName(123));
    assertEquals(123, WalFormat.parseSegmentName("00000123"));
    assertEquals(-1, WalFormat.parseSegmentName("checkpoint.00000001"));
    assertEquals(-1, WalFormat.parseSegmentName("00000001.repair"));
    assertFalse(WalFormat.parseSegmentName("") >= 0);
  }

  private static int be32(byte[] b, int off) {
    return ((b[off] & 0xff) << 24)
        | ((b[off + 1] & 0xff) << 16)
        | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }
}
