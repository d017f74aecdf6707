package io.cardinal;

import io.cardinal.storage.head.DurableHead;
import io.cardinal.storage.head.ReplayStats;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadMetrics;
import io.cardinal.tsdb.head.TsdbStatus;
import io.cardinal.tsdb.query.Querier;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The embedded database: the one entry point for a JVM service.
 *
 * <pre>{@code
 * try (Cardinal db = Cardinal.inMemory(CardinalOptions.defaults().maxSeries(1_000_000))) {
 *   Appender app = db.appender();
 *   long ref = app.append(0, Labels.of("__name__", "requests_total", "path", "/"), now, 1);
 *   app.commit();
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
  private final Head head;
  private final CardinalOptions options;
  /** Null for an in-memory database. */
  private final DurableHead durable;

  private Cardinal(Head head, CardinalOptions options, DurableHead durable) {
    this.head = head;
    this.options = options;
    this.durable = durable;
  }

  /** A database held in memory only: nothing survives {@link #close()} or a crash. */
  public static Cardinal inMemory() {
    return inMemory(CardinalOptions.defaults());
  }

  public static Cardinal inMemory(CardinalOptions options) {
    return new Cardinal(new Head(options.headOptions()), options, null);
  }

  /**
   * A database stored in {@code dir} ({@code wal/}, {@code chunks_head/}), created if missing.
   * Opening replays what a previous run left, repairing a torn or corrupt tail (each repair is
   * logged and listed in {@link #replayStats()}). What a successful {@code commit()} survives
   * depends on {@link CardinalOptions#syncPolicy}: see docs/durability.md.
   */
  public static Cardinal open(Path dir, CardinalOptions options) throws IOException {
    DurableHead d = DurableHead.open(dir, options.headOptions(), options.durable());
    return new Cardinal(d.head(), options, d);
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

  /** The storage behind an opened database (null in memory), for tools and tests. */
  public DurableHead storage() {
    return durable;
  }

  /** A new appender for one thread; reuse it for every batch that thread writes. */
  public Appender appender() {
    return head.appender();
  }

  /** A querier over [mint, maxt]; close it when done. */
  public Querier querier(long mint, long maxt) {
    return head.querier(mint, maxt);
  }

  /** Cardinality statistics ({@code /api/v1/status/tsdb}), top {@code limit} per list. */
  public TsdbStatus status(int limit) {
    return head.status(limit);
  }

  /** Counters behind Prometheus's {@code prometheus_tsdb_head_*} metrics. */
  public HeadMetrics metrics() {
    return head.metrics();
  }

  public long headSeries() {
    return head.numSeries();
  }

  public CardinalOptions options() {
    return options;
  }

  /** The head block, for tools and the server; most embedders never need it. */
  public Head head() {
    return head;
  }

  /** Releases memory; on disk, fsyncs and closes the WAL and the chunk files. */
  @Override
  public void close() {
    if (durable != null) {
      durable.close();
    } else {
      head.close();
    }
  }
}
