package io.cardinal.durability;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.storage.head.DurableOptions;
import io.cardinal.storage.head.SyncPolicy;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.labels.Labels;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The process {@link CrashRecoveryTest} kills: opens the database, resumes after the newest sample
 * it finds, and appends batches forever. After each commit returns it prints {@code A <step>};
 * before each head truncation it prints {@code T <mint>}. Batch {@code k} holds one sample at
 * {@code T0 + k * STEP} for each series id in {@code [k / CHURN, k / CHURN + WIDTH)}, with value
 * {@code id * 1e6 + k}, so the parent can recompute everything from the step numbers.
 */
public final class CrashChild {
  static final long T0 = 1_700_000_000_000L;
  static final long STEP = 1000;
  static final int WIDTH = 20;
  static final int CHURN = 25;
  static final int TRUNCATE_EVERY = 50;
  static final long KEEP = 100 * STEP;

  /** Idle time after which the "evict" mode's series leave the head for a block. */
  static final long IDLE = 5 * STEP;

  static CardinalOptions options(String mode) {
    CardinalOptions o = options();
    return mode.equals("evict") ? o.withStaleSeriesIdle(java.time.Duration.ofMillis(IDLE)) : o;
  }

  static CardinalOptions options() {
    return CardinalOptions.defaults()
        .withChunkRange(java.time.Duration.ofMillis(20 * STEP))
        .withCompactionInterval(java.time.Duration.ZERO)
        .withDurable(
            DurableOptions.of(SyncPolicy.PER_COMMIT)
                .withWalSegmentSize(64 * 1024)
                .withChunkFileSize(32 * 1024));
  }

  static Labels labels(long id) {
    return Labels.of("__name__", "crash", "id", Long.toString(id));
  }

  static long firstId(long step) {
    return step / CHURN;
  }

  static double value(long id, long step) {
    return id * 1e6 + step;
  }

  public static void main(String[] args) throws Exception {
    PrintStream out =
        new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
    // "compact" mode cuts the head into blocks and merges them instead of dropping old data, so
    // kills land in block writing and compaction too, and nothing may ever be lost.
    // "evict" also moves series idle for IDLE out of the head into blocks every few steps, so
    // kills land between an eviction's block, its WAL deletions and the series' removal.
    String mode = args.length > 1 ? args[1] : "truncate";
    boolean evict = mode.equals("evict");
    boolean compact = evict || mode.equals("compact");
    try (Cardinal db = Cardinal.open(Path.of(args[0]), options(mode))) {
      long max = db.headStats().maxTime();
      long step = max == Long.MIN_VALUE ? 0 : (max - T0) / STEP + 1;
      out.println("S " + step);
      out.flush();
      Appender app = db.appender();
      while (true) {
        long t = T0 + step * STEP;
        long first = firstId(step);
        for (long id = first; id < first + WIDTH; id++) {
          app.append(0, labels(id), t, value(id, step));
        }
        CommitResult r = app.commit();
        if (r.appended() != WIDTH) {
          out.println("E " + step + " " + r);
          out.flush();
          System.exit(3);
        }
        out.println("A " + step);
        out.flush();
        if (evict && step % 3 == 0 && step > 0) {
          out.println("V " + db.evictStaleSeries());
          out.flush();
        }
        if (compact && step % 10 == 0 && step > 0) {
          out.println("C " + db.compact());
          out.flush();
        } else if (!compact && step % TRUNCATE_EVERY == 0 && step > 0) {
          long mint = t - KEEP;
          out.println("T " + mint);
          out.flush();
          db.truncate(mint);
        }
        step++;
      }
    }
  }
}
