package io.cardinal.tsdb.head;

import io.cardinal.tsdb.AppendStatus;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.BatchLimits;
import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.labels.Labels;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Batches samples for the head with Prometheus's appender semantics, plus Cloudflare's limits: the
 * global series limit (new series are skipped at the limit, existing ones keep ingesting) and the
 * patched sample_limit (past the limit only samples of existing series are stored).
 *
 * <p>Series are created when first offered, as in Prometheus; samples become visible at commit.
 * Reuse one appender per thread: its buffers grow to the largest batch and are then reused.
 */
public final class HeadAppender implements Appender {
  private final Head head;
  private final HeadOptions opts;
  private final CommitResult result = new CommitResult();
  private final boolean[] created = new boolean[1];

  private BatchLimits limits = BatchLimits.NONE;
  private long minValidTime;
  private long maxValidTime;
  private long offered;
  private boolean open;

  private MemSeries[] series = new MemSeries[64];
  private long[] refs = new long[64];
  private long[] ts = new long[64];
  private double[] vs = new double[64];
  private int n;

  // Series whose record this commit logs: those not logged yet (created by this batch, or by
  // another appender that has not committed) that have a sample in it.
  private long[] newRefs = new long[16];
  private Labels[] newLabels = new Labels[16];
  private MemSeries[] newSeries = new MemSeries[16];
  private int nNew;

  HeadAppender(Head head) {
    this.head = head;
    this.opts = head.options();
  }

  @Override
  public HeadAppender limits(BatchLimits l) {
    this.limits = l == null ? BatchLimits.NONE : l;
    return this;
  }

  private void begin() {
    open = true;
    minValidTime = head.minValidTime();
    // Once per batch: the clock is not read per sample.
    maxValidTime = opts.maxValidTime();
    offered = 0;
    result.clear();
  }

  @Override
  public long append(long ref, Labels labels, long t, double v) {
    if (!open) {
      begin();
    }
    boolean overSampleLimit = limits.sampleLimit > 0 && offered >= limits.sampleLimit;
    offered++;
    if (t < minValidTime) {
      return reject(AppendStatus.OUT_OF_BOUNDS);
    }
    if (t > maxValidTime) {
      return reject(AppendStatus.TOO_FAR_IN_FUTURE);
    }
    long vBits = Double.doubleToRawLongBits(v);
    MemSeries s = ref > 0 ? head.byRef(ref) : null;
    for (int attempt = 0; ; attempt++) {
      if (s == null || s.deleted) {
        if (labels == null || labels.isEmpty()) {
          return reject(AppendStatus.INVALID_SERIES);
        }
        AppendStatus bad = checkLabelLimits(labels);
        if (bad != null) {
          return reject(bad);
        }
        long hash = opts.hasher.hash(labels);
        s = head.lookup(labels, hash);
        if (s == null) {
          if (overSampleLimit) {
            return reject(AppendStatus.SKIPPED_SAMPLE_LIMIT);
          }
          s = head.getOrCreate(labels, hash, created);
          if (s == null) {
            return reject(AppendStatus.SKIPPED_SERIES_LIMIT);
          }
          if (created[0]) {
            result.addSeriesCreated();
          }
        }
      }
      synchronized (s) {
        if (s.deleted) {
          // GC removed it between lookup and lock; look it up (or create it) again.
          if (attempt > 8) {
            return reject(AppendStatus.INVALID_SERIES);
          }
          continue;
        }
        int st = s.appendable(t, vBits, minValidTime);
        if (st != MemSeries.OK && st != MemSeries.DUPLICATE_SAME) {
          return reject(
              st == MemSeries.OUT_OF_ORDER
                  ? AppendStatus.OUT_OF_ORDER
                  : st == MemSeries.DUPLICATE
                      ? AppendStatus.DUPLICATE
                      : AppendStatus.OUT_OF_BOUNDS);
        }
        s.pendingCommits++;
      }
      buffer(s, t, v);
      result.add(AppendStatus.APPENDED);
      return s.ref;
    }
  }

  private long reject(AppendStatus status) {
    result.add(status);
    return status.code();
  }

  private AppendStatus checkLabelLimits(Labels labels) {
    if (limits.labelLimit > 0 && labels.size() > limits.labelLimit) {
      return AppendStatus.DROPPED_LABEL_LIMIT;
    }
    if (limits.labelNameLengthLimit > 0 || limits.labelValueLengthLimit > 0) {
      for (int i = 0; i < labels.size(); i++) {
        if (limits.labelNameLengthLimit > 0
            && labels.name(i).length() > limits.labelNameLengthLimit) {
          return AppendStatus.DROPPED_LABEL_NAME_LENGTH;
        }
        if (limits.labelValueLengthLimit > 0
            && labels.value(i).length() > limits.labelValueLengthLimit) {
          return AppendStatus.DROPPED_LABEL_VALUE_LENGTH;
        }
      }
    }
    return null;
  }

  private void addSeriesToLog(MemSeries s) {
    if (nNew == newRefs.length) {
      newRefs = Arrays.copyOf(newRefs, nNew * 2);
      newLabels = Arrays.copyOf(newLabels, nNew * 2);
      newSeries = Arrays.copyOf(newSeries, nNew * 2);
    }
    newRefs[nNew] = s.ref;
    newLabels[nNew] = s.labels;
    newSeries[nNew] = s;
    nNew++;
  }

