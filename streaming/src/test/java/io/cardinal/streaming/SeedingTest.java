package io.cardinal.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.promql.PromQL;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedingTest {
  static final long B = 1_699_999_980_000L;
  static final String[] RULES = {
    "sum by (j) (rate(a_total[5m]))",
    "count_over_time((a_total > 100)[5m:1m]) >= 2",
    "a_total",
    "avg_over_time(a_total[10m]) > 50"
  };

  private static void write(Appender app, long from, long to) {
    for (long t = from; t < to; t += 15_000) {
      for (int i = 0; i < 4; i++) {
        Labels l = Fixture.labels("a_total", "j", i % 2 == 0 ? "x" : "y", "i", "" + i);
        app.append(0, l, t + i * 100, (t - B) / 1000.0 * (i + 1));
      }
      app.commit();
    }
  }

  @Test
  void registeringSeedsFromStoredDataSoResultsAreRightAtOnce() {
    try (Fixture f = new Fixture()) {
      write(f.app, B, B + 20 * 60_000L);
      long now = B + 20 * 60_000L - 15_000;
      for (String q : RULES) {
        StreamingRuntime.Handle h = f.rt.register(PromQL.parse(q));
        assertTrue(h.servesFromState(now), q);
        assertTrue(h.servesFromState(now - 110_000), q + " within the grace");
        assertFalse(h.servesFromState(now - 10 * 60_000L), q + " long before: engine");
        f.both(h, now);
        // An evaluation the state does not cover still gives the engine's answer.
        long before = f.rt.fallbacks();
        assertEquals(
            DifferentialTest.sorted(f.engine(q, now - 10 * 60_000L)).size(),
            h.evaluate(now - 10 * 60_000L).size());
        assertEquals(before + 1, f.rt.fallbacks());
      }
      write(f.app, B + 20 * 60_000L, B + 25 * 60_000L);
      assertEquals(0, f.rt.fallbacks() - 4);
    }
  }

  @Test
  void afterReopeningTheDatabaseTheStateIsSeededFromTheWal(@TempDir Path dir) throws Exception {
    long now = B + 10 * 60_000L - 15_000;
    try (Cardinal db = Cardinal.open(dir, CardinalOptions.defaults())) {
      write(db.appender(), B, B + 10 * 60_000L);
    }
    try (Fixture f = new Fixture(Cardinal.open(dir, CardinalOptions.defaults()))) {
      for (String q : RULES) {
        StreamingRuntime.Handle h = f.rt.register(PromQL.parse(q));
        f.both(h, now);
      }
      write(f.app, B + 10 * 60_000L, B + 12 * 60_000L);
      assertEquals(0, f.rt.fallbacks());
    }
  }

  @Test
  void registeringWhileSamplesAreCommittedLosesAndDoublesNothing() throws Exception {
    try (Fixture f = new Fixture()) {
      write(f.app, B, B + 5 * 60_000L);
      AtomicLong upTo = new AtomicLong(B + 5 * 60_000L);
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread writer =
          new Thread(
              () -> {
                try {
                  Appender app = f.db.appender();
                  for (int k = 0; k < 400; k++) {
                    long from = upTo.get();
                    write(app, from, from + 15_000);
                    upTo.set(from + 15_000);
                  }
                } catch (Throwable e) {
                  failed.set(e);
                }
              });
      writer.start();
      StreamingRuntime.Handle[] hs = new StreamingRuntime.Handle[RULES.length * 5];
      for (int i = 0; i < hs.length; i++) {
        hs[i] = f.rt.register(PromQL.parse(RULES[i % RULES.length]));
        // Rule threads evaluate while commits go on.
        hs[i].evaluate(f.rt.watermark());
      }
      writer.join();
      assertEquals(null, failed.get());
      long now = upTo.get() - 15_000;
      for (StreamingRuntime.Handle h : hs) {
        f.both(h, now);
      }
    }
  }
}
