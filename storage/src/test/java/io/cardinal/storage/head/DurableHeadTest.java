package io.cardinal.storage.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.storage.wal.Checkpoint;
import io.cardinal.storage.wal.Segments;
import io.cardinal.storage.wal.WalReader;
import io.cardinal.tsdb.AppendStatus;
import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.head.HeadOptions;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restart, replay, repair and checkpointing of the durable head. */
class DurableHeadTest {

  @TempDir Path dir;

  static Labels labels(String name, int i) {
    return Labels.of("__name__", name, "i", Integer.toString(i));
  }

  static double value(int i, long t) {
    return i * 1_000_000.0 + t;
  }

  /** Every sample in the head: series -> "t=v" strings, in iteration order (duplicates kept). */
  static Map<String, List<String>> dump(Head head) {
    Map<String, List<String>> out = new TreeMap<>();
    try (Querier q = head.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
      SeriesSet set =
          q.select(true, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.regex("__name__", ".+"));
      SampleIterator it = null;
      while (set.next()) {
        it = set.at().iterator(it);
        List<String> l = new ArrayList<>();
        while (it.next()) {
          l.add(it.timestamp() + "=" + it.value());
        }
        assertNull(it.error(), "iterator error");
        out.put(set.at().labels().toString(), l);
      }
    }
    return out;
  }

  static Map<String, List<String>> since(Map<String, List<String>> d, long mint) {
    Map<String, List<String>> out = new TreeMap<>();
    d.forEach(
        (k, v) -> {
          List<String> l =
              v.stream()
                  .filter(s -> Long.parseLong(s.substring(0, s.indexOf('='))) >= mint)
                  .toList();
          if (!l.isEmpty()) {
            out.put(k, l);
          }
        });
    return out;
  }

  /** Appends one sample per series at t for series [from, to), one commit. */
  static CommitResult commit(HeadAppender app, long[] refs, String name, int from, int to, long t) {
    for (int i = from; i < to; i++) {
      long r = app.append(refs[i], labels(name, i), t, value(i, t));
      if (r > 0) {
        refs[i] = r;
      }
    }
    return app.commit();
  }

  static HeadOptions opts() {
    return HeadOptions.defaults().withStripeSize(16);
  }

