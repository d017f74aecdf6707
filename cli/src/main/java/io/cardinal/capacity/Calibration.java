package io.cardinal.capacity;

import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.head.HeadOptions;
import io.cardinal.tsdb.workload.ValueModel;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.SplittableRandom;

/**
 * Measures what a series costs in our own engine, in this JVM: builds a head with the server's
 * defaults (same stripes, chunk size, chunk range), ingests in scrape order (every series once per
 * scrape interval, values from the realistic {@link ValueModel} mix), then takes the heap in use
 * after repeated full GCs ({@link java.lang.management.MemoryMXBean}) and the chunk mapper's bytes.
 *
 * <p>Two heads are measured: an empty one, whose cost (lock stripes, empty maps) is the head's
 * fixed cost, and one with {@code n} series; bytes per series is the difference divided by {@code
 * n}. That average includes the amortised growth of the head's hash tables and postings at that
 * scale; the marginal slope between two sizes does not, and under-predicts whenever a table doubles
 * between the calibration size and the predicted one. Each measurement takes the smallest heap
 * reading of several GCs, so garbage not yet reclaimed does not count.
 */
final class Calibration {
  public static final long START = 1_700_000_000_000L / 7_200_000L * 7_200_000L;

  /** What the calibration measured. */
  public record Result(
      SeriesProfile profile,
      long series,
      int samplesPerSeries,
      double heapBytesPerSeries,
      double chunkBytesPerSeries,
      long fixedHeapBytes,
      long millis) {
    public double bytesPerSeries() {
      return heapBytesPerSeries + chunkBytesPerSeries;
    }

    /** Predicted heap + chunk bytes of a head with {@code n} series of this profile. */
    public double predictBytes(long n) {
      return fixedHeapBytes + n * bytesPerSeries();
    }
  }

  /** One measured head. */
  public record Measurement(long series, long heapBytes, long chunkBytes) {}

  private Calibration() {}

  public static Result run(
      SeriesProfile profile, long series, int samplesPerSeries, long scrapeIntervalMs) {
    if (series < 2 || series > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("calibration needs between 2 and 2^31 series");
    }
    if (samplesPerSeries < 1) {
      throw new IllegalArgumentException("samples per series must be positive");
    }
    long t0 = System.nanoTime();
    Measurement empty = measure(profile, 0, samplesPerSeries, scrapeIntervalMs);
    Measurement full = measure(profile, series, samplesPerSeries, scrapeIntervalMs);
    long fixed = Math.max(0, empty.heapBytes());
    double heap = (double) (full.heapBytes() - fixed) / series;
    double chunks = (double) full.chunkBytes() / series;
    return new Result(
        profile,
        series,
        samplesPerSeries,
        heap,
        chunks,
        fixed,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** Builds one head of {@code n} series, measures it and lets it go. */
  public static Measurement measure(
      SeriesProfile profile, long n, int samplesPerSeries, long scrapeIntervalMs) {
    long before = usedHeapAfterGc();
    Head head = new Head(HeadOptions.defaults().withChunkMapper(new CountingChunkMapper()));
    try {
      ingest(head, profile, 0, n, samplesPerSeries, scrapeIntervalMs);
      long heap = usedHeapAfterGc() - before;
      long chunks = head.chunkMapper().bytesUsed();
      return new Measurement(n, heap, chunks);
    } finally {
      Reference.reachabilityFence(head);
      head.close();
    }
  }

  /**
   * Appends {@code samplesPerSeries} samples to each of the series {@code [from, from+n)} of the
   * profile, in scrape order, committing every 10,000 samples as a scrape loop would.
   */
  public static void ingest(
      Head head,
      SeriesProfile profile,
      long from,
      long n,
      int samplesPerSeries,
      long scrapeIntervalMs) {
    HeadAppender app = head.appender();
    SplittableRandom rnd = new SplittableRandom(7 + from);
    int count = (int) n;
    long[] refs = new long[count];
    double[] vals = new double[count];
    for (int round = 0; round < samplesPerSeries; round++) {
      long t = START + round * scrapeIntervalMs;
      for (int i = 0; i < count; i++) {
        ValueModel m = ValueModel.forSeries(from + i);
        if (round == 0) {
          vals[i] = m.initial(rnd);
          refs[i] = app.append(0, profile.labels(from + i), t, vals[i]);
        } else {
          vals[i] = m.next(vals[i], rnd);
          app.append(refs[i], null, t, vals[i]);
        }
        if (i % 10_000 == 9_999) {
          app.commit();
        }
      }
      app.commit();
    }
  }

  /** Heap in use after full GCs: the smallest of several readings. */
  public static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
