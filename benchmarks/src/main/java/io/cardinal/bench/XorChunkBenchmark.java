package io.cardinal.bench;

import io.cardinal.tsdb.chunk.XorChunk;
import io.cardinal.tsdb.chunk.XorIterator;
import io.cardinal.tsdb.workload.ValueModel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * XOR chunk encode and decode over the realistic value mix (ValueModel), 1,000 chunks of 120
 * samples at 15s. Scores are ns per sample; {@code bytesEncoded / samplesEncoded} (aux counters of
 * the encode run) is the compression figure, also printed at the end of the run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class XorChunkBenchmark {
  static final int CHUNKS = 1000;
  static final int SAMPLES = 120;

  long[][] ts = new long[CHUNKS][SAMPLES];
  double[][] vs = new double[CHUNKS][SAMPLES];
  byte[][] encoded = new byte[CHUNKS][];
  XorChunk chunk = new XorChunk(256);
  XorIterator it = new XorIterator();

  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Size {
    /** Summed over the iteration, like every EVENTS counter: divide by {@code samplesEncoded}. */
    public long bytesEncoded;

    public long samplesEncoded;
  }

  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(42);
    for (int c = 0; c < CHUNKS; c++) {
      ValueModel m = ValueModel.forSeries(c);
      double v = m.initial(r);
      long t = 1_700_000_000_000L + r.nextInt(15_000);
      XorChunk x = new XorChunk();
      for (int i = 0; i < SAMPLES; i++) {
        ts[c][i] = t;
        vs[c][i] = v;
        x.append(t, v);
        t += 15_000;
        v = m.next(v, r);
      }
      encoded[c] = x.toByteArray();
    }
  }

  @Benchmark
  @OperationsPerInvocation(CHUNKS * SAMPLES)
  public int encode(Size size) {
    long bytes = 0;
    for (int c = 0; c < CHUNKS; c++) {
      chunk.reset();
      long[] t = ts[c];
      double[] v = vs[c];
      for (int i = 0; i < SAMPLES; i++) {
        chunk.append(t[i], v[i]);
      }
      bytes += chunk.byteLength();
    }
    size.bytesEncoded += bytes;
    size.samplesEncoded += CHUNKS * SAMPLES;
    return (int) bytes;
  }

  @org.openjdk.jmh.annotations.TearDown
  public void report() {
    long bytes = 0;
    for (byte[] e : encoded) {
      bytes += e.length;
    }
    System.out.printf(
        "%nXOR realistic mix: %.3f bytes/sample over %d samples%n",
        (double) bytes / (CHUNKS * SAMPLES), CHUNKS * SAMPLES);
  }

  @Benchmark
  @OperationsPerInvocation(CHUNKS * SAMPLES)
  public double decode() {
    double sum = 0;
    for (int c = 0; c < CHUNKS; c++) {
      byte[] b = encoded[c];
      it.reset(b, 0, b.length);
      while (it.next()) {
        sum += it.value();
      }
    }
    return sum;
  }
}
