package io.cardinal.bench.compare;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.storage.head.ReplayStats;
import java.nio.file.Path;

/** Opens a data directory, timing WAL replay to ready, and prints one JSON line. */
public final class ReplayOnce {
  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    try (Cardinal db =
        Cardinal.open(
            Path.of(args[0]),
            CardinalOptions.defaults().withCompactionInterval(java.time.Duration.ZERO))) {
      double secs = (System.nanoTime() - t0) / 1e9;
      ReplayStats st = db.replayStats();
      Runtime rt = Runtime.getRuntime();
      System.gc();
      System.out.printf(
          "{\"seconds_to_ready\":%.3f,\"series\":%d,\"samples\":%d,\"heap_bytes\":%d,\"stats\":\"%s\"}%n",
          secs,
          db.headSeries(),
          st.samples(),
          rt.totalMemory() - rt.freeMemory(),
          st.toString().replace('"', '\''));
    }
  }
}
