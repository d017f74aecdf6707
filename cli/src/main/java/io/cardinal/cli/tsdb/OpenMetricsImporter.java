package io.cardinal.cli.tsdb;

import io.cardinal.exposition.EntryType;
import io.cardinal.exposition.ExpositionParseException;
import io.cardinal.exposition.ExpositionParser;
import io.cardinal.exposition.ParsedLabels;
import io.cardinal.storage.block.BlockFiles;
import io.cardinal.storage.block.BlockMeta;
import io.cardinal.storage.block.BlockWriter;
import io.cardinal.tsdb.AppendStatus;
import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.head.HeadOptions;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code tsdb create-blocks-from openmetrics}: turns an OpenMetrics file into blocks, as promtool
 * does, in bounded memory.
 *
 * <ol>
 *   <li>Pass 1 streams the file ({@link OpenMetricsFile}) and validates all of it: syntax, a
 *       timestamp on every sample, no two different values for one series and timestamp. It counts
 *       the samples of every block range ({@code [k·D, (k+1)·D)}, D the block duration). No block
 *       is written before the whole input is known to be valid.
 *   <li>Each further pass streams the file again and appends the samples of a group of consecutive
 *       non-empty ranges, one in-memory head per range, then writes each range as a block with
 *       {@link BlockWriter} (atomic: written under a temporary name, renamed when complete). A
 *       group holds at most {@code samplesPerPass} samples, so memory is bounded by that budget
 *       whatever the file's size; a typical file needs one data pass.
 * </ol>
 *
 * As promtool: a block covers [first sample, last sample + 1 ms] of its range; the heads use a
 * chunk range of twice the block duration, so chunks are cut exactly where promtool cuts them. On
 * an I/O failure the blocks this run already wrote are removed again.
 */
final class OpenMetricsImporter {
  static final long DEFAULT_BLOCK_DURATION_MS = 2 * 3600_000L;
  static final long DEFAULT_SAMPLES_PER_PASS = 20_000_000L;

  /** Samples per appender batch, promtool's default. */
  static final int COMMIT_EVERY = 5000;

  /** Told about each block as soon as it is written. */
  interface Listener {
    void blockWritten(BlockMeta meta, long sizeBytes);
  }

  /** Bytes read so far out of the total of all passes; {@code phase} names the current pass. */
  interface Progress {
    void update(String phase, long done, long total);
  }

  private final Path input;
  private final Path outputDir;
  private final long blockDuration;
  private final long samplesPerPass;
  private int windowBytes = OpenMetricsFile.INITIAL_WINDOW;

  OpenMetricsImporter(Path input, Path outputDir, long maxBlockDurationMs, long samplesPerPass) {
    this.input = input;
    this.outputDir = outputDir;
    this.blockDuration = compatibleBlockDuration(maxBlockDurationMs);
    this.samplesPerPass = Math.max(1, samplesPerPass);
  }

  /**
   * promtool's rule: 2h, or the largest of the exponential ranges 2h·3^i (i &lt; 10) not above the
   * requested maximum.
   */
  static long compatibleBlockDuration(long maxBlockDurationMs) {
    long d = DEFAULT_BLOCK_DURATION_MS;
    if (maxBlockDurationMs > d) {
      long[] ranges = new long[10];
      for (int i = 0; i < ranges.length; i++) {
        ranges[i] = i == 0 ? d : ranges[i - 1] * 3;
      }
      int idx = ranges.length - 1;
      for (int i = 0; i < ranges.length; i++) {
        if (ranges[i] > maxBlockDurationMs) {
          idx = i - 1;
          break;
        }
      }
      d = ranges[idx];
    }
    return d;
  }

  /** The initial read window (tests make it tiny to exercise family boundaries). */
  OpenMetricsImporter windowBytes(int n) {
    this.windowBytes = n;
    return this;
  }

  long blockDuration() {
    return blockDuration;
  }

