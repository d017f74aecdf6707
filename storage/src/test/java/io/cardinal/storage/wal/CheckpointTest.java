package io.cardinal.storage.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.storage.wal.record.Encbuf;
import io.cardinal.storage.wal.record.LabelPairs;
import io.cardinal.storage.wal.record.MmapMarkerBatch;
import io.cardinal.storage.wal.record.RecordDecoder;
import io.cardinal.storage.wal.record.RecordEncoder;
import io.cardinal.storage.wal.record.RecordType;
import io.cardinal.storage.wal.record.RefSeries;
import io.cardinal.storage.wal.record.SampleBatch;
import io.cardinal.storage.wal.record.TombstoneBatch;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  @TempDir Path dir;

  private final Encbuf buf = new Encbuf();

  /** Segment s holds series refs 10s..10s+9 and samples of each at t = 100s + i, plus a marker. */
  private void writeWal(int segments, boolean compress) throws Exception {
    try (Wal wal = Wal.open(dir, Wal.Options.DEFAULT.withCompression(compress))) {
      for (int s = 0; s < segments; s++) {
        long[] refs = new long[10];
        LabelPairs[] ls = new LabelPairs[10];
        long[] ts = new long[10];
        double[] vs = new double[10];
        for (int i = 0; i < 10; i++) {
          refs[i] = 10L * s + i;
          ls[i] = LabelPairs.of("__name__", "m", "i", Long.toString(refs[i]));
          ts[i] = 100L * s + i;
          vs[i] = refs[i];
        }
        buf.reset();
        RecordEncoder.series(buf, refs, ls, 10);
        wal.log(buf.toByteArray());
        buf.reset();
        RecordEncoder.samples(buf, refs, ts, vs, 10);
        wal.log(buf.toByteArray());
        buf.reset();
        RecordEncoder.tombstones(
            buf,
            new long[] {refs[0], refs[1]},
            new long[] {0, 0},
            new long[] {100L * s, 100L * s + 50},
            2);
        wal.log(buf.toByteArray());
        buf.reset();
        RecordEncoder.mmapMarkers(buf, new long[] {refs[0]}, new long[] {77}, 1);
        wal.log(buf.toByteArray());
        if (s + 1 < segments) {
          wal.nextSegment();
        }
      }
    }
  }

  private static final class Contents {
    final TreeSet<Long> series = new TreeSet<>();
    final TreeMap<Long, Long> samples = new TreeMap<>(); // t -> ref
    final List<long[]> tombstones = new ArrayList<>();
    int other;
  }

  private static Contents read(SegmentRange... ranges) throws Exception {
    Contents c = new Contents();
    RecordDecoder dec = new RecordDecoder();
    SampleBatch sb = new SampleBatch();
    TombstoneBatch tb = new TombstoneBatch();
    try (WalReader r = WalReader.open(ranges)) {
      while (r.next()) {
        ByteBuffer rec = r.record();
        switch (RecordType.of(rec)) {
          case SERIES:
            List<RefSeries> s = new ArrayList<>();
            dec.series(rec, s);
            for (RefSeries x : s) {
              assertEquals(Long.toString(x.ref()), x.labels().value(1));
              c.series.add(x.ref());
            }
            break;
          case SAMPLES:
            dec.samples(rec, sb);
            for (int i = 0; i < sb.size(); i++) {
              c.samples.put(sb.t(i), sb.ref(i));
            }
            break;
          case TOMBSTONES:
            dec.tombstones(rec, tb);
            for (int i = 0; i < tb.size(); i++) {
              c.tombstones.add(new long[] {tb.ref(i), tb.mint(i), tb.maxt(i)});
            }
            break;
          default:
            dec.mmapMarkers(rec, new MmapMarkerBatch());
            c.other++;
        }
      }
    }
    return c;
  }

  @Test
  void keepsRequestedSeriesAndRecentSamples() throws Exception {
    writeWal(4, false);
    // Checkpoint segments 0..2, keep even refs, drop samples before t=150.
    Checkpoint.Stats st = Checkpoint.create(dir, 0, 2, ref -> ref % 2 == 0, 150);
    assertEquals(dir.resolve("checkpoint.00000002"), st.dir());
    assertTrue(Files.isDirectory(st.dir()));
    assertEquals(30, st.totalSeries());
    assertEquals(15, st.droppedSeries());
    assertEquals(30, st.totalSamples());
    assertEquals(20, st.droppedSamples()); // t in 0..9 and 100..109 are < 150
    assertEquals(3, st.droppedOtherRecords()); // m-map markers are not checkpointed

    Contents c = read(SegmentRange.all(st.dir()));
    TreeSet<Long> expectedSeries = new TreeSet<>();
    for (long r = 0; r < 30; r += 2) {
      expectedSeries.add(r);
    }
    assertEquals(expectedSeries, c.series);
    assertEquals(10, c.samples.size());
    assertTrue(c.samples.firstKey() >= 150);
    assertEquals(0, c.other);
    // Tombstones: kept series only (refs 0, 10, 20 are even; 1, 11, 21 odd) and maxt >= 150.
    assertEquals(1, c.tombstones.size());
    assertEquals(20, c.tombstones.get(0)[0]);
    assertEquals(200, c.tombstones.get(0)[2]);

    Optional<Checkpoint.Ref> last = Checkpoint.last(dir);
    assertTrue(last.isPresent());
    assertEquals(2, last.get().index());
    // The WAL below the checkpoint can now go; reading checkpoint + rest gives the head's view.
    assertEquals(3, Segments.deleteBefore(dir, 3));
    Contents replay = read(SegmentRange.all(st.dir()), SegmentRange.all(dir));
    assertEquals(25, replay.series.size()); // 15 kept + 10 from segment 3
  }

  @Test
  void nextCheckpointBuildsOnThePreviousOne() throws Exception {
    writeWal(5, true);
    Checkpoint.create(dir, 0, 1, ref -> true, 0, true);
    Checkpoint.Stats st = Checkpoint.create(dir, 2, 3, ref -> ref >= 5, 0, true);
    assertEquals(2, Checkpoint.list(dir).size());
    Contents c = read(SegmentRange.all(st.dir()));
    assertEquals(35, c.series.size()); // refs 5..39
    assertEquals(5, (long) c.series.first());
    assertEquals(40, c.samples.size());
    assertEquals(1, Checkpoint.deleteBefore(dir, 3));
    assertEquals(
        List.of(new Checkpoint.Ref(dir.resolve("checkpoint.00000003"), 3)), Checkpoint.list(dir));
    // A gap between the last checkpoint and the requested range is refused.
    assertThrows(java.io.IOException.class, () -> Checkpoint.create(dir, 5, 5, ref -> true, 0));
  }

  @Test
  void leftoverTemporaryDirectoryIsIgnoredAndCleaned() throws Exception {
    writeWal(3, false);
    // A crash while writing checkpoint 2 left a half-written temporary directory.
    Path tmp = dir.resolve("checkpoint.00000002.tmp");
    Files.createDirectories(tmp);
    Files.write(tmp.resolve("00000000"), new byte[] {4, 0, 1, 2, 3});
    Path otherTmp = dir.resolve("checkpoint.00000001.tmp");
    Files.createDirectories(otherTmp);

    assertFalse(Checkpoint.last(dir).isPresent());
    // The WAL reader does not see checkpoint directories as segments.
    assertEquals(3 * 4, TestUtil.readAllData(dir).size());

    Checkpoint.Stats st = Checkpoint.create(dir, 0, 2, ref -> true, Long.MIN_VALUE);
    assertFalse(Files.exists(tmp));
    assertFalse(Files.exists(otherTmp));
    assertEquals(30, read(SegmentRange.all(st.dir())).series.size());
    assertEquals(2, Checkpoint.last(dir).orElseThrow().index());

    Files.createDirectories(otherTmp);
    assertEquals(1, Checkpoint.cleanupTemporary(dir));
  }

  @Test
  void corruptInputWritesNoCheckpoint() throws Exception {
    writeWal(2, false);
    try (java.io.RandomAccessFile raf =
        new java.io.RandomAccessFile(Segments.path(dir, 1).toFile(), "rw")) {
      raf.seek(20);
      raf.write(0xff);
    }
    assertThrows(WalCorruptionException.class, () -> Checkpoint.create(dir, 0, 1, ref -> true, 0));
    assertFalse(Checkpoint.last(dir).isPresent());
    assertFalse(Files.exists(dir.resolve("checkpoint.00000001.tmp")));
  }
}
