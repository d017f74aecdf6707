package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.TestTarget;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes discovery end to end, in the shape every Helm chart's "kubernetes-pods" job has: pods
 * found through the API server (the client's mock, CRUD mode), kept by their {@code
 * prometheus.io/scrape} annotation, relabeled from the meta labels, scraped, and their samples
 * stored with the relabeled labels; a pod deleted from the cluster stops being scraped.
 */
class KubernetesSdServerTest extends KubernetesServerTest {
  @Test
  void annotatedPodsAreDiscoveredRelabeledAndScraped() throws Exception {
    target = new TestTarget();
    target.body = "# TYPE app_up gauge\napp_up 1\n";
    int port = Integer.parseInt(target.address().substring(target.address().lastIndexOf(':') + 1));
    for (String[] p : new String[][] {{"web-1", "true"}, {"batch-1", "false"}}) {
      client
          .pods()
          .inNamespace("shop")
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName(p[0])
                  .withNamespace("shop")
                  .addToLabels("app", p[0].replaceAll("-\\d+$", ""))
                  .addToAnnotations("prometheus.io/scrape", p[1])
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("main")
                  .withImage("app:1")
                  .addNewPort()
                  .withName("metrics")
                  .withContainerPort(port)
                  .endPort()
                  .endContainer()
                  .endSpec()
                  .withNewStatus()
                  .withPodIP("127.0.0.1")
                  .withPhase("Running")
                  .endStatus()
                  .build())
          .create();
    }
    cardinal =
        ServerHarness.start(
            dir,
            "global:\n  scrape_interval: 200ms\n  scrape_timeout: 150ms\n"
                + "scrape_configs:\n"
                + "  - job_name: kubernetes-pods\n"
                + "    kubernetes_sd_configs:\n"
                + "      - role: pod\n"
                + "        api_server: "
                + client.getConfiguration().getMasterUrl()
                + "\n        tls_config: {insecure_skip_verify: true}\n"
                + "    relabel_configs:\n"
                + "      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]\n"
                + "        action: keep\n        regex: 'true'\n"
                + "      - action: labelmap\n        regex: __meta_kubernetes_pod_label_(.+)\n"
                + "      - source_labels: [__meta_kubernetes_namespace]\n        target_label: namespace\n"
                + "      - source_labels: [__meta_kubernetes_pod_name]\n        target_label: pod\n",
            null);
    cardinal.awaitBody(
        "the annotated pod scraped", "/api/v1/query?query=app_up", "\"pod\":\"web-1\"");
    String q = cardinal.get("/api/v1/query?query=app_up").body();
    assertTrue(
        q.contains(
            "\"metric\":{\"__name__\":\"app_up\",\"app\":\"web\",\"instance\":\"127.0.0.1:"
                + port
                + "\",\"job\":\"kubernetes-pods\",\"namespace\":\"shop\",\"pod\":\"web-1\"}"),
        q);
    String targets = cardinal.get("/api/v1/targets").body();
    assertTrue(targets.contains("\"__meta_kubernetes_pod_name\":\"batch-1\""), targets);
    assertTrue(targets.contains("\"droppedTargetCounts\":{\"kubernetes-pods\":1}"), targets);

    client.pods().inNamespace("shop").withName("web-1").delete();
    ServerHarness.await(
        "the deleted pod's target gone",
        20_000,
        () -> {
          try {
            return !cardinal.get("/api/v1/targets?state=active").body().contains("web-1");
          } catch (Exception e) {
            return false;
          }
        });
  }
}
