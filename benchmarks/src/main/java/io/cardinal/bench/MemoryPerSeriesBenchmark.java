package io.cardinal.bench;

import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.workload.LabelProfile;
import io.cardinal.tsdb.workload.ValueModel;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Memory per active series, measured: builds a head of N series with 10 realistic labels and 120
 * samples each (the realistic value mix), then reports heap retained (after full GCs) plus the
 * chunk mapper's off-heap bytes, divided by N. Reported as aux counters: {@code bytesPerSeries},
 * {@code heapBytesPerSeries}, {@code offHeapBytesPerSeries}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx8g", "-XX:+UseParallelGC"})
public class MemoryPerSeriesBenchmark {
  @Param({"1000000"})
  int series;

  @Param({"120"})
  int samples;

  Head retained;

  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Result {
    public double bytesPerSeries;
    public double heapBytesPerSeries;
    public double offHeapBytesPerSeries;
  }

  static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  @Benchmark
  public long buildHead(Result r) {
    long before = usedHeapAfterGc();
    Head head = Head.inMemory();
    HeadAppender app = head.appender();
    SplittableRandom rnd = new SplittableRandom(7);
    long[] refs = new long[series];
    double[] vals = new double[series];
    long start = 1_700_000_000_000L / 7_200_000L * 7_200_000L;
    // Scrape order: every series once per 15s round, as a Prometheus server ingests.
    for (int round = 0; round < samples; round++) {
      long t = start + round * 15_000L;
      for (int i = 0; i < series; i++) {
        ValueModel m = ValueModel.forSeries(i);
        if (round == 0) {
          vals[i] = m.initial(rnd);
          refs[i] = app.append(0, LabelProfile.DEFAULT.labels(i), t, vals[i]);
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
    refs = null;
    vals = null;
    app = null;
    retained = head;
    long heap = usedHeapAfterGc() - before;
    long offHeap = head.chunkMapper().bytesUsed();
    r.heapBytesPerSeries = (double) heap / series;
    r.offHeapBytesPerSeries = (double) offHeap / series;
    r.bytesPerSeries = (double) (heap + offHeap) / series;
    return head.numSeries();
  }

  @TearDown(Level.Iteration)
  public void tearDown() {
    if (retained != null) {
      retained.close();
      retained = null;
    }
  }
}
