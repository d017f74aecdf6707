package io.cardinal.storage.head;

import com.carrotsearch.hppc.LongArrayList;
import com.carrotsearch.hppc.LongLongHashMap;
import com.carrotsearch.hppc.LongObjectHashMap;
import io.cardinal.storage.io.DirectoryLock;
import io.cardinal.storage.io.FileOps;
import io.cardinal.storage.wal.Checkpoint;
import io.cardinal.storage.wal.Segments;
import io.cardinal.storage.wal.Wal;
import io.cardinal.storage.wal.WalCorruptionException;
import io.cardinal.storage.wal.WalReader;
import io.cardinal.storage.wal.WalRepair;
import io.cardinal.storage.wal.WalReplay;
import io.cardinal.storage.wal.record.RecordDecoder;
import io.cardinal.storage.wal.record.RecordFormatException;
import io.cardinal.storage.wal.record.RecordType;
import io.cardinal.storage.wal.record.SampleBatch;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadLog;
import io.cardinal.tsdb.head.HeadOptions;
import io.cardinal.tsdb.head.HeadRestorer;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Utf8Interner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A {@link Head} that survives restarts: full chunks in {@code <data>/chunks_head/} ({@link
 * MappedChunkFiles}), every commit in {@code <data>/wal/} ({@link WalHeadLog}).
 *
 * <p>{@link #open} restores the head in this order (see {@code docs/durability.md}):
 *
 * <ol>
 *   <li>scan the chunk files, cutting a corrupt tail, and collect every chunk by series;
 *   <li>read {@code head.meta} (truncation time and highest series reference at the last
 *       truncation);
 *   <li>replay the newest WAL checkpoint, then the WAL segments after it. A series record recreates
 *       the series under its original reference and re-attaches its chunks from disk; a sample is
 *       restored unless a re-attached chunk already covers it ({@code t <=} the series' last
 *       chunk's maxt), it is older than the truncation time, or its series is unknown. A corrupt or
 *       torn segment is repaired with {@link WalRepair} (cut at the last good record, later
 *       segments deleted), the repair is reported, and opening continues;
 *   <li>reserve series references up to the highest ever named on disk, so none is reused;
 *   <li>re-apply the last truncation, then open a new WAL segment for writing.
 * </ol>
 *
 * <p>{@link #truncate} is the head's GC plus Prometheus's WAL truncation: a checkpoint of every
 * segment but the current one keeping live series and samples at or after the cut, then old
 * segments and checkpoints are deleted.
 */
public final class DurableHead implements AutoCloseable {

  public static final String WAL_DIR = "wal";
  public static final String CHUNKS_DIR = "chunks_head";
  public static final String META_FILE = "head.meta";

  private static final System.Logger LOG = System.getLogger(DurableHead.class.getName());
  private static final int META_MAGIC = 0x48454144; // "HEAD"
  private static final byte META_VERSION = 1;
  private static final int META_SIZE = 4 + 1 + 8 + 8 + 4;

  /**
   * What {@link #truncate} did; {@code checkpoint} is null when no whole segment was left to fold.
   */
  public record TruncateResult(
      int seriesRemoved,
      Checkpoint.Stats checkpoint,
      int segmentsDeleted,
      int checkpointsDeleted,
      long durationNanos) {}

  private final Path dataDir;
  private final Head head;
  private final MappedChunkFiles chunks;
  private final WalHeadLog log;
  private final DurableOptions options;
  private final ReplayStats replayStats;

  /**
   * WAL references replayed onto a series restored under another reference (kept in checkpoints).
   */
  private final LongLongHashMap aliases;

  private boolean closed;
  private DirectoryLock lock;
  private List<long[]> replayedTombstones = List.of();

  private DurableHead(
      Path dataDir,
      Head head,
      MappedChunkFiles chunks,
      WalHeadLog log,
      DurableOptions options,
      ReplayStats replayStats,
      LongLongHashMap aliases) {
    this.aliases = aliases;
    this.dataDir = dataDir;
    this.head = head;
    this.chunks = chunks;
    this.log = log;
    this.options = options;
    this.replayStats = replayStats;
  }

  /** {@link #open(Path, HeadOptions, DurableOptions)} with default sizes. */
  public static DurableHead open(Path dataDir, HeadOptions base, SyncPolicy policy)
      throws IOException {
    return open(dataDir, base, DurableOptions.of(policy));
  }

  /**
   * Opens (creating if needed) the head stored in {@code dataDir}, replaying and repairing as
   * described in the class comment. {@code base} is configured with the chunk files and the WAL log
   * and must not be shared with another head.
   *
   * @throws IOException if the directory cannot be read or holds damage that cutting cannot repair
   *     (a corrupt checkpoint, a gap between segments, an undecodable record); with {@link
   *     SyncPolicy#NONE}, if it holds a WAL, which that policy would silently ignore
   */
  public static DurableHead open(Path dataDir, HeadOptions base, DurableOptions options)
      throws IOException {
    long start = System.nanoTime();
    Files.createDirectories(dataDir);
    // Before anything is read or repaired: a second writer must fail here, not after it has cut a
    // torn tail the first one is still writing.
    DirectoryLock lock = options.lockfile() ? DirectoryLock.acquire(dataDir) : null;
    try {
      DurableHead dh = openLocked(dataDir, base, options, start);
      dh.lock = lock;
      return dh;
    } catch (IOException | RuntimeException e) {
      if (lock != null) {
        try {
          lock.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static DurableHead openLocked(
      Path dataDir, HeadOptions base, DurableOptions options, long start) throws IOException {
    Path walDir = dataDir.resolve(WAL_DIR);
    Path chunksDir = dataDir.resolve(CHUNKS_DIR);
    SyncPolicy policy = options.syncPolicy();
    List<String> warnings = new ArrayList<>();
    if (policy == SyncPolicy.NONE) {
      if (Files.isDirectory(walDir)
          && (Segments.list(walDir).length > 0 || Checkpoint.last(walDir).isPresent())) {
        throw new IOException(
            "data directory holds a WAL that SyncPolicy.NONE would ignore; open it with "
                + "PERIODIC or PER_COMMIT, or delete it [dir="
                + walDir
                + "]");
      }
      // Without a WAL no series can claim the chunks of an earlier run.
      deleteChunkFiles(chunksDir);
    }

    Meta meta = readMeta(dataDir, warnings);
    LongObjectHashMap<LongArrayList> onDisk = new LongObjectHashMap<>();
    long[] scanned = new long[1];
    MappedChunkFiles chunks =
        MappedChunkFiles.open(
            chunksDir,
            options.chunkFileSize(),
            MappedChunkFiles.DEFAULT_WRITE_BUFFER,
            (seriesRef, chunkRef, minT, maxT, enc) -> {
              LongArrayList l = onDisk.get(seriesRef);
              if (l == null) {
                l = new LongArrayList(3);
                onDisk.put(seriesRef, l);
              }
              l.add(chunkRef, minT, maxT);
              scanned[0]++;
            });
    warnings.addAll(chunks.repairs());
    Head head = null;
    WalHeadLog log = null;
    try {
      head = new Head(base.withChunkMapper(chunks).withLog(HeadLog.NONE));
      Replayer r = new Replayer(head, onDisk, meta.minValidTime);
      try {
        if (policy != SyncPolicy.NONE && Files.isDirectory(walDir)) {
          r.replay(walDir, warnings);
        }
      } finally {
        // Joins the sample workers, also when replay failed, so no thread outlives open().
        r.finishSamples();
      }
      if (r.tooFarInFuture > 0) {
        warnings.add(
            "dropped "
                + r.tooFarInFuture
                + " WAL samples later than the clock plus the future window ("
                + base.maxFuture()
                + "); they would have made every newer sample too old to store");
      }
      head.restorer()
          .reserveSeriesRefs(
              Math.max(Math.max(meta.lastSeriesRef, r.maxRef), chunks.maxSeriesRefOnDisk()));
      if (meta.minValidTime != Long.MIN_VALUE) {
        head.truncate(meta.minValidTime);
      }
      if (policy != SyncPolicy.NONE) {
        Wal wal =
            Wal.open(walDir, new Wal.Options(options.walSegmentSize(), options.walCompression()));
        log = new WalHeadLog(wal, policy, options.syncInterval().toMillis());
        head.restorer().attachLog(log);
      }
      ReplayStats stats =
          new ReplayStats(
              r.series,
              r.samples,
              r.inMapped,
              r.dropped,
              r.attached,
              scanned[0] - r.attached,
              r.checkpoint,
              r.segments,
              System.nanoTime() - start,
              List.copyOf(warnings));
      LOG.log(
          warnings.isEmpty() ? Level.INFO : Level.WARNING,
          "Head opened [dir=" + dataDir + "]: " + stats);
      DurableHead dh = new DurableHead(dataDir, head, chunks, log, options, stats, r.aliases);
      dh.replayedTombstones = List.copyOf(r.tombstones);
      return dh;
    } catch (IOException | RuntimeException e) {
      if (log != null) {
        try {
          log.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      chunks.close();
      throw e;
    }
  }

  /** Replays WAL records into the head; one pass, no record kept in memory. */
  private static final class Replayer {
    final Head head;
    final LongObjectHashMap<LongArrayList> onDisk;
    final long minValidTime;

    /**
     * Series records whose labels were already restored under another reference (set by finish).
     */
    LongLongHashMap aliases = new LongLongHashMap();

    final RecordDecoder dec = new RecordDecoder();
    final SampleBatch sampleBuf = new SampleBatch(1024);
    final io.cardinal.storage.wal.record.TombstoneBatch tombBuf =
        new io.cardinal.storage.wal.record.TombstoneBatch();

    /** Deleted intervals from tombstone records: (ref, mint, maxt); refs resolved by finish. */
    final List<long[]> tombstones = new ArrayList<>();

    /**
     * Label strings of the replay: every name and value is decoded once, and series share the
     * instances, which the postings index then interns without copying.
     */
    final Utf8Interner strings = new Utf8Interner(1 << 16);

    final RecordDecoder.SeriesSink seriesSink = this::restoreSeries;

    /** The previous series' labels: the next one usually has the same names, so needs no sort. */
    Labels prevLabels;

    long series;
    long samples;
    long inMapped;
    long dropped;

    /**
     * Samples beyond the head's future window at the time of replay: logged before the window
     * existed, or by a clock that was ahead. Kept out, so they cannot move the head's newest time
     * past the present and make every later sample too old. Counted in {@link #dropped} too.
     */
    long tooFarInFuture;

    final long maxValidTime;
    long attached;
    long maxRef;
    int checkpoint = -1;
    int segments;
    final SampleAppliers appliers;

    final boolean defaultHasher;

    Replayer(Head head, LongObjectHashMap<LongArrayList> onDisk, long minValidTime) {
      this.appliers = new SampleAppliers(head, minValidTime);
      this.defaultHasher = head.restorer().hasDefaultHasher();
      this.head = head;
      this.onDisk = onDisk;
      this.minValidTime = minValidTime;
      this.maxValidTime = head.options().maxValidTime();
    }

    void replay(Path walDir, List<String> warnings) throws IOException {
      Checkpoint.cleanupTemporary(walDir);
      WalReplay.Plan plan = WalReplay.plan(walDir);
      if (plan.checkpoint().isPresent()) {
        checkpoint = plan.checkpoint().get().index();
        try {
          WalReplay.readCheckpoint(plan, this::apply);
        } catch (WalCorruptionException e) {
          throw new IOException(
              "WAL checkpoint is corrupt and cannot be repaired (the series it lost "
                  + "are unknown); restore it or delete the data directory [checkpoint="
                  + plan.checkpoint().get().dir()
                  + "]",
              e);
        }
      }
      segments = plan.segments();
      try {
        WalReplay.readSegments(walDir, plan, this::apply);
      } catch (WalCorruptionException e) {
        if (!e.kind().repairable()) {
          throw e;
        }
        // Every record before the corruption is restored; the repair keeps exactly those.
        WalRepair.Result res = WalRepair.repair(walDir, e);
        warnings.add(res.message());
      }
    }

    private void apply(ByteBuffer rec, WalReader r) throws IOException {
      try {
        switch (RecordType.of(rec)) {
          case SERIES:
            dec.series(rec, strings, seriesSink);
            break;
          case SAMPLES:
            dec.samples(rec, sampleBuf);
            restoreSamples(sampleBuf);
            break;
          case TOMBSTONES:
            tombBuf.clear();
            dec.tombstones(rec, tombBuf);
            for (int i = 0; i < tombBuf.size(); i++) {
              tombstones.add(new long[] {tombBuf.ref(i), tombBuf.mint(i), tombBuf.maxt(i)});
              // Applied in WAL order on the series' shard: a series evicted to a block leaves
              // the head before a later record re-creates its labels as a new series.
              appliers.drop(tombBuf.ref(i), tombBuf.mint(i), tombBuf.maxt(i));
            }
            break;
          default:
            // Exemplars, m-map markers, metadata: nothing the head keeps.
            break;
        }
      } catch (RecordFormatException e) {
        throw new IOException(
            "undecodable WAL record [segment="
                + r.segment()
                + ", file="
                + r.segmentFile()
                + ", offset="
                + r.recordStartOffset()
                + "]",
            e);
      }
    }

    private void restoreSeries(long ref, String[] namesAndValues, long[] stringHashes) {
      maxRef = Math.max(maxRef, ref);
      // Shaped like the previous series (the usual case): sorted as given, so the strings'
      // hashes line up with the labels and the set's hash needs no pass over the characters.
      boolean asGiven = Labels.isShapedLike(namesAndValues, prevLabels);
      Labels labels =
          asGiven ? Labels.adopt(namesAndValues, prevLabels) : Labels.adopt(namesAndValues);
      prevLabels = labels;
      long hash =
          asGiven && defaultHasher
              ? Labels.hash64(stringHashes, namesAndValues.length)
              : head.restorer().labelHash(labels);
      LongArrayList chunks = onDisk.isEmpty() ? null : onDisk.remove(ref);
      appliers.addSeries(ref, labels, hash, chunks);
    }

    private void restoreSamples(SampleBatch b) {
      for (int i = 0; i < b.size(); i++) {
        long t = b.t(i);
        if (t < minValidTime) {
          dropped++;
        } else if (t > maxValidTime) {
          dropped++;
          tooFarInFuture++;
        } else {
          appliers.add(b.ref(i), t, b.v(i));
        }
      }
    }

    /** Waits for every dispatched sample to be appended and folds in the workers' counts. */
    void finishSamples() {
      long t0 = System.nanoTime();
      long[] res = appliers.finish();
      long t1 = System.nanoTime();
      samples += res[0];
      dropped += res[1];
      head.restorer().observeReplayedRange(res[2], res[3]);
      series += res[4];
      attached += res[5];
      inMapped += res[6];
      aliases = appliers.aliases();
      if (!aliases.isEmpty()) {
        for (long[] t : tombstones) {
          t[0] = aliases.getOrDefault(t[0], t[0]);
        }
      }
      head.restorer().buildDeferredPostings();
      if (Boolean.getBoolean("cardinal.replay.trace")) {
        System.err.printf(
            "replay: workers drained in %d ms after reading, postings built in %d ms;"
                + " CPU ms: reader %d, workers %s%n",
            (t1 - t0) / 1_000_000,
            (System.nanoTime() - t1) / 1_000_000,
            java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()
                / 1_000_000,
            appliers.workerCpuMillis());
      }
    }
  }

  /**
   * Applies replayed records on several threads. A series goes to the shard chosen by a hash of its
   * labels, and its samples follow it there (a paged table maps each reference to its shard), so
   * every shard owns its series outright: it creates them (without the postings index, built
   * afterwards), re-attaches their chunks and appends their samples with no per-sample lock, and
   * the cache misses of a million series are spread over the cores (as Prometheus shards its
   * replay). Per-series order holds because each shard's records go through one FIFO queue.
   * Sharding by labels rather than by reference also puts a label set logged under two references
   * (a series removed and re-created before a checkpoint) on one shard, which then maps the second
   * reference to the first in WAL order. The reading thread only decodes and routes.
   */
  static final class SampleAppliers {
    private static final int BATCH = Integer.getInteger("cardinal.replay.batch", 1024);
    private final Head head;
    private final long minValidTime;
    final int shards;
    private final Shard[] workers;
    private final Batch[] open;
    private final Shard inline;
    private final RefShards refShards = new RefShards();

    /**
     * A run of records for one shard: samples, or a series to create where {@code series[i] !=
     * null}.
     */
    private static final class Batch {
      final long[] refs;

      /** Sample timestamps; for a series, its label hash. */
      final long[] ts;

      final double[] vs;

      /** Null for a sample; for a series, its {@link Labels} or a {@link SeriesOp}. */
      final Object[] series;

      int n;
      boolean stop;

      Batch() {
        this(BATCH);
      }

      Batch(int cap) {
        refs = new long[cap];
        ts = new long[cap];
        vs = new double[cap];
        series = new Object[cap];
      }
    }

    /** A series record with chunks to re-attach from {@code chunks_head/}. */
    private record SeriesOp(Labels labels, LongArrayList chunks) {}

    /** A deletion of [mint, maxt] (see {@link HeadRestorer#dropDeleted}). */
    private record DropOp(long mint, long maxt) {}

    /**
     * Series reference to shard, in pages of 64 Ki references allocated as references appear (the
     * head hands out references densely, so a million series take 16 pages of 64 KiB).
     */
    private static final class RefShards {
      private static final int PAGE_BITS = 16;
      private byte[][] pages = new byte[16][];

      void set(long ref, int shard) {
        int p = (int) (ref >>> PAGE_BITS);
        if (p >= pages.length) {
          pages = java.util.Arrays.copyOf(pages, Math.max(p + 1, pages.length * 2));
        }
        byte[] page = pages[p];
        if (page == null) {
          page = pages[p] = new byte[1 << PAGE_BITS];
        }
        page[(int) ref & ((1 << PAGE_BITS) - 1)] = (byte) (shard + 1);
      }

      /** The shard of {@code ref}, or -1 if no series record named it. */
      int get(long ref) {
        int p = (int) (ref >>> PAGE_BITS);
        if (ref < 0 || p >= pages.length || pages[p] == null) {
          return -1;
        }
        return pages[p][(int) ref & ((1 << PAGE_BITS) - 1)] - 1;
      }
    }

    private final class Shard extends Thread {
      final java.util.concurrent.ArrayBlockingQueue<Batch> queue =
          new java.util.concurrent.ArrayBlockingQueue<>(8);

      /** Applied batches, handed back to the reading thread for reuse. */
      final java.util.concurrent.ArrayBlockingQueue<Batch> free =
          new java.util.concurrent.ArrayBlockingQueue<>(16);

      /** Second references of label sets this shard restored first under another reference. */
      final LongLongHashMap aliases = new LongLongHashMap();

      long samples;
      long dropped;
      long series;
      long attached;
      long inMapped;
      long lo = Long.MAX_VALUE;
      long hi = Long.MIN_VALUE;
      volatile Throwable failure;

      /** CPU time this worker used, for -Dcardinal.replay.trace. */
      volatile long cpuNanos;

      Shard(int i) {
        super("wal-replay-" + i);
        setDaemon(true);
      }

      @Override
      public void run() {
        try {
          while (true) {
            Batch b = queue.take();
            if (b.stop) {
              cpuNanos =
                  java.lang.management.ManagementFactory.getThreadMXBean()
                      .getCurrentThreadCpuTime();
              return;
            }
            apply(b);
            free.offer(b);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Throwable t) {
          failure = t;
        }
      }

      void apply(Batch b) {
        for (int i = 0; i < b.n; i++) {
          Object op = b.series[i];
          if (op != null) {
            b.series[i] = null;
            if (op instanceof Labels l) {
              createSeries(b.refs[i], l, b.ts[i], null);
            } else if (op instanceof DropOp d) {
              drop(b.refs[i], d.mint(), d.maxt());
            } else {
              SeriesOp so = (SeriesOp) op;
              createSeries(b.refs[i], so.labels(), b.ts[i], so.chunks());
            }
          } else {
            sample(b.refs[i], b.ts[i], b.vs[i]);
          }
        }
        b.n = 0;
      }

      void createSeries(long ref, Labels labels, long hash, LongArrayList l) {
        long got = head.restorer().restoreSeriesDeferred(ref, labels, hash);
        if (got != ref) {
          // The same labels under a second reference: its samples belong to the first.
          aliases.put(ref, got);
        } else {
          series++;
        }
        if (l != null) {
          long[] a = l.buffer;
          for (int i = 0; i + 2 < l.size(); i += 3) {
            long maxT = a[i + 2];
            if (maxT >= minValidTime
                && head.restorer().restoreMappedChunk(got, a[i], a[i + 1], maxT)) {
              attached++;
            }
          }
        }
      }

      void drop(long ref, long mint, long maxt) {
        if (!aliases.isEmpty()) {
          ref = aliases.getOrDefault(ref, ref);
        }
        head.restorer().dropDeleted(ref, mint, maxt);
      }

      void sample(long ref, long t, double v) {
        if (!aliases.isEmpty()) {
          ref = aliases.getOrDefault(ref, ref);
        }
        switch (head.restorer().restoreReplayedSample(ref, t, v)) {
          case HeadRestorer.REPLAY_APPENDED -> {
            samples++;
            lo = Math.min(lo, t);
            hi = Math.max(hi, t);
          }
          case HeadRestorer.REPLAY_IN_MAPPED -> inMapped++;
          default -> dropped++;
        }
      }
    }

    SampleAppliers(Head head, long minValidTime) {
      this.head = head;
      this.minValidTime = minValidTime;
      int cpus = Runtime.getRuntime().availableProcessors();
      // -Dcardinal.replay.threads=N overrides (1 = replay on the reading thread only).
      int want = Integer.getInteger("cardinal.replay.threads", cpus <= 1 ? 1 : Math.min(4, cpus));
      this.shards = Math.max(1, Math.min(want, 64));
      this.workers = new Shard[shards];
      this.open = new Batch[shards];
      if (shards > 1) {
        this.inline = null;
        for (int i = 0; i < shards; i++) {
          workers[i] = new Shard(i);
          workers[i].start();
          open[i] = new Batch();
        }
      } else {
        this.inline = new Shard(0);
      }
    }

    void addSeries(long ref, Labels labels, long hash, LongArrayList chunks) {
      if (inline != null) {
        inline.createSeries(ref, labels, hash, chunks);
        return;
      }
      // Equal labels have equal hashes, so they meet on one shard.
      int s = (int) (((hash >>> 32) * shards) >>> 32);
      refShards.set(ref, s);
      Batch b = open[s];
      b.refs[b.n] = ref;
      b.ts[b.n] = hash;
      b.series[b.n] = chunks == null ? labels : new SeriesOp(labels, chunks);
      if (++b.n == BATCH) {
        dispatch(s);
      }
    }

    /** Routes a deletion to the shard of its series, after that series' earlier records. */
    void drop(long ref, long mint, long maxt) {
      if (inline != null) {
        inline.drop(ref, mint, maxt);
        return;
      }
      int s = refShards.get(ref);
      if (s < 0) {
        return; // no series record: nothing of it was restored
      }
      Batch b = open[s];
      b.refs[b.n] = ref;
      b.ts[b.n] = 0;
      b.series[b.n] = new DropOp(mint, maxt);
      if (++b.n == BATCH) {
        dispatch(s);
      }
    }

    void add(long ref, long t, double v) {
      if (inline != null) {
        inline.sample(ref, t, v);
        return;
      }
      int s = refShards.get(ref);
      if (s < 0) {
        s = (int) Math.floorMod(ref, (long) shards); // no series record: the worker drops it
      }
      Batch b = open[s];
      b.refs[b.n] = ref;
      b.ts[b.n] = t;
      b.vs[b.n] = v;
      if (++b.n == BATCH) {
        dispatch(s);
      }
    }

    private void dispatch(int s) {
      put(s, open[s]);
      Batch next = workers[s].free.poll();
      open[s] = next != null ? next : new Batch();
    }

    private void put(int s, Batch b) {
      try {
        while (!workers[s].queue.offer(b, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          if (workers[s].failure != null || !workers[s].isAlive()) {
            throw new IllegalStateException("WAL replay worker failed", workers[s].failure);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted during WAL replay", e);
      }
    }

    String workerCpuMillis() {
      StringBuilder sb = new StringBuilder();
      for (Shard w : workers) {
        if (w != null) {
          sb.append(sb.length() == 0 ? "" : " ").append(w.cpuNanos / 1_000_000);
        }
      }
      return sb.toString();
    }

    /** Every shard's second references, merged (after {@link #finish}). */
    LongLongHashMap aliases() {
      LongLongHashMap all = new LongLongHashMap();
      for (Shard w : inline != null ? new Shard[] {inline} : workers) {
        all.putAll(w.aliases);
      }
      return all;
    }

    /**
     * Applies what is left, stops the workers and returns {samples, dropped, minT, maxT, series,
     * chunks attached, samples already in chunks}.
     */
    long[] finish() {
      Shard[] all = inline != null ? new Shard[] {inline} : workers;
      if (inline == null) {
        for (int s = 0; s < shards; s++) {
          if (open[s].n > 0) {
            dispatch(s);
          }
          Batch stop = new Batch(0);
          stop.stop = true;
          put(s, stop);
        }
        for (Shard w : workers) {
          try {
            w.join();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during WAL replay", e);
          }
          if (w.failure != null) {
            throw new IllegalStateException("WAL replay worker failed", w.failure);
          }
        }
      }
      long[] r = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE, 0, 0, 0};
      for (Shard w : all) {
        r[0] += w.samples;
        r[1] += w.dropped;
        r[2] = Math.min(r[2], w.lo);
        r[3] = Math.max(r[3], w.hi);
        r[4] += w.series;
        r[5] += w.attached;
        r[6] += w.inMapped;
      }
      return r;
    }
  }

  /** The head; append and query through it. */
  /** Deletions logged before the restart: (series ref, mint, maxt) per entry. */
  public List<long[]> replayedTombstones() {
    return replayedTombstones;
  }

  /**
   * Logs deleted intervals of head series to the WAL (and syncs) so deletions survive a restart.
   */
  public void logTombstones(long[] refs, long[] mints, long[] maxts, int n) throws IOException {
    if (log != null && n > 0) {
      log.logTombstones(refs, mints, maxts, n);
    }
  }

  public Head head() {
    return head;
  }

  public MappedChunkFiles chunkFiles() {
    return chunks;
  }

  /** The WAL log, or null under {@link SyncPolicy#NONE}. */
  public WalHeadLog walLog() {
    return log;
  }

  public Path dataDir() {
    return dataDir;
  }

  public DurableOptions options() {
    return options;
  }

  /** What {@link #open} restored and repaired. */
  public ReplayStats replayStats() {
    return replayStats;
  }

  /**
   * Head GC ({@link Head#truncate}) and WAL truncation: records the cut in {@code head.meta},
   * writes a checkpoint of all segments but the one being written (live series, samples at or after
   * {@code mint}), then deletes those segments and older checkpoints.
   */
  public synchronized TruncateResult truncate(long mint) throws IOException {
    ensureOpen();
    long start = System.nanoTime();
    int removed = head.truncate(mint);
    if (log == null) {
      return new TruncateResult(removed, null, 0, 0, System.nanoTime() - start);
    }
    writeMeta(dataDir, head.truncatedBefore(), head.lastSeriesRef());
    Path walDir = log.wal().dir();
    int[] segs = Segments.list(walDir);
    int last = log.wal().currentSegment() - 1;
    if (segs.length == 0 || segs[0] > last) {
      return new TruncateResult(removed, null, 0, 0, System.nanoTime() - start);
    }
    Checkpoint.Stats cp =
        Checkpoint.create(
            walDir,
            segs[0],
            last,
            ref ->
                head.restorer()
                    .containsSeries(aliases.isEmpty() ? ref : aliases.getOrDefault(ref, ref)),
            head.truncatedBefore(),
            options.walCompression());
    int segsDeleted = log.wal().truncate(last + 1);
    int cpsDeleted = Checkpoint.deleteBefore(walDir, last);
    return new TruncateResult(removed, cp, segsDeleted, cpsDeleted, System.nanoTime() - start);
  }

  /** Fsyncs the WAL now (whatever the policy). */
  public void sync() throws IOException {
    if (log != null) {
      log.sync();
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("head is closed [dir=" + dataDir + "]");
    }
  }

  /** Fsyncs and closes the WAL, then flushes and closes the chunk files. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // The head refuses commits first, so none can reach a closed WAL; the lock goes last, once
    // nothing of this head writes to the directory any more.
    try {
      head.close();
      if (log != null) {
        log.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("closing WAL [dir=" + dataDir + "]", e);
    } finally {
      releaseLock();
    }
  }

  private void releaseLock() {
    if (lock != null) {
      try {
        lock.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "releasing " + lock.file() + ": " + e.getMessage());
      }
      lock = null;
    }
  }

  // head.meta: magic "HEAD" <4b BE>, version 1 <1b>, minValidTime <8b BE>, lastSeriesRef <8b BE>,
  // CRC32C of the preceding bytes <4b BE>. Written atomically (temporary file, fsync, rename).

  private record Meta(long minValidTime, long lastSeriesRef) {}

  private static Meta readMeta(Path dataDir, List<String> warnings) throws IOException {
    Path p = dataDir.resolve(META_FILE);
    if (!Files.exists(p)) {
      return new Meta(Long.MIN_VALUE, 0);
    }
    byte[] b = Files.readAllBytes(p);
    ByteBuffer bb = ByteBuffer.wrap(b);
    String bad = null;
    if (b.length != META_SIZE) {
      bad = "size " + b.length + ", expected " + META_SIZE;
    } else if (bb.getInt(0) != META_MAGIC) {
      bad = String.format("magic 0x%08X, expected 0x%08X", bb.getInt(0), META_MAGIC);
    } else if (b[4] != META_VERSION) {
      bad = "version " + b[4] + ", expected " + META_VERSION;
    } else {
      CRC32C c = new CRC32C();
      c.update(b, 0, META_SIZE - 4);
      if ((int) c.getValue() != bb.getInt(META_SIZE - 4)) {
        bad = "checksum mismatch";
      }
    }
    if (bad != null) {
      // Only reached by damage outside any crash window (the file is replaced atomically).
      String msg =
          "ignoring corrupt "
              + p
              + " ("
              + bad
              + "): samples older than the last truncation may "
              + "reappear until the next one";
      LOG.log(Level.WARNING, msg);
      warnings.add(msg);
      return new Meta(Long.MIN_VALUE, 0);
    }
    return new Meta(bb.getLong(5), bb.getLong(13));
  }

  private static void writeMeta(Path dataDir, long minValidTime, long lastSeriesRef)
      throws IOException {
    ByteBuffer bb = ByteBuffer.allocate(META_SIZE);
    bb.putInt(META_MAGIC).put(META_VERSION).putLong(minValidTime).putLong(lastSeriesRef);
    CRC32C c = new CRC32C();
    c.update(bb.array(), 0, META_SIZE - 4);
    bb.putInt((int) c.getValue()).flip();
    Path tmp = dataDir.resolve(META_FILE + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
      ch.force(true);
    }
    Files.move(
        tmp,
        dataDir.resolve(META_FILE),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    FileOps.fsyncDir(dataDir);
  }

  private static void deleteChunkFiles(Path chunksDir) throws IOException {
    if (!Files.isDirectory(chunksDir)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(chunksDir)) {
      for (Path p : ds) {
        if (p.getFileName().toString().chars().allMatch(Character::isDigit)) {
          Files.delete(p);
        }
      }
    }
  }
}
