package io.cardinal.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.labels.Labels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Queries nested deeper than a handler thread's stack: Prometheus answers them, so must we (they
 * used to end in a StackOverflowError and an empty reply).
 */
class DeepQueryTest {
  private Head head;
  private final Engine engine = new Engine();

  @BeforeEach
  void setUp() {
    head = Head.inMemory();
    HeadAppender app = head.appender();
    app.append(0, Labels.of("__name__", "up", "job", "a"), 1000, 1);
    app.append(0, Labels.of("__name__", "up", "job", "b"), 1000, 1);
    app.commit();
  }

  @AfterEach
  void tearDown() {
    head.close();
  }

  private Value instant(String q) {
    return engine.instantQuery(head::querier, q, 1000).value();
  }

  @Test
  void tenThousandNestedParentheses() {
    String q = "(".repeat(10_000) + "7" + ")".repeat(10_000);
    assertEquals(7, ((Value.Scalar) instant(q)).value());
  }

  @Test
  void fiveThousandNestedSums() {
    String q = "sum(".repeat(5_000) + "up" + ")".repeat(5_000);
    Value.Vector v = (Value.Vector) instant(q);
    assertEquals(1, v.samples().size());
    assertEquals(2, v.samples().get(0).value());
  }

  @Test
  void aFiveThousandTermChain() {
    String q = "1" + "+1".repeat(4_999);
    assertEquals(5_000, ((Value.Scalar) instant(q)).value());
    String vec = "up" + "+up".repeat(4_999);
    Value.Vector v = (Value.Vector) instant(vec);
    assertEquals(2, v.samples().size());
    assertTrue(v.samples().stream().allMatch(s -> s.value() == 5_000));
  }
}
