package io.cardinal.bench;

import io.cardinal.storage.block.Block;
import io.cardinal.storage.block.BlockMeta;
import io.cardinal.storage.block.BlockWriter;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import io.cardinal.tsdb.workload.LabelProfile;
import io.cardinal.tsdb.workload.ValueModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Block write and read throughput on the realistic workload: a 2h head of N series at 15 s (480
 * samples each) written as a block, and every sample of that block read back through the block
 * querier. Scores are milliseconds per whole block; divide the samples (aux counter {@code
 * samples}, summed per iteration) by the time for samples/s. {@code bytesPerSample} is printed at
 * the end.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g"})
public class BlockBenchmark {
  static final long H2 = 7_200_000L;

  @Param({"20000"})
  int series;

  Head head;
  Path dir;
  Path written;
  Block block;

  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Count {
    public long samples;
  }

  @Setup(Level.Trial)
  public void setup() throws IOException {
    head = Head.inMemory();
    HeadAppender app = head.appender();
    long[] refs = new long[series];
    double[] vals = new double[series];
    SplittableRandom r = new SplittableRandom(5);
    for (int k = 0; k < 480; k++) {
      long t = k * 15_000L;
      for (int i = 0; i < series; i++) {
        ValueModel m = ValueModel.forSeries(i);
        vals[i] = k == 0 ? m.initial(r) : m.next(vals[i], r);
        refs[i] = app.append(refs[i], k == 0 ? LabelProfile.DEFAULT.labels(i) : null, t, vals[i]);
      }
      app.commit();
    }
    dir = Files.createTempDirectory("blockbench");
    BlockMeta m =
        BlockWriter.write(
            dir, head.chunkSeries(0, H2 - 1), head.symbols(), BlockWriter.Spec.fresh(0, H2));
    written = dir.resolve(m.ulid);
    block = Block.open(written);
    long bytes;
    try (Stream<Path> s = Files.walk(written)) {
      bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    System.out.printf(
        "%nblock of %d series, %d samples: %.3f bytes/sample on disk%n",
        m.numSeries, m.numSamples, (double) bytes / m.numSamples);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    block.close();
    head.close();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Benchmark
  public BlockMeta writeBlock(Count c) throws IOException {
    Path out = Files.createTempDirectory(dir, "w");
    BlockMeta m =
        BlockWriter.write(
            out, head.chunkSeries(0, H2 - 1), head.symbols(), BlockWriter.Spec.fresh(0, H2));
    c.samples += m.numSamples;
    return m;
  }

  @Benchmark
  public double readBlock(Count c) {
    SeriesSet set = block.querier(0, H2).select(true, 0, H2, Matcher.regex("__name__", ".+"));
    SampleIterator it = null;
    double sum = 0;
    long n = 0;
    while (set.next()) {
      it = set.at().iterator(it);
      while (it.next()) {
        sum += it.value();
        n++;
      }
    }
    c.samples += n;
    return sum;
  }
}
