package io.cardinal.tsdb.head;

import com.carrotsearch.hppc.LongObjectHashMap;
import io.cardinal.tsdb.chunk.ChunkMapper;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.query.Querier;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory head block: every series that received samples recently, with its open chunk in
 * memory and full chunks in a {@link ChunkMapper}.
 *
 * <p>Series are found two ways: by reference through a paged array (the append fast path, no lock),
 * and by label hash through a lock-striped map whose chains resolve hash collisions by comparing
 * labels. A postings index maps label pairs to references for queries.
 *
 * <p>Thread safety: all public methods may be called concurrently. Appends to one series are
 * serialised by the series lock; queries take that lock only to snapshot a series' chunks.
 */
public final class Head implements AutoCloseable {
  private final HeadOptions opts;

  /** Where commits are logged: the options' log, replaced once by storage after replay. */
  private volatile HeadLog log;

  private final ChunkMapper mapper;
  private final Stripe[] stripes;
  private final SeriesRefTable refs = new SeriesRefTable();
  final MemPostings postings = new MemPostings(refs);
  private final HeadMetrics metrics = new HeadMetrics();
  private final AtomicLong numSeries = new AtomicLong();
  private final AtomicLong lastRef = new AtomicLong();
  private final AtomicLong minTime = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong maxTime = new AtomicLong(Long.MIN_VALUE);
  private volatile long minValidTime = Long.MIN_VALUE;

  /**
   * Held by a commit from its validation through its WAL write to its last in-memory append, so the
   * WAL holds every series' samples in the order they were applied: a replay then rebuilds exactly
   * the head that was served, and rejects nothing that was acknowledged.
   */
  final java.util.concurrent.locks.ReentrantLock commitLock =
      new java.util.concurrent.locks.ReentrantLock();

  /** Set under {@link #commitLock} by {@link #close()}: no commit is applied after it. */
  private volatile boolean closed;

  private static final class Stripe {
    final LongObjectHashMap<MemSeries> byHash = new LongObjectHashMap<>(4);

    /** hppc keeps key 0 in the values array's last slot; true if that chain was emptied. */
    boolean hasEmptyKeyChainEmptied() {
      return byHash.containsKey(0L) && byHash.get(0L) == null;
    }
  }

