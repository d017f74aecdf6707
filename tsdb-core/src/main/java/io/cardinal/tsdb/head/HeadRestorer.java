package io.cardinal.tsdb.head;

import io.cardinal.tsdb.labels.Labels;

/**
 * The operations that rebuild a {@link Head} from what storage kept on disk: series under their
 * logged references, samples and memory-mapped chunks, bypassing the appender's validation and the
 * series limit (all of it was accepted before the restart).
 *
 * <p><b>For storage's WAL replay and checkpointing only</b> ({@code io.cardinal.storage}). These
 * calls trust their input and several are only safe at start-up, before the head is shared;
 * everything else writes through {@link Head#appender()}. Obtained with {@link Head#restorer()}.
 */
public interface HeadRestorer {
  /** {@link #restoreReplayedSample}: the sample was appended. */
  int REPLAY_APPENDED = 0;

  /**
   * {@link #restoreReplayedSample}: a memory-mapped chunk of the series already holds this time.
   */
  int REPLAY_IN_MAPPED = 1;

  /** {@link #restoreReplayedSample}: no such series, or out of order or a duplicate. */
  int REPLAY_DROPPED = 2;

  /**
   * Recreates a series under a known reference. Returns the reference the series has, which differs
   * from {@code ref} when the labels were already restored under another reference.
   */
  long restoreSeries(long ref, Labels labels);

  /**
   * Like {@link #restoreSeries}, but leaves the series out of the postings index until {@link
   * #buildDeferredPostings} runs: start-up only, so replay threads creating series do not serialise
   * on the index lock. Such series are not found by queries until then. Thread-safe.
   */
  long restoreSeriesDeferred(long ref, Labels labels);

  /**
   * {@link #restoreSeriesDeferred(long, Labels)} with {@code hash} = {@link #labelHash(Labels)
   * labelHash(labels)}.
   */
  long restoreSeriesDeferred(long ref, Labels labels, long hash);

  /** Whether series are keyed by {@link Labels#hash64()} (no test hasher installed). */
  boolean hasDefaultHasher();

  /** The hash the series map keys {@code labels} by (the head's {@link HeadOptions#hasher}). */
  long labelHash(Labels labels);

  /** Indexes every series created by {@link #restoreSeriesDeferred}. */
  void buildDeferredPostings();

  /** Appends a replayed sample under the series lock; returns false if rejected. */
  boolean restoreSample(long ref, long t, double v);

  /**
   * Re-attaches a full chunk that survived a restart in the chunk mapper (start-up only, before
   * samples of the series are restored). Chunks must come oldest first and must not overlap:
   * returns false, leaving the series unchanged, if the series is unknown, already holds samples in
   * its open chunk, or the chunk does not start after the series' last sample.
   */
  boolean restoreMappedChunk(long seriesRef, long chunkRef, long minT, long maxT);

  /**
   * Makes sure references up to {@code ref} are never handed out again (start-up only): a restart
   * must not reuse the reference of a series that was removed but may still be named on disk.
   */
  void reserveSeriesRefs(long ref);

  /** Whether a live series has this reference (which series a WAL checkpoint keeps). */
  boolean containsSeries(long ref);

  /**
   * Replay fast path: appends one sample without the series lock and without updating the head's
   * time range. Only for start-up, while a single thread owns the head (or several threads own
   * disjoint series); the caller reports the range with {@link #observeReplayedRange} afterwards.
   * Returns {@link #REPLAY_APPENDED}, {@link #REPLAY_IN_MAPPED} or {@link #REPLAY_DROPPED}.
   */
  int restoreReplayedSample(long ref, long t, double v);

  /** Widens the head's time range after {@link #restoreReplayedSample} calls. */
  void observeReplayedRange(long lo, long hi);

  /**
   * Starts logging every later commit to {@code log}: storage calls it once replay is done, so
   * replayed samples are not logged again.
   */
  void attachLog(HeadLog log);

  /**
   * Applies a replayed deletion that starts at or before the series' oldest sample: the chunks that
   * end by {@code maxt} are dropped, and the series is removed when nothing is left (a series
   * evicted to a block before the restart). A deletion that starts later is left to the query-time
   * filter. Returns true if the series was removed.
   */
  boolean dropDeleted(long ref, long mint, long maxt);
}
