package io.cardinal.streaming;

import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-series sample windows of one distinct selector, shared by every registered plan that uses
 * it: a sample of a series that ten rules watch through the same selector is stored once. Series
 * are kept sorted by labels, the order the engine reads them from storage.
 *
 * <p>The windows are guarded by this object's monitor (no separate lock object: the committing
 * thread takes it for every sample, and one object less to reach is one cache miss less). The set
 * of users and the window length change only under the runtime's routing lock.
 */
final class SelectorState {
  final Op.SelectorKey key;
  final Matcher[] matchers;

  /** Order in which an evaluation takes the locks of several selectors (no deadlock). */
  final long id;

  /** Samples newer than {@code t - keepMs} are needed: the longest need of the users. */
  volatile long keepMs;

  final TreeMap<Labels, SeriesBuf> series = new TreeMap<>();

  /**
   * The newest timestamp of a sample this state may be missing: dropped as too old, or before the
   * seeded range. An evaluation needing {@code (t - keep, t]} is exact while {@code evictedUpTo <=
   * t - keep}.
   */
  long evictedUpTo = Long.MIN_VALUE;

  /** Like {@link #evictedUpTo}, counted from the last time the window was lengthened. */
  long evictedSinceLengthened = Long.MIN_VALUE;

  /** Plans using this selector, with the window each needs. Guarded by the routing lock. */
  final Map<PlanState, Long> users = new HashMap<>();

  /** Users with subqueries, told of every appended sample (their step caches may be stale). */
  volatile PlanState[] subqueryUsers = new PlanState[0];

  /**
   * Set when no plan uses the selector any more, or when it gave up its state for the runtime's
   * window limit: nothing is fed to it again.
   */
  volatile boolean dead;

  /** Set when the state was given up because the runtime's limit on series windows was reached. */
  volatile boolean overLimit;

  private final StreamingRuntime.Budget budget;
  private volatile long bytes;

  SelectorState(Op.SelectorKey key, long id, long keepMs, StreamingRuntime.Budget budget) {
    this.key = key;
    this.id = id;
    this.keepMs = keepMs;
    this.budget = budget;
    this.matchers = compile(key.matchers());
    this.bytes = 100;
  }

  static Matcher[] compile(List<LabelMatcher> ms) {
    return LabelMatcher.toMatchers(ms);
  }

  boolean matches(Labels l) {
    for (Matcher m : matchers) {
      if (!m.matches(l.get(m.name()))) {
        return false;
      }
    }
    return true;
  }

  void evicted(long ts) {
    if (ts > evictedUpTo) {
      evictedUpTo = ts;
    }
    if (ts > evictedSinceLengthened) {
      evictedSinceLengthened = ts;
    }
  }

  void addBytes(long delta) {
    bytes += delta;
  }

  long bytes() {
    return bytes;
  }

  /**
   * Tells the users with subqueries that a sample at {@code ts} arrived. Caller holds the monitor.
   */
  void appended(long ts) {
    for (PlanState p : subqueryUsers) {
      p.dirty(ts);
    }
  }

  /**
   * The buffer of a series, made on first use; null when the runtime's limit on series windows does
   * not allow another one. Caller holds the monitor.
   */
  SeriesBuf buffer(Labels labels) {
    SeriesBuf b = series.get(labels);
    if (b == null) {
      if (!budget.take()) {
        return null;
      }
      b = new SeriesBuf(labels, this);
      series.put(labels, b);
      addBytes(SeriesBuf.bytesFor(b.capacity()) + 48);
    }
    return b;
  }

  /** Drops samples at or before {@code horizon} and the series left without any. */
  void sweep(long horizon) {
    Iterator<Map.Entry<Labels, SeriesBuf>> it = series.entrySet().iterator();
    while (it.hasNext()) {
      SeriesBuf b = it.next().getValue();
      b.trim(horizon);
      if (b.size() == 0) {
        b.dead = true;
        it.remove();
        budget.give(1);
        addBytes(-SeriesBuf.bytesFor(b.capacity()) - 48);
      } else {
        b.shrink();
      }
    }
  }

  /**
   * Frees every window; routes holding them look their targets up again. Caller holds the monitor.
   */
  void free() {
    for (SeriesBuf b : series.values()) {
      b.dead = true;
    }
    budget.give(series.size());
    series.clear();
    bytes = 100;
  }
}