  public Head(HeadOptions opts) {
    this.opts = opts;
    this.log = opts.log;
    this.mapper = opts.mapperOrDefault();
    this.stripes = new Stripe[opts.stripeSize];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Stripe();
    }
  }

  public static Head inMemory() {
    return new Head(HeadOptions.defaults());
  }

  /** A new appender; keep and reuse it per thread to avoid allocation. */
  /** Storage's entry points for rebuilding this head from disk; see {@link HeadRestorer}. */
  public HeadRestorer restorer() {
    return restorer;
  }

  private final HeadRestorer restorer =
      new HeadRestorer() {
        @Override
        public void attachLog(HeadLog l) {
          if (l == null) {
            throw new IllegalArgumentException("log must not be null");
          }
          log = l;
        }

        @Override
        public long restoreSeries(long ref, Labels labels) {
          return Head.this.restoreSeries(ref, labels);
        }

        @Override
        public long restoreSeriesDeferred(long ref, Labels labels) {
          return Head.this.restoreSeriesDeferred(ref, labels);
        }

        @Override
        public long restoreSeriesDeferred(long ref, Labels labels, long hash) {
          return Head.this.restoreSeriesDeferred(ref, labels, hash);
        }

        @Override
        public boolean hasDefaultHasher() {
          return Head.this.hasDefaultHasher();
        }

        @Override
        public long labelHash(Labels labels) {
          return Head.this.labelHash(labels);
        }

        @Override
        public void buildDeferredPostings() {
          Head.this.buildDeferredPostings();
        }

        @Override
        public boolean restoreSample(long ref, long t, double v) {
          return Head.this.restoreSample(ref, t, v);
        }

        @Override
        public boolean restoreMappedChunk(long seriesRef, long chunkRef, long minT, long maxT) {
          return Head.this.restoreMappedChunk(seriesRef, chunkRef, minT, maxT);
        }

        @Override
        public void reserveSeriesRefs(long ref) {
          Head.this.reserveSeriesRefs(ref);
        }

        @Override
        public boolean containsSeries(long ref) {
          return Head.this.containsSeries(ref);
        }

        @Override
        public int restoreReplayedSample(long ref, long t, double v) {
          return Head.this.restoreReplayedSample(ref, t, v);
        }

        @Override
        public void observeReplayedRange(long lo, long hi) {
          Head.this.observeReplayedRange(lo, hi);
        }

        @Override
        public boolean dropDeleted(long ref, long mint, long maxt) {
          return Head.this.dropDeleted(ref, mint, maxt);
        }
      };

  /**
   * A new appender for one thread.
   *
   * @throws IllegalStateException if the head is closed
   */
  public HeadAppender appender() {
    ensureOpen();
    return new HeadAppender(this);
  }

  /**
   * A querier over [mint, maxt].
   *
   * @throws IllegalStateException if the head is closed
   */
  public Querier querier(long mint, long maxt) {
    ensureOpen();
    return new HeadQuerier(this, mint, maxt);
  }

  /** True once {@link #close()} ran; commits and new appenders and queriers are then refused. */
  public boolean isClosed() {
    return closed;
  }

  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the head is closed");
    }
  }

  HeadLog log() {
    return log;
  }

  public HeadOptions options() {
    return opts;
  }

  private volatile CommitObserver commitObserver;

  /** Sets (or, with null, removes) the one observer of committed batches. */
  public void setCommitObserver(CommitObserver observer) {
    this.commitObserver = observer;
  }

  CommitObserver commitObserver() {
    return commitObserver;
  }

  public HeadMetrics metrics() {
    return metrics;
  }

  public ChunkMapper chunkMapper() {
    return mapper;
  }

  public long numSeries() {
    return numSeries.get();
  }

  /** Oldest sample time in the head, or Long.MAX_VALUE when empty. */
  public long minTime() {
    return minTime.get();
  }

  /** Newest sample time in the head, or Long.MIN_VALUE when empty. */
  public long maxTime() {
    return maxTime.get();
  }

  /** Samples older than this are rejected as out of bounds. */
  public long minValidTime() {
    long mv = minValidTime;
    long mx = maxTime.get();
    if (mx == Long.MIN_VALUE) {
      return mv;
    }
    return Math.max(mv, mx - opts.chunkRangeMs / 2);
  }

  /** The highest series reference handed out so far. */
  public long lastSeriesRef() {
    return lastRef.get();
  }

  /**
   * References of the series matching all matchers (the postings intersection), as a new bitmap.
   */
  public org.roaringbitmap.RoaringBitmap postingsFor(io.cardinal.tsdb.labels.Matcher... matchers) {
    return postings.select(matchers);
  }

  /** Labels of the live series with reference {@code ref}, or null. */
  public Labels labelsOf(long ref) {
    MemSeries s = refs.get(ref);
    return s == null || s.deleted ? null : s.labels;
  }

  MemSeries byRef(long ref) {
    return refs.get(ref);
  }

  /** The live series with exactly these labels, or null. */
  MemSeries lookup(Labels labels, long hash) {
    Stripe st = stripes[(int) (hash & (stripes.length - 1))];
    synchronized (st) {
      return find(st, labels, hash);
    }
  }

  private MemSeries find(Stripe st, Labels labels, long hash) {
    MemSeries prev = null;
    MemSeries s = st.byHash.get(hash);
    while (s != null) {
      if (s.deleted) {
        // Unlink a series GC already marked deleted, so a new one with its labels can be created.
        unlink(st, hash, prev, s);
      } else if (s.labels.equals(labels)) {
        return s;
      } else {
        prev = s;
      }
      s = s.hashNext;
    }
    return null;
  }

  private static void unlink(Stripe st, long hash, MemSeries prev, MemSeries s) {
    if (prev == null) {
      if (s.hashNext == null) {
        st.byHash.remove(hash);
      } else {
        st.byHash.put(hash, s.hashNext);
      }
    } else {
      prev.hashNext = s.hashNext;
    }
  }

  /**
   * Returns the series for {@code labels}, creating it unless the global series limit is reached
   * (then null). {@code created[0]} tells whether it was created by this call.
   */
  MemSeries getOrCreate(Labels labels, long hash, boolean[] created) {
    return getOrCreate(labels, hash, 0, created);
  }

  private MemSeries getOrCreate(Labels labels, long hash, long wantRef, boolean[] created) {
    return getOrCreate(labels, hash, wantRef, created, false);
  }

  private MemSeries getOrCreate(
      Labels labels, long hash, long wantRef, boolean[] created, boolean deferPostings) {
    created[0] = false;
    Stripe st = stripes[(int) (hash & (stripes.length - 1))];
    synchronized (st) {
      MemSeries s = find(st, labels, hash);
      if (s != null) {
        return s;
      }
      long max = opts.maxSeries;
      long cur;
      do {
        cur = numSeries.get();
        if (max > 0 && cur >= max && wantRef == 0) {
          return null;
        }
      } while (!numSeries.compareAndSet(cur, cur + 1));
      long ref;
      if (wantRef > 0) {
        ref = wantRef;
        lastRef.accumulateAndGet(wantRef, Math::max);
      } else {
        ref = lastRef.incrementAndGet();
      }
      if (ref > Integer.MAX_VALUE) {
        numSeries.decrementAndGet();
        throw new IllegalStateException(
            "series reference space exhausted; restart to compact references");
      }
      Labels interned = deferPostings ? labels : postings.add((int) ref, labels);
      s = new MemSeries(ref, interned);
      s.postingsPending = deferPostings;
      refs.put(ref, s);
      s.hashNext = st.byHash.get(hash);
      st.byHash.put(hash, s);
      created[0] = true;
      metrics.seriesCreated.increment();
      return s;
    }
  }

  /**
   * Recreates a series under a known reference (WAL replay). Replayed series are not subject to the
   * series limit: they were accepted before the restart.
   */
  long restoreSeries(long ref, Labels labels) {
    boolean[] created = new boolean[1];
    MemSeries s = getOrCreate(labels, opts.hasher.hash(labels), ref, created);
    s.logged = true;
    return s.ref;
  }

  /**
   * Like {@link #restoreSeries}, but leaves the series out of the postings index until {@link
   * #buildDeferredPostings} runs: start-up only, so replay threads creating series do not serialise
   * on the index lock. Such series are not found by queries until then. Thread-safe.
   */
  long restoreSeriesDeferred(long ref, Labels labels) {
    return restoreSeriesDeferred(ref, labels, opts.hasher.hash(labels));
  }

  /**
   * {@link #restoreSeriesDeferred(long, Labels)} with {@code hash} = {@link #labelHash(Labels)
   * labelHash(labels)}.
   */
  long restoreSeriesDeferred(long ref, Labels labels, long hash) {
    boolean[] created = new boolean[1];
    MemSeries s = getOrCreate(labels, hash, ref, created, true);
    s.logged = true;
    return s.ref;
  }

  /** Whether series are keyed by {@link Labels#hash64()} (no test hasher installed). */
  boolean hasDefaultHasher() {
    return opts.hasher == LabelHasher.DEFAULT;
  }

  /** The hash the series map keys {@code labels} by (this head's {@link HeadOptions#hasher}). */
  long labelHash(Labels labels) {
    return opts.hasher.hash(labels);
  }

  /** Indexes every series created by {@link #restoreSeriesDeferred}. */
  void buildDeferredPostings() {
    postings.buildDeferred(refs, lastRef.get());
  }

  /** Appends a replayed sample directly, skipping batch logic; returns false if rejected. */
  boolean restoreSample(long ref, long t, double v) {
    MemSeries s = refs.get(ref);
    if (s == null) {
      return false;
    }
    long bits = Double.doubleToRawLongBits(v);
    synchronized (s) {
      if (s.appendable(t, bits, Long.MIN_VALUE) != MemSeries.OK) {
        return false;
      }
      if (s.append(t, v, bits, opts, mapper)) {
        metrics.chunksCreated.increment();
      }
    }
    observeTime(t, t);
    return true;
  }

  /**
   * Re-attaches a full chunk that survived a restart in the chunk mapper (startup only, before
   * samples of the series are restored). Chunks must come oldest first and must not overlap:
   * returns false, leaving the series unchanged, if the series is unknown, already holds samples in
   * its open chunk, or the chunk does not start after the series' last sample.
   */
  boolean restoreMappedChunk(long seriesRef, long chunkRef, long minT, long maxT) {
    MemSeries s = refs.get(seriesRef);
    if (s == null || minT > maxT) {
      return false;
    }
    synchronized (s) {
      if (s.hasHeadSamples() || (s.lastT != MemSeries.NO_TIME && minT <= s.lastT)) {
        return false;
      }
      s.addMapped(chunkRef, minT, maxT);
      s.lastT = maxT;
    }
    observeTime(minT, maxT);
    return true;
  }

  /**
   * Makes sure references up to {@code ref} are never handed out again (startup only): a restart
   * must not reuse the reference of a series that was removed but may still be named on disk.
   */
  void reserveSeriesRefs(long ref) {
    lastRef.accumulateAndGet(ref, Math::max);
  }

  /** Whether a live series has this reference (for WAL checkpoints). */
  boolean containsSeries(long ref) {
    MemSeries s = refs.get(ref);
    return s != null && !s.deleted;
  }

  /** The minimum valid time set by {@link #truncate}, or Long.MIN_VALUE if never truncated. */
  public long truncatedBefore() {
    return minValidTime;
  }

  /**
   * Replay fast path: appends one sample without the series lock and without updating the head's
   * time range. Only for start-up, while a single thread owns the head (or several threads own
   * disjoint series); the caller reports the range with {@link #observeReplayedRange} afterwards.
   * Skipping the lock matters: a locked instruction per sample serialises the cache misses of a
   * replay that touches a million series in turn. A sample at or before the newest time of the
   * series' memory-mapped chunks is skipped (those chunks hold it already); the check reads the
   * series object that the append touches anyway, instead of a table by reference per sample.
   */
  int restoreReplayedSample(long ref, long t, double v) {
    MemSeries s = refs.get(ref);
    if (s == null) {
      return HeadRestorer.REPLAY_DROPPED;
    }
    if (t <= s.mappedMaxTime()) {
      return HeadRestorer.REPLAY_IN_MAPPED;
    }
    long bits = Double.doubleToRawLongBits(v);
    if (s.appendable(t, bits, Long.MIN_VALUE) != MemSeries.OK) {
      return HeadRestorer.REPLAY_DROPPED;
    }
    s.append(t, v, bits, opts, mapper);
    return HeadRestorer.REPLAY_APPENDED;
  }

  /** Widens the head's time range after {@link #restoreReplayedSample} calls. */
  void observeReplayedRange(long lo, long hi) {
    if (lo <= hi) {
      observeTime(lo, hi);
    }
  }

  void observeTime(long lo, long hi) {
    minTime.accumulateAndGet(lo, Math::min);
    maxTime.accumulateAndGet(hi, Math::max);
  }

  /**
   * Head GC: drops every chunk that ends before {@code mint}, then removes series left without
   * chunks (and not holding uncommitted samples) from the map, the reference table and the
   * postings, which also frees their symbols. Samples older than {@code mint} are rejected
   * afterwards.
   *
   * <p>One pass over the stripes; each stripe is locked while its series are visited, and each
   * series while its chunks are cut. Appenders never take a stripe lock while holding a series
   * lock, so the order stripe-then-series cannot deadlock.
   *
   * @return the number of series removed
   */
  public synchronized int truncate(long mint) {
    if (mint > minValidTime) {
      minValidTime = mint;
    }
    metrics.truncations.increment();
    int n = 0;
    long chunksDropped = 0;
    long lo = Long.MAX_VALUE;
    for (Stripe st : stripes) {
      synchronized (st) {
        Object[] vals = st.byHash.values;
        long[] keys = st.byHash.keys;
        for (int slot = 0; slot < vals.length; slot++) {
          MemSeries prev = null;
          @SuppressWarnings("unchecked")
          MemSeries s = (MemSeries) vals[slot];
          while (s != null) {
            MemSeries next = s.hashNext;
            boolean remove;
            synchronized (s) {
              chunksDropped += s.truncateBefore(mint);
              remove = !s.deleted && s.chunkCount() == 0 && s.pendingCommits == 0;
              if (remove) {
                s.deleted = true;
              } else if (!s.deleted) {
                long t = s.minTime();
                if (t != MemSeries.NO_TIME && t < lo) {
                  lo = t;
                }
              }
            }
            if (remove || s.deleted) {
              if (remove) {
                if (n == gcRefs.length) {
                  gcRefs = java.util.Arrays.copyOf(gcRefs, n * 2);
                  gcLabels = java.util.Arrays.copyOf(gcLabels, n * 2);
                }
                gcRefs[n] = (int) s.ref;
                gcLabels[n] = s.labels;
                n++;
                refs.remove(s.ref);
              }
              // Unlink in place: slot keys are stable while we hold the stripe lock and only
              // rewrite the chain head's value (never remove from the hppc map mid-scan).
              if (prev == null) {
                vals[slot] = next;
              } else {
                prev.hashNext = next;
              }
            } else {
              prev = s;
            }
            s = next;
          }
          if (vals[slot] == null && keys[slot] != 0 && slot < vals.length - 1) {
            // The chain emptied; drop the key outside the scan (hppc cannot remove mid-iteration).
            pendingKeyRemovals.add(keys[slot]);
          }
        }
        if (st.hasEmptyKeyChainEmptied()) {
          st.byHash.remove(0L);
        }
        for (int i = 0; i < pendingKeyRemovals.size(); i++) {
          long k = pendingKeyRemovals.get(i);
          if (st.byHash.get(k) == null) {
            st.byHash.remove(k);
          }
        }
        pendingKeyRemovals.clear();
      }
    }
    postings.delete(gcRefs, gcLabels, n);
    java.util.Arrays.fill(gcLabels, 0, n, null);
    numSeries.addAndGet(-n);
    refs.releaseEmptyPages(lastRef.get());
    mapper.truncateBefore(mint);
    metrics.seriesRemoved.add(n);
    metrics.chunksRemoved.add(chunksDropped);
    minTime.set(lo == Long.MAX_VALUE ? Math.max(mint, minTime.get()) : lo);
    return n;
  }

  /** The bits of Prometheus's staleness marker, the last sample of a series that went away. */
  public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  /**
   * Series of the head that stopped receiving samples, found by {@link #scanStale}: those whose
   * newest sample is a staleness marker, and those idle since before a given time. Holds the series
   * and the newest sample time each had when found, so {@link #evict} removes only series that did
   * not receive a sample since.
   */
  public static final class StaleScan {
    private MemSeries[] series = new MemSeries[64];
    private long[] lastT = new long[64];
    private int size;
    private long staleMarked;
    private long idle;
    private long minTime = Long.MAX_VALUE;
    private long maxTime = Long.MIN_VALUE;

    /** Series found, the candidates for eviction. */
    public int size() {
      return size;
    }

    /** Series whose newest sample is a staleness marker (Prometheus's stale series). */
    public long staleMarked() {
      return staleMarked;
    }

    /** Series without a staleness marker that were idle since before the scan's time. */
    public long idle() {
      return idle;
    }

    /** Oldest sample time of the series found, or Long.MAX_VALUE when none. */
    public long minTime() {
      return minTime;
    }

    /** Newest sample time of the series found, or Long.MIN_VALUE when none. */
    public long maxTime() {
      return maxTime;
    }

    private void add(MemSeries s, long t, boolean marked) {
      if (size == series.length) {
        series = java.util.Arrays.copyOf(series, size * 2);
        lastT = java.util.Arrays.copyOf(lastT, size * 2);
      }
      series[size] = s;
      lastT[size] = s.lastT;
      size++;
      if (marked) {
        staleMarked++;
      } else {
        idle++;
      }
      minTime = Math.min(minTime, t);
      maxTime = Math.max(maxTime, s.lastT);
    }
  }

  /**
   * Finds the series that stopped receiving samples: every series whose newest sample is a
   * staleness marker and, unless {@code idleBefore} is Long.MIN_VALUE, every series whose newest
   * sample is older than {@code idleBefore}. Series with uncommitted samples are left out. One pass
   * over the stripes, each series locked while read.
   */
  public StaleScan scanStale(long idleBefore) {
    StaleScan scan = new StaleScan();
    for (Stripe st : stripes) {
      MemSeries[] snapshot;
      synchronized (st) {
        snapshot = collect(st);
      }
      for (MemSeries s : snapshot) {
        synchronized (s) {
          if (s.deleted || s.pendingCommits != 0 || s.lastT == MemSeries.NO_TIME) {
            continue;
          }
          long first = s.minTime();
          if (first == MemSeries.NO_TIME) {
            continue;
          }
          boolean marked = s.lastVBits == STALE_NAN_BITS;
          if (marked || s.lastT < idleBefore) {
            scan.add(s, first, marked);
          }
        }
      }
    }
    return scan;
  }

  /**
   * The chunks of the scanned series in [mint, maxt] (both inclusive), sorted by labels: the input
   * for writing them to a block before {@link #evict} lets them go.
   */
  public java.util.List<io.cardinal.tsdb.query.ChunkSeries> chunkSeries(
      StaleScan scan, long mint, long maxt) {
    java.util.List<MemSeries> all = new ArrayList<>();
    for (int i = 0; i < scan.size; i++) {
      MemSeries s = scan.series[i];
      if (hasDataIn(s, mint, maxt)) {
        all.add(s);
      }
    }
    all.sort((a, b) -> a.labels.compareTo(b.labels));
    return chunkSeriesOf(all, mint, maxt);
  }

  /**
   * Every label name and value of the scanned series, sorted: the symbol table of their block,
   * rather than the whole head's.
   */
  public java.util.SortedSet<String> symbols(StaleScan scan) {
    java.util.TreeSet<String> out = new java.util.TreeSet<>(Labels::compareStrings);
    for (int i = 0; i < scan.size; i++) {
      Labels l = scan.series[i].labels;
      for (int j = 0; j < l.size(); j++) {
        out.add(l.name(j));
        out.add(l.value(j));
      }
    }
    return out;
  }

  private static boolean hasDataIn(MemSeries s, long mint, long maxt) {
    synchronized (s) {
      long first = s.minTime();
      return !s.deleted && first != MemSeries.NO_TIME && first <= maxt && s.lastT >= mint;
    }
  }

  private java.util.List<io.cardinal.tsdb.query.ChunkSeries> chunkSeriesOf(
      java.util.List<MemSeries> all, long mint, long maxt) {
    java.util.List<io.cardinal.tsdb.query.ChunkSeries> out = new ArrayList<>(all.size());
    for (MemSeries s : all) {
      out.add(
          new io.cardinal.tsdb.query.ChunkSeries() {
            @Override
            public Labels labels() {
              return s.labels;
            }

            @Override
            public io.cardinal.tsdb.query.ChunkIterator chunks(
                io.cardinal.tsdb.query.ChunkIterator reuse) {
              HeadChunkIterator it =
                  reuse instanceof HeadChunkIterator
                      ? (HeadChunkIterator) reuse
                      : new HeadChunkIterator();
              it.reset(mapper, s, mint, maxt);
              return it;
            }
          });
    }
    return out;
  }

  private boolean dropDeleted(long ref, long mint, long maxt) {
    MemSeries s = refs.get(ref);
    if (s == null || s.deleted || maxt == Long.MAX_VALUE) {
      return false;
    }
    long hash = opts.hasher.hash(s.labels);
    Stripe st = stripes[(int) (hash & (stripes.length - 1))];
    synchronized (st) {
      synchronized (s) {
        long first = s.minTime();
        if (first == MemSeries.NO_TIME || mint > first) {
          return false;
        }
        metrics.chunksRemoved.add(s.truncateBefore(maxt + 1));
        if (s.chunkCount() != 0 || s.pendingCommits != 0) {
          return false;
        }
        s.deleted = true;
      }
      unlinkFromChain(st, hash, s);
    }
    refs.remove(ref);
    postings.delete(new int[] {(int) ref}, new Labels[] {s.labels}, 1);
    numSeries.decrementAndGet();
    metrics.seriesRemoved.increment();
    return true;
  }

  private static void unlinkFromChain(Stripe st, long hash, MemSeries s) {
    MemSeries prev = null;
    for (MemSeries c = st.byHash.get(hash); c != null; c = c.hashNext) {
      if (c == s) {
        unlink(st, hash, prev, c);
        return;
      }
      prev = c;
    }
  }

  /** What {@link #evict} removed. */
  public static final class Evicted {
    /** References of the removed series and the time range each held, for i < size. */
    public final long[] refs;

    public final long[] minTimes;
    public final long[] maxTimes;
    public final int size;

    /** Estimated heap given back: series objects, chunk buffers, chunk lists, index entries. */
    public final long bytes;

    Evicted(long[] refs, long[] minTimes, long[] maxTimes, int size, long bytes) {
      this.refs = refs;
      this.minTimes = minTimes;
      this.maxTimes = maxTimes;
      this.size = size;
      this.bytes = bytes;
    }
  }

  /**
   * Fixed cost of a series beyond its chunks, as the memory model estimates it: the series object,
   * its slots in the reference table and the hash map, and its postings entries.
   */
  static final long SERIES_OVERHEAD_BYTES = 200;

  /**
   * Removes the scanned series from the head (series map, reference table, postings and the symbols
   * only they used), as head GC does, but only those that received no sample since the scan and
   * hold no uncommitted one: a series that came back stays. The caller has persisted their samples
   * first; a later sample with the same labels creates a new series.
   */
  public synchronized Evicted evict(StaleScan scan) {
    int cap = Math.max(1, scan.size);
    long[] refsOut = new long[cap];
    long[] mins = new long[cap];
    long[] maxs = new long[cap];
    int[] ids = new int[cap];
    Labels[] labels = new Labels[cap];
    int n = 0;
    long bytes = 0;
    long chunks = 0;
    for (int i = 0; i < scan.size; i++) {
      MemSeries s = scan.series[i];
      long hash = opts.hasher.hash(s.labels);
      Stripe st = stripes[(int) (hash & (stripes.length - 1))];
      synchronized (st) {
        synchronized (s) {
          if (s.deleted || s.pendingCommits != 0 || s.lastT != scan.lastT[i]) {
            continue;
          }
          s.deleted = true;
          mins[n] = s.minTime();
          maxs[n] = s.lastT;
          chunks += s.chunkCount();
          bytes +=
              SERIES_OVERHEAD_BYTES
                  + (s.head == null ? 0 : s.head.bytes().length + 48L)
                  + (s.mapped == null ? 0 : s.mapped.length * 8L + 16L);
          // The chunks stay with the object: a query that found the series before this still
          // reads them, and the object goes with the last such reader.
        }
        unlinkFromChain(st, hash, s);
      }
      refs.remove(s.ref);
      refsOut[n] = s.ref;
      ids[n] = (int) s.ref;
      labels[n] = s.labels;
      n++;
    }
    if (n > 0) {
      postings.delete(ids, labels, n);
      numSeries.addAndGet(-n);
      refs.releaseEmptyPages(lastRef.get());
      metrics.seriesRemoved.add(n);
      metrics.chunksRemoved.add(chunks);
    }
    return new Evicted(refsOut, mins, maxs, n, bytes);
  }

  // GC scratch, reused between truncations (truncate is synchronized).
  private int[] gcRefs = new int[1024];
  private Labels[] gcLabels = new Labels[1024];
  private final com.carrotsearch.hppc.LongArrayList pendingKeyRemovals =
      new com.carrotsearch.hppc.LongArrayList();

  private static MemSeries[] collect(Stripe st) {
    int n = 0;
    for (Object o : st.byHash.values) {
      for (MemSeries s = (MemSeries) o; s != null; s = s.hashNext) {
        n++;
      }
    }
    MemSeries[] out = new MemSeries[n];
    int i = 0;
    for (Object o : st.byHash.values) {
      for (MemSeries s = (MemSeries) o; s != null; s = s.hashNext) {
        out[i++] = s;
      }
    }
    return out;
  }

  /**
   * Every live series with data in [mint, maxt] (both inclusive), sorted by labels, as chunks: the
   * input for writing the head range as a block. Chunk bytes are read when iterated.
   */
  public java.util.List<io.cardinal.tsdb.query.ChunkSeries> chunkSeries(long mint, long maxt) {
    java.util.List<MemSeries> all = new ArrayList<>();
    for (Stripe st : stripes) {
      MemSeries[] snapshot;
      synchronized (st) {
        snapshot = collect(st);
      }
      for (MemSeries s : snapshot) {
        if (hasDataIn(s, mint, maxt)) {
          all.add(s);
        }
      }
    }
    all.sort((a, b) -> a.labels.compareTo(b.labels));
    return chunkSeriesOf(all, mint, maxt);
  }

  /** Every distinct label name and value in the head, sorted: a block's symbol table. */
  public java.util.SortedSet<String> symbols() {
    return postings.symbols();
  }

  /** Cardinality statistics like Prometheus's /api/v1/status/tsdb, top {@code limit} per list. */
  public TsdbStatus status(int limit) {
    return status(limit, Long.MIN_VALUE);
  }

  /**
   * Creation marks: (time, highest series reference then), oldest first, in a ring. References only
   * grow, so the series created after a mark are those with a higher reference: churn per metric
   * costs nothing per series or per append.
   */
  private final long[] markTimes = new long[MARKS];

  private final long[] markRefs = new long[MARKS];
  private int markCount;
  private int markNext;

  /** Two hours of marks at one a minute. */
  private static final int MARKS = 128;

  /** Records which series exist at {@code nowMs}, for {@link #status(int, long)}'s churn. */
  public synchronized void markCreation(long nowMs) {
    markTimes[markNext] = nowMs;
    markRefs[markNext] = lastRef.get();
    markNext = (markNext + 1) % MARKS;
    markCount = Math.min(MARKS, markCount + 1);
  }

  /** {time, ref} of the newest mark at or before {@code t}, else the oldest mark, else null. */
  private synchronized long[] markAt(long t) {
    if (markCount == 0) {
      return null;
    }
    long[] best = null;
    for (int i = 0; i < markCount; i++) {
      int k = Math.floorMod(markNext - 1 - i, MARKS);
      if (markTimes[k] <= t) {
        return new long[] {markTimes[k], markRefs[k]};
      }
      best = new long[] {markTimes[k], markRefs[k]};
    }
    return best;
  }

  /**
   * As {@link #status(int)}, plus the series created since {@code createdSinceMs} (at the precision
   * of the creation marks) per metric name.
   */
  public TsdbStatus status(int limit, long createdSinceMs) {
    TsdbStatus.Builder b = new TsdbStatus.Builder();
    postings.stats(b, limit);
    b.numSeries = numSeries.get();
    long[] mark = markAt(createdSinceMs);
    long floorRef = mark == null ? 0 : mark[1];
    b.seriesCreatedSince = mark == null ? Long.MIN_VALUE : mark[0];
    java.util.HashMap<String, long[]> created = new java.util.HashMap<>();
    long chunks = 0;
    long createdTotal = 0;
    for (Stripe st : stripes) {
      MemSeries[] snapshot;
      synchronized (st) {
        snapshot = collect(st);
      }
      for (MemSeries s : snapshot) {
        synchronized (s) {
          chunks += s.chunkCount();
        }
        if (s.ref > floorRef) {
          createdTotal++;
          String name = s.labels.metricName();
          created.computeIfAbsent(name == null ? "" : name, k -> new long[1])[0]++;
        }
      }
    }
    b.chunkCount = chunks;
    b.minTime = minTime();
    b.maxTime = maxTime();
    b.seriesCreated = createdTotal;
    b.seriesCreatedByMetricName =
        created.entrySet().stream()
            .sorted(
                (x, y) ->
                    x.getValue()[0] != y.getValue()[0]
                        ? Long.compare(y.getValue()[0], x.getValue()[0])
                        : x.getKey().compareTo(y.getKey()))
            .limit(limit)
            .map(e -> new TsdbStatus.Stat(e.getKey(), e.getValue()[0]))
            .toList();
    return new TsdbStatus(b);
  }

  /**
   * Refuses every later commit (a commit already past validation finishes first) and releases the
   * chunk mapper. Idempotent.
   */
  @Override
  public void close() {
    commitLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      commitLock.unlock();
    }
    mapper.close();
  }
}
