package io.cardinal;

import io.cardinal.compact.BlockRanges;
import io.cardinal.compact.BlockSet;
import io.cardinal.compact.CompactionPlanner;
import io.cardinal.compact.Compactor;
import io.cardinal.compact.DbMetrics;
import io.cardinal.compact.Deletions;
import io.cardinal.compact.MergeQuerier;
import io.cardinal.promql.PromQL;
import io.cardinal.promql.PromQLParseException;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.engine.Engine;
import io.cardinal.promql.engine.QueryException;
import io.cardinal.promql.engine.QueryResult;
import io.cardinal.promql.engine.Value;
import io.cardinal.storage.block.Block;
import io.cardinal.storage.block.BlockMeta;
import io.cardinal.storage.block.BlockWriter;
import io.cardinal.storage.head.DurableHead;
import io.cardinal.storage.head.ReplayStats;
import io.cardinal.tsdb.AppendStatus;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadMetrics;
import io.cardinal.tsdb.head.TsdbStatus;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SeriesSet;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The embedded database: the one entry point for a JVM service.
 *
 * <pre>{@code
 * try (Cardinal db = Cardinal.inMemory(CardinalOptions.defaults().withMaxSeries(1_000_000))) {
 *   Appender app = db.appender();
 *   long ref = app.append(0, Labels.of("__name__", "requests_total", "path", "/"), now, 1);
 *   app.commit();
 *   PromQLResult r = db.query("sum(rate(requests_total[5m]))", Instant.ofEpochMilli(now));
 *   try (Querier q = db.querier(now - 3_600_000, now)) {
 *     SeriesSet set = q.select(true, now - 3_600_000, now, Matcher.equal("__name__", "requests_total"));
 *   }
 * }
 * }</pre>
 *
 * <p>Thread safety: a {@code Cardinal} is safe to share between threads. Each {@link Appender} is
 * used by one thread at a time (keep one per thread and reuse it); any number of queriers may run
 * concurrently with appends and with head truncation.
 */
