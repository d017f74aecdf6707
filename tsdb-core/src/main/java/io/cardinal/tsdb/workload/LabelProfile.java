package io.cardinal.tsdb.workload;

import io.cardinal.tsdb.labels.Labels;

/**
 * A realistic label set generator: series {@code i} of a fleet of targets, each target exposing
 * {@code metricsPerTarget} series. Ten labels per series: {@code __name__, job, instance, env,
 * region, cluster, namespace, pod, container, service}, with cardinalities like a Kubernetes
 * deployment (a pod per target, tens of namespaces, a handful of regions).
 *
 * <p>Deterministic: the same index always yields the same labels, so two systems (or two runs) can
 * be fed identical data.
 */
public final class LabelProfile {
  private final int metricsPerTarget;
  private final int extraLabels;
  private final int valuePadding;

  /** The default profile: 250 series per target, 10 labels. */
  public static final LabelProfile DEFAULT = new LabelProfile(250, 0, 0);

  /**
   * @param metricsPerTarget series each target exposes (distinct metric names)
   * @param extraLabels labels added beyond the ten (label_0 .. label_n, low cardinality)
   * @param valuePadding characters appended to the pod value, to model longer label values
   */
  public LabelProfile(int metricsPerTarget, int extraLabels, int valuePadding) {
    this.metricsPerTarget = metricsPerTarget;
    this.extraLabels = extraLabels;
    this.valuePadding = valuePadding;
  }

  public int labelsPerSeries() {
    return 10 + extraLabels;
  }

  public Labels labels(long i) {
    long target = i / metricsPerTarget;
    int metric = (int) (i % metricsPerTarget);
    String[] p = new String[(10 + extraLabels) * 2];
    int k = 0;
    p[k++] = Labels.METRIC_NAME;
    p[k++] =
        METRIC_WORDS[metric % METRIC_WORDS.length]
            + "_"
            + (metric / METRIC_WORDS.length)
            + "_total";
    p[k++] = "job";
    p[k++] = "job-" + (target % 20);
    p[k++] = "instance";
    p[k++] =
        "10."
            + ((target >> 16) & 255)
            + "."
            + ((target >> 8) & 255)
            + "."
            + (target & 255)
            + ":9100";
    p[k++] = "env";
    p[k++] = ENVS[(int) (target % ENVS.length)];
    p[k++] = "region";
    p[k++] = "region-" + (target % 6);
    p[k++] = "cluster";
    p[k++] = "cluster-" + (target % 24);
    p[k++] = "namespace";
    p[k++] = "ns-" + (target % 60);
    p[k++] = "pod";
    p[k++] =
        "app-"
            + (target % 60)
            + "-"
            + Long.toHexString(0x5f3759dfL * (target + 1) & 0xFFFFFFFL)
            + "-"
            + (target % 5)
            + "x".repeat(valuePadding);
    p[k++] = "container";
    p[k++] = "c" + (target % 8);
    p[k++] = "service";
    p[k++] = "svc-" + (target % 120);
    for (int e = 0; e < extraLabels; e++) {
      p[k++] = "label_" + e;
      p[k++] = "v" + ((i + e) % 10);
    }
    return Labels.of(p);
  }

  private static final String[] ENVS = {"prod", "staging", "dev"};
  private static final String[] METRIC_WORDS = {
    "http_requests",
    "http_request_duration_seconds_bucket",
    "process_cpu_seconds",
    "node_network_receive_bytes",
    "grpc_server_handled",
    "go_gc_duration_seconds",
    "node_cpu_seconds",
    "rpc_errors",
    "kafka_consumer_lag",
    "db_queries",
  };
}
