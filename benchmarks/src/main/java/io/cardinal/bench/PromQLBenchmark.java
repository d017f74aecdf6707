package io.cardinal.bench;

import io.cardinal.promql.PromQL;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.engine.Engine;
import io.cardinal.promql.engine.EngineOptions;
import io.cardinal.promql.engine.QueryResult;
import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.head.HeadAppender;
import io.cardinal.tsdb.head.HeadOptions;
import io.cardinal.tsdb.labels.Labels;
import java.util.List;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * PromQL parse time over a corpus of real-world queries, and evaluation of range queries over
 * 10,000 series holding 1h of samples at a 15s scrape interval (241 samples each; seed fixed):
 *
 * <ul>
 *   <li>{@code http_requests_total{job, instance, pod}}: 9,000 counters,
 *   <li>{@code request_duration_seconds_bucket{job, instance, le}}: 100 histograms x 10 buckets,
 *   <li>{@code node_info{instance, node}}: 100 info series for {@code group_left} joins.
 * </ul>
 *
 * Each evaluation benchmark is a range query over the full hour at a 60s step (61 steps).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g"})
public class PromQLBenchmark {
  static final long START = 1_700_000_000_000L;
  static final long HOUR = 3_600_000L;
  static final long SCRAPE = 15_000L;
  static final long STEP = 60_000L;

  static final List<String> CORPUS =
      List.of(
          "up",
          "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m])) / sum by (job) (rate(http_requests_total[5m]))",
          "histogram_quantile(0.99, sum by (le, service) (rate(request_duration_seconds_bucket{env=\"prod\"}[5m])))",
          "topk(10, sum without (instance, pod) (rate(container_cpu_usage_seconds_total{namespace!~\"kube-.*\"}[2m])))",
          "100 * (1 - avg by (instance) (irate(node_cpu_seconds_total{mode=\"idle\"}[5m])))",
          "node_filesystem_avail_bytes{fstype!~\"tmpfs|overlay\"} / node_filesystem_size_bytes < 0.1 and "
              + "predict_linear(node_filesystem_avail_bytes[6h], 24 * 3600) < 0",
          "sum(kube_pod_container_resource_requests{resource=\"memory\"}) by (namespace) * on (namespace) "
              + "group_left (team) kube_namespace_labels",
          "max_over_time(deriv(rate(process_cpu_seconds_total[1m])[30m:1m])[1h:5m])",
          "absent(up{job=\"alertmanager\"} == 1)",
          "count_values(\"version\", build_info) by (job)",
          "label_replace(rate(http_requests_total[5m]), \"svc\", \"$1\", \"service\", \"(.*)-canary\")",
          "increase(http_requests_total{handler=\"/api/v1/query\"}[1h] offset 1d @ end())",
          "quantile_over_time(0.95, (sum by (route) (rate(http_server_duration_seconds_sum[5m])))[1h:])",
          "clamp_min(sum by (cluster) (rate(apiserver_request_total{verb!~\"WATCH|CONNECT\"}[5m])), 1) unless "
              + "on (cluster) (sum by (cluster) (up{job=\"apiserver\"}) == 0)");

  static final String SELECTOR = "http_requests_total{job=\"job-3\"}";
  static final String RATE = "rate(http_requests_total{job=\"job-3\"}[5m])";
  static final String SUM_BY = "sum by (job) (rate(http_requests_total[5m]))";
  static final String TOPK = "topk(5, rate(http_requests_total[5m]))";
  static final String HISTOGRAM_QUANTILE =
      "histogram_quantile(0.99, sum by (le) (rate(request_duration_seconds_bucket[5m])))";
  static final String REGEX = "sum(rate(http_requests_total{pod=~\"pod-1.*7\"}[5m]))";
  static final String GROUP_LEFT =
      "sum by (instance) (rate(http_requests_total[5m])) * on (instance) group_left (node) node_info";
  static final String SUBQUERY =
      "max_over_time(sum by (job) (rate(http_requests_total[1m]))[10m:30s])";

  @Param({"10000"})
  int series;

  Head head;
  Engine engine;
  Expr[] parsedCorpus;

  @Setup
  public void setup() {
    head = new Head(HeadOptions.defaults().withChunkRange(java.time.Duration.ofMillis(4 * HOUR)));
    engine = new Engine(EngineOptions.defaults().withMaxSamples(100_000_000L));
    SplittableRandom rnd = new SplittableRandom(42);
    int histograms = 100;
    int buckets = 10;
    int info = 100;
    int counters = series - histograms * buckets - info;
    Labels[] ls = new Labels[series];
    int k = 0;
    for (int i = 0; i < counters; i++) {
      ls[k++] =
          Labels.of(
              "__name__",
              "http_requests_total",
              "job",
              "job-" + (i % 10),
              "instance",
              "inst-" + (i % 100),
              "pod",
              "pod-" + i);
    }
    String[] les = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};
    for (int h = 0; h < histograms; h++) {
      for (int b = 0; b < buckets; b++) {
        ls[k++] =
            Labels.of(
                "__name__",
                "request_duration_seconds_bucket",
                "job",
                "job-" + (h % 10),
                "instance",
                "inst-" + h,
                "le",
                les[b]);
      }
    }
    for (int i = 0; i < info; i++) {
      ls[k++] =
          Labels.of("__name__", "node_info", "instance", "inst-" + i, "node", "node-" + (i % 7));
    }
    long[] refs = new long[series];
    double[] values = new double[series];
    HeadAppender app = head.appender();
    for (long t = START; t <= START + HOUR; t += SCRAPE) {
      for (int s = 0; s < series; s++) {
        boolean isInfo = s >= series - info;
        boolean isBucket = s >= counters && !isInfo;
        if (isInfo) {
          values[s] = 1;
        } else if (isBucket) {
          int b = (s - counters) % buckets;
          values[s] += (b + 1) * (1 + rnd.nextInt(3));
        } else {
          values[s] += rnd.nextInt(20);
        }
        long r = app.append(refs[s], refs[s] > 0 ? null : ls[s], t, values[s]);
        if (r > 0) {
          refs[s] = r;
        }
      }
      app.commit();
    }
    parsedCorpus = new Expr[CORPUS.size()];
  }

  @TearDown
  public void tearDown() {
    head.close();
  }

  private QueryResult range(String q) {
    return engine.rangeQuery(head::querier, q, START, START + HOUR, STEP);
  }

  @Benchmark
  public void parseCorpus(Blackhole bh) {
    for (String q : CORPUS) {
      bh.consume(PromQL.parse(q));
    }
  }

  @Benchmark
  public QueryResult selector() {
    return range(SELECTOR);
  }

  @Benchmark
  public QueryResult rate() {
    return range(RATE);
  }

  @Benchmark
  public QueryResult sumByRate() {
    return range(SUM_BY);
  }

  @Benchmark
  public QueryResult topk() {
    return range(TOPK);
  }

  @Benchmark
  public QueryResult histogramQuantile() {
    return range(HISTOGRAM_QUANTILE);
  }

  @Benchmark
  public QueryResult regexMatcher() {
    return range(REGEX);
  }

  @Benchmark
  public QueryResult groupLeftJoin() {
    return range(GROUP_LEFT);
  }

  @Benchmark
  public QueryResult subquery() {
    return range(SUBQUERY);
  }
}
