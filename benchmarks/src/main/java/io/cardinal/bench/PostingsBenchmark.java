package io.cardinal.bench;

import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.workload.LabelProfile;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Postings intersection for a 3-matcher select over 1,000,000 series (LabelProfile.DEFAULT): a
 * metric name (4,000 series), an environment (a third of all series) and a namespace regex.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx6g"})
public class PostingsBenchmark {
  @Param({"1000000"})
  int series;

  Head head;
  Matcher[] threeMatchers;
  Matcher[] regexHeavy;

  @Setup
  public void setup() {
    head = Head.inMemory();
    HeadAppender app = head.appender();
    for (int i = 0; i < series; i++) {
      app.append(0, LabelProfile.DEFAULT.labels(i), 1_700_000_000_000L, i);
      if (i % 10_000 == 9_999) {
        app.commit();
      }
    }
    app.commit();
    threeMatchers =
        new Matcher[] {
          Matcher.equal("__name__", "http_requests_0_total"),
          Matcher.equal("env", "prod"),
          Matcher.regex("namespace", "ns-1.*"),
        };
    regexHeavy =
        new Matcher[] {
          Matcher.regex("__name__", "http_.*"),
          Matcher.notEqual("env", "dev"),
          Matcher.regex("pod", ".*-3"),
        };
  }

  @TearDown
  public void tearDown() {
    head.close();
  }

  @Benchmark
  public int threeMatcherIntersection() {
    return head.postingsFor(threeMatchers).getCardinality();
  }

  @Benchmark
  public int regexHeavyIntersection() {
    return head.postingsFor(regexHeavy).getCardinality();
  }
}
