package io.cardinal.bench;

import com.carrotsearch.hppc.LongObjectHashMap;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.collections.Long2ObjectHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The head's series map is keyed by a 64-bit label hash (one map per lock stripe). This measures
 * the two primitive-keyed maps the design card offers for it, hppc's {@code LongObjectHashMap} (in
 * use) and Agrona's {@code Long2ObjectHashMap}, on the operation the append and lookup paths do: a
 * get of a present key by hash, over maps of the size one stripe holds at 1 M series.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PrimitiveMapBenchmark {
  static final int LOOKUPS = 1024;

  @Param({"1000", "100000"})
  int size;

  LongObjectHashMap<Object> hppc;
  Long2ObjectHashMap<Object> agrona;
  long[] probes;

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(42);
    hppc = new LongObjectHashMap<>();
    agrona = new Long2ObjectHashMap<>();
    long[] keys = new long[size];
    for (int i = 0; i < size; i++) {
      keys[i] = rnd.nextLong();
      Object v = new Object();
      hppc.put(keys[i], v);
      agrona.put(keys[i], v);
    }
    probes = new long[LOOKUPS];
    for (int i = 0; i < LOOKUPS; i++) {
      probes[i] = keys[rnd.nextInt(size)];
    }
  }

  @Benchmark
  @OperationsPerInvocation(LOOKUPS)
  public int hppcGet() {
    int found = 0;
    for (long k : probes) {
      found += hppc.get(k) != null ? 1 : 0;
    }
    return found;
  }

  @Benchmark
  @OperationsPerInvocation(LOOKUPS)
  public int agronaGet() {
    int found = 0;
    for (long k : probes) {
      found += agrona.get(k) != null ? 1 : 0;
    }
    return found;
  }
}