  /** Runs the import; returns the blocks written, oldest first. */
  List<BlockMeta> run(Listener listener, Progress progress)
      throws IOException, ExpositionParseException {
    long size = Files.size(input);
    // ---- pass 1: validate and count samples per range
    Scan scan = new Scan();
    OpenMetricsFile file = new OpenMetricsFile(input, windowBytes);
    long[] totalBytes = {size};
    file.read(scan, done -> progress.update("validating", done, totalBytes[0]));
    List<long[]> groups = groups(scan.perRange);
    totalBytes[0] = size * (1 + groups.size());
    Files.createDirectories(outputDir);
    List<BlockMeta> written = new ArrayList<>();
    try {
      for (int g = 0; g < groups.size(); g++) {
        long base = size * (1 + g);
        String phase = "writing blocks, pass " + (g + 1) + "/" + groups.size();
        Pass pass = new Pass(groups.get(g));
        try {
          file.read(pass, done -> progress.update(phase, base + done, totalBytes[0]));
          for (int i = 0; i < pass.heads.length; i++) {
            BlockMeta meta = pass.writeBlock(i);
            if (meta != null) {
              written.add(meta);
              listener.blockWritten(meta, dirSize(outputDir.resolve(meta.ulid)));
            }
          }
        } finally {
          pass.close();
        }
      }
    } catch (IOException | RuntimeException | ExpositionParseException e) {
      for (BlockMeta m : written) {
        BlockFiles.delete(outputDir.resolve(m.ulid));
      }
      throw e;
    }
    return written;
  }

  /** Splits the non-empty ranges (in time order) into groups of at most samplesPerPass samples. */
  private List<long[]> groups(TreeMap<Long, long[]> perRange) {
    List<long[]> out = new ArrayList<>();
    List<Long> cur = new ArrayList<>();
    long inCur = 0;
    for (Map.Entry<Long, long[]> e : perRange.entrySet()) {
      long n = e.getValue()[0];
      if (!cur.isEmpty() && inCur + n > samplesPerPass) {
        out.add(cur.stream().mapToLong(Long::longValue).toArray());
        cur.clear();
        inCur = 0;
      }
      cur.add(e.getKey());
      inCur += n;
    }
    if (!cur.isEmpty()) {
      out.add(cur.stream().mapToLong(Long::longValue).toArray());
    }
    return out;
  }

  /**
   * The raw identity of the current sample's series, and whether it changed since the last sample.
   */
  private static final class SeriesKey {
    io.cardinal.exposition.RawSeriesKey cur = new io.cardinal.exposition.RawSeriesKey();
    io.cardinal.exposition.RawSeriesKey prev = new io.cardinal.exposition.RawSeriesKey();
    boolean first = true;

    /**
     * Builds the key of the parser's current sample; returns true if it differs from the previous
     * one.
     */
    boolean update(ExpositionParser p) {
      io.cardinal.exposition.RawSeriesKey t = prev;
      prev = cur;
      cur = t.fill(p);
      boolean changed = first || !cur.sameAs(prev);
      first = false;
      return changed;
    }
  }

  static Labels labelsOf(ExpositionParser p, long line) throws ExpositionParseException {
    ParsedLabels l = p.labels();
    String[] pairs = new String[2 + 2 * l.size()];
    pairs[0] = Labels.METRIC_NAME;
    pairs[1] = new String(p.buffer(), p.nameOffset(), p.nameLength(), StandardCharsets.UTF_8);
    for (int i = 0; i < l.size(); i++) {
      pairs[2 + 2 * i] = l.name(i);
      pairs[3 + 2 * i] = l.value(i);
    }
    try {
      return Labels.of(pairs);
    } catch (IllegalArgumentException e) {
      throw new ExpositionParseException(
          (int) Math.min(Integer.MAX_VALUE, line), 1, e.getMessage());
    }
  }

  /** Pass 1. */
  private final class Scan implements OpenMetricsFile.Visitor {
    final TreeMap<Long, long[]> perRange = new TreeMap<>();
    final SeriesKey key = new SeriesKey();
    long prevT;
    long prevBits;

