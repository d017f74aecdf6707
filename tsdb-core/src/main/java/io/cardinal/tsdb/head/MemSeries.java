package io.cardinal.tsdb.head;

import io.cardinal.tsdb.chunk.ChunkEncoding;
import io.cardinal.tsdb.chunk.ChunkMapper;
import io.cardinal.tsdb.chunk.XorChunk;
import io.cardinal.tsdb.labels.Labels;

/**
 * One series in the head: its labels, the chunk being appended to, and references to its full
 * chunks held by the {@link ChunkMapper}.
 *
 * <p>Locking, in field order: {@code ref} and {@code labels} never change and are read without a
 * lock; {@code hashNext} belongs to the series map and is guarded by its stripe lock; everything
 * after it is guarded by this object's monitor (the series lock).
 */
final class MemSeries {
  static final long NO_TIME = Long.MIN_VALUE;
  private static final int META_STRIDE = 3;

  final long ref;
  final Labels labels;

  MemSeries hashNext;

  /** Created at start-up with its postings still to be built (see Head#restoreSeriesDeferred). */
  boolean postingsPending;

  /** The chunk being appended to; null when the series has no open chunk. */
  XorChunk head;

  long headMinT;

  /** Timestamp at which the open chunk is cut (Prometheus's nextAt). */
  long nextAt = Long.MIN_VALUE;

  /*
   * lastT and lastVBits are written only by a commit, which holds both the series lock and the
   * head's commit lock, or by replay before the head is shared: holding either lock is enough to
   * read them.
   */
  long lastT = NO_TIME;
  long lastVBits;

  /** Full chunks: (mapper ref, minT, maxT) triples, oldest first. Null when none. */
  long[] mapped;

  int mappedCount;

  /** Set while an uncommitted batch holds samples for this series; GC must not remove it. */
  int pendingCommits;

  /** Set by GC once removed from the head; a holder of a stale reference must look it up again. */
  volatile boolean deleted;

  /**
   * Set once the series record has been handed to the {@link HeadLog}. Until then every batch with
   * samples for the series logs the series record too, so no logged sample can precede its series.
   */
  volatile boolean logged;

  /**
   * While a commit validates its batch: 1 + the batch index of this series' last sample accepted so
   * far, 0 when none. Guarded by the head's commit lock, not the series lock.
   */
  int batchMark;

  MemSeries(long ref, Labels labels) {
    this.ref = ref;
    this.labels = labels;
  }

  /** Status of appending (t, v) given the committed state; caller holds the series lock. */
  int appendable(long t, long vBits, long minValidTime) {
    if (lastT == NO_TIME) {
      return t < minValidTime ? OUT_OF_BOUNDS : OK;
    }
    if (t > lastT) {
      return OK;
    }
    if (t < lastT) {
      return t < minValidTime ? OUT_OF_BOUNDS : OUT_OF_ORDER;
    }
    // Identical timestamp and bits: an idempotent re-send, ignored without error as in Prometheus.
    return vBits == lastVBits ? DUPLICATE_SAME : DUPLICATE;
  }

  static final int OK = 0;
  static final int OUT_OF_ORDER = 1;
  static final int DUPLICATE = 2;
  static final int DUPLICATE_SAME = 3;
  static final int OUT_OF_BOUNDS = 4;

  /**
   * Appends a validated sample, cutting a new chunk when Prometheus would. Caller holds the series
   * lock. Returns true if a new chunk was started.
   */
  boolean append(long t, double v, long vBits, HeadOptions opts, ChunkMapper mapper) {
    boolean cut = false;
    if (head == null || head.numSamples() == 0) {
      startChunk(t, opts);
      cut = true;
    } else {
      int n = head.numSamples();
      if (n == opts.samplesPerChunk / 4) {
        // A quarter full: predict an end time that spreads the rest of the range evenly over
        // chunks.
        nextAt = computeChunkEndTime(headMinT, lastT, nextAt);
      }
      // Past twice the target the prediction was wrong (the rate went up); the size check keeps
      // badly compressible series from growing huge chunks.
      if (t >= nextAt
          || n >= opts.samplesPerChunk * 2
          || head.byteLength() > opts.maxBytesPerChunk) {
        mapHeadChunk(mapper);
        startChunk(t, opts);
        cut = true;
      }
    }
    head.append(t, v);
    lastT = t;
    lastVBits = vBits;
    return cut;
  }

