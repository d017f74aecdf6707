package io.cardinal;

import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadMetrics;
import io.cardinal.tsdb.head.TsdbStatus;
import io.cardinal.tsdb.query.Querier;

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

  private Cardinal(Head head, CardinalOptions options) {
    this.head = head;
    this.options = options;
  }

  /** A database held in memory only: nothing survives {@link #close()} or a crash. */
  public static Cardinal inMemory() {
    return inMemory(CardinalOptions.defaults());
  }

  public static Cardinal inMemory(CardinalOptions options) {
    return new Cardinal(new Head(options.headOptions()), options);
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

  @Override
  public void close() {
    head.close();
  }
}