  static Path copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path dst = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dst);
        } else {
          Files.copy(p, dst, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return to;
  }

  @Test
  void restartRoundTripKeepsSamplesRefsAndSeriesLimitState() throws IOException {
    Path data = dir.resolve("data");
    long[] refs = new long[60];
    Map<String, List<String>> before;
    long lastRef;
    try (DurableHead d = DurableHead.open(data, opts().withMaxSeries(50), SyncPolicy.PER_COMMIT)) {
      HeadAppender app = d.head().appender();
      for (int k = 0; k < 30; k++) {
        CommitResult r = commit(app, refs, "m", 0, 60, k * 1000L);
        assertEquals(10, r.count(AppendStatus.SKIPPED_SERIES_LIMIT));
      }
      before = dump(d.head());
      lastRef = d.head().lastSeriesRef();
      assertEquals(50, d.head().numSeries());
    }
    assertEquals(50, before.size());
    try (DurableHead d = DurableHead.open(data, opts().withMaxSeries(50), SyncPolicy.PER_COMMIT)) {
      ReplayStats st = d.replayStats();
      assertEquals(50, st.series());
      assertEquals(50 * 30, st.samples());
      assertEquals(List.of(), st.warnings());
      assertEquals(before, dump(d.head()));
      assertEquals(50, d.head().numSeries(), "series count restored: the limit is still reached");
      assertEquals(lastRef, d.head().lastSeriesRef());
      HeadAppender app = d.head().appender();
      // The old references still name the same series.
      assertEquals(refs[3], app.append(refs[3], null, 30_000, value(3, 30_000)));
      assertEquals(
          AppendStatus.SKIPPED_SERIES_LIMIT,
          AppendStatus.of(app.append(0, labels("m", 55), 30_000, 1)));
      app.commit();
      before = dump(d.head());
    }
    try (DurableHead d = DurableHead.open(data, opts().withMaxSeries(50), SyncPolicy.PER_COMMIT)) {
      assertEquals(before, dump(d.head()));
      assertTrue(
          dump(d.head()).get(labels("m", 3).toString()).contains("30000=" + value(3, 30_000)));
    }
  }

  /**
   * Small chunk range: every series maps several full chunks to chunks_head/ before the restart.
   */
  static Map<String, List<String>> writeChunked(DurableHead d, int series, int samples) {
    HeadAppender app = d.head().appender();
    long[] refs = new long[series];
    for (int k = 0; k < samples; k++) {
      commit(app, refs, "c", 0, series, k * 100L);
    }
    return dump(d.head());
  }

  /**
   * A series removed and re-created before its old record was checkpointed appears in the WAL under
   * two references. Replay (sharded over threads) must give one series with both references'
   * samples in WAL order, and map a tombstone logged for the second reference onto it.
   */
  @Test
  void labelsLoggedUnderTwoReferencesReplayAsOneSeriesInOrder() throws IOException {
    Path data = dir.resolve("data");
    Path walDir = data.resolve("wal");
    Files.createDirectories(walDir);
    io.cardinal.storage.wal.record.LabelPairs twice =
        io.cardinal.storage.wal.record.LabelPairs.of("__name__", "twice", "i", "0");
    try (io.cardinal.storage.wal.Wal wal = io.cardinal.storage.wal.Wal.open(walDir)) {
      io.cardinal.storage.wal.record.Encbuf e = new io.cardinal.storage.wal.record.Encbuf();
      // Many other series first, so both shards are busy and order across them matters.
      for (int i = 1; i <= 200; i++) {
        io.cardinal.storage.wal.record.RecordEncoder.series(
            e.reset(),
            1000 + i,
            io.cardinal.storage.wal.record.LabelPairs.of(
                "__name__", "other", "i", Integer.toString(i)));
        wal.log(e.view());
      }
      io.cardinal.storage.wal.record.RecordEncoder.series(e.reset(), 1, twice);
      wal.log(e.view());
      for (long t = 1; t <= 3; t++) {
        io.cardinal.storage.wal.record.RecordEncoder.samples(
            e.reset(), new long[] {1, 1001}, new long[] {t, t}, new double[] {t, -t}, 2);
        wal.log(e.view());
      }
      io.cardinal.storage.wal.record.RecordEncoder.series(e.reset(), 5000, twice);
      wal.log(e.view());
      for (long t = 4; t <= 6; t++) {
        io.cardinal.storage.wal.record.RecordEncoder.samples(
            e.reset(), new long[] {5000}, new long[] {t}, new double[] {t}, 1);
        wal.log(e.view());
      }
      io.cardinal.storage.wal.record.RecordEncoder.tombstones(
          e.reset(), new long[] {5000}, new long[] {2}, new long[] {2}, 1);
      wal.log(e.view());
      wal.sync();
    }
    try (DurableHead d = DurableHead.open(data, opts(), SyncPolicy.PER_COMMIT)) {
      Map<String, List<String>> all = dump(d.head());
      assertEquals(
          List.of("1=1.0", "2=2.0", "3=3.0", "4=4.0", "5=5.0", "6=6.0"),
          all.get("{__name__=\"twice\", i=\"0\"}"));
      assertEquals(List.of("1=-1.0", "2=-2.0", "3=-3.0"), all.get("{__name__=\"other\", i=\"1\"}"));
      assertEquals(201, d.head().numSeries());
      assertEquals(201, d.replayStats().series());
      assertEquals(1, d.replayedTombstones().size());
      assertEquals(
          1,
          d.replayedTombstones().get(0)[0],
          "tombstone of the second reference maps to the first");
    }
  }

  @Test
  void replayWithMappedChunksRestoresEverySampleExactlyOnce() throws IOException {
    Path data = dir.resolve("data");
    Map<String, List<String>> before;
    try (DurableHead d =
        DurableHead.open(
            data,
            opts().withChunkRange(java.time.Duration.ofMillis(10_000)),
            SyncPolicy.PERIODIC)) {
      before = writeChunked(d, 10, 500);
      assertTrue(d.chunkFiles().bytesUsed() > 0);
    }
    for (List<String> l : before.values()) {
      assertEquals(500, l.size());
    }
    try (DurableHead d =
        DurableHead.open(
            data,
            opts().withChunkRange(java.time.Duration.ofMillis(10_000)),
            SyncPolicy.PERIODIC)) {
      ReplayStats st = d.replayStats();
      assertTrue(st.mappedChunks() >= 40, st.toString());
      assertTrue(st.samplesInMappedChunks() >= 4000, st.toString());
      assertEquals(5000, st.samples() + st.samplesInMappedChunks(), st.toString());
      assertEquals(
          before, dump(d.head()), "every sample once: from a chunk or from the WAL, never both");
      // And the restored head keeps working across another restart.
      HeadAppender app = d.head().appender();
      long[] refs = new long[10];
      commit(app, refs, "c", 0, 10, 50_000);
      before = dump(d.head());
    }
    try (DurableHead d =
        DurableHead.open(
            data,
            opts().withChunkRange(java.time.Duration.ofMillis(10_000)),
            SyncPolicy.PERIODIC)) {
      assertEquals(before, dump(d.head()));
    }
  }

  @Test
  void processCrashLosesNothingAcknowledgedUnderPeriodic() throws IOException {
    Path data = dir.resolve("data");
    Map<String, List<String>> before;
    DurableHead d =
        DurableHead.open(
            data,
            opts().withChunkRange(java.time.Duration.ofMillis(10_000)),
            DurableOptions.of(SyncPolicy.PERIODIC).withSyncInterval(java.time.Duration.ofHours(1)));
    try {
      before = writeChunked(d, 10, 500);
      // A copy taken now is what a SIGKILL leaves: the WAL in the page cache, the chunk
      // write buffer lost.
      copyTree(data, dir.resolve("crashed"));
    } finally {
      d.close();
    }
    try (DurableHead c =
        DurableHead.open(
            dir.resolve("crashed"),
            opts().withChunkRange(java.time.Duration.ofMillis(10_000)),
            SyncPolicy.PERIODIC)) {
      assertEquals(before, dump(c.head()), c.replayStats().toString());
    }
  }

  record RecPos(int segment, long start, long end) {}

  static List<RecPos> records(Path walDir) throws IOException {
    List<RecPos> out = new ArrayList<>();
    try (WalReader r = WalReader.open(walDir)) {
      while (r.next()) {
        out.add(new RecPos(r.segment(), r.recordStartOffset(), r.recordEndOffset()));
      }
    }
    return out;
  }

  /** 20 commits of 5 series: records are series, then one samples record per commit. */
  static Map<String, List<String>> expected(String name, int series, int commits) {
    Map<String, List<String>> m = new TreeMap<>();
    for (int i = 0; i < series; i++) {
      List<String> l = new ArrayList<>();
      for (int k = 0; k < commits; k++) {
        l.add(k * 1000L + "=" + value(i, k * 1000L));
      }
      m.put(labels(name, i).toString(), l);
    }
    return m;
  }

  @Test
  void tornWalTailIsRepairedAndEverythingBeforeItRestored() throws IOException {
    Path data = dir.resolve("data");
    try (DurableHead d = DurableHead.open(data, opts(), SyncPolicy.PER_COMMIT)) {
      HeadAppender app = d.head().appender();
      long[] refs = new long[5];
      for (int k = 0; k < 20; k++) {
        commit(app, refs, "m", 0, 5, k * 1000L);
      }
    }
    Path walDir = data.resolve("wal");
    List<RecPos> recs = records(walDir);
    assertEquals(21, recs.size());
    RecPos last = recs.get(20);
    try (RandomAccessFile raf =
        new RandomAccessFile(Segments.path(walDir, last.segment()).toFile(), "rw")) {
      raf.setLength(last.start() + (last.end() - last.start()) / 2);
    }
    try (DurableHead d = DurableHead.open(data, opts(), SyncPolicy.PER_COMMIT)) {
      List<String> w = d.replayStats().warnings();
      assertEquals(1, w.size(), w.toString());
      assertTrue(
          w.get(0).contains("segment " + last.segment())
              && w.get(0).contains("offset " + last.start())
              && w.get(0).contains("TORN_RECORD"),
          w.get(0));
      assertEquals(expected("m", 5, 19), dump(d.head()));
      HeadAppender app = d.head().appender();
      long[] refs = new long[5];
      commit(app, refs, "m", 0, 5, 19_000L);
    }
    try (DurableHead d = DurableHead.open(data, opts(), SyncPolicy.PER_COMMIT)) {
      assertEquals(List.of(), d.replayStats().warnings());
      assertEquals(expected("m", 5, 20), dump(d.head()));
    }
  }

  @Test
  void corruptByteInAMiddleSegmentIsRepairedAndReported() throws IOException {
    Path data = dir.resolve("data");
    DurableOptions o = DurableOptions.of(SyncPolicy.PERIODIC).withWalSegmentSize(64 * 1024);
    int commits = 800;
    // No chunk is cut (long chunks), so everything after the damage is in the WAL only.
    try (DurableHead d = DurableHead.open(data, opts().withSamplesPerChunk(1000), o)) {
      HeadAppender app = d.head().appender();
      long[] refs = new long[50];
      for (int k = 0; k < commits; k++) {
        commit(app, refs, "m", 0, 50, k * 1000L);
      }
    }
    Path walDir = data.resolve("wal");
    int[] segs = Segments.list(walDir);
    assertTrue(segs.length >= 5, "segments: " + segs.length);
    int mid = segs[segs.length / 2];
    List<RecPos> recs = records(walDir);
    int idx = -1;
    for (int i = 0; i < recs.size(); i++) {
      if (recs.get(i).segment() == mid) {
        idx = i + 2; // the third record of the middle segment
        break;
      }
    }
    RecPos bad = recs.get(idx);
    try (RandomAccessFile raf = new RandomAccessFile(Segments.path(walDir, mid).toFile(), "rw")) {
      long at = bad.start() + 7 + 20; // inside the first fragment's data
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x01);
    }
    try (DurableHead d = DurableHead.open(data, opts().withSamplesPerChunk(1000), o)) {
      List<String> w = d.replayStats().warnings();
      assertEquals(1, w.size(), w.toString());
      assertTrue(
          w.get(0).contains("segment " + mid)
              && w.get(0).contains("offset " + bad.start())
              && w.get(0).contains("BAD_CRC"),
          w.get(0));
      // Record 0 is the series record; record k+1 holds commit k. Chunks mapped before the
      // restart may hold samples of later commits: each series is a gap-free prefix.
      int kept = idx - 1;
      Map<String, List<String>> all = expected("m", 50, commits);
      Map<String, List<String>> got = dump(d.head());
      assertEquals(all.keySet(), got.keySet());
      for (String k : all.keySet()) {
        List<String> l = got.get(k);
        assertTrue(
            l.size() >= kept, k + " has " + l.size() + " samples, expected at least " + kept);
        assertEquals(all.get(k).subList(0, l.size()), l, k);
      }
      for (int s : Segments.list(walDir)) {
        assertTrue(s <= mid + 1, "segments after the repaired one are deleted, then one new: " + s);
      }
    }
    try (DurableHead d = DurableHead.open(data, opts().withSamplesPerChunk(1000), o)) {
      assertEquals(List.of(), d.replayStats().warnings(), "repaired for good");
    }
  }

  @Test
  void corruptHeadChunkTailIsCutAndTheWalFillsIn() throws IOException {
    Path data = dir.resolve("data");
    Map<String, List<String>> before;
    try (DurableHead d =
        DurableHead.open(
            data,
            opts().withChunkRange(java.time.Duration.ofMillis(10_000)),
            SyncPolicy.PERIODIC)) {
      before = writeChunked(d, 10, 500);
    }
    Path f = data.resolve("chunks_head").resolve("000001");
    long size = Files.size(f);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(size - 10);
    }
    try (DurableHead d =
        DurableHead.open(
            data,
            opts().withChunkRange(java.time.Duration.ofMillis(10_000)),
            SyncPolicy.PERIODIC)) {
      List<String> w = d.replayStats().warnings();
      assertEquals(1, w.size(), w.toString());
      assertTrue(w.get(0).contains(f.toString()) && w.get(0).contains("offset "), w.get(0));
      assertEquals(before, dump(d.head()));
    }
    try (DurableHead d =
        DurableHead.open(
            data,
            opts().withChunkRange(java.time.Duration.ofMillis(10_000)),
            SyncPolicy.PERIODIC)) {
      assertEquals(List.of(), d.replayStats().warnings());
      assertEquals(before, dump(d.head()));
    }
  }

  @Test
  void checkpointAfterTruncateKeepsOnlyLiveSeries() throws IOException {
    Path data = dir.resolve("data");
    DurableOptions o = DurableOptions.of(SyncPolicy.PERIODIC).withWalSegmentSize(64 * 1024);
    long mint = 40_000;
    Map<String, List<String>> after;
    long lastRef;
    try (DurableHead d =
        DurableHead.open(data, opts().withChunkRange(java.time.Duration.ofMillis(10_000)), o)) {
      HeadAppender app = d.head().appender();
      long[] live = new long[20];
      long[] old = new long[20];
      for (int k = 0; k < 600; k++) {
        long t = k * 100L;
        commit(app, live, "live", 0, 20, t);
        if (t < 20_000) {
          // Created after the live series: the highest references die first.
          commit(app, old, "old", 0, 20, t);
        }
      }
      lastRef = d.head().lastSeriesRef();
      assertEquals(40, lastRef);
      assertTrue(Segments.list(data.resolve("wal")).length >= 3);
      DurableHead.TruncateResult tr = d.truncate(mint);
      assertEquals(20, tr.seriesRemoved());
      assertNotNull(tr.checkpoint());
      assertEquals(20, tr.checkpoint().droppedSeries());
      assertTrue(tr.segmentsDeleted() >= 2, tr.toString());
      after = dump(d.head());
      assertEquals(20, after.size());
      assertTrue(after.keySet().stream().allMatch(k -> k.contains("live")));
    }
    Path walDir = data.resolve("wal");
    assertTrue(Checkpoint.last(walDir).isPresent());
    try (DurableHead d =
        DurableHead.open(data, opts().withChunkRange(java.time.Duration.ofMillis(10_000)), o)) {
      assertEquals(20, d.head().numSeries());
      assertEquals(
          lastRef, d.head().lastSeriesRef(), "references of removed series are not reused");
      assertEquals(since(after, mint), since(dump(d.head()), mint));
      assertTrue(dump(d.head()).keySet().stream().allMatch(k -> k.contains("live")));
      HeadAppender app = d.head().appender();
      assertTrue(app.append(0, labels("new", 0), 60_000, 1) > lastRef);
      assertEquals(
          AppendStatus.OUT_OF_BOUNDS,
          AppendStatus.of(app.append(0, labels("new", 1), mint - 1, 1)),
          "the truncation time survives the restart");
      app.commit();
      // A second truncation folds the first checkpoint into a new one.
      d.truncate(50_000);
      after = dump(d.head());
    }
    try (DurableHead d =
        DurableHead.open(data, opts().withChunkRange(java.time.Duration.ofMillis(10_000)), o)) {
      assertEquals(since(after, 50_000), since(dump(d.head()), 50_000));
      assertEquals(1, Checkpoint.list(walDir).size());
    }
  }

  @Test
  void syncPolicyNoneKeepsNothingAndRefusesADirectoryWithAWal() throws IOException {
    Path data = dir.resolve("none");
    try (DurableHead d = DurableHead.open(data, opts(), SyncPolicy.NONE)) {
      assertNull(d.walLog());
      commit(d.head().appender(), new long[3], "m", 0, 3, 0);
      assertEquals(3, d.head().numSeries());
    }
    try (DurableHead d = DurableHead.open(data, opts(), SyncPolicy.NONE)) {
      assertEquals(0, d.head().numSeries());
    }
    Path withWal = dir.resolve("wal");
    try (DurableHead d = DurableHead.open(withWal, opts(), SyncPolicy.PERIODIC)) {
      commit(d.head().appender(), new long[3], "m", 0, 3, 0);
    }
    IOException e =
        assertThrows(IOException.class, () -> DurableHead.open(withWal, opts(), SyncPolicy.NONE));
    assertTrue(e.getMessage().contains("SyncPolicy.NONE"), e.getMessage());
    assertFalse(Files.exists(withWal.resolve("head.meta")));
  }
}
