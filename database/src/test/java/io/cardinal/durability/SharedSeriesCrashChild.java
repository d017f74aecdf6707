package io.cardinal.durability;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.storage.head.DurableOptions;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.labels.Labels;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link SharedSeriesCrashTest} kills: {@link #WRITERS} threads append batches of
 * {@link #BATCH} samples to the same {@link #SERIES} series, each batch taking the next ticket of
 * its series. Batch {@code k} of series {@code s} holds the samples at steps {@code [k * BATCH, (k
 * + 1) * BATCH)}, with value {@code s * 1e9 + step}. Two writers race for every series, so a batch
 * whose ticket was overtaken is rejected whole as out of order.
 *
 * <p>After each commit returns it prints one line: {@code A s k} (every sample appended,
 * acknowledged), {@code N s k} (none appended) or {@code P s k n} (n of them appended). The WAL is
 * fsynced periodically (the server's default): a process kill must lose nothing that the OS holds.
 */
public final class SharedSeriesCrashChild {
  static final long T0 = 1_700_000_000_000L;
  static final long STEP = 1000;
  static final int BATCH = 50;
  static final int SERIES = 3;
  static final int WRITERS = 4;

  static CardinalOptions options() {
    // Short chunk ranges and small files: kills also land in chunk cutting, memory-mapping and
    // segment rotation.
    return CardinalOptions.defaults()
        .withChunkRange(java.time.Duration.ofMillis(40 * STEP))
        .withCompactionInterval(java.time.Duration.ZERO)
        .withDurable(
            DurableOptions.DEFAULT.withWalSegmentSize(64 * 1024).withChunkFileSize(16 * 1024));
  }

  static Labels labels(int series) {
    return Labels.of("__name__", "shared", "s", Integer.toString(series));
  }

  static double value(int series, long step) {
    return series * 1e9 + step;
  }

  public static void main(String[] args) throws Exception {
    PrintStream out =
        new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
    long firstTicket = Long.parseLong(args[1]);
    try (Cardinal db = Cardinal.open(Path.of(args[0]), options())) {
      long max = db.headStats().maxTime();
      long resume = max == Long.MIN_VALUE ? 0 : (max - T0) / STEP / BATCH + 1;
      AtomicLong[] tickets = new AtomicLong[SERIES];
      for (int s = 0; s < SERIES; s++) {
        tickets[s] = new AtomicLong(Math.max(resume, firstTicket));
      }
      synchronized (out) {
        out.println("S " + db.replayStats().samplesDropped());
        out.flush();
      }
      Thread[] writers = new Thread[WRITERS];
      for (int w = 0; w < WRITERS; w++) {
        long seed = w;
        writers[w] = new Thread(() -> write(db, tickets, new Random(seed), out), "writer-" + w);
        writers[w].start();
      }
      for (Thread t : writers) {
        t.join();
      }
    }
  }

  private static void write(Cardinal db, AtomicLong[] tickets, Random rnd, PrintStream out) {
    Appender app = db.appender();
    while (true) {
      int s = rnd.nextInt(SERIES);
      long k = tickets[s].getAndIncrement();
      Labels labels = labels(s);
      long ref = 0;
      for (int j = 0; j < BATCH; j++) {
        long step = k * BATCH + j;
        long r = app.append(ref, labels, T0 + step * STEP, value(s, step));
        if (r > 0) {
          ref = r;
        }
      }
      CommitResult r = app.commit();
      long n = r.appended();
      String line =
          n == BATCH
              ? "A " + s + " " + k
              : n == 0 ? "N " + s + " " + k : "P " + s + " " + k + " " + n;
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    }
  }
}
