package io.cardinal.storage.wal;

import io.cardinal.storage.io.FileOps;
import io.cardinal.storage.wal.record.Encbuf;
import io.cardinal.storage.wal.record.ExemplarBatch;
import io.cardinal.storage.wal.record.LabelPairs;
import io.cardinal.storage.wal.record.RecordDecoder;
import io.cardinal.storage.wal.record.RecordEncoder;
import io.cardinal.storage.wal.record.RecordFormatException;
import io.cardinal.storage.wal.record.RecordType;
import io.cardinal.storage.wal.record.RefSeries;
import io.cardinal.storage.wal.record.SampleBatch;
import io.cardinal.storage.wal.record.TombstoneBatch;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * WAL checkpoints (Prometheus {@code wlog/checkpoint.go}).
 *
 * <p>A checkpoint {@code checkpoint.NNNNNNNN} (NNNNNNNN = the last WAL segment it covers, 8 digits)
 * is a directory holding a WAL in the same segment format, with the still-relevant content of the
 * previous checkpoint and of the segments it covers:
 *
 * <ul>
 *   <li>series records: only entries whose ref satisfies {@code keepSeries};
 *   <li>samples: only those with {@code t >= minTime} (not filtered by series, as upstream);
 *   <li>tombstones: only intervals of kept series with {@code maxt >= minTime};
 *   <li>exemplars: only those of kept series with {@code t >= minTime};
 *   <li>every other record type (m-map markers, metadata, histograms, unknown) is dropped.
 * </ul>
 *
 * <p>It is written to {@code checkpoint.NNNNNNNN.tmp}, fsynced, and renamed into place, replacing
 * any checkpoint of the same name. A leftover {@code .tmp} directory from a crash is never read and
 * is deleted by the next {@link #create} or by {@link #cleanupTemporary}.
 */
public final class Checkpoint {

  /** Directory name prefix. */
  public static final String PREFIX = "checkpoint.";

  /** Suffix of a checkpoint being written. */
  public static final String TMP_SUFFIX = ".tmp";

  private static final System.Logger LOG = System.getLogger(Checkpoint.class.getName());
  private static final int FLUSH_BYTES = 1 << 20;

  /** A checkpoint directory and the last segment index it covers. */
  public record Ref(Path dir, int index) {}

  /** Counts of what {@link #create} processed and dropped. */
  public record Stats(
      Path dir,
      int totalSeries,
      int droppedSeries,
      int totalSamples,
      int droppedSamples,
      int totalTombstones,
      int droppedTombstones,
      int totalExemplars,
      int droppedExemplars,
      int droppedOtherRecords) {}

  private Checkpoint() {}

  /** Directory name for a checkpoint covering segments up to {@code index}. */
  public static String dirName(int index) {
    return PREFIX + WalFormat.segmentName(index);
  }

  /** {@link #create(Path, int, int, LongPredicate, long, boolean)} without compression. */
  public static Stats create(
      Path walDir, int fromSegment, int toSegment, LongPredicate keepSeries, long minTime)
      throws IOException {
    return create(walDir, fromSegment, toSegment, keepSeries, minTime, false);
  }

  /**
   * Writes checkpoint {@code toSegment} from the newest existing checkpoint (if any) plus WAL
   * segments {@code fromSegment..toSegment}. If a checkpoint exists, reading resumes right after it
   * and {@code fromSegment} may not leave a gap after it.
   *
   * @throws WalCorruptionException if the input is corrupt: a checkpoint cannot be repaired into
   *     (the head would not know which series were lost), so nothing is written
   */
  public static Stats create(
      Path walDir,
      int fromSegment,
      int toSegment,
      LongPredicate keepSeries,
      long minTime,
      boolean compress)
      throws IOException {
    if (toSegment < fromSegment) {
      throw new IllegalArgumentException(
          "empty segment range [from=" + fromSegment + ", to=" + toSegment + "]");
    }
    LOG.log(
        Level.INFO,
        "Creating checkpoint [from={0}, to={1}, minTime={2}]",
        String.valueOf(fromSegment),
        String.valueOf(toSegment),
        String.valueOf(minTime));
    cleanupTemporary(walDir);

    List<SegmentRange> ranges = new ArrayList<>();
    Optional<Ref> prev = last(walDir);
    int from = fromSegment;
    if (prev.isPresent()) {
      int next = prev.get().index() + 1;
      if (fromSegment > next) {
        throw new IOException(
            "unexpected gap to last checkpoint [expected="
                + next
                + ", requested="
                + fromSegment
                + ", checkpoint="
                + prev.get().dir()
                + "]");
      }
      from = next; // segments below the checkpoint are already in it
      ranges.add(SegmentRange.all(prev.get().dir()));
    }
    if (from <= toSegment) {
      ranges.add(new SegmentRange(walDir, from, toSegment));
    }

    Path cpDir = walDir.resolve(dirName(toSegment));
    Path tmpDir = walDir.resolve(dirName(toSegment) + TMP_SUFFIX);
    FileOps.deleteRecursively(tmpDir);
    Files.createDirectories(tmpDir);

    Counters c = new Counters();
    boolean done = false;
    try {
      try (WalReader r = WalReader.open(ranges.toArray(new SegmentRange[0]));
          Wal cp = Wal.open(tmpDir, Wal.Options.DEFAULT.withCompression(compress))) {
        copy(r, cp, keepSeries, minTime, c);
      }
      FileOps.deleteRecursively(cpDir);
      FileOps.commitDir(tmpDir, cpDir);
      done = true;
    } finally {
      if (!done) {
        FileOps.deleteRecursively(tmpDir);
      }
    }
    return new Stats(
        cpDir,
        c.totalSeries,
        c.droppedSeries,
        c.totalSamples,
        c.droppedSamples,
        c.totalTombstones,
        c.droppedTombstones,
        c.totalExemplars,
        c.droppedExemplars,
        c.droppedOther);
  }

  private static final class Counters {
    int totalSeries;
    int droppedSeries;
    int totalSamples;
    int droppedSamples;
    int totalTombstones;
    int droppedTombstones;
    int totalExemplars;
    int droppedExemplars;
    int droppedOther;
  }

  private static void copy(WalReader r, Wal cp, LongPredicate keep, long minTime, Counters c)
      throws IOException {
    RecordDecoder dec = new RecordDecoder();
    Encbuf buf = new Encbuf(FLUSH_BYTES + 64 * 1024);
    int[] starts = new int[64];
    int nrecs = 0;
    List<RefSeries> series = new ArrayList<>();
    SampleBatch samples = new SampleBatch();
    SampleBatch keptSamples = new SampleBatch();
    TombstoneBatch tstones = new TombstoneBatch();
    TombstoneBatch keptTstones = new TombstoneBatch();
    ExemplarBatch exemplars = new ExemplarBatch();
    ExemplarBatch keptExemplars = new ExemplarBatch();

    while (r.next()) {
      ByteBuffer rec = r.record();
      int start = buf.length();
      try {
        switch (RecordType.of(rec)) {
          case SERIES:
            {
              series.clear();
              dec.series(rec, series);
              int kept = 0;
              long[] refs = new long[series.size()];
              LabelPairs[] ls = new LabelPairs[series.size()];
              for (RefSeries s : series) {
                if (keep.test(s.ref())) {
                  refs[kept] = s.ref();
                  ls[kept++] = s.labels();
                }
              }
              if (kept > 0) {
                RecordEncoder.series(buf, refs, ls, kept);
              }
              c.totalSeries += series.size();
              c.droppedSeries += series.size() - kept;
              break;
            }
          case SAMPLES:
            {
              dec.samples(rec, samples);
              keptSamples.clear();
              for (int i = 0; i < samples.size(); i++) {
                if (samples.t(i) >= minTime) {
                  keptSamples.add(samples.ref(i), samples.t(i), samples.v(i));
                }
              }
              if (keptSamples.size() > 0) {
                RecordEncoder.samples(buf, keptSamples);
              }
              c.totalSamples += samples.size();
              c.droppedSamples += samples.size() - keptSamples.size();
              break;
            }
          case TOMBSTONES:
            {
              dec.tombstones(rec, tstones);
              keptTstones.clear();
              for (int i = 0; i < tstones.size(); i++) {
                if (tstones.maxt(i) >= minTime && keep.test(tstones.ref(i))) {
                  keptTstones.add(tstones.ref(i), tstones.mint(i), tstones.maxt(i));
                }
              }
              if (keptTstones.size() > 0) {
                RecordEncoder.tombstones(buf, keptTstones);
              }
              c.totalTombstones += tstones.size();
              c.droppedTombstones += tstones.size() - keptTstones.size();
              break;
            }
          case EXEMPLARS:
            {
              dec.exemplars(rec, exemplars);
              keptExemplars.clear();
              for (int i = 0; i < exemplars.size(); i++) {
                if (exemplars.t(i) >= minTime && keep.test(exemplars.ref(i))) {
                  keptExemplars.add(
                      exemplars.ref(i), exemplars.t(i), exemplars.v(i), exemplars.labels(i));
                }
              }
              if (keptExemplars.size() > 0) {
                RecordEncoder.exemplars(buf, keptExemplars);
              }
              c.totalExemplars += exemplars.size();
              c.droppedExemplars += exemplars.size() - keptExemplars.size();
              break;
            }
          default:
            c.droppedOther++;
            break;
        }
      } catch (RecordFormatException e) {
        throw new IOException(
            "undecodable record while checkpointing [segment="
                + r.segment()
                + ", file="
                + r.segmentFile()
                + ", offset="
                + r.recordStartOffset()
                + "]",
            e);
      }
      if (buf.length() == start) {
        continue; // everything dropped
      }
      if (nrecs + 1 >= starts.length) {
        starts = java.util.Arrays.copyOf(starts, starts.length * 2);
      }
      starts[nrecs++] = start;
      if (buf.length() > FLUSH_BYTES) {
        flush(cp, buf, starts, nrecs);
        nrecs = 0;
        buf.reset();
      }
    }
    flush(cp, buf, starts, nrecs);
  }

  private static void flush(Wal cp, Encbuf buf, int[] starts, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      int end = i + 1 < n ? starts[i + 1] : buf.length();
      cp.log(buf.array(), starts[i], end - starts[i]);
    }
  }

  /** The newest checkpoint in {@code walDir}; {@code .tmp} directories are ignored. */
  public static Optional<Ref> last(Path walDir) throws IOException {
    List<Ref> all = list(walDir);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** All checkpoints in {@code walDir}, oldest first; {@code .tmp} directories are ignored. */
  public static List<Ref> list(Path walDir) throws IOException {
    List<Ref> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(walDir, PREFIX + "*")) {
      for (Path p : ds) {
        int idx = WalFormat.parseSegmentName(p.getFileName().toString().substring(PREFIX.length()));
        if (idx < 0) {
          continue;
        }
        if (!Files.isDirectory(p)) {
          throw new IOException("checkpoint is not a directory [path=" + p + "]");
        }
        out.add(new Ref(p, idx));
      }
    }
    out.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return out;
  }

  /** Deletes checkpoints with an index below {@code index}; returns how many. */
  public static int deleteBefore(Path walDir, int index) throws IOException {
    int n = 0;
    for (Ref r : list(walDir)) {
      if (r.index() >= index) {
        break;
      }
      FileOps.deleteRecursively(r.dir());
      n++;
    }
    return n;
  }

  /** Deletes leftover {@code checkpoint.*.tmp} directories from crashed runs; returns how many. */
  public static int cleanupTemporary(Path walDir) throws IOException {
    int n = 0;
    if (!Files.isDirectory(walDir)) {
      return 0;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(walDir, PREFIX + "*" + TMP_SUFFIX)) {
      for (Path p : ds) {
        LOG.log(Level.INFO, "Deleting leftover temporary checkpoint [dir={0}]", p);
        FileOps.deleteRecursively(p);
        n++;
      }
    }
    return n;
  }
}