    @Override
    public void entry(ExpositionParser p, EntryType type, long line)
        throws ExpositionParseException {
      if (type != EntryType.SAMPLE) {
        return;
      }
      if (!p.hasTimestamp()) {
        throw new ExpositionParseException(
            (int) Math.min(Integer.MAX_VALUE, line),
            1,
            "expected timestamp for series " + GoFormat.labels(labelsOf(p, line)) + ", got none");
      }
      long t = p.timestampMillis();
      long bits = Double.doubleToRawLongBits(p.value());
      if (!key.update(p)) {
        if (t == prevT && bits != prevBits) {
          throw new ExpositionParseException(
              (int) Math.min(Integer.MAX_VALUE, line),
              1,
              "duplicate sample for timestamp "
                  + t
                  + " of series "
                  + GoFormat.labels(labelsOf(p, line))
                  + " with a different value");
        }
        if (t < prevT) {
          throw new ExpositionParseException(
              (int) Math.min(Integer.MAX_VALUE, line),
              1,
              "out of order sample: timestamp "
                  + t
                  + " of series "
                  + GoFormat.labels(labelsOf(p, line))
                  + " is before the previous one, "
                  + prevT);
        }
      }
      prevT = t;
      prevBits = bits;
      perRange.computeIfAbsent(Math.floorDiv(t, blockDuration), k -> new long[1])[0]++;
    }
  }

  /** One data pass: a head per range of the group. */
  private final class Pass implements OpenMetricsFile.Visitor {
    final long[] ranges;
    final Head[] heads;
    final HeadAppender[] apps;
    final int[] pending;
    final long[] refs;
    final long lo;
    final long hi;
    final SeriesKey key = new SeriesKey();
    Labels labels;

    Pass(long[] ranges) {
      this.ranges = ranges;
      heads = new Head[ranges.length];
      apps = new HeadAppender[ranges.length];
      pending = new int[ranges.length];
      refs = new long[ranges.length];
      for (int i = 0; i < ranges.length; i++) {
        heads[i] =
            new Head(
                HeadOptions.defaults()
                    .withChunkRange(java.time.Duration.ofMillis(2 * blockDuration))
                    .withStripeSize(1024));
        apps[i] = heads[i].appender();
      }
      lo = ranges[0];
      hi = ranges[ranges.length - 1];
    }

    @Override
    public void entry(ExpositionParser p, EntryType type, long line)
        throws ExpositionParseException {
      if (type != EntryType.SAMPLE) {
        return;
      }
      long t = p.timestampMillis();
      if (key.update(p)) {
        Arrays.fill(refs, 0);
        labels = null;
      }
      long r = Math.floorDiv(t, blockDuration);
      if (r < lo || r > hi) {
        return;
      }
      int slot = Arrays.binarySearch(ranges, r);
      if (slot < 0) {
        return;
      }
      long ref = refs[slot];
      if (ref <= 0 && labels == null) {
        labels = labelsOf(p, line);
      }
      long res = apps[slot].append(ref, ref > 0 ? null : labels, t, p.value());
      if (res < 0) {
        throw new ExpositionParseException(
            (int) Math.min(Integer.MAX_VALUE, line),
            1,
            "add sample: " + AppendStatus.of(res).message());
      }
      refs[slot] = res;
      if (++pending[slot] >= COMMIT_EVERY) {
        commit(slot, line);
      }
    }

    void commit(int slot, long line) throws ExpositionParseException {
      CommitResult c = apps[slot].commit();
      pending[slot] = 0;
      for (AppendStatus st :
          new AppendStatus[] {
            AppendStatus.OUT_OF_ORDER, AppendStatus.DUPLICATE, AppendStatus.OUT_OF_BOUNDS
          }) {
        if (c.count(st) > 0) {
          throw new ExpositionParseException(
              (int) Math.min(Integer.MAX_VALUE, line),
              1,
              "commit: " + c.count(st) + " samples rejected: " + st.message());
        }
      }
    }

    BlockMeta writeBlock(int i) throws IOException {
      try {
        commit(i, 0);
      } catch (ExpositionParseException e) {
        throw new IOException(e.detail(), e);
      }
      Head h = heads[i];
      if (h.numSeries() == 0) {
        return null;
      }
      return BlockWriter.write(
          outputDir,
          h.chunkSeries(Long.MIN_VALUE, Long.MAX_VALUE),
          h.symbols(),
          BlockWriter.Spec.fresh(h.minTime(), h.maxTime() + 1));
    }

    void close() {
      for (Head h : heads) {
        h.close();
      }
    }
  }

  static long dirSize(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      long n = 0;
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p)) {
          n += Files.size(p);
        }
      }
      return n;
    }
  }
}
