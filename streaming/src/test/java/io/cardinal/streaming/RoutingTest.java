package io.cardinal.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.promql.PromQL;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutingTest {
  static final long B = 1_699_999_980_000L;

  @Test
  void seriesCreatedAfterRegistrationIsPickedUpAndOtherMetricsNeverRouted() {
    try (Fixture f = new Fixture()) {
      StreamingRuntime.Handle h = f.rt.register(PromQL.parse("rate(a_total{j=\"x\"}[1m])"));
      for (int i = 0; i < 20; i++) {
        long t = B + i * 15_000L;
        f.add(t, i, "a_total", "j", "x");
        f.add(t, i, "a_total", "j", "y");
        f.add(t, i, "b_total", "j", "x");
      }
      assertEquals(1, h.series());
      assertEquals(1, f.rt.series());
      assertEquals(20, f.rt.samplesRouted(), "only a_total{j=x} samples reach the plan");
      assertEquals(60, f.rt.samplesSeen());
      assertEquals(3, f.rt.routingDecisions(), "one decision per series, none per sample");
      assertEquals(1, f.both(h, B + 19 * 15_000L).size());
    }
  }

  @Test
  void seriesCreatedBeforeAnyPlanIsRoutedOnItsNextSample() {
    try (Fixture f = new Fixture()) {
      f.add(B, 1, "a_total", "j", "x");
      StreamingRuntime.Handle h = f.rt.register(PromQL.parse("a_total"));
      assertEquals(1, h.series(), "seeded");
      f.add(B + 15_000, 2, "a_total", "j", "x");
      assertEquals(1, f.rt.routingDecisions(), "looked up by reference once");
      assertEquals(1, h.series());
      assertEquals(2.0, f.both(h, B + 15_000).get(0).value());
    }
  }

  @Test
  void selectorsAreIndexedByMetricName() {
    assertEquals(Set.of("a"), names("a{j=\"x\"}"));
    assertEquals(Set.of("a", "b"), names("{__name__=~\"a|b\"}"));
    assertNull(names("{__name__=~\"a.*\"}"));
    assertNull(names("{j=\"x\"}"));
    try (Fixture f = new Fixture()) {
      StreamingRuntime.Handle regex = f.rt.register(PromQL.parse("{__name__=~\"a|b\"}"));
      StreamingRuntime.Handle unnamed = f.rt.register(PromQL.parse("{j=\"x\"}"));
      f.add(B, 1, "a", "j", "x").add(B, 1, "b", "j", "y").add(B, 1, "c", "j", "x");
      assertEquals(2, regex.series());
      assertEquals(2, unnamed.series());
      f.both(regex, B);
      f.both(unnamed, B);
    }
  }

  private static Set<String> names(String selector) {
    return StreamingRuntime.metricNames(SelectorState.compile(PromQL.parseMatchers(selector)));
  }

  @Test
  void closingAPlanStopsFeedingItAndFreesItsState() {
    try (Fixture f = new Fixture()) {
      StreamingRuntime.Handle a = f.rt.register(PromQL.parse("sum(x)"));
      StreamingRuntime.Handle b = f.rt.register(PromQL.parse("max_over_time(x[5m])"));
      for (int i = 0; i < 10; i++) {
        f.add(B + i * 1000L, i, "x", "i", String.valueOf(i));
      }
      assertEquals(20, f.rt.series());
      long both = f.rt.stateBytes();
      a.close();
      assertEquals(1, f.rt.plans());
      assertEquals(10, f.rt.series());
      assertTrue(f.rt.stateBytes() < both);
      assertThrows(IllegalStateException.class, () -> a.evaluate(B));
      f.add(B + 20_000, 1, "x", "i", "0");
      assertEquals(10, b.series());
      f.both(b, B + 20_000);
      b.close();
      assertEquals(0, f.rt.series());
      assertEquals(0, f.rt.routedSeries());
    }
  }

  @Test
  void notStreamableExpressionsAreRefused() {
    try (Fixture f = new Fixture()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> f.rt.register(PromQL.parse("histogram_quantile(0.9, rate(x[5m]))")));
      assertEquals("function histogram_quantile is not streamable", e.getMessage());
      Plan other = StreamingPlanner.compile(PromQL.parse("x"), 60_000);
      assertThrows(IllegalArgumentException.class, () -> f.rt.register(other));
    }
  }
}
