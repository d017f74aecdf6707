package io.cardinal.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.head.Head;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The timeout and cancellation stop a query between the steps of a range function, not only between
 * series: one series whose windows hold millions of samples (a 1s subquery over 20 days, evaluated
 * at 10,000 steps, about 30 s of work) ran to its end before.
 */
class TimeoutTest {
  static final String HEAVY = "quantile_over_time(0.5, (vector(time()) * 2)[20d:1s])";
  static final long END = 1_700_000_000_000L;

  @Test
  void theTimeoutStopsOneHeavySeriesBetweenSteps() {
    Head head = Head.inMemory();
    Engine e = new Engine(EngineOptions.defaults().withTimeout(Duration.ofMillis(300)));
    long t0 = System.nanoTime();
    QueryException x =
        assertThrows(
            QueryException.class,
            () -> e.rangeQuery(head::querier, HEAVY, END - 10_000 * 60_000L, END, 60_000));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(QueryException.Kind.TIMEOUT, x.kind());
    assertTrue(ms < 5_000, "stopped after " + ms + " ms");
  }

  @Test
  void anInterruptCancelsIt() throws Exception {
    Head head = Head.inMemory();
    Engine e = new Engine();
    Thread me = Thread.currentThread();
    Thread interrupter =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException ignored) {
                return;
              }
              me.interrupt();
            });
    interrupter.start();
    long t0 = System.nanoTime();
    try {
      QueryException x =
          assertThrows(
              QueryException.class,
              () -> e.rangeQuery(head::querier, HEAVY, END - 10_000 * 60_000L, END, 60_000));
      assertEquals(QueryException.Kind.CANCELED, x.kind());
    } finally {
      interrupter.join();
      Thread.interrupted();
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 5_000, "stopped after " + ms + " ms");
  }
}
