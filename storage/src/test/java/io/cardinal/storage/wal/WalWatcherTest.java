package io.cardinal.storage.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Seeds;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalWatcherTest {

  private static final long SEGMENT = 4L * WalFormat.PAGE_SIZE;

  @TempDir Path dir;

  /** Collects what the watcher reports. */
  private static final class Recorder implements WalWatcher.Listener {
    final List<byte[]> records = new ArrayList<>();
    final List<Integer> segments = new ArrayList<>();
    final List<String> corrupt = new ArrayList<>();
    final List<int[]> gaps = new ArrayList<>();

    @Override
    public void record(ByteBuffer rec, int segment) {
      byte[] b = new byte[rec.remaining()];
      rec.get(b);
      records.add(b);
      segments.add(segment);
    }

    @Override
    public void gap(int from, int to) {
      gaps.add(new int[] {from, to});
    }

    @Override
    public void corrupt(int segment, long offset, String why) {
      corrupt.add(segment + "@" + offset + ": " + why);
    }
  }

  private List<byte[]> writeRecords(Path walDir, int n, Random rnd) throws IOException {
    List<byte[]> recs = new ArrayList<>();
    try (Wal wal = Wal.open(walDir, Wal.Options.DEFAULT.withSegmentSize(SEGMENT))) {
      for (int i = 0; i < n; i++) {
        // Some records span pages, so the watcher reassembles FIRST/MIDDLE/LAST fragments.
        byte[] r = new byte[1 + rnd.nextInt(i % 7 == 0 ? 50_000 : 3_000)];
        rnd.nextBytes(r);
        recs.add(r);
        wal.log(r);
      }
    }
    return recs;
  }

  /** Polls until a poll delivers nothing. */
  private static void drain(WalWatcher w, Recorder rec) throws IOException {
    while (w.poll(rec, 7) > 0) {
      // keep going
    }
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      int b = raf.read();
      raf.seek(offset);
      raf.write(b ^ 0x5a);
    }
  }

  @Test
  void deliversWhatTheReaderReadsAndResumesAtAnyRecordBoundary() throws IOException {
    long seed = Seeds.seed("WalWatcherTest");
    Random rnd = new Random(seed);
    List<byte[]> recs = writeRecords(dir, 120, rnd);
    assertTrue(Segments.list(dir).length > 2, "records span several segments");

    Recorder all = new Recorder();
    int cut = 1 + rnd.nextInt(recs.size() - 1);
    long[] resumeAt;
    try (WalWatcher w = new WalWatcher(dir, 0, 0)) {
      assertEquals(cut, w.poll(all, cut));
      resumeAt = new long[] {w.segment(), w.offset()};
    }
    try (WalWatcher w = new WalWatcher(dir, (int) resumeAt[0], resumeAt[1])) {
      drain(w, all);
    }
    assertEquals(recs.size(), all.records.size(), Seeds.at(seed));
    for (int i = 0; i < recs.size(); i++) {
      assertArrayEquals(recs.get(i), all.records.get(i), "record " + i + Seeds.at(seed));
    }
    assertTrue(all.corrupt.isEmpty(), all.corrupt + Seeds.at(seed));
    assertTrue(all.gaps.isEmpty(), Seeds.at(seed));
  }

  @Test
  void corruptByteMidFinishedSegmentSkipsTheRestOfThatSegmentOnly() throws IOException {
    long seed = Seeds.seed("WalWatcherTest.corruptMidSegment");
    List<byte[]> recs = writeRecords(dir, 120, new Random(seed));
    List<TestUtil.Pos> pos = TestUtil.readAll(SegmentRange.all(dir));
    // A record in the middle of the first segment, which is finished (later segments exist).
    List<Integer> inFirst = new ArrayList<>();
    for (int i = 0; i < pos.size(); i++) {
      if (pos.get(i).segment() == 0) {
        inFirst.add(i);
      }
    }
    assertTrue(inFirst.size() >= 3, "first segment holds several records");
    int bad = inFirst.get(inFirst.size() / 2);
    TestUtil.Pos p = pos.get(bad);
    flipByte(Segments.path(dir, 0), p.start() + WalFormat.HEADER_SIZE);

    Recorder rec = new Recorder();
    try (WalWatcher w = new WalWatcher(dir, 0, 0)) {
      drain(w, rec);
    }
    assertEquals(1, rec.corrupt.size(), rec.corrupt.toString());
    assertTrue(
        rec.corrupt.get(0).startsWith("0@" + p.start() + ": checksum mismatch"),
        rec.corrupt.get(0));
    List<byte[]> want = new ArrayList<>(recs.subList(0, bad));
    for (int i = 0; i < pos.size(); i++) {
      if (pos.get(i).segment() > 0) {
        want.add(recs.get(i));
      }
    }
    assertEquals(want.size(), rec.records.size(), Seeds.at(seed));
    for (int i = 0; i < want.size(); i++) {
      assertArrayEquals(want.get(i), rec.records.get(i), "record " + i + Seeds.at(seed));
    }
  }

  @Test
  void corruptRecordInNewestSegmentIsReportedAfterRetries() throws IOException {
    try (Wal wal = Wal.open(dir)) {
      wal.log(new byte[] {1}, new byte[] {2, 2}, new byte[] {3, 3, 3});
    }
    List<TestUtil.Pos> pos = TestUtil.readAll(SegmentRange.all(dir));
    flipByte(Segments.path(dir, 0), pos.get(1).start() + WalFormat.HEADER_SIZE);

    Recorder rec = new Recorder();
    try (WalWatcher w = new WalWatcher(dir, 0, 0)) {
      assertEquals(1, w.poll(rec, 100));
      // The writer may still be rewriting the newest segment: no verdict yet.
      for (int i = 1; i < WalWatcher.CORRUPT_RETRIES - 1; i++) {
        assertEquals(0, w.poll(rec, 100));
      }
      assertTrue(rec.corrupt.isEmpty(), rec.corrupt.toString());
      assertEquals(0, w.poll(rec, 100));
      assertEquals(0, w.poll(rec, 100));
      assertEquals(1, rec.corrupt.size(), rec.corrupt.toString());
      assertTrue(
          rec.corrupt.get(0).startsWith("0@" + pos.get(1).start() + ": "), rec.corrupt.get(0));
      assertEquals(Long.MAX_VALUE, w.offset());
    }
    assertEquals(1, rec.records.size());
  }

  @Test
  void tornTailWaitsForTheWriterThenIsReportedOnceANewerSegmentExists() throws IOException {
    try (Wal wal = Wal.open(dir)) {
      wal.log(new byte[] {1}, new byte[40_000], new byte[] {3});
    }
    List<TestUtil.Pos> pos = TestUtil.readAll(SegmentRange.all(dir));
    // Cut inside the second record, which spans two pages: the tail of a write in progress.
    long cutAt = pos.get(1).start() + WalFormat.PAGE_SIZE;
    try (RandomAccessFile raf = new RandomAccessFile(Segments.path(dir, 0).toFile(), "rw")) {
      raf.setLength(cutAt);
    }

    Recorder rec = new Recorder();
    try (WalWatcher w = new WalWatcher(dir, 0, 0)) {
      for (int i = 0; i < 2 * WalWatcher.CORRUPT_RETRIES; i++) {
        w.poll(rec, 100);
      }
      assertEquals(1, rec.records.size());
      assertTrue(rec.corrupt.isEmpty(), "an incomplete record is waited for: " + rec.corrupt);
      assertEquals(pos.get(1).start(), w.offset(), "position stays at the incomplete record");

      // A newer segment means the writer gave up on this one (it restarted).
      Path other = dir.resolve("other");
      try (Wal wal = Wal.open(other)) {
        wal.log(new byte[] {9, 9});
      }
      Files.copy(Segments.path(other, 0), Segments.path(dir, 1));
      drain(w, rec);
      assertEquals(1, rec.corrupt.size(), rec.corrupt.toString());
      assertTrue(
          rec.corrupt
              .get(0)
              .startsWith("0@" + pos.get(1).start() + ": segment ends inside a record"),
          rec.corrupt.get(0));
      assertEquals(2, rec.records.size());
      assertArrayEquals(new byte[] {9, 9}, rec.records.get(1));
      assertEquals(1, rec.segments.get(1));
    }
  }

  @Test
  void deletedSegmentsAreReportedAsAGap() throws IOException {
    List<byte[]> recs = writeRecords(dir, 120, new Random(Seeds.seed("WalWatcherTest.gap")));
    int[] segs = Segments.list(dir);
    assertTrue(segs.length > 3);
    Segments.deleteBefore(dir, 2);
    Recorder rec = new Recorder();
    try (WalWatcher w = new WalWatcher(dir, 0, 0)) {
      drain(w, rec);
    }
    assertEquals(1, rec.gaps.size());
    assertArrayEquals(new int[] {0, 1}, rec.gaps.get(0));
    assertEquals(2, rec.segments.get(0));
    assertEquals(recs.get(recs.size() - 1).length, rec.records.get(rec.records.size() - 1).length);
  }
}