  private void startChunk(long t, HeadOptions opts) {
    if (head == null) {
      head = new XorChunk();
    } else {
      head.reset();
    }
    headMinT = t;
    nextAt = rangeEnd(t, opts.chunkRangeMs);
  }

  /** Hands the open chunk to the mapper and records its reference. */
  void mapHeadChunk(ChunkMapper mapper) {
    if (head == null || head.numSamples() == 0) {
      return;
    }
    long cref =
        mapper.write(ref, headMinT, lastT, ChunkEncoding.XOR, head.bytes(), 0, head.byteLength());
    addMapped(cref, headMinT, lastT);
    head.reset();
  }

  void addMapped(long cref, long minT, long maxT) {
    if (mapped == null) {
      mapped = new long[META_STRIDE * 2];
    } else if ((mappedCount + 1) * META_STRIDE > mapped.length) {
      mapped = java.util.Arrays.copyOf(mapped, mapped.length * 2);
    }
    int i = mappedCount * META_STRIDE;
    mapped[i] = cref;
    mapped[i + 1] = minT;
    mapped[i + 2] = maxT;
    mappedCount++;
  }

  /**
   * The newest sample time in the memory-mapped chunks, or Long.MIN_VALUE without any. Mapped
   * chunks are kept oldest first and never overlap (cut in time order; re-attached only after the
   * last), so that is the last one's maxT.
   */
  long mappedMaxTime() {
    return mappedCount == 0 ? Long.MIN_VALUE : mapped[(mappedCount - 1) * META_STRIDE + 2];
  }

  long mappedRef(int i) {
    return mapped[i * META_STRIDE];
  }

  long mappedMinT(int i) {
    return mapped[i * META_STRIDE + 1];
  }

  long mappedMaxT(int i) {
    return mapped[i * META_STRIDE + 2];
  }

  boolean hasHeadSamples() {
    return head != null && head.numSamples() > 0;
  }

  /** Oldest sample time held, or NO_TIME. */
  long minTime() {
    if (mappedCount > 0) {
      return mapped[1];
    }
    return hasHeadSamples() ? headMinT : NO_TIME;
  }

  int chunkCount() {
    return mappedCount + (hasHeadSamples() ? 1 : 0);
  }

  /**
   * Drops chunks that end before {@code minT}; returns how many. The open chunk is dropped too when
   * it ends before the cut, and its buffer released, because a series that stopped receiving
   * samples should stop costing memory.
   */
  int truncateBefore(long minT) {
    int drop = 0;
    while (drop < mappedCount && mappedMaxT(drop) < minT) {
      drop++;
    }
    if (drop > 0) {
      int remaining = mappedCount - drop;
      if (remaining == 0) {
        mapped = null;
      } else {
        System.arraycopy(mapped, drop * META_STRIDE, mapped, 0, remaining * META_STRIDE);
      }
      mappedCount = remaining;
    }
    if (hasHeadSamples() && lastT < minT) {
      head = null;
      drop++;
    }
    return drop;
  }

  /** Prometheus's computeChunkEndTime: the end that makes chunks of equal sample count. */
  static long computeChunkEndTime(long start, long cur, long max) {
    long n = (max - start) / ((cur - start + 1) * 4);
    if (n <= 1) {
      return max;
    }
    return start + (max - start) / n;
  }

  /** End of the chunk range containing t (exclusive). */
  static long rangeEnd(long t, long width) {
    return Math.floorDiv(t, width) * width + width;
  }
}
