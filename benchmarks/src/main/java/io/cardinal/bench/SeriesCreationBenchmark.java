package io.cardinal.bench;

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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Creating series with 10 realistic labels (LabelProfile.DEFAULT): hash, stripe lookup, reference
 * allocation, postings and symbol interning, first sample. Labels are generated before the
 * measurement so the score is the head's cost only. Score: series per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx6g"})
public class SeriesCreationBenchmark {
  static final int BATCH = 1000;
  static final int POOL = 2_000_000;

  Labels[] pool;
  Head head;
  HeadAppender app;
  int next;

  @Setup
  public void labels() {
    pool = new Labels[POOL];
    for (int i = 0; i < POOL; i++) {
      pool[i] = LabelProfile.DEFAULT.labels(i);
    }
  }

  @Setup(Level.Iteration)
  public void setup() {
    head = Head.inMemory();
    app = head.appender();
    next = 0;
  }

  @TearDown(Level.Iteration)
  public void tearDown() {
    head.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long createSeries() {
    if (next + BATCH > POOL) {
      // Pool exhausted within one iteration: start over on a fresh head (rare; keeps memory
      // bounded).
      head.close();
      head = Head.inMemory();
      app = head.appender();
      next = 0;
    }
    for (int i = 0; i < BATCH; i++) {
      app.append(0, pool[next++], 1_700_000_000_000L, 1);
    }
    return app.commit().seriesCreated();
  }
}
