package io.cardinal.storage.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.head.HeadOptions;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A WAL that already holds a far-future sample replays without poisoning the head. */
class FutureSampleReplayTest {
  @TempDir Path dir;

  @Test
  void aFarFutureSampleInTheWalIsDroppedAtReplayAndIngestionGoesOn() throws IOException {
    long now = System.currentTimeMillis();
    Labels good = Labels.of("__name__", "up", "instance", "good");
    Labels bad = Labels.of("__name__", "a_total", "foo", "4");
    DurableOptions opts = DurableOptions.of(SyncPolicy.PERIODIC);
    // Written by a head without the window, as every WAL before it existed could be.
    try (DurableHead d =
        DurableHead.open(dir, HeadOptions.defaults().withMaxFuture(Duration.ZERO), opts)) {
      Appender app = d.head().appender();
      app.append(0, good, now - 15_000, 1);
      app.append(0, bad, now + Duration.ofDays(3650).toMillis(), 1);
      assertEquals(2, app.commit().appended());
    }
    try (DurableHead d = DurableHead.open(dir, HeadOptions.defaults(), opts)) {
      ReplayStats st = d.replayStats();
      assertEquals(1, st.samples(), st.toString());
      assertTrue(
          st.warnings().stream().anyMatch(w -> w.contains("1 WAL samples later than the clock")),
          st.warnings().toString());
      assertTrue(d.head().maxTime() <= now, "the head's time must not be poisoned");
      Appender app = d.head().appender();
      app.append(0, good, System.currentTimeMillis(), 2);
      assertEquals(1, app.commit().appended(), "a fresh sample must be stored after the replay");
    }
  }
}