public final class Cardinal implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Cardinal.class.getName());

  private final Head head;
  private final CardinalOptions options;

  /** Null for an in-memory database. */
  private final DurableHead durable;

  /** Null for an in-memory database. */
  private final BlockSet blocks;

  private final CompactionPlanner planner;
  private final DbMetrics dbMetrics = new DbMetrics();
  private final Object compactLock = new Object();
  private final ScheduledExecutorService background;
  private final Deletions headDeletions = new Deletions();
  private final Engine engine;
  private volatile boolean closed;

  private Cardinal(Head head, CardinalOptions options, DurableHead durable, BlockSet blocks) {
    this.head = head;
    this.options = options;
    this.engine = new Engine(options.engineOptions());
    this.durable = durable;
    this.blocks = blocks;
    this.staleThreshold = options.staleSeriesCompactionThreshold();
    this.retentionMs = options.retentionMs();
    this.retentionBytes = options.retentionBytes();
    this.planner =
        new CompactionPlanner(
            BlockRanges.forRetention(options.chunkRangeMs(), options.retentionMs()));
    head.markCreation(System.currentTimeMillis());
    if (options.compactionIntervalMs() > 0) {
      background =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "cardinal-compaction");
                t.setDaemon(true);
                return t;
              });
      long iv = options.compactionIntervalMs();
      background.scheduleAtFixedRate(
          () -> head.markCreation(System.currentTimeMillis()),
          CREATION_MARK_INTERVAL_MS,
          CREATION_MARK_INTERVAL_MS,
          TimeUnit.MILLISECONDS);
      background.scheduleWithFixedDelay(
          () -> quietly("compaction", this::compact), iv, iv, TimeUnit.MILLISECONDS);
      if (durable != null) {
        // Scheduled even when off: the ratio trigger can be switched on at runtime (a reload).
        long ev = Math.min(iv, STALE_CHECK_INTERVAL_MS);
        background.scheduleWithFixedDelay(
            () -> quietly("stale series eviction", this::evictStaleSeries),
            ev,
            ev,
            TimeUnit.MILLISECONDS);
      }
    } else {
      background = null;
    }
  }

  /** A database held in memory only: nothing survives {@link #close()} or a crash. */
  /** How often the head records which series exist, for churn per metric name. */
  static final long CREATION_MARK_INTERVAL_MS = 60_000;

  public static Cardinal inMemory() {
    return inMemory(CardinalOptions.defaults());
  }

  public static Cardinal inMemory(CardinalOptions options) {
    if (options.evictsStaleSeries()) {
      throw new IllegalArgumentException(
          "stale-series eviction writes the evicted samples to a block: it needs a database opened"
              + " on a directory, not one in memory");
    }
    return new Cardinal(new Head(options.headOptions()), options, null, null);
  }

  /**
   * A database stored in {@code dir} ({@code wal/}, {@code chunks_head/}), created if missing.
   * Opening replays what a previous run left, repairing a torn or corrupt tail (each repair is
   * logged and listed in {@link #replayStats()}). What a successful {@code commit()} survives
   * depends on {@link CardinalOptions#syncPolicy}: see docs/durability.md.
   */
  public static Cardinal open(Path dir, CardinalOptions options) throws IOException {
    // The head first: it takes the directory's lock before anything is read, repaired or deleted.
    DurableHead d = DurableHead.open(dir, options.headOptions(), options.durable());
    BlockSet blocks;
    try {
      blocks = BlockSet.open(dir, w -> LOG.log(System.Logger.Level.WARNING, w));
    } catch (IOException | RuntimeException e) {
      d.close();
      throw e;
    }
    // Samples already in blocks (a crash between writing a block and truncating the head) are not
    // kept twice: the head starts where the newest block ends.
    // Blocks of evicted stale series overlap the head's range by design and say nothing of it.
    long blocksEnd = Long.MIN_VALUE;
    for (BlockSet.Handle h : blocks.all()) {
      if (!h.block.meta().overlapsHead()) {
        blocksEnd = Math.max(blocksEnd, h.block.meta().maxTime);
      }
    }
    if (blocksEnd != Long.MIN_VALUE && d.head().minTime() < blocksEnd) {
      d.truncate(blocksEnd);
    }
    Cardinal db = new Cardinal(d.head(), options, d, blocks);
    for (long[] ts : d.replayedTombstones()) {
      Labels l = d.head().labelsOf(ts[0]);
      if (l != null) {
        db.headDeletions.add(l, ts[1], ts[2]);
      }
    }
    return db;
  }

  /** What {@link #open} restored and repaired; null for an in-memory database. */
  public ReplayStats replayStats() {
    return durable == null ? null : durable.replayStats();
  }

  /**
   * Drops samples older than {@code mint} (head GC); on disk also checkpoints the WAL and deletes
   * what is no longer needed. Returns the number of series removed.
   */
  public int truncate(long mint) throws IOException {
    if (durable == null) {
      return head.truncate(mint);
    }
    return durable.truncate(mint).seriesRemoved();
  }

  /** Fsyncs the WAL now, whatever the sync policy (no-op in memory). */
  public void sync() throws IOException {
    if (durable != null) {
      durable.sync();
    }
  }

  /**
   * The write-ahead log directory of an opened database ({@code <dir>/wal}); empty in memory.
   * Remote write tails the segments in it; under {@code SyncPolicy.NONE} it holds none.
   */
  public Optional<Path> walDir() {
    return durable == null
        ? Optional.empty()
        : Optional.of(durable.dataDir().resolve(DurableHead.WAL_DIR));
  }

  /** A new appender for one thread; reuse it for every batch that thread writes. */
  public Appender appender() {
    ensureOpen();
    return head.appender();
  }

  /**
   * A querier over [mint, maxt] across blocks and the head; close it when done, because the blocks
   * it reads are kept (and not deleted by compaction or retention) until then.
   */
  public Querier querier(long mint, long maxt) {
    ensureOpen();
    if (blocks == null) {
      return headDeletions.apply(head.querier(mint, maxt));
    }
    List<BlockSet.Handle> held = blocks.acquire(mint, maxt);
    List<Querier> qs = new ArrayList<>();
    for (BlockSet.Handle h : held) {
      qs.add(h.block.querier(mint, maxt));
    }
    qs.add(headDeletions.apply(head.querier(mint, maxt)));
    MergeQuerier merged = new MergeQuerier(qs);
    return new Querier() {
      private boolean closed;

      @Override
      public SeriesSet select(boolean sorted, long lo, long hi, Matcher... matchers) {
        return merged.select(sorted, lo, hi, matchers);
      }

      @Override
      public List<String> labelNames(Matcher... matchers) {
        return merged.labelNames(matchers);
      }

      @Override
      public List<String> labelValues(String name, Matcher... matchers) {
        return merged.labelValues(name, matchers);
      }

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          held.forEach(BlockSet.Handle::release);
        }
      }
    };
  }

  /** The blocks on disk, oldest first (empty in memory). */
  public List<BlockMeta> blocks() {
    List<BlockMeta> out = new ArrayList<>();
    if (blocks != null) {
      for (BlockSet.Handle h : blocks.all()) {
        out.add(h.block.meta());
      }
    }
    return out;
  }

  /** Blocks that failed to open and are not queried, each with the reason. */
  public List<String> setAsideBlocks() {
    return blocks == null ? List.of() : blocks.setAside();
  }

  /**
   * Counts of compactions and retention deletions so far ({@code prometheus_tsdb_compactions_total}
   * and friends).
   */
  public CompactionStats compactionStats() {
    return new CompactionStats(
        dbMetrics.compactions.sum(),
        dbMetrics.compactionsFailed.sum(),
        dbMetrics.verticalCompactions.sum(),
        dbMetrics.timeRetentions.sum(),
        dbMetrics.sizeRetentions.sum(),
        dbMetrics.compactedSamples.sum());
  }

  /** Background work that may fail: logged, and tried again at its next turn. */
  private interface BackgroundTask {
    int run() throws IOException;
  }

  private void quietly(String what, BackgroundTask task) {
    if (closed) {
      return;
    }
    try {
      task.run();
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, what + " failed; will retry", e);
    }
  }

  /**
   * One round of background work, as Prometheus's: while the head spans more than 1.5 chunk ranges,
   * cut its oldest range into a block and truncate the head (freeing the memory of series that
   * stopped receiving samples); then merge blocks as the leveled planner says; then apply time and
   * size retention. Appends and queries continue meanwhile. Returns how many blocks were written.
   */
  public int compact() throws IOException {
    ensureOpen();
    synchronized (compactLock) {
      int written = 0;
      long range = options.chunkRangeMs();
      if (blocks == null) {
        long keepFrom =
            retentionMs == Long.MAX_VALUE ? Long.MIN_VALUE : head.maxTime() - retentionMs;
        if (head.maxTime() != Long.MIN_VALUE && head.minTime() < keepFrom) {
          head.truncate(keepFrom);
          dbMetrics.headTruncations.increment();
          dbMetrics.timeRetentions.increment();
        }
        return 0;
      }
      while (head.maxTime() != Long.MIN_VALUE
          && head.minTime() != Long.MAX_VALUE
          && head.maxTime() - head.minTime() > range / 2 * 3) {
        long mint = head.minTime();
        long maxt = Math.floorDiv(mint, range) * range + range;
        if (cutHead(mint, maxt)) {
          written++;
        }
      }
      while (mergeStaleTier()) {
        written++;
      }
      while (true) {
        List<CompactionPlanner.BlockInfo> infos = new ArrayList<>();
        for (BlockSet.Handle h : blocks.all()) {
          BlockMeta m = h.block.meta();
          if (coversLiveHead(m)) {
            continue;
          }
          infos.add(
              new CompactionPlanner.BlockInfo(
                  m.ulid,
                  m.minTime,
                  m.maxTime,
                  m.numSeries,
                  h.block.tombstones().seriesCount(),
                  false));
        }
        List<String> plan = planner.plan(infos);
        if (plan.isEmpty()) {
          break;
        }
        mergeBlocks(plan);
        written++;
      }
      applyRetention();
      return written;
    }
  }

  /** How often stale series are looked for when eviction is on (at most). */
  static final long STALE_CHECK_INTERVAL_MS = 30_000;

  /** Blocks of evicted series of one range and level merged into one of the next level. */
  static final int STALE_MERGE_FANIN = 8;

  private final java.util.concurrent.atomic.AtomicLong staleSeriesGauge =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong idleSeriesGauge =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.LongAdder evictions =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder seriesEvicted =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder bytesEvicted =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder staleBlocks =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder evictionFailures =
      new java.util.concurrent.atomic.LongAdder();

  private volatile double staleThreshold;

  /**
   * Changes {@link CardinalOptions#staleSeriesCompactionThreshold} while running (Prometheus
   * reloads it with the configuration file); the next check uses it.
   *
   * @throws IllegalArgumentException if not between 0 and 1
   * @throws IllegalStateException if above 0 for a database in memory, which has no blocks
   */
  public void setStaleSeriesCompactionThreshold(double ratio) {
    setStaleThreshold(ratio);
  }

  /**
   * Changes retention while running (Prometheus 3's reloadable {@code storage.tsdb.retention}): the
   * next background round (within a minute) or compaction deletes what falls outside it. Block
   * sizes stay those chosen at open.
   *
   * @param timeMs time-based retention; 0 disables it
   * @param bytes size-based retention over blocks, WAL and head chunks; 0 disables it
   * @param percentage of the data directory's file system, read at each check so that a resized
   *     volume counts; 0 disables it
   */
  public void setRetention(long timeMs, long bytes, int percentage) {
    if (timeMs < 0 || bytes < 0 || percentage < 0 || percentage > 100) {
      throw new IllegalArgumentException(
          "retention must be >= 0 (percentage at most 100), got "
              + timeMs
              + " ms, "
              + bytes
              + " bytes, "
              + percentage
              + " %");
    }
    retentionMs = timeMs == 0 ? Long.MAX_VALUE : timeMs;
    retentionBytes = bytes;
    retentionPercentage = percentage;
  }

  /** Time-based retention in force (ms); {@link Long#MAX_VALUE} when disabled. */
  public long retentionMs() {
    return retentionMs;
  }

  /**
   * Size-based retention in force (bytes): the smaller of the size and the percentage of the file
   * system; 0 when neither is set.
   */
  public long retentionBytes() {
    long limit = retentionBytes;
    int pct = retentionPercentage;
    if (pct > 0 && durable != null) {
      try {
        long total = java.nio.file.Files.getFileStore(durable.dataDir()).getTotalSpace();
        long byPct = total / 100 * pct;
        limit = limit > 0 ? Math.min(limit, byPct) : byPct;
      } catch (IOException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "retention percentage: the size of the file system is unknown: " + e.getMessage());
      }
    }
    return limit;
  }

  private volatile long retentionMs;
  private volatile long retentionBytes;
  private volatile int retentionPercentage;

  private void setStaleThreshold(double ratio) {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException(
          "stale series compaction threshold must be between 0 and 1, got " + ratio);
    }
    if (ratio > 0 && durable == null) {
      throw new IllegalStateException(
          "stale series compaction needs a database opened on a directory, not one in memory");
    }
    staleThreshold = ratio;
  }

  /** What stale-series eviction did since open (zeros when it is off). */
  public StaleSeriesStats staleSeriesStats() {
    return new StaleSeriesStats(
        staleSeriesGauge.get(),
        idleSeriesGauge.get(),
        evictions.sum(),
        seriesEvicted.sum(),
        bytesEvicted.sum(),
        staleBlocks.sum(),
        evictionFailures.sum());
  }

  /**
   * Writes the series that stopped receiving samples to blocks and removes them from the head, when
   * a trigger says so: the share of series whose newest sample is a staleness marker reached {@link
   * CardinalOptions#staleSeriesCompactionThreshold} (those series go), or {@link
   * CardinalOptions#staleSeriesIdle} is set (series idle that long, and series ending in a marker,
   * go). The background task calls it; returns the number of series removed.
   *
   * <p>Order, so that a crash at any point loses nothing: the blocks are written and become visible
   * to queries, then the series leave the head, then a deletion of what the block holds is logged
   * to the WAL for each series that left (a restart then drops those samples instead of replaying
   * them into memory). A series that received a sample in the meantime stays; its samples in the
   * block and in the head are the same samples, which queries and compaction see once, as they do
   * after a crash before the deletions were logged.
   */
  public int evictStaleSeries() throws IOException {
    ensureOpen();
    if (durable == null) {
      return 0;
    }
    synchronized (compactLock) {
      long idleMs = options.staleSeriesIdle().toMillis();
      double threshold = staleThreshold;
      long maxT = head.maxTime();
      if (maxT == Long.MIN_VALUE || (idleMs == 0 && threshold == 0)) {
        return 0;
      }
      Head.StaleScan scan = head.scanStale(idleMs > 0 ? maxT - idleMs : Long.MIN_VALUE);
      staleSeriesGauge.set(scan.staleMarked());
      idleSeriesGauge.set(scan.idle());
      long total = head.numSeries();
      boolean byRatio =
          threshold > 0 && scan.staleMarked() > 0 && scan.staleMarked() >= threshold * total;
      if (scan.size() == 0 || !(idleMs > 0 || byRatio)) {
        return 0;
      }
      try {
        long range = options.chunkRangeMs();
        java.util.SortedSet<String> symbols = head.symbols(scan);
        // Head chunks never cross an aligned range, so one block per range splits no chunk.
        for (long lo = Math.floorDiv(scan.minTime(), range) * range;
            lo <= scan.maxTime();
            lo += range) {
          long hi = lo + range;
          BlockMeta meta =
              BlockWriter.write(
                  durable.dataDir(),
                  headDeletions.apply(head.chunkSeries(scan, lo, hi - 1)),
                  symbols,
                  BlockWriter.Spec.fresh(
                          Math.max(lo, scan.minTime()), Math.min(hi, scan.maxTime() + 1))
                      .withHints(
                          List.of(BlockMeta.HINT_OUT_OF_ORDER, BlockMeta.HINT_STALE_SERIES)));
          if (meta != null) {
            blocks.add(Block.open(durable.dataDir().resolve(meta.ulid)));
            staleBlocks.increment();
          }
        }
      } catch (IOException | RuntimeException e) {
        evictionFailures.increment();
        throw e;
      }
      Head.Evicted ev = head.evict(scan);
      // Logged after the blocks are durable: a crash before this line replays the series into
      // memory again (their samples are then in a block and in the head, and count once).
      durable.logTombstones(ev.refs, ev.minTimes, ev.maxTimes, ev.size);
      evictions.increment();
      seriesEvicted.add(ev.size);
      bytesEvicted.add(ev.bytes);
      return ev.size;
    }
  }

  /**
   * Whether a block of evicted series still lies in the range the head serves: such blocks are left
   * out of compaction until the head's own block for that range is cut, so each is merged once.
   */
  private boolean coversLiveHead(BlockMeta m) {
    return m.hasHint(BlockMeta.HINT_STALE_SERIES) && m.maxTime > head.truncatedBefore();
  }

  /**
   * Merges {@link #STALE_MERGE_FANIN} blocks of evicted series of one range and level into one of
   * the next level, so frequent evictions leave few blocks to query at a write amplification of
   * about one per level. Returns whether it merged.
   */
  private boolean mergeStaleTier() throws IOException {
    long range = options.chunkRangeMs();
    java.util.Map<String, List<String>> groups = new java.util.TreeMap<>();
    for (BlockSet.Handle h : blocks.all()) {
      BlockMeta m = h.block.meta();
      if (coversLiveHead(m)) {
        String key = Math.floorDiv(m.minTime, range) + "/" + m.level;
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(m.ulid);
      }
    }
    for (List<String> g : groups.values()) {
      if (g.size() >= STALE_MERGE_FANIN) {
        mergeBlocks(g);
        return true;
      }
    }
    return false;
  }

  private boolean cutHead(long mint, long maxt) throws IOException {
    BlockMeta meta;
    try {
      meta =
          BlockWriter.write(
              durable.dataDir(),
              headDeletions.apply(head.chunkSeries(mint, maxt - 1)),
              head.symbols(),
              BlockWriter.Spec.fresh(mint, maxt));
    } catch (IOException | RuntimeException e) {
      dbMetrics.compactionsFailed.increment();
      throw e;
    }
    if (meta != null) {
      blocks.add(Block.open(durable.dataDir().resolve(meta.ulid)));
      dbMetrics.compactions.increment();
      dbMetrics.compactedSamples.add(meta.numSamples);
    }
    // The block is visible before the head lets go of the range: queries never see a gap.
    durable.truncate(maxt);
    headDeletions.dropBefore(maxt);
    dbMetrics.headTruncations.increment();
    return meta != null;
  }

  private void mergeBlocks(List<String> ulids) throws IOException {
    List<BlockSet.Handle> held = new ArrayList<>();
    for (BlockSet.Handle h : blocks.all()) {
      if (ulids.contains(h.block.meta().ulid) && h.acquire()) {
        held.add(h);
      }
    }
    try {
      List<Block> in = new ArrayList<>();
      boolean overlapping = false;
      long lastMax = Long.MIN_VALUE;
      for (BlockSet.Handle h : held) {
        in.add(h.block);
        overlapping |= h.block.meta().minTime < lastMax;
        lastMax = Math.max(lastMax, h.block.meta().maxTime);
      }
      BlockMeta meta;
      try {
        meta = Compactor.compact(durable.dataDir(), in);
      } catch (IOException | RuntimeException e) {
        dbMetrics.compactionsFailed.increment();
        throw e;
      }
      if (meta != null) {
        blocks.add(Block.open(durable.dataDir().resolve(meta.ulid)));
        dbMetrics.compactedSamples.add(meta.numSamples);
      }
      blocks.remove(ulids);
      dbMetrics.compactions.increment();
      if (overlapping) {
        dbMetrics.verticalCompactions.increment();
      }
    } finally {
      held.forEach(BlockSet.Handle::release);
    }
  }

  /**
   * Deletes the samples in [mint, maxt] of every series matching the matchers, in blocks (their
   * tombstones files are rewritten) and in the head (logged to the WAL, so the deletion survives a
   * restart). Deleted samples disappear from queries at once; their space is reclaimed by {@link
   * #cleanTombstones()} or the next compaction. Prometheus's admin {@code delete_series}.
   */
  public void delete(long mint, long maxt, Matcher... matchers) throws IOException {
    ensureOpen();
    if (matchers.length == 0) {
      throw new IllegalArgumentException("at least one matcher is required");
    }
    synchronized (compactLock) {
      if (blocks != null) {
        for (BlockSet.Handle h : blocks.all()) {
          BlockMeta m = h.block.meta();
          if (m.maxTime <= mint || m.minTime > maxt) {
            continue;
          }
          org.roaringbitmap.RoaringBitmap ids = h.block.index().postings(matchers);
          if (ids.isEmpty()) {
            continue;
          }
          // Start from the block's current tombstones, then add this deletion's intervals.
          java.util.Map<Long, List<long[]>> stones = h.block.tombstones().copy();
          org.roaringbitmap.IntIterator it = ids.getIntIterator();
          while (it.hasNext()) {
            stones
                .computeIfAbsent((long) it.next(), x -> new ArrayList<>())
                .add(new long[] {Math.max(mint, m.minTime), Math.min(maxt, m.maxTime - 1)});
          }
          io.cardinal.storage.block.Tombstones.rewrite(h.block.dir(), stones);
          blocks.replace(Block.open(h.block.dir()));
        }
      }
      org.roaringbitmap.RoaringBitmap refs = head.postingsFor(matchers);
      int n = refs.getCardinality();
      long[] rs = new long[n];
      long[] lo = new long[n];
      long[] hi = new long[n];
      int k = 0;
      org.roaringbitmap.IntIterator it = refs.getIntIterator();
      while (it.hasNext()) {
        int ref = it.next();
        Labels l = head.labelsOf(ref);
        if (l == null) {
          continue;
        }
        rs[k] = ref;
        lo[k] = mint;
        hi[k] = maxt;
        k++;
        headDeletions.add(l, mint, maxt);
      }
      if (durable != null) {
        durable.logTombstones(rs, lo, hi, k);
      }
    }
  }

  /**
   * Rewrites every block that has tombstones without the deleted data, reclaiming its space
   * (Prometheus's admin {@code clean_tombstones}). Returns the number of blocks rewritten.
   */
  public int cleanTombstones() throws IOException {
    if (blocks == null) {
      return 0;
    }
    synchronized (compactLock) {
      int n = 0;
      for (BlockSet.Handle h : blocks.all()) {
        if (h.block.tombstones().isEmpty() || !h.acquire()) {
          continue;
        }
        try {
          BlockMeta meta = Compactor.compact(durable.dataDir(), List.of(h.block));
          if (meta != null) {
            blocks.add(Block.open(durable.dataDir().resolve(meta.ulid)));
          }
          blocks.remove(List.of(h.block.meta().ulid));
          n++;
        } finally {
          h.release();
        }
      }
      return n;
    }
  }

  /**
   * Writes a consistent copy of the database into {@code snapshotsDir/<name>}: blocks are
   * hard-linked (cheap, they are immutable) and, with {@code withHead}, the head is written as a
   * block. Prometheus's admin {@code snapshot}. Returns the snapshot's name.
   */
  public String snapshot(java.nio.file.Path snapshotsDir, boolean withHead) throws IOException {
    ensureOpen();
    String name =
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.now())
            + "-"
            + Long.toHexString(new java.security.SecureRandom().nextLong() & 0xFFFFFFFFFFFFL);
    java.nio.file.Path out = snapshotsDir.resolve(name);
    java.nio.file.Files.createDirectories(out);
    if (blocks != null) {
      List<BlockSet.Handle> held = blocks.acquire(Long.MIN_VALUE, Long.MAX_VALUE);
      try {
        for (BlockSet.Handle h : held) {
          io.cardinal.storage.block.BlockFiles.hardLink(
              h.block.dir(), out.resolve(h.block.meta().ulid));
        }
      } finally {
        held.forEach(BlockSet.Handle::release);
      }
    }
    if (withHead && head.maxTime() != Long.MIN_VALUE) {
      BlockWriter.write(
          out,
          headDeletions.apply(head.chunkSeries(head.minTime(), head.maxTime())),
          head.symbols(),
          BlockWriter.Spec.fresh(head.minTime(), head.maxTime() + 1));
    }
    return name;
  }

  /**
   * Deletes blocks past the time retention (relative to the newest block) and the size retention.
   */
  private void applyRetention() {
    List<BlockSet.Handle> all = blocks.all();
    if (all.isEmpty()) {
      return;
    }
    long newest = Long.MIN_VALUE;
    for (BlockSet.Handle h : all) {
      newest = Math.max(newest, h.block.meta().maxTime);
    }
    List<String> drop = new ArrayList<>();
    for (BlockSet.Handle h : all) {
      if (newest - h.block.meta().maxTime >= retentionMs) {
        drop.add(h.block.meta().ulid);
      }
    }
    if (!drop.isEmpty()) {
      blocks.remove(drop);
      dbMetrics.timeRetentions.increment();
      LOG.log(
          System.Logger.Level.INFO,
          "deleted " + drop.size() + " block(s) past time retention: " + drop);
    }
    long limit = retentionBytes();
    if (limit > 0) {
      List<BlockSet.Handle> left = blocks.all();
      long used =
          blocks.bytes()
              + BlockSet.dirSize(durable.dataDir().resolve(DurableHead.WAL_DIR))
              + BlockSet.dirSize(durable.dataDir().resolve(DurableHead.CHUNKS_DIR));
      List<String> bySize = new ArrayList<>();
      for (BlockSet.Handle h : left) {
        if (used <= limit) {
          break;
        }
        used -= BlockSet.dirSize(h.block.dir());
        bySize.add(h.block.meta().ulid);
      }
      if (!bySize.isEmpty()) {
        blocks.remove(bySize);
        dbMetrics.sizeRetentions.increment();
        LOG.log(
            System.Logger.Level.INFO,
            "deleted " + bySize.size() + " block(s) past size retention: " + bySize);
      }
    }
  }

  /** Cardinality statistics ({@code /api/v1/status/tsdb}), top {@code limit} per list. */
  public TsdbStatus status(int limit) {
    return head.status(limit);
  }

  /**
   * As {@link #status(int)}, with the series created since {@code createdSinceMs} per metric name
   * (churn), at the precision of the creation marks taken every minute.
   */
  public TsdbStatus status(int limit, long createdSinceMs) {
    return head.status(limit, createdSinceMs);
  }

  /**
   * A snapshot of the head and its counters (Prometheus's {@code prometheus_tsdb_head_*} metrics).
   */
  /**
   * The lowest timestamp stored, over the blocks and the head (ms), or {@link Long#MAX_VALUE} when
   * nothing is stored: what Prometheus exports as {@code prometheus_tsdb_lowest_timestamp}.
   */
  public long lowestTimestamp() {
    long lowest = head.maxTime() == Long.MIN_VALUE ? Long.MAX_VALUE : head.minTime();
    for (BlockMeta b : blocks()) {
      lowest = Math.min(lowest, b.minTime);
    }
    return lowest;
  }

  public HeadStats headStats() {
    HeadMetrics m = head.metrics();
    Map<AppendStatus, Long> samples = new EnumMap<>(AppendStatus.class);
    for (AppendStatus s : AppendStatus.values()) {
      samples.put(s, m.samples(s));
    }
    long maxTime = head.maxTime();
    long minTime = maxTime == Long.MIN_VALUE ? Long.MAX_VALUE : head.minTime();
    return new HeadStats(
        head.numSeries(),
        minTime,
        maxTime,
        head.chunkMapper().bytesUsed(),
        m.seriesCreated.sum(),
        m.seriesRemoved.sum(),
        m.chunksCreated.sum(),
        m.chunksRemoved.sum(),
        m.truncations.sum(),
        samples);
  }

  /** The number of series in the head now. */
  public long headSeries() {
    return head.numSeries();
  }

  /**
   * The labels stored for the series {@code ref} (a positive {@link Appender#append} result), or
   * null once the series is gone. A scraper swaps its own copy for this one so that each series'
   * labels are held in memory once.
   */
  /**
   * Sets (or, with null, removes) the observer of committed batches: every appended sample, in
   * commit order, after it is stored (see {@link io.cardinal.tsdb.head.CommitObserver}).
   */
  public void setCommitObserver(io.cardinal.tsdb.head.CommitObserver observer) {
    ensureOpen();
    head.setCommitObserver(observer);
  }

  public Labels seriesLabels(long ref) {
    return head.labelsOf(ref);
  }

  public CardinalOptions options() {
    return options;
  }

  /**
   * Evaluates a PromQL expression at one instant, over blocks and head, as Prometheus's {@code
   * /api/v1/query}. An instant vector, a scalar or a string comes back as such; a range selector
   * ({@code foo[5m]}) as a range matrix of the raw samples.
   *
   * @throws PromQLException if the expression does not parse ({@link PromQLException.Kind#PARSE},
   *     with its line and column) or cannot be evaluated (any other kind)
   */
  public PromQLResult query(String promql, Instant at) {
    ensureOpen();
    Expr expr = parse(promql);
    try {
      return convert(engine.instantQuery(this::querier, expr, at.toEpochMilli()));
    } catch (QueryException e) {
      throw evaluationError(e);
    }
  }

  /**
   * Evaluates a PromQL expression at {@code start}, {@code start + step}, ... up to {@code end}, as
   * Prometheus's {@code /api/v1/query_range}: the result is a range matrix with a point per step
   * where the series has a value. The expression must yield an instant vector or a scalar, and the
   * range may hold at most 11,000 steps.
   *
   * @throws PromQLException if the expression does not parse ({@link PromQLException.Kind#PARSE},
   *     with its line and column), the range or step is invalid, or evaluation fails
   */
  public PromQLResult queryRange(String promql, Instant start, Instant end, Duration step) {
    ensureOpen();
    Expr expr = parse(promql);
    try {
      return convert(
          engine.rangeQuery(
              this::querier, expr, start.toEpochMilli(), end.toEpochMilli(), step.toMillis()));
    } catch (QueryException e) {
      throw evaluationError(e);
    }
  }

  private static Expr parse(String promql) {
    try {
      return PromQL.parse(promql);
    } catch (PromQLParseException e) {
      throw new PromQLException(
          PromQLException.Kind.PARSE, e.getMessage(), e.detail(), e.line(), e.column(), e);
    }
  }

  private static PromQLException evaluationError(QueryException e) {
    PromQLException.Kind kind =
        switch (e.kind()) {
          case BAD_DATA -> PromQLException.Kind.BAD_DATA;
          case EXECUTION -> PromQLException.Kind.EXECUTION;
          case TIMEOUT -> PromQLException.Kind.TIMEOUT;
          case CANCELED -> PromQLException.Kind.CANCELED;
          case TOO_MANY_SAMPLES -> PromQLException.Kind.TOO_MANY_SAMPLES;
          case STORAGE -> PromQLException.Kind.STORAGE;
        };
    return new PromQLException(kind, e.getMessage(), e.getMessage(), 0, 0, e);
  }

  private static PromQLResult convert(QueryResult r) {
    return new PromQLResult(convert(r.value()), r.warnings(), r.infos());
  }

  // The engine's values hold mutable arrays and epoch milliseconds; embedders get immutable
  // records.
  private static PromQLValue convert(Value v) {
    if (v instanceof Value.Scalar s) {
      return new PromQLValue.Scalar(Instant.ofEpochMilli(s.timestamp()), s.value());
    }
    if (v instanceof Value.Str s) {
      return new PromQLValue.Str(Instant.ofEpochMilli(s.timestamp()), s.value());
    }
    if (v instanceof Value.Vector vec) {
      List<PromQLValue.Sample> out = new ArrayList<>(vec.samples().size());
      for (Value.Sample s : vec.samples()) {
        out.add(new PromQLValue.Sample(s.labels(), Instant.ofEpochMilli(s.timestamp()), s.value()));
      }
      return new PromQLValue.InstantVector(out);
    }
    Value.Matrix m = (Value.Matrix) v;
    List<PromQLValue.Series> out = new ArrayList<>(m.series().size());
    for (Value.Series s : m.series()) {
      long[] ts = s.timestamps();
      double[] vs = s.values();
      List<PromQLValue.Point> points = new ArrayList<>(ts.length);
      for (int i = 0; i < ts.length; i++) {
        points.add(new PromQLValue.Point(Instant.ofEpochMilli(ts[i]), vs[i]));
      }
      out.add(new PromQLValue.Series(s.labels(), points));
    }
    return new PromQLValue.RangeMatrix(out);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the database is closed");
    }
  }

  /**
   * Releases memory; on disk, fsyncs and closes the WAL and the chunk files and releases the
   * directory's lock. Afterwards appends, queriers, queries and compactions fail with {@link
   * IllegalStateException} instead of appearing to work. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (background != null) {
      background.shutdownNow();
      try {
        background.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (blocks != null) {
      blocks.close();
    }
    if (durable != null) {
      durable.close();
    } else {
      head.close();
    }
  }
}
