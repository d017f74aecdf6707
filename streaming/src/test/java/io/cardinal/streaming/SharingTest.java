package io.cardinal.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.promql.PromQL;
import io.cardinal.promql.engine.EngineOptions;
import org.junit.jupiter.api.Test;

/** Plans that read the same selector share one window per series. */
class SharingTest {
  static final long B = 1_699_999_980_000L;

  /** 20 series of x_total and one of y, 15 s apart, for {@code minutes}; returns the last time. */
  private static long write(Fixture f, long from, int minutes) {
    long t = from;
    for (int k = 0; k < minutes * 4; k++, t += 15_000) {
      for (int i = 0; i < 20; i++) {
        f.app.append(0, Fixture.labels("x_total", "job", "j" + i % 4, "i", "" + i), t, k * i);
      }
      f.app.append(0, Fixture.labels("y"), t, k);
      f.app.commit();
    }
    return t - 15_000;
  }

  @Test
  void rulesOverOneSelectorKeepOneWindowPerSeries() {
    try (Fixture f = new Fixture()) {
      StreamingRuntime.Handle a =
          f.rt.register(PromQL.parse("sum by (job) (rate(x_total{job=~\"j.*\",i!=\"7\"}[5m]))"));
      StreamingRuntime.Handle b =
          f.rt.register(PromQL.parse("max_over_time(x_total{i!=\"7\",job=~\"j.*\"}[5m]) > 10"));
      StreamingRuntime.Handle c =
          f.rt.register(PromQL.parse("increase(x_total{job=~\"j.*\",i!=\"7\"}[5m]) < 0"));
      assertEquals(1, f.rt.selectors(), "matcher order does not make another selector");
      long t = write(f, B, 10);
      assertEquals(19, f.rt.series(), "one window per series, not one per rule");
      long commits = 40;
      assertEquals(19 * commits, f.rt.samplesRouted(), "each sample stored once");
      f.both(a, t);
      f.both(b, t);
      f.both(c, t);
      // Three rules cost about what one does: the windows are held once.
      assertTrue(
          f.rt.stateBytes() < 2 * a.stateBytes(), f.rt.stateBytes() + " vs " + a.stateBytes());
    }
  }

  @Test
  void aRuleOnKeptSelectorsRoutesNothingAgain() {
    try (Fixture f = new Fixture()) {
      f.rt.register(PromQL.parse("rate(x_total[5m])"));
      long t = write(f, B, 3);
      long decisions = f.rt.routingDecisions();
      StreamingRuntime.Handle again = f.rt.register(PromQL.parse("irate(x_total[5m]) > 1"));
      t = write(f, t + 15_000, 2);
      assertEquals(decisions, f.rt.routingDecisions(), "no series decided again");
      f.both(again, t);
      // A new selector does make the cached series decide once more.
      StreamingRuntime.Handle y = f.rt.register(PromQL.parse("y > 0"));
      t = write(f, t + 15_000, 1);
      assertTrue(f.rt.routingDecisions() > decisions);
      f.both(y, t);
    }
  }

  @Test
  void aLongerWindowOnAKeptSelectorIsSeededFromStorage() {
    try (Fixture f = new Fixture()) {
      StreamingRuntime.Handle shortRange = f.rt.register(PromQL.parse("rate(x_total[1m])"));
      long t = write(f, B, 30);
      // The 1m selector now holds 1m + 2m grace; a 20m window on the same selector needs more.
      StreamingRuntime.Handle longRange =
          f.rt.register(PromQL.parse("max_over_time(x_total[20m])"));
      assertEquals(1, f.rt.selectors());
      assertTrue(longRange.servesFromState(t), "seeded at registration");
      f.both(longRange, t);
      f.both(shortRange, t);
      t = write(f, t + 15_000, 5);
      f.both(longRange, t);
      f.both(shortRange, t);
      assertEquals(0, f.rt.fallbacks());
      // The long rule goes: the window shrinks back at the next sweep, the short rule is intact.
      long before = shortRange.stateBytes();
      longRange.close();
      t = write(f, t + 15_000, 1);
      f.rt.sweep();
      assertTrue(shortRange.stateBytes() < before, shortRange.stateBytes() + " vs " + before);
      f.both(shortRange, t);
    }
  }

  @Test
  void closingTheLastUserFreesTheSelector() {
    try (Fixture f = new Fixture()) {
      StreamingRuntime.Handle a = f.rt.register(PromQL.parse("rate(x_total[5m])"));
      StreamingRuntime.Handle b = f.rt.register(PromQL.parse("rate(x_total[5m]) > 1"));
      StreamingRuntime.Handle y = f.rt.register(PromQL.parse("y"));
      long t = write(f, B, 3);
      assertEquals(2, f.rt.selectors());
      a.close();
      assertEquals(2, f.rt.selectors(), "b still reads x_total");
      assertEquals(21, f.rt.series());
      f.both(b, t);
      b.close();
      assertEquals(1, f.rt.selectors());
      assertEquals(1, f.rt.series());
      t = write(f, t + 15_000, 1);
      f.both(y, t);
    }
  }

  @Test
  void pastTheWindowLimitASelectorGivesUpAndItsRulesAreQueried() {
    try (Cardinal db = Cardinal.inMemory()) {
      StreamingRuntime rt = StreamingRuntime.attach(db, EngineOptions.defaults(), 120_000, 10);
      try (Fixture f = new Fixture(db, rt)) {
        StreamingRuntime.Handle y = rt.register(PromQL.parse("y > 0"));
        StreamingRuntime.Handle x = rt.register(PromQL.parse("sum(rate(x_total[5m]))"));
        long t = write(f, B, 6);
        assertTrue(rt.series() <= 10, "held " + rt.series());
        assertEquals(1, rt.selectorsOverLimit());
        assertNotNull(x.degradedReason());
        assertNull(y.degradedReason());
        assertFalse(x.servesFromState(t));
        // Answered by the engine: still the right result.
        assertEquals(f.engine("sum(rate(x_total[5m]))", t), x.evaluate(t));
        assertTrue(rt.fallbacks() > 0);
        f.both(y, t);
        // Registering the rule again (a reload) gives the selector another chance.
        x.close();
        StreamingRuntime.Handle small = rt.register(PromQL.parse("x_total{i=\"3\"}"));
        t = write(f, t + 15_000, 1);
        assertNull(small.degradedReason());
        f.both(small, t);
      }
    }
  }
}
