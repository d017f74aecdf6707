package io.cardinal.storage.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexFormatTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  /** Appends {@code body} and its CRC32C, as every index section ends. */
  private static void withCrc(ByteArrayOutputStream out, byte[] prefix, byte[] body) {
    out.writeBytes(prefix);
    out.writeBytes(body);
    CRC32C c = new CRC32C();
    c.update(body);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) c.getValue()).array());
  }

  /**
   * One series {a="1"} with one chunk (ref 8, 1000..2000), laid out by hand from index.md: header;
   * symbols ["1","a"]; series at 32 (ID 2); label index for "a" at 48; postings ("","") at 68 and
   * ("a","1") at 84; label offset table at 100; postings offset table at 116; TOC at 138.
   */
  @Test
  void goldenIndexBytes(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("index");
    try (IndexWriter w = new IndexWriter(file, List.of("1", "a"))) {
      w.addSeries(Labels.of("a", "1"), new IndexWriter.ChunkMetas().add(1000, 2000, 8));
    }
    ByteArrayOutputStream want = new ByteArrayOutputStream();
    want.writeBytes(hex("BAAAD700 02"));
    withCrc(want, hex("00000008"), hex("00000002 0131 0161")); // symbols: pos 5..21
    want.writeBytes(new byte[11]); // align series to 32
    withCrc(want, hex("09"), hex("01 01 00 01 D00F E807 08")); // series ID 2: ..46
    want.writeBytes(new byte[2]); // align to 48
    withCrc(want, hex("0000000C"), hex("00000001 00000001 00000000")); // label index "a": ..68
    withCrc(want, hex("00000008"), hex("00000001 00000002")); // all postings: ..84
    withCrc(want, hex("00000008"), hex("00000001 00000002")); // a=1: ..100
    withCrc(want, hex("00000008"), hex("00000001 01 0161 30")); // label offset table: ..116
    withCrc(
        want,
        hex("0000000E"),
        hex("00000002 02 00 00 44 02 0161 0131 54")); // postings offsets: ..138
    withCrc(
        want,
        new byte[0],
        hex(
            "0000000000000005 0000000000000020 0000000000000030"
                + " 0000000000000064 0000000000000044 0000000000000074")); // TOC
    assertArrayEquals(want.toByteArray(), Files.readAllBytes(file));

    IndexReader r = new IndexReader(file);
    IndexReader.SeriesEntry e = new IndexReader.SeriesEntry();
    r.series(r.postings(Matcher.equal("a", "1")).first(), e);
    assertEquals(Labels.of("a", "1"), e.labels);
    assertEquals(1000, e.chunks.minTime(0));
    assertEquals(2000, e.chunks.maxTime(0));
    assertEquals(8, e.chunks.ref(0));
  }

  /**
   * A postings list that does not increase (here two entries swapped, with a correct checksum) is
   * reported with file and offset when it is read; the other lists stay readable.
   */
  @Test
  void postingsListThatDoesNotIncreaseIsReported(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("index");
    try (IndexWriter w = new IndexWriter(file, List.of("1", "a", "b", "x", "y"))) {
      w.addSeries(Labels.of("a", "1", "b", "x"), new IndexWriter.ChunkMetas().add(0, 1, 8));
      w.addSeries(Labels.of("a", "1", "b", "y"), new IndexWriter.ChunkMetas().add(0, 1, 20));
    }
    int[] ids = new IndexReader(file).postings(Matcher.equal("a", "1")).toArray();
    assertEquals(2, ids.length);
    byte[] b = Files.readAllBytes(file);
    byte[] list =
        ByteBuffer.allocate(16).putInt(12).putInt(2).putInt(ids[0]).putInt(ids[1]).array();
    int at = -1;
    for (int i = 0; i + list.length <= b.length; i++) {
      if (java.util.Arrays.equals(b, i, i + list.length, list, 0, list.length)) {
        at = i; // the last match is a="1" (the list of all series, equal to it, comes first)
      }
    }
    assertTrue(at > 0, "postings list for a=\"1\" found");
    ByteBuffer bb = ByteBuffer.wrap(b);
    bb.putInt(at + 8, ids[1]).putInt(at + 12, ids[0]);
    CRC32C crc = new CRC32C();
    crc.update(b, at + 4, 12);
    bb.putInt(at + 16, (int) crc.getValue());
    Files.write(file, b);

    IndexReader r = new IndexReader(file);
    BlockCorruptionException e =
        assertThrows(BlockCorruptionException.class, () -> r.postings(Matcher.equal("a", "1")));
    assertEquals(file, e.file());
    assertEquals(at + 12, e.offset());
    assertTrue(e.getMessage().contains("does not increase"), e.getMessage());
    assertEquals(1, r.postings(Matcher.equal("b", "y")).getCardinality());
    assertEquals(2, r.postings(Matcher.notEqual("b", "z")).getCardinality());
  }

  @Test
  void writerRejectsUnsortedSeriesAndMissingSymbols(@TempDir Path dir) throws Exception {
    try (IndexWriter w = new IndexWriter(dir.resolve("i1"), List.of("1", "2", "a"))) {
      w.addSeries(Labels.of("a", "2"), new IndexWriter.ChunkMetas().add(0, 1, 8));
      assertThrows(
          IllegalArgumentException.class,
          () -> w.addSeries(Labels.of("a", "1"), new IndexWriter.ChunkMetas()));
      assertThrows(
          IllegalArgumentException.class,
          () -> w.addSeries(Labels.of("b", "1"), new IndexWriter.ChunkMetas()));
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> new IndexWriter(dir.resolve("i2"), List.of("b", "a")));
  }

  private static Path writeBlock(Path dir) throws Exception {
    Head head = BlockRoundTripTest.randomHead(21, 10, 0, 3_600_000);
    BlockMeta m =
        BlockWriter.write(
            dir,
            head.chunkSeries(0, 7_199_999),
            head.symbols(),
            BlockWriter.Spec.fresh(0, 7_200_000));
    return dir.resolve(m.ulid);
  }

  private static void flip(Path file, long offset) throws Exception {
    byte[] b = Files.readAllBytes(file);
    b[(int) offset] ^= 0x5A;
    Files.write(file, b);
  }

  @Test
  void corruptSymbolTableIsReportedWithFileAndOffset(@TempDir Path dir) throws Exception {
    Path block = writeBlock(dir);
    flip(block.resolve("index"), 12);
    BlockCorruptionException e =
        assertThrows(BlockCorruptionException.class, () -> Block.open(block));
    assertEquals(block.resolve("index"), e.file());
    assertTrue(e.getMessage().contains("symbol table checksum mismatch"), e.getMessage());
    assertEquals(9, e.offset());
  }

  @Test
  void corruptSeriesEntryFailsTheQueryNamingTheOffset(@TempDir Path dir) throws Exception {
    Path block = writeBlock(dir);
    long seriesAt;
    try (Block b = Block.open(block)) {
      seriesAt = 16L * b.index().postings(Matcher.equal("i", "3")).first();
    }
    flip(block.resolve("index"), seriesAt + 3);
    try (Block b = Block.open(block)) {
      UncheckedIOException e =
          assertThrows(
              UncheckedIOException.class,
              () ->
                  b.querier(0, Long.MAX_VALUE)
                      .select(true, 0, Long.MAX_VALUE, Matcher.equal("i", "3")));
      assertTrue(e.getCause() instanceof BlockCorruptionException);
      assertTrue(e.getMessage().contains("series checksum mismatch"), e.getMessage());
      assertTrue(e.getMessage().contains("offset="), e.getMessage());
      // Other series are still readable.
      assertEquals(
          1,
          b.querier(0, Long.MAX_VALUE)
              .select(true, 0, Long.MAX_VALUE, Matcher.equal("i", "4"))
              .toList()
              .size());
    }
  }

  @Test
  void truncatedIndexIsRejected(@TempDir Path dir) throws Exception {
    Path block = writeBlock(dir);
    Path index = block.resolve("index");
    byte[] b = Files.readAllBytes(index);
    Files.write(index, java.util.Arrays.copyOf(b, b.length - 20));
    BlockCorruptionException e =
        assertThrows(BlockCorruptionException.class, () -> Block.open(block));
    assertTrue(
        e.getMessage().contains("checksum") || e.getMessage().contains("outside"), e.getMessage());
    Files.write(index, java.util.Arrays.copyOf(b, 30));
    e = assertThrows(BlockCorruptionException.class, () -> Block.open(block));
    assertTrue(e.getMessage().contains("too small"), e.getMessage());
  }

  @Test
  void corruptChunkIsReportedByTheIteratorWithSegmentAndOffset(@TempDir Path dir) throws Exception {
    Path block = writeBlock(dir);
    Path seg = block.resolve("chunks").resolve("000001");
    flip(seg, 20);
    try (Block b = Block.open(block)) {
      var set =
          b.querier(0, Long.MAX_VALUE)
              .select(true, 0, Long.MAX_VALUE, Matcher.regex("__name__", ".+"));
      boolean sawError = false;
      while (set.next()) {
        var it = set.at().iterator(null);
        while (it.next()) {
          // drain
        }
        if (it.error() != null) {
          sawError = true;
          assertTrue(it.error().contains("000001") && it.error().contains("offset="), it.error());
        }
      }
      assertTrue(sawError, "the corrupt chunk was detected");
    }
  }

  @Test
  void truncatedChunkSegmentAndMissingMetaAreClearErrors(@TempDir Path dir) throws Exception {
    Path block = writeBlock(dir);
    Path seg = block.resolve("chunks").resolve("000001");
    Files.write(seg, java.util.Arrays.copyOf(Files.readAllBytes(seg), 5));
    BlockCorruptionException e =
        assertThrows(BlockCorruptionException.class, () -> Block.open(block));
    assertTrue(e.getMessage().contains("shorter than its 8-byte header"), e.getMessage());
    Files.delete(block.resolve("meta.json"));
    e = assertThrows(BlockCorruptionException.class, () -> Block.open(block));
    assertTrue(e.getMessage().contains("meta.json is missing"), e.getMessage());
  }
}
