package io.cardinal.bench;

import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.workload.LabelProfile;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appending to existing series by reference, one thread, batches of 1,000 series (one scrape of a
 * 1,000-series target per operation group). The score is samples per second; run with {@code -prof
 * gc} to see allocation per sample (expected: 0 in steady state). Like a server, the head is
 * truncated every 2h of sample time, so chunk metadata does not grow without bound.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public class AppendBenchmark {
  static final int BATCH = 1000;

  @Param({"1000"})
  int series;

  Head head;
  HeadAppender app;
  long[] refs;
  double[] values;
  long t;
  long rounds;

  @Setup(Level.Trial)
  public void setup() {
    head = Head.inMemory();
    app = head.appender();
    refs = new long[series];
    values = new double[series];
    t = 1_700_000_000_000L;
    for (int i = 0; i < series; i++) {
      Labels l = LabelProfile.DEFAULT.labels(i);
      refs[i] = app.append(0, l, t, i);
      values[i] = i;
    }
    app.commit();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    head.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long appendBatchByRef() {
    t += 15_000;
    if (++rounds % 480 == 0) {
      // Keep the head at production size: Prometheus truncates it every 2h of data.
      head.truncate(t - 2 * 3_600_000L);
    }
    long[] r = refs;
    double[] v = values;
    for (int i = 0; i < BATCH; i++) {
      v[i] += 1;
      app.append(r[i], null, t, v[i]);
    }
    CommitResult res = app.commit();
    return res.appended();
  }
}
