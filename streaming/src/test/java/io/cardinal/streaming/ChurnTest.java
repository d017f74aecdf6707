package io.cardinal.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.promql.PromQL;
import io.cardinal.tsdb.labels.Labels;
import org.junit.jupiter.api.Test;

/** State is bounded by the windows, and series that stop are dropped. */
class ChurnTest {
  static final long B = 1_699_999_980_000L;

  @Test
  void shortLivedSeriesLeaveNoState() {
    try (Fixture f = new Fixture()) {
      StreamingRuntime.Handle rate =
          f.rt.register(PromQL.parse("sum by (job) (rate(churn_total[1m]))"));
      StreamingRuntime.Handle up = f.rt.register(PromQL.parse("churn_total > 0"));
      StreamingRuntime.Handle steady = f.rt.register(PromQL.parse("steady"));
      long baseline = f.rt.stateBytes();
      int next = 0;
      long peakSeries = 0;
      long t = B;
      // 40 minutes; each minute 50 new series that live two minutes.
      for (int minute = 0; minute < 40; minute++) {
        int first = next;
        next += 50;
        for (long s = 0; s < 60_000; s += 15_000, t += 15_000) {
          for (int id = Math.max(0, first - 50); id < next; id++) {
            Labels l = Fixture.labels("churn_total", "job", "j" + id % 3, "id", "" + id);
            f.app.append(0, l, t, minute * 10 + s / 1000.0);
          }
          f.app.append(0, Fixture.labels("steady"), t, 1);
          f.app.commit();
        }
        peakSeries = Math.max(peakSeries, f.rt.series());
        if (minute % 10 == 9) {
          f.both(rate, t - 15_000);
          f.both(up, t - 15_000);
        }
      }
      // Live: 100 series in two windows; dead series are kept for window + grace (2m + 2m for
      // the instant selector's 5m lookback: up to 7 minutes of 50 series) before they go.
      assertTrue(peakSeries < 2 * 100 + 2 * 8 * 50, "peak " + peakSeries);
      // Only the steady series goes on.
      for (int k = 0; k < 60; k++, t += 15_000) {
        f.app.append(0, Fixture.labels("steady"), t, 1);
        f.app.commit();
      }
      f.rt.sweep();
      assertEquals(1, f.rt.series(), "only the steady series is left");
      assertEquals(1, f.rt.routedSeries());
      assertEquals(1, steady.series());
      assertTrue(
          f.rt.stateBytes() < baseline + 4096,
          "state " + f.rt.stateBytes() + " vs baseline " + baseline);
      f.both(rate, t - 15_000);
      f.both(steady, t - 15_000);
    }
  }

  @Test
  void aSeriesKeepsOnlyItsWindow() {
    try (Fixture f = new Fixture()) {
      StreamingRuntime.Handle h = f.rt.register(PromQL.parse("rate(x_total[1m])"));
      long t = B;
      long max = 0;
      for (int i = 0; i < 3600; i++, t += 1000) {
        f.add(t, i, "x_total");
        max = Math.max(max, h.stateBytes());
      }
      // 1m window + 2m grace at 1s: 180 samples, 16 bytes each, at most doubled by growth.
      assertTrue(max < 8_000, "state " + max);
      f.both(h, t - 1000);
    }
  }
}
