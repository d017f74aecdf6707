package io.cardinal.storage.head;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.head.HeadOptions;
import io.cardinal.tsdb.labels.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk: the error names the WAL segment it happened on (the OS's "No space left on device"
 * names no file), the failed batch is not acknowledged, and what was acknowledged before is kept.
 * Needs a small tmpfs, so root; skipped with a message elsewhere.
 */
class DiskFullTest {
  @TempDir Path tmp;

  static boolean run(String... cmd) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (java.io.IOException noSuchCommand) {
      return false;
    }
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }

  @Test
  void theErrorNamesTheSegmentAndAcknowledgedSamplesSurvive() throws Exception {
    Path mnt = tmp.resolve("small");
    Files.createDirectories(mnt);
    boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", mnt.toString());
    if (!mounted) {
      System.err.println("!!! DiskFullTest SKIPPED: cannot mount a small tmpfs (needs root)");
      Assumptions.assumeTrue(false, "no tmpfs mount");
    }
    try {
      Path data = mnt.resolve("data");
      DurableOptions opts =
          DurableOptions.of(SyncPolicy.PER_COMMIT)
              .withWalSegmentSize(128 * 1024)
              .withChunkFileSize(64 * 1024);
      long acked = 0;
      String error = null;
      try (DurableHead d =
          DurableHead.open(
              data, HeadOptions.defaults().withChunkRange(java.time.Duration.ofDays(365)), opts)) {
        Appender app = d.head().appender();
        long t = System.currentTimeMillis() - 3_600_000L;
        for (int batch = 0; batch < 100_000 && error == null; batch++) {
          for (int s = 0; s < 50; s++) {
            app.append(
                0, Labels.of("__name__", "m", "s", "series-" + s + "-" + "x".repeat(40)), t, batch);
          }
          t += 1000;
          try {
            acked += app.commit().appended();
          } catch (RuntimeException e) {
            error = String.valueOf(e.getMessage()) + " / " + e.getCause();
          }
        }
      } catch (RuntimeException closing) {
        // closing a WAL on a full disk may fail too; what was acknowledged is checked below
      }
      assertTrue(error != null, "the disk never filled");
      assertTrue(error.contains(data.resolve("wal").toString()), error);
      assertTrue(error.contains("No space left on device"), error);
      // Still full, the repair of the torn tail cannot write either, and says where.
      java.io.IOException stillFull =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.io.IOException.class,
              () ->
                  DurableHead.open(
                      data,
                      HeadOptions.defaults().withChunkRange(java.time.Duration.ofDays(365)),
                      opts.withSyncPolicy(SyncPolicy.PERIODIC)));
      assertTrue(
          stillFull.getMessage().contains(data.resolve("wal").toString()), stillFull.getMessage());
      // The operator frees space; the restart then keeps every acknowledged sample.
      assertTrue(run("mount", "-o", "remount,size=8m", mnt.toString()), "remount");
      try (DurableHead d =
          DurableHead.open(
              data,
              HeadOptions.defaults().withChunkRange(java.time.Duration.ofDays(365)),
              opts.withSyncPolicy(SyncPolicy.PERIODIC))) {
        assertTrue(
            d.replayStats().samples() + d.replayStats().samplesInMappedChunks() >= acked,
            "acknowledged " + acked + ", replayed " + d.replayStats());
      }
    } finally {
      run("umount", "-l", mnt.toString());
    }
  }
}
