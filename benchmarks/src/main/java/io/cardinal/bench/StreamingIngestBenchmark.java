package io.cardinal.bench;

import io.cardinal.promql.PromQL;
import io.cardinal.promql.engine.EngineOptions;
import io.cardinal.streaming.StreamingRuntime;
import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
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
 * What streaming rule evaluation adds to the append path: batches of 1,000 samples appended by
 * reference to a head of {@code series} series (the realistic ten-label profile, 250 metric names),
 * every series getting one sample per 15 s of sample time as a scrape gives it, with the streaming
 * runtime as the head's commit observer holding {@code rules} alerting rules over those metrics (0:
 * no observer). Rule i reads metric i mod 250 scoped to one of 20 jobs, in one of three shapes (a
 * rate, an increase, a max_over_time), so rules share selectors as real rule sets do. The score is
 * time per appended sample; compare rules=0 with the others, and run with {@code -prof gc} to see
 * that the streamed path allocates nothing per sample either.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx3g"})
public class StreamingIngestBenchmark {
  static final int BATCH = 1000;

  @Param({"200000"})
  int series;

  @Param({"0", "1000", "10000"})
  int rules;

  Head head;
  HeadAppender app;
  StreamingRuntime runtime;
  long[] refs;
  double[] values;
  long t;
  int next;
  long rounds;

  @Setup(Level.Trial)
  public void setup() {
    head = Head.inMemory();
    app = head.appender();
    refs = new long[series];
    values = new double[series];
    t = 1_700_000_000_000L;
    for (int i = 0; i < series; i++) {
      refs[i] = app.append(0, LabelProfile.DEFAULT.labels(i), t, i);
      values[i] = i;
      if (i % BATCH == BATCH - 1) {
        app.commit();
      }
    }
    app.commit();
    if (rules > 0) {
      runtime =
          new StreamingRuntime(
              head::querier,
              head::labelsOf,
              head::maxTime,
              EngineOptions.defaults(),
              StreamingRuntime.DEFAULT_GRACE_MS,
              0);
      head.setCommitObserver(runtime);
      String[] shapes = {
        "sum by (instance) (rate(%s{job=\"job-%d\"}[5m])) > 1e12",
        "increase(%s{job=\"job-%d\"}[5m]) < 0",
        "max_over_time(%s{job=\"job-%d\"}[10m]) > 1e12",
      };
      for (int i = 0; i < rules; i++) {
        String name = LabelProfile.DEFAULT.labels(i % 250).metricName();
        String expr = String.format(shapes[i % 3], name, (i / 250) % 20);
        runtime.register(PromQL.parse(expr));
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (runtime != null) {
      runtime.close();
    }
    head.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long appendBatch() {
    if (next == 0) {
      t += 15_000;
      if (++rounds % 480 == 0) {
        head.truncate(t - 2 * 3_600_000L);
      }
    }
    long[] r = refs;
    double[] v = values;
    int end = Math.min(series, next + BATCH);
    for (int i = next; i < end; i++) {
      v[i] += 1;
      app.append(r[i], null, t, v[i]);
    }
    next = end == series ? 0 : end;
    CommitResult res = app.commit();
    return res.appended();
  }
}
