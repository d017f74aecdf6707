package io.cardinal.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.promql.PromQL;
import io.cardinal.tsdb.labels.Labels;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The per-sample path allocates nothing once series are routed and windows have grown. */
class AllocationTest {
  static final long B = 1_699_999_980_000L;

  @Test
  void steadyStateCommitsDoNotAllocate() {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
    try (Fixture f = new Fixture()) {
      StreamingRuntime.Handle rate = f.rt.register(PromQL.parse("sum(rate(x_total[1m]))"));
      StreamingRuntime.Handle last = f.rt.register(PromQL.parse("x_total > 0"));
      int series = 10;
      long[] newRefs = new long[series];
      Labels[] newLabels = new Labels[series];
      for (int i = 0; i < series; i++) {
        newRefs[i] = 1000 + i;
        newLabels[i] = Fixture.labels("x_total", "i", "" + i);
      }
      long[] refs = new long[series];
      long[] ts = new long[series];
      double[] vs = new double[series];
      f.rt.committed(newRefs, newLabels, series, refs, ts, vs, 0);
      long t = B;
      // Warm up: windows grow to their size, the sweep's schedule starts.
      for (int k = 0; k < 2000; k++, t += 1000) {
        batch(f.rt, refs, ts, vs, t, k);
      }
      long before = bean.getThreadAllocatedBytes(Thread.currentThread().getId());
      int batches = 20_000;
      for (int k = 0; k < batches; k++, t += 1000) {
        batch(f.rt, refs, ts, vs, t, k);
      }
      long allocated = bean.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
      long samples = (long) batches * series;
      // Only the sweep allocates (iterators and a predicate, once per minute of data: 1s batches);
      // a single allocation per sample would be 16 bytes each, 3.2MB here.
      long sweeps = batches / 60 + 1;
      assertTrue(allocated < 1024 * sweeps, allocated + " bytes for " + samples + " samples");
      assertEquals(2L * (samples + 2000L * series), f.rt.samplesRouted());
      assertEquals(2 * series, f.rt.series());
      assertEquals(1, rate.evaluate(t - 1000).size());
      assertEquals(series, last.evaluate(t - 1000).size());
    }
  }

  private static void batch(
      StreamingRuntime rt, long[] refs, long[] ts, double[] vs, long t, int k) {
    for (int i = 0; i < refs.length; i++) {
      refs[i] = 1000 + i;
      ts[i] = t;
      vs[i] = k + i;
    }
    rt.committed(null, null, 0, refs, ts, vs, refs.length);
  }
}
