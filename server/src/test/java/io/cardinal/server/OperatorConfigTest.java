package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.TestTarget;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * A scrape job as prometheus-operator (kube-prometheus-stack) writes it for a ServiceMonitor — the
 * endpoints role, its keep/replace/hashmod relabeling on service, endpoint and pod meta labels, its
 * scrape settings, a rule file and an Alertmanager — loads, discovers from the API server (the
 * client's mock, CRUD mode), and scrapes, with the target labels worked out by hand from the
 * relabeling rules: {@code container}, {@code endpoint}, {@code instance}, {@code job}, {@code
 * namespace}, {@code pod}, {@code service}.
 */
class OperatorConfigTest extends KubernetesServerTest {
  @Test
  void serviceMonitorJobDiscoversAndLabelsAsPrometheusWould() throws Exception {
    target = new TestTarget();
    target.body = "# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} 7\n";
    int port = Integer.parseInt(target.address().substring(target.address().lastIndexOf(':') + 1));
    client
        .services()
        .inNamespace("shop")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("checkout")
                .withNamespace("shop")
                .addToLabels("app.kubernetes.io/name", "checkout")
                .endMetadata()
                .withNewSpec()
                .withClusterIP("10.96.1.2")
                .addNewPort()
                .withName("http-metrics")
                .withPort(port)
                .endPort()
                .endSpec()
                .build())
        .create();
    // A second service the ServiceMonitor's selector does not match.
    client
        .services()
        .inNamespace("shop")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("cart")
                .withNamespace("shop")
                .addToLabels("app.kubernetes.io/name", "cart")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("http-metrics")
                .withPort(port)
                .endPort()
                .endSpec()
                .build())
        .create();
    client
        .pods()
        .inNamespace("shop")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("checkout-5b8c-q7")
                .withNamespace("shop")
                .endMetadata()
                .withNewSpec()
                .withNodeName("node-a")
                .addNewContainer()
                .withName("checkout")
                .withImage("shop/checkout:2.3")
                .addNewPort()
                .withName("http-metrics")
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
    for (String svc : new String[] {"checkout", "cart"}) {
      client
          .endpoints()
          .inNamespace("shop")
          .resource(
              new EndpointsBuilder()
                  .withNewMetadata()
                  .withName(svc)
                  .withNamespace("shop")
                  .endMetadata()
                  .addNewSubset()
                  .addNewAddress()
                  .withIp("127.0.0.1")
                  .withNodeName("node-a")
                  .withNewTargetRef()
                  .withKind("Pod")
                  .withName(svc.equals("checkout") ? "checkout-5b8c-q7" : "cart-0")
                  .withNamespace("shop")
                  .endTargetRef()
                  .endAddress()
                  .addNewPort()
                  .withName("http-metrics")
                  .withPort(port)
                  .endPort()
                  .endSubset()
                  .build())
          .create();
    }
    Files.writeString(
        dir.resolve("rules.yml"),
        "groups:\n  - name: shop\n    rules:\n      - record: service:http_requests:sum\n"
            + "        expr: sum by (service) (http_requests_total)\n");
    String job = "serviceMonitor/shop/checkout/0";
    String yaml =
        "global:\n"
            + "  evaluation_interval: 200ms\n  scrape_interval: 200ms\n  scrape_timeout: 150ms\n"
            + "  external_labels: {prometheus: monitoring/kube-prometheus-stack-prometheus,"
            + " prometheus_replica: prometheus-kube-prometheus-stack-prometheus-0}\n"
            + "rule_files: [rules.yml]\n"
            + "alerting:\n  alert_relabel_configs:\n    - {action: labeldrop, regex: prometheus_replica}\n"
            + "  alertmanagers:\n    - path_prefix: /\n      scheme: http\n      api_version: v2\n"
            + "      static_configs: [{targets: ['127.0.0.1:9093']}]\n"
            + "scrape_configs:\n"
            + "- job_name: "
            + job
            + "\n  honor_labels: false\n  honor_timestamps: true\n"
            + "  track_timestamps_staleness: false\n  scrape_interval: 200ms\n"
            + "  scrape_timeout: 150ms\n  metrics_path: /metrics\n  scheme: http\n"
            + "  enable_compression: true\n  follow_redirects: true\n  enable_http2: true\n"
            + "  relabel_configs:\n"
            + "  - source_labels: [job]\n    target_label: __tmp_prometheus_job_name\n"
            + "  - source_labels: [__meta_kubernetes_service_label_app_kubernetes_io_name,"
            + " __meta_kubernetes_service_labelpresent_app_kubernetes_io_name]\n"
            + "    regex: (checkout);true\n    action: keep\n"
            + "  - source_labels: [__meta_kubernetes_endpoint_port_name]\n"
            + "    regex: http-metrics\n    action: keep\n"
            + "  - source_labels: [__meta_kubernetes_endpoint_address_target_kind,"
            + " __meta_kubernetes_endpoint_address_target_name]\n"
            + "    separator: ;\n    regex: Node;(.*)\n    replacement: ${1}\n    target_label: node\n"
            + "  - source_labels: [__meta_kubernetes_endpoint_address_target_kind,"
            + " __meta_kubernetes_endpoint_address_target_name]\n"
            + "    separator: ;\n    regex: Pod;(.*)\n    replacement: ${1}\n    target_label: pod\n"
            + "  - source_labels: [__meta_kubernetes_namespace]\n    target_label: namespace\n"
            + "  - source_labels: [__meta_kubernetes_service_name]\n    target_label: service\n"
            + "  - source_labels: [__meta_kubernetes_pod_name]\n    target_label: pod\n"
            + "  - source_labels: [__meta_kubernetes_pod_container_name]\n"
            + "    target_label: container\n"
            + "  - action: drop\n    source_labels: [__meta_kubernetes_pod_phase]\n"
            + "    regex: (Failed|Succeeded)\n"
            + "  - source_labels: [__meta_kubernetes_service_name]\n    target_label: job\n"
            + "    replacement: ${1}\n"
            + "  - target_label: endpoint\n    replacement: http-metrics\n"
            + "  - source_labels: [__address__]\n    target_label: __tmp_hash\n    modulus: 1\n"
            + "    action: hashmod\n"
            + "  - source_labels: [__tmp_hash]\n    regex: 0\n    action: keep\n"
            + "  metric_relabel_configs: []\n"
            + "  kubernetes_sd_configs:\n"
            + "  - role: endpoints\n    api_server: "
            + client.getConfiguration().getMasterUrl()
            + "\n    tls_config: {insecure_skip_verify: true}\n"
            + "    namespaces:\n      names: [shop]\n";
    cardinal = ServerHarness.start(dir, yaml, null);
    cardinal.awaitBody(
        "the ServiceMonitor's target scraped",
        "/api/v1/query?query=http_requests_total",
        "\"service\":\"checkout\"");
    String q = cardinal.get("/api/v1/query?query=http_requests_total").body();
    // By hand from the rules: job from the service name, pod from the endpoint's target, the
    // container whose port the endpoint names, the endpoint label set literally.
    assertTrue(
        q.contains(
            "\"metric\":{\"__name__\":\"http_requests_total\",\"code\":\"200\","
                + "\"container\":\"checkout\",\"endpoint\":\"http-metrics\",\"instance\":\"127.0.0.1:"
                + port
                + "\",\"job\":\"checkout\",\"namespace\":\"shop\",\"pod\":\"checkout-5b8c-q7\","
                + "\"service\":\"checkout\"}"),
        q);
    String targets = cardinal.get("/api/v1/targets").body();
    assertTrue(targets.contains("\"scrapePool\":\"" + job + "\""), targets);
    // The cart service's endpoint is dropped by the service selector: one active, one dropped.
    assertTrue(targets.contains("\"droppedTargetCounts\":{\"" + job + "\":1}"), targets);
    assertEquals(
        1, targets.split("\"health\":\"up\"", -1).length - 1, "one active target: " + targets);
    assertTrue(
        targets.contains("\"__meta_kubernetes_endpoint_address_target_name\":\"cart-0\""),
        "the dropped target keeps its discovered labels: " + targets);
    cardinal.awaitBody(
        "the rule over the scraped series",
        "/api/v1/query?query=service:http_requests:sum",
        "\"service\":\"checkout\"");
  }
}