  private void buffer(MemSeries s, long t, double v) {
    if (n == series.length) {
      int cap = n * 2;
      series = Arrays.copyOf(series, cap);
      refs = Arrays.copyOf(refs, cap);
      ts = Arrays.copyOf(ts, cap);
      vs = Arrays.copyOf(vs, cap);
    }
    series[n] = s;
    refs[n] = s.ref;
    ts[n] = t;
    vs[n] = v;
    n++;
  }

  /**
   * Validates the batch against the head, logs what passes and applies it, all under the head's
   * commit lock: the WAL then holds each series' samples in exactly the order they were applied,
   * and holds nothing that was not applied. (Two appenders committing to one series in the other
   * order than they logged would make a replay reject acknowledged samples, and replay samples the
   * head had rejected.)
   */
  @Override
  public CommitResult commit() {
    if (!open) {
      begin();
    }
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    long chunks = 0;
    ReentrantLock lock = head.commitLock;
    lock.lock();
    try {
      if (head.isClosed()) {
        // Nothing of the batch was logged or applied; the caller must not take it as stored.
        int offered = n;
        rollback();
        throw new IllegalStateException(
            "the head is closed: the batch was not stored (" + offered + " samples)");
      }
      validate();
      try {
        // Write-ahead: the batch is in the log (durable per the log's policy) before any of it is
        // visible.
        HeadLog log = head.log();
        if (nNew > 0) {
          log.logSeries(newRefs, newLabels, nNew);
        }
        if (n > 0) {
          log.logSamples(refs, ts, vs, n);
        }
      } catch (RuntimeException e) {
        for (int i = 0; i < n; i++) {
          series[i].batchMark = 0;
        }
        rollback();
        throw e;
      }
      for (int i = 0; i < nNew; i++) {
        newSeries[i].logged = true;
      }
      for (int i = 0; i < n; i++) {
        MemSeries s = series[i];
        s.batchMark = 0;
        long t = ts[i];
        double v = vs[i];
        synchronized (s) {
          s.pendingCommits--;
          // Validated under this lock, and only a commit moves a series forward: always appendable.
          if (s.append(t, v, Double.doubleToRawLongBits(v), opts, head.chunkMapper())) {
            chunks++;
          }
        }
        lo = Math.min(lo, t);
        hi = Math.max(hi, t);
        series[i] = null;
      }
      CommitObserver observer = head.commitObserver();
      if (observer != null && (n > 0 || nNew > 0)) {
        observer.committed(newRefs, newLabels, nNew, refs, ts, vs, n);
      }
    } finally {
      lock.unlock();
    }
    if (lo <= hi) {
      head.observeTime(lo, hi);
    }
    HeadMetrics m = head.metrics();
    for (AppendStatus st : STATUSES) {
      m.add(st, result.count(st));
    }
    m.chunksCreated.add(chunks);
    finish();
    return result;
  }

  /**
   * Keeps, in order, the buffered samples the head accepts now (against the series and against the
   * batch's earlier samples), counts the rest as rejected, and lists the series records to log.
   * Caller holds the commit lock.
   */
  private void validate() {
    int kept = 0;
    for (int i = 0; i < n; i++) {
      MemSeries s = series[i];
      long t = ts[i];
      long bits = Double.doubleToRawLongBits(vs[i]);
      int mark = s.batchMark;
      int st;
      if (mark != 0) {
        long prevT = ts[mark - 1];
        st =
            t > prevT
                ? MemSeries.OK
                : t < prevT
                    ? MemSeries.OUT_OF_ORDER
                    : bits == Double.doubleToRawLongBits(vs[mark - 1])
                        ? MemSeries.DUPLICATE_SAME
                        : MemSeries.DUPLICATE;
      } else {
        // No series lock: only commits move lastT, and they hold the commit lock we hold.
        st = s.appendable(t, bits, minValidTime);
      }
      series[i] = null;
      if (st == MemSeries.OK) {
        if (mark == 0 && !s.logged) {
          addSeriesToLog(s);
        }
        series[kept] = s;
        refs[kept] = s.ref;
        ts[kept] = t;
        vs[kept] = vs[i];
        kept++;
        s.batchMark = kept;
        continue;
      }
      synchronized (s) {
        s.pendingCommits--;
      }
      if (st != MemSeries.DUPLICATE_SAME) {
        // Another appender committed to the series first, or two samples of this batch collide.
        result.moveAppended(
            st == MemSeries.OUT_OF_ORDER
                ? AppendStatus.OUT_OF_ORDER
                : st == MemSeries.DUPLICATE ? AppendStatus.DUPLICATE : AppendStatus.OUT_OF_BOUNDS);
      }
    }
    n = kept;
  }

  private static final AppendStatus[] STATUSES = AppendStatus.values();

  @Override
  public void rollback() {
    for (int i = 0; i < n; i++) {
      MemSeries s = series[i];
      synchronized (s) {
        s.pendingCommits--;
      }
      series[i] = null;
    }
    finish();
  }

  private void finish() {
    n = 0;
    Arrays.fill(newLabels, 0, nNew, null);
    Arrays.fill(newSeries, 0, nNew, null);
    nNew = 0;
    open = false;
  }
}
