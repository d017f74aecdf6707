package io.cardinal.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.AppendStatus;
import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.labels.Labels;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One sample from a broken clock must not stop every other series from being stored. */
class HeadFutureTest {
  static final long NOW = 1_700_000_000_000L;
  static final Labels GOOD = Labels.of("__name__", "up", "instance", "good");
  static final Labels BAD = Labels.of("__name__", "a_total", "foo", "4");

  static Head head(Duration window) {
    return new Head(HeadOptions.defaults().withClock(() -> NOW).withMaxFuture(window));
  }

  @Test
  void aFarFutureSampleIsRefusedAndEveryoneElseKeepsIngesting() {
    Head head = head(HeadOptions.defaults().maxFuture());
    HeadAppender app = head.appender();
    app.append(0, GOOD, NOW - 15_000, 1);
    // What an overflowed OpenMetrics timestamp (12345678901234567890.1234567890 s) becomes, and
    // a remote-write sample ten years ahead.
    assertEquals(
        AppendStatus.TOO_FAR_IN_FUTURE, AppendStatus.of(app.append(0, BAD, Long.MAX_VALUE, 1)));
    assertEquals(
        AppendStatus.TOO_FAR_IN_FUTURE,
        AppendStatus.of(app.append(0, BAD, NOW + Duration.ofDays(3650).toMillis(), 1)));
    CommitResult r = app.commit();
    assertEquals(1, r.appended());
    assertEquals(2, r.count(AppendStatus.TOO_FAR_IN_FUTURE));
    assertEquals(NOW - 15_000, head.maxTime(), "the refused samples must not move the head's time");
    // The next scrape, 15s later, is stored: before the window it was out of bounds.
    app.append(0, GOOD, NOW, 1);
    assertEquals(1, app.commit().appended());
    assertEquals(2, head.metrics().samples(AppendStatus.TOO_FAR_IN_FUTURE));
  }

  @Test
  void theWindowIsInclusiveAndZeroAcceptsAnyTime() {
    Head head = head(Duration.ofMinutes(10));
    HeadAppender app = head.appender();
    long edge = NOW + Duration.ofMinutes(10).toMillis();
    assertTrue(app.append(0, GOOD, edge, 1) > 0, "clock plus the window is accepted");
    assertEquals(AppendStatus.TOO_FAR_IN_FUTURE, AppendStatus.of(app.append(0, BAD, edge + 1, 1)));
    app.commit();

    Head unbounded = head(Duration.ZERO);
    HeadAppender u = unbounded.appender();
    assertTrue(u.append(0, BAD, NOW + Duration.ofDays(3650).toMillis(), 1) > 0);
    assertEquals(1, u.commit().appended());
    assertEquals(Long.MAX_VALUE, unbounded.options().maxValidTime());
  }
}
