package io.cardinal.streaming;

import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-series sample windows of one selector of one plan. Series are kept sorted by labels, the
 * order the engine reads them from storage. Guarded by the plan's lock.
 */
final class SelectorState {
  final PlanState plan;
  final Op.SelectorKey key;
  final Matcher[] matchers;

  /** Samples newer than {@code t - keepMs} are needed to evaluate at t. */
  final long keepMs;

  final TreeMap<Labels, SeriesBuf> series = new TreeMap<>();

  /**
   * The newest timestamp of a sample this state may be missing: dropped as too old, or before the
   * seeded range. An evaluation at t is exact while {@code evictedUpTo <= t - keepMs}.
   */
  long evictedUpTo = Long.MIN_VALUE;

  SelectorState(PlanState plan, Op.SelectorKey key, long keepMs) {
    this.plan = plan;
    this.key = key;
    this.keepMs = keepMs;
    this.matchers = compile(key.matchers());
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
  }

  /** The buffer of a series, made on first use. Caller holds the plan's lock. */
  SeriesBuf buffer(Labels labels) {
    SeriesBuf b = series.get(labels);
    if (b == null) {
      b = new SeriesBuf(labels, this);
      series.put(labels, b);
      plan.addBytes(SeriesBuf.bytesFor(b.capacity()) + 48);
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
        plan.addBytes(-SeriesBuf.bytesFor(b.capacity()) - 48);
      } else {
        b.shrink();
      }
    }
  }
}
