package io.cardinal.storage.head;

import io.cardinal.storage.wal.Wal;
import io.cardinal.storage.wal.record.Encbuf;
import io.cardinal.storage.wal.record.LabelPairs;
import io.cardinal.storage.wal.record.RecordEncoder;
import io.cardinal.tsdb.head.HeadLog;
import io.cardinal.tsdb.labels.Labels;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The head's write-ahead hook backed by a {@link Wal}: each commit's new series and samples are
 * encoded as Prometheus series and samples records into reused buffers and logged before the commit
 * makes them visible.
 *
 * <p>With {@link SyncPolicy#PER_COMMIT} the samples record is fsynced before {@code logSamples}
 * returns (the head always logs a batch's series before its samples, so one fsync covers both).
 * With {@link SyncPolicy#PERIODIC} records reach the OS before returning and a daemon thread fsyncs
 * every interval.
 *
 * <p>A failed write leaves the segment's tail in an unknown state, so after the first failure every
 * later commit fails too (the head rolls them back); reopening repairs the tail.
 *
 * <p>Thread-safe: logging is serialised on this object (the WAL serialises anyway).
 */
public final class WalHeadLog implements HeadLog, Closeable {

  private static final System.Logger LOG = System.getLogger(WalHeadLog.class.getName());

  private final Wal wal;
  private final SyncPolicy policy;
  private final Encbuf buf = new Encbuf(64 * 1024);
  private LabelsView[] views = new LabelsView[16];
  private final ScheduledExecutorService syncer;
  private final ScheduledFuture<?> syncTask;
  private volatile IOException failure;
  private boolean closed;

  /** {@link LabelPairs} over a core {@link Labels}, reused across records. */
  private static final class LabelsView implements LabelPairs {
    Labels labels;

    @Override
    public int size() {
      return labels.size();
    }

    @Override
    public String name(int i) {
      return labels.name(i);
    }

    @Override
    public String value(int i) {
      return labels.value(i);
    }
  }

  /**
   * @param wal the open WAL; closed by {@link #close()}
   * @param policy {@link SyncPolicy#PER_COMMIT} or {@link SyncPolicy#PERIODIC}
   * @param syncIntervalMs fsync interval for PERIODIC
   */
  public WalHeadLog(Wal wal, SyncPolicy policy, long syncIntervalMs) {
    if (policy == SyncPolicy.NONE) {
      throw new IllegalArgumentException("SyncPolicy.NONE has no WAL; use HeadLog.NONE");
    }
    this.wal = wal;
    this.policy = policy;
    for (int i = 0; i < views.length; i++) {
      views[i] = new LabelsView();
    }
    if (policy == SyncPolicy.PERIODIC) {
      syncer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "cardinal-wal-sync");
                t.setDaemon(true);
                return t;
              });
      syncTask =
          syncer.scheduleWithFixedDelay(
              this::periodicSync, syncIntervalMs, syncIntervalMs, TimeUnit.MILLISECONDS);
    } else {
      syncer = null;
      syncTask = null;
    }
  }

  public SyncPolicy policy() {
    return policy;
  }

  public Wal wal() {
    return wal;
  }

  @Override
  public synchronized void logSeries(long[] refs, Labels[] labels, int n) {
    checkUsable();
    if (n > views.length) {
      LabelsView[] bigger = new LabelsView[Math.max(n, views.length * 2)];
      System.arraycopy(views, 0, bigger, 0, views.length);
      for (int i = views.length; i < bigger.length; i++) {
        bigger[i] = new LabelsView();
      }
      views = bigger;
    }
    for (int i = 0; i < n; i++) {
      views[i].labels = labels[i];
    }
    buf.reset();
    RecordEncoder.series(buf, refs, views, n);
    for (int i = 0; i < n; i++) {
      views[i].labels = null;
    }
    write(false);
  }

  @Override
  public synchronized void logSamples(long[] refs, long[] ts, double[] vs, int n) {
    checkUsable();
    buf.reset();
    RecordEncoder.samples(buf, refs, ts, vs, n);
    write(policy == SyncPolicy.PER_COMMIT);
  }

  /**
   * Logs deleted intervals (tombstones) and syncs: a deletion is acknowledged only once durable.
   */
  public synchronized void logTombstones(long[] refs, long[] mints, long[] maxts, int n)
      throws IOException {
    checkUsable();
    buf.reset();
    RecordEncoder.tombstones(buf, refs, mints, maxts, n);
    write(false);
    wal.sync();
  }

  private void write(boolean sync) {
    try {
      wal.log(buf.array(), 0, buf.length());
      if (sync) {
        wal.sync();
      }
    } catch (IOException e) {
      failure = e;
      throw new UncheckedIOException(
          "WAL write failed; commits fail until the database is reopened [dir=" + wal.dir() + "]",
          e);
    }
  }

  private void checkUsable() {
    if (closed) {
      throw new IllegalStateException("WAL is closed [dir=" + wal.dir() + "]");
    }
    IOException f = failure;
    if (f != null) {
      throw new UncheckedIOException(
          "an earlier WAL write failed; reopen the database [dir=" + wal.dir() + "]", f);
    }
  }

  private void periodicSync() {
    try {
      sync();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.ERROR, "Periodic WAL fsync failed [dir=" + wal.dir() + "]", e);
    }
  }

  /** Fsyncs everything logged so far. */
  public void sync() throws IOException {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    try {
      wal.sync();
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  /** Stops the background fsync, fsyncs and closes the WAL. */
  @Override
  public void close() throws IOException {
    if (syncer != null) {
      syncTask.cancel(false);
      syncer.shutdown();
      try {
        syncer.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      wal.close();
    }
  }
}
