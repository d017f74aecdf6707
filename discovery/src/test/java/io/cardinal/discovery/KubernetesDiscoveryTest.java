package io.cardinal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.config.Config.KubernetesSdConfig;
import io.cardinal.config.Config.TlsConfig;
import io.cardinal.tsdb.labels.Labels;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * kubernetes_sd_configs against the Kubernetes client's own mock API server in CRUD mode, with
 * objects shaped as a real cluster has them. The expected labels are worked out by hand from
 * Prometheus's documentation of each role's meta labels.
 */
class KubernetesDiscoveryTest {
  /**
   * The client's mock API server in CRUD mode, one per test. Its shutdown waits 10 s for every
   * connection to close and then throws; the JDK client's closed watch connections can outlive
   * that, which says nothing about what is tested, so it is not a failure.
   */
  private KubernetesMockServer mock;

  KubernetesClient client;

  void startMock() {
    mock =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new java.util.HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    mock.init();
    client = mock.createClient();
  }

  @org.junit.jupiter.api.AfterEach
  void stopMock() {
    client.close();
    try {
      mock.destroy();
    } catch (IllegalStateException e) {
      // connections still closing after 10 s (see above)
    }
  }

  @BeforeEach
  void objects() {
    startMock();
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName("node-a")
                .addToLabels("kubernetes.io/hostname", "node-a")
                .addToAnnotations("node.alpha/ttl", "0")
                .endMetadata()
                .withNewSpec()
                .withProviderID("aws:///eu-west-1a/i-0abc")
                .endSpec()
                .withNewStatus()
                .addNewAddress("10.0.0.5", "InternalIP")
                .addNewAddress("node-a.internal", "Hostname")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .withNewDaemonEndpoints()
                .withNewKubeletEndpoint(10250)
                .endDaemonEndpoints()
                .endStatus()
                .build())
        .create();
    client
        .pods()
        .inNamespace("shop")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("web-7d9f-x2")
                .withNamespace("shop")
                .withUid("u-1")
                .addToLabels("app", "web")
                .addToLabels("app.kubernetes.io/part-of", "shop")
                .addToAnnotations("prometheus.io/scrape", "true")
                .addNewOwnerReference()
                .withKind("ReplicaSet")
                .withName("web-7d9f")
                .withController(true)
                .withApiVersion("apps/v1")
                .withUid("rs-1")
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withNodeName("node-a")
                .addNewContainer()
                .withName("web")
                .withImage("nginx:1.27")
                .addNewPort()
                .withName("http")
                .withContainerPort(8080)
                .withProtocol("TCP")
                .endPort()
                .addNewPort()
                .withName("metrics")
                .withContainerPort(9113)
                .withProtocol("TCP")
                .endPort()
                .endContainer()
                .addNewContainer()
                .withName("sidecar")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPodIP("10.1.0.7")
                .withHostIP("10.0.0.5")
                .withPhase("Running")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .addNewContainerStatus()
                .withName("web")
                .withContainerID("containerd://abc")
                .endContainerStatus()
                .endStatus()
                .build())
        .create();
    client
        .services()
        .inNamespace("shop")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("shop")
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withClusterIP("10.96.0.10")
                .addNewPort()
                .withName("http")
                .withPort(80)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build())
        .create();
    client
        .endpoints()
        .inNamespace("shop")
        .resource(
            new EndpointsBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("shop")
                .endMetadata()
                .addNewSubset()
                .addNewAddress()
                .withIp("10.1.0.7")
                .withNodeName("node-a")
                .withNewTargetRef()
                .withKind("Pod")
                .withName("web-7d9f-x2")
                .withNamespace("shop")
                .endTargetRef()
                .endAddress()
                .addNewPort()
                .withName("http")
                .withPort(8080)
                .withProtocol("TCP")
                .endPort()
                .endSubset()
                .build())
        .create();
  }

  private KubernetesSdConfig sd(String role, List<String> namespaces) {
    return new KubernetesSdConfig(
        role,
        client.getConfiguration().getMasterUrl(),
        "",
        false,
        namespaces,
        List.of(),
        null,
        null,
        new TlsConfig("", "", "", "", true));
  }

  /** Polls until the groups satisfy {@code done}; returns every target with its group labels. */
  private static List<Labels> targets(KubernetesDiscovery d, int expected) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      d.poll(System.currentTimeMillis());
      List<Labels> out = new ArrayList<>();
      for (TargetGroup g : d.groups()) {
        for (Labels t : g.targets()) {
          Labels.Builder b = Labels.builder();
          for (int i = 0; i < g.labels().size(); i++) {
            b.set(g.labels().name(i), g.labels().value(i));
          }
          for (int i = 0; i < t.size(); i++) {
            b.set(t.name(i), t.value(i));
          }
          out.add(b.build());
        }
      }
      if (out.size() == expected) {
        return out;
      }
      assertTrue(System.nanoTime() < deadline, "targets: " + out);
      Thread.sleep(20);
    }
  }

  private static Labels find(List<Labels> ts, String name, String value) {
    for (Labels t : ts) {
      if (value.equals(t.get(name))) {
        return t;
      }
    }
    throw new AssertionError("no target with " + name + "=" + value + " in " + ts);
  }

  @Test
  void podRoleOneTargetPerContainerPortAndPortlessContainer() throws Exception {
    AtomicInteger changes = new AtomicInteger();
    try (KubernetesDiscovery d =
        new KubernetesDiscovery(
            sd("pod", List.of("shop")), Path.of("."), changes::incrementAndGet)) {
      List<Labels> ts = targets(d, 3);
      Labels metrics = find(ts, "__address__", "10.1.0.7:9113");
      assertEquals("metrics", metrics.get("__meta_kubernetes_pod_container_port_name"));
      assertEquals("9113", metrics.get("__meta_kubernetes_pod_container_port_number"));
      assertEquals("TCP", metrics.get("__meta_kubernetes_pod_container_port_protocol"));
      assertEquals("web", metrics.get("__meta_kubernetes_pod_container_name"));
      assertEquals("nginx:1.27", metrics.get("__meta_kubernetes_pod_container_image"));
      assertEquals("containerd://abc", metrics.get("__meta_kubernetes_pod_container_id"));
      assertEquals("false", metrics.get("__meta_kubernetes_pod_container_init"));
      assertEquals("shop", metrics.get("__meta_kubernetes_namespace"));
      assertEquals("web-7d9f-x2", metrics.get("__meta_kubernetes_pod_name"));
      assertEquals("10.1.0.7", metrics.get("__meta_kubernetes_pod_ip"));
      assertEquals("10.0.0.5", metrics.get("__meta_kubernetes_pod_host_ip"));
      assertEquals("node-a", metrics.get("__meta_kubernetes_pod_node_name"));
      assertEquals("true", metrics.get("__meta_kubernetes_pod_ready"));
      assertEquals("Running", metrics.get("__meta_kubernetes_pod_phase"));
      // The API server assigns the UID (the mock as a real one).
      assertEquals(
          client.pods().inNamespace("shop").withName("web-7d9f-x2").get().getMetadata().getUid(),
          metrics.get("__meta_kubernetes_pod_uid"));
      assertEquals("ReplicaSet", metrics.get("__meta_kubernetes_pod_controller_kind"));
      assertEquals("web-7d9f", metrics.get("__meta_kubernetes_pod_controller_name"));
      assertEquals("shop", metrics.get("__meta_kubernetes_pod_label_app_kubernetes_io_part_of"));
      assertEquals("true", metrics.get("__meta_kubernetes_pod_labelpresent_app"));
      assertEquals("true", metrics.get("__meta_kubernetes_pod_annotation_prometheus_io_scrape"));
      assertEquals(
          "true", metrics.get("__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape"));
      // A container without ports: one target on the pod IP, for relabeling to add a port.
      Labels sidecar = find(ts, "__meta_kubernetes_pod_container_name", "sidecar");
      assertEquals("10.1.0.7", sidecar.get("__address__"));
      assertFalse(sidecar.has("__meta_kubernetes_pod_container_port_number"));

      // Watched: a deleted pod's targets go without a restart.
      int before = changes.get();
      client.pods().inNamespace("shop").withName("web-7d9f-x2").delete();
      targets(d, 0);
      assertTrue(changes.get() > before, "the change asked for a poll");
    }
  }

  @Test
  void serviceRoleOneTargetPerPortAtTheServiceDnsName() throws Exception {
    try (KubernetesDiscovery d =
        new KubernetesDiscovery(sd("service", List.of()), Path.of("."), () -> {})) {
      Labels t = targets(d, 1).get(0);
      assertEquals(
          Labels.of(
              "__address__", "web.shop.svc:80",
              "__meta_kubernetes_namespace", "shop",
              "__meta_kubernetes_service_cluster_ip", "10.96.0.10",
              "__meta_kubernetes_service_label_app", "web",
              "__meta_kubernetes_service_labelpresent_app", "true",
              "__meta_kubernetes_service_name", "web",
              "__meta_kubernetes_service_port_name", "http",
              "__meta_kubernetes_service_port_number", "80",
              "__meta_kubernetes_service_port_protocol", "TCP",
              "__meta_kubernetes_service_type", "ClusterIP"),
          t);
    }
  }

  @Test
  void endpointsRoleJoinsServiceAndPodAndAddsThePodsOtherPorts() throws Exception {
    try (KubernetesDiscovery d =
        new KubernetesDiscovery(sd("endpoints", List.of("shop")), Path.of("."), () -> {})) {
      List<Labels> ts = targets(d, 2);
      Labels ep = find(ts, "__address__", "10.1.0.7:8080");
      assertEquals("web", ep.get("__meta_kubernetes_endpoints_name"));
      assertEquals("true", ep.get("__meta_kubernetes_endpoint_ready"));
      assertEquals("http", ep.get("__meta_kubernetes_endpoint_port_name"));
      assertEquals("TCP", ep.get("__meta_kubernetes_endpoint_port_protocol"));
      assertEquals("node-a", ep.get("__meta_kubernetes_endpoint_node_name"));
      assertEquals("Pod", ep.get("__meta_kubernetes_endpoint_address_target_kind"));
      assertEquals("web-7d9f-x2", ep.get("__meta_kubernetes_endpoint_address_target_name"));
      assertEquals("web", ep.get("__meta_kubernetes_service_name"));
      assertEquals("10.96.0.10", ep.get("__meta_kubernetes_service_cluster_ip"));
      assertEquals("web-7d9f-x2", ep.get("__meta_kubernetes_pod_name"));
      assertEquals("web", ep.get("__meta_kubernetes_pod_container_name"));
      assertEquals("http", ep.get("__meta_kubernetes_pod_container_port_name"));
      // The pod's metrics port is not an endpoint port: added, with pod labels, without endpoint
      // labels.
      Labels extra = find(ts, "__address__", "10.1.0.7:9113");
      assertEquals("metrics", extra.get("__meta_kubernetes_pod_container_port_name"));
      assertEquals("web", extra.get("__meta_kubernetes_service_name"));
      assertFalse(extra.has("__meta_kubernetes_endpoint_port_name"));
    }
  }

  @Test
  void endpointSliceRoleJoinsServiceAndPodWithTheSliceLabels() throws Exception {
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("shop")
        .resource(
            new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder()
                .withNewMetadata()
                .withName("web-abc12")
                .withNamespace("shop")
                .addToLabels("kubernetes.io/service-name", "web")
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint()
                .withAddresses("10.1.0.7")
                .withNodeName("node-a")
                .withZone("eu-west-1a")
                .withNewConditions()
                .withReady(true)
                .withServing(true)
                .withTerminating(false)
                .endConditions()
                .withNewTargetRef()
                .withKind("Pod")
                .withName("web-7d9f-x2")
                .withNamespace("shop")
                .endTargetRef()
                .endEndpoint()
                .addNewPort()
                .withName("http")
                .withPort(8080)
                .withProtocol("TCP")
                .endPort()
                .build())
        .create();
    try (KubernetesDiscovery d =
        new KubernetesDiscovery(sd("endpointslice", List.of("shop")), Path.of("."), () -> {})) {
      List<Labels> ts = targets(d, 2);
      Labels ep = find(ts, "__address__", "10.1.0.7:8080");
      assertEquals("web-abc12", ep.get("__meta_kubernetes_endpointslice_name"));
      assertEquals("IPv4", ep.get("__meta_kubernetes_endpointslice_address_type"));
      assertEquals("8080", ep.get("__meta_kubernetes_endpointslice_port"));
      assertEquals("http", ep.get("__meta_kubernetes_endpointslice_port_name"));
      assertEquals("TCP", ep.get("__meta_kubernetes_endpointslice_port_protocol"));
      assertEquals("true", ep.get("__meta_kubernetes_endpointslice_endpoint_conditions_ready"));
      assertEquals("true", ep.get("__meta_kubernetes_endpointslice_endpoint_conditions_serving"));
      assertEquals(
          "false", ep.get("__meta_kubernetes_endpointslice_endpoint_conditions_terminating"));
      assertEquals("node-a", ep.get("__meta_kubernetes_endpointslice_endpoint_node_name"));
      assertEquals("eu-west-1a", ep.get("__meta_kubernetes_endpointslice_endpoint_zone"));
      assertEquals("Pod", ep.get("__meta_kubernetes_endpointslice_address_target_kind"));
      assertEquals("web-7d9f-x2", ep.get("__meta_kubernetes_endpointslice_address_target_name"));
      assertEquals(
          "web", ep.get("__meta_kubernetes_endpointslice_label_kubernetes_io_service_name"));
      assertEquals("web", ep.get("__meta_kubernetes_service_name"));
      assertEquals("web-7d9f-x2", ep.get("__meta_kubernetes_pod_name"));
      assertEquals("http", ep.get("__meta_kubernetes_pod_container_port_name"));
      Labels extra = find(ts, "__address__", "10.1.0.7:9113");
      assertEquals("metrics", extra.get("__meta_kubernetes_pod_container_port_name"));
      assertFalse(extra.has("__meta_kubernetes_endpointslice_port"));
    }
  }

  @Test
  void nodeRoleAddressKubeletPortAndInstance() throws Exception {
    try (KubernetesDiscovery d =
        new KubernetesDiscovery(sd("node", List.of()), Path.of("."), () -> {})) {
      Labels t = targets(d, 1).get(0);
      assertEquals("10.0.0.5:10250", t.get("__address__"));
      assertEquals("node-a", t.get("instance"));
      assertEquals("node-a", t.get("__meta_kubernetes_node_name"));
      assertEquals("aws:///eu-west-1a/i-0abc", t.get("__meta_kubernetes_node_provider_id"));
      assertEquals("10.0.0.5", t.get("__meta_kubernetes_node_address_InternalIP"));
      assertEquals("node-a.internal", t.get("__meta_kubernetes_node_address_Hostname"));
      assertEquals("true", t.get("__meta_kubernetes_node_condition_ready"));
      assertEquals("node-a", t.get("__meta_kubernetes_node_label_kubernetes_io_hostname"));
      assertEquals("0", t.get("__meta_kubernetes_node_annotation_node_alpha_ttl"));
    }
  }
}
