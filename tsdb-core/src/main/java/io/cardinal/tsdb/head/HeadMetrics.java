package io.cardinal.tsdb.head;

import io.cardinal.tsdb.AppendStatus;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters the head keeps, named after the Prometheus metrics they back ({@code
 * prometheus_tsdb_head_samples_appended_total}, {@code ..._out_of_order_samples_total}, ...).
 */
public final class HeadMetrics {
  private final LongAdder[] byStatus = new LongAdder[AppendStatus.count()];
  public final LongAdder seriesCreated = new LongAdder();
  public final LongAdder seriesRemoved = new LongAdder();
  public final LongAdder chunksCreated = new LongAdder();
  public final LongAdder chunksRemoved = new LongAdder();
  public final LongAdder truncations = new LongAdder();

  HeadMetrics() {
    for (int i = 0; i < byStatus.length; i++) {
      byStatus[i] = new LongAdder();
    }
  }

  /** Samples ever given {@code status} (APPENDED: prometheus_tsdb_head_samples_appended_total). */
  public long samples(AppendStatus status) {
    return byStatus[status.ordinal()].sum();
  }

  void add(AppendStatus status, long n) {
    if (n != 0) {
      byStatus[status.ordinal()].add(n);
    }
  }
}
