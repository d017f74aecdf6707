package io.cardinal.tsdb.head;

import io.cardinal.tsdb.AppendStatus;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.BatchLimits;
import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.labels.Labels;
import java.util.Arrays;

/**
 * Batches samples for the head with Prometheus's appender semantics, plus Cloudflare's limits:
 * the global series limit (new series are skipped at the limit, existing ones keep ingesting) and
 * the patched sample_limit (past the limit only samples of existing series are stored).
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
  private long offered;
  private boolean open;

  private MemSeries[] series = new MemSeries[64];
  private long[] refs = new long[64];
  private long[] ts = new long[64];
  private double[] vs = new double[64];
  private int n;

  private long[] newRefs = new long[16];
  private Labels[] newLabels = new Labels[16];
  private MemSeries[] newSeries = new MemSeries[16];
  private int nNew;
  // Series whose record this batch logs; only used while a series is not yet logged (rare).
  private final com.carrotsearch.hppc.LongHashSet toLog = new com.carrotsearch.hppc.LongHashSet();

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
            recordNewSeries(s);
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
          return reject(st == MemSeries.OUT_OF_ORDER ? AppendStatus.OUT_OF_ORDER
              : st == MemSeries.DUPLICATE ? AppendStatus.DUPLICATE : AppendStatus.OUT_OF_BOUNDS);
        }
        s.pendingCommits++;
      }
      if (!s.logged && !toLog.contains(s.ref)) {
        // Created by another appender that has not committed yet: log the series record with this
        // batch too, or a replay would meet our samples before any record of their series.
        addSeriesToLog(s);
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
        if (limits.labelNameLengthLimit > 0 && labels.name(i).length() > limits.labelNameLengthLimit) {
          return AppendStatus.DROPPED_LABEL_NAME_LENGTH;
        }
        if (limits.labelValueLengthLimit > 0 && labels.value(i).length() > limits.labelValueLengthLimit) {
          return AppendStatus.DROPPED_LABEL_VALUE_LENGTH;
        }
      }
    }
    return null;
  }

  private void recordNewSeries(MemSeries s) {
    addSeriesToLog(s);
    result.addSeriesCreated();
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
    toLog.add(s.ref);
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

  @Override
  public CommitResult commit() {
    if (!open) {
      begin();
    }
    try {
      // Write-ahead: the batch is durable (per the log's policy) before any of it is visible.
      HeadLog log = opts.log;
      if (nNew > 0) {
        log.logSeries(newRefs, newLabels, nNew);
      }
      if (n > 0) {
        log.logSamples(refs, ts, vs, n);
      }
    } catch (RuntimeException e) {
      rollback();
      throw e;
    }
    for (int i = 0; i < nNew; i++) {
      newSeries[i].logged = true;
    }
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    long chunks = 0;
    for (int i = 0; i < n; i++) {
      MemSeries s = series[i];
      long t = ts[i];
      double v = vs[i];
      long bits = Double.doubleToRawLongBits(v);
      synchronized (s) {
        s.pendingCommits--;
        int st = s.appendable(t, bits, minValidTime);
        if (st == MemSeries.OK) {
          if (s.append(t, v, bits, opts, head.chunkMapper())) {
            chunks++;
          }
          lo = Math.min(lo, t);
          hi = Math.max(hi, t);
        } else if (st != MemSeries.DUPLICATE_SAME) {
          // Two samples for one series in one batch can still collide here.
          result.moveAppended(st == MemSeries.OUT_OF_ORDER ? AppendStatus.OUT_OF_ORDER
              : st == MemSeries.DUPLICATE ? AppendStatus.DUPLICATE : AppendStatus.OUT_OF_BOUNDS);
        }
      }
      series[i] = null;
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
    if (nNew > 0) {
      toLog.clear();
    }
    nNew = 0;
    open = false;
  }
}
