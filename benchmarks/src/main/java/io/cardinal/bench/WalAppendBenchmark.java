package io.cardinal.bench;

import io.cardinal.storage.head.DurableHead;
import io.cardinal.storage.head.DurableOptions;
import io.cardinal.storage.head.SyncPolicy;
import io.cardinal.tsdb.CommitResult;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.head.HeadOptions;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.workload.LabelProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The cost of durability on the append path: one thread commits batches of 1,000 samples (one
 * scrape of a 1,000-series target, appended by reference) to a head without a WAL ({@code OFF}, the
 * baseline), and to a {@link DurableHead} under each {@link SyncPolicy}. The score is samples per
 * second. {@code PER_COMMIT} pays one fsync per batch, so its figure is mostly the disk's fsync
 * latency; {@code PERIODIC} and {@code NONE} show the cost of encoding and writing the WAL and the
 * head chunk files. Like a server, the head is truncated (and the WAL checkpointed) every 2h of
 * sample time, so the data directory stays bounded. The directory is created under {@code
 * -Dcardinal.bench.dir} (default: the system temporary directory): put it on the disk you want to
 * measure.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public class WalAppendBenchmark {
  static final int BATCH = 1000;

  @Param({"OFF", "NONE", "PERIODIC", "PER_COMMIT"})
  String policy;

  Path dir;
  Head head;
  DurableHead durable;
  HeadAppender app;
  long[] refs;
  double[] values;
  long t;
  long rounds;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    HeadOptions opts = HeadOptions.defaults();
    if (policy.equals("OFF")) {
      head = new Head(opts);
    } else {
      Path base =
          Path.of(System.getProperty("cardinal.bench.dir", System.getProperty("java.io.tmpdir")));
      dir = Files.createTempDirectory(base, "wal-bench");
      durable = DurableHead.open(dir, opts, DurableOptions.of(SyncPolicy.valueOf(policy)));
      head = durable.head();
    }
    app = head.appender();
    refs = new long[BATCH];
    values = new double[BATCH];
    t = 1_700_000_000_000L;
    for (int i = 0; i < BATCH; i++) {
      Labels l = LabelProfile.DEFAULT.labels(i);
      refs[i] = app.append(0, l, t, i);
      values[i] = i;
    }
    app.commit();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (durable != null) {
      durable.close();
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    } else {
      head.close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long appendBatch() throws IOException {
    t += 15_000;
    if (++rounds % 480 == 0) {
      long mint = t - 2 * 3_600_000L;
      if (durable != null) {
        durable.truncate(mint);
      } else {
        head.truncate(mint);
      }
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
