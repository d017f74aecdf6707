package io.cardinal.discovery;

import io.cardinal.config.Config.KubernetesSdConfig;
import io.cardinal.config.Config.KubernetesSelector;
import io.cardinal.config.Config.TlsConfig;
import io.cardinal.tsdb.labels.Labels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * kubernetes_sd_configs for the {@code pod}, {@code service}, {@code endpoints} and {@code node}
 * roles, with Prometheus's meta labels. The objects are watched through the Kubernetes client's
 * informers (one list, then a watch; the client reconnects and relists on its own), and every
 * change marks the groups for recomputation from the informers' caches at the next poll, which the
 * change itself asks for.
 */
public final class KubernetesDiscovery implements Discoverer, AutoCloseable {
  private static final String META = "__meta_kubernetes_";
  private static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  private final KubernetesSdConfig config;
  private final KubernetesClient client;
  private final Runnable onChange;
  private final List<SharedIndexInformer<Pod>> pods = new ArrayList<>();
  private final List<SharedIndexInformer<Service>> services = new ArrayList<>();
  private final List<SharedIndexInformer<Endpoints>> endpoints = new ArrayList<>();
  private final List<SharedIndexInformer<EndpointSlice>> slices = new ArrayList<>();
  private final List<SharedIndexInformer<Node>> nodes = new ArrayList<>();
  private volatile boolean dirty = true;
  private List<TargetGroup> groups = List.of();

  /**
   * Connects and starts watching; {@code onChange} is called (on the client's thread) after any
   * object of interest changed.
   */
  public KubernetesDiscovery(KubernetesSdConfig config, Path baseDir, Runnable onChange)
      throws IOException {
    this.config = config;
    this.onChange = onChange;
    this.client =
        new KubernetesClientBuilder()
            .withConfig(clientConfig(config, baseDir))
            .withHttpClientFactory(new JdkHttpClientFactory())
            .build();
    List<String> namespaces = namespaces(config);
    switch (config.role()) {
      case "pod" -> informPods(namespaces);
      case "service" -> informServices(namespaces);
      case "endpoints" -> {
        inform(
            endpoints,
            namespaces,
            ns -> client.endpoints().inNamespace(ns),
            "endpoints",
            () -> client.endpoints().inAnyNamespace());
        informServices(namespaces);
        informPods(namespaces);
      }
      case "endpointslice" -> {
        inform(
            slices,
            namespaces,
            ns -> client.discovery().v1().endpointSlices().inNamespace(ns),
            "endpointslice",
            () -> client.discovery().v1().endpointSlices().inAnyNamespace());
        informServices(namespaces);
        informPods(namespaces);
      }
      case "node" -> {
        FilterWatchListDeletable<Node, ?, ?> all = select(client.nodes(), "node");
        nodes.add(all.inform(handler()));
      }
      default -> throw new IllegalArgumentException("unsupported role " + config.role());
    }
  }

  private void informPods(List<String> namespaces) {
    inform(
        pods,
        namespaces,
        ns -> client.pods().inNamespace(ns),
        "pod",
        () -> client.pods().inAnyNamespace());
  }

  private void informServices(List<String> namespaces) {
    inform(
        services,
        namespaces,
        ns -> client.services().inNamespace(ns),
        "service",
        () -> client.services().inAnyNamespace());
  }

  private static Config clientConfig(KubernetesSdConfig c, Path baseDir) throws IOException {
    Config base;
    if (!c.kubeconfigFile().isEmpty()) {
      Path p = baseDir.resolve(c.kubeconfigFile());
      base = Config.fromKubeconfig(Files.readString(p, StandardCharsets.UTF_8));
    } else if (!c.apiServer().isEmpty()) {
      base = new ConfigBuilder(Config.empty()).withMasterUrl(c.apiServer()).build();
    } else {
      // In the cluster: the service account's token and CA, as Prometheus.
      base = Config.autoConfigure(null);
    }
    ConfigBuilder b = new ConfigBuilder(base);
    if (c.basicAuth() != null) {
      b.withUsername(c.basicAuth().username());
      String pw = c.basicAuth().password();
      if (!c.basicAuth().passwordFile().isEmpty()) {
        pw = Files.readString(baseDir.resolve(c.basicAuth().passwordFile())).trim();
      }
      b.withPassword(pw);
    }
    if (c.authorization() != null) {
      String token = c.authorization().credentials();
      if (!c.authorization().credentialsFile().isEmpty()) {
        token = Files.readString(baseDir.resolve(c.authorization().credentialsFile())).trim();
      }
      b.withOauthToken(token);
    }
    TlsConfig tls = c.tlsConfig();
    if (tls.insecureSkipVerify()) {
      b.withTrustCerts(true).withDisableHostnameVerification(true);
    }
    if (!tls.caFile().isEmpty()) {
      b.withCaCertFile(baseDir.resolve(tls.caFile()).toString());
    }
    if (!tls.certFile().isEmpty()) {
      b.withClientCertFile(baseDir.resolve(tls.certFile()).toString())
          .withClientKeyFile(baseDir.resolve(tls.keyFile()).toString());
    }
    return b.build();
  }

  /** The namespaces to watch; empty means all. */
  private static List<String> namespaces(KubernetesSdConfig c) throws IOException {
    List<String> out = new ArrayList<>(c.namespaces());
    if (c.ownNamespace()) {
      out.add(Files.readString(SERVICE_ACCOUNT_NAMESPACE, StandardCharsets.UTF_8).trim());
    }
    return out;
  }

  private <T extends HasMetadata> void inform(
      List<SharedIndexInformer<T>> into,
      List<String> namespaces,
      Function<String, FilterWatchListDeletable<T, ?, ?>> inNamespace,
      String role,
      java.util.function.Supplier<FilterWatchListDeletable<T, ?, ?>> anyNamespace) {
    if (namespaces.isEmpty()) {
      into.add(select(anyNamespace.get(), role).inform(handler()));
    } else {
      for (String ns : namespaces) {
        into.add(select(inNamespace.apply(ns), role).inform(handler()));
      }
    }
  }

  /** The configuration's selectors for {@code role}: label selector as given, field selectors. */
  private <T extends HasMetadata> FilterWatchListDeletable<T, ?, ?> select(
      FilterWatchListDeletable<T, ?, ?> op, String role) {
    FilterWatchListDeletable<T, ?, ?> out = op;
    for (KubernetesSelector s : config.selectors()) {
      if (!s.role().equals(role)) {
        continue;
      }
      if (!s.label().isEmpty()) {
        out = (FilterWatchListDeletable<T, ?, ?>) out.withLabelSelector(s.label());
      }
      for (String term : s.field().isEmpty() ? new String[0] : s.field().split(",")) {
        int ne = term.indexOf("!=");
        if (ne > 0) {
          out =
              (FilterWatchListDeletable<T, ?, ?>)
                  out.withoutField(term.substring(0, ne).trim(), term.substring(ne + 2).trim());
        } else {
          String[] kv = term.split("==?", 2);
          out =
              (FilterWatchListDeletable<T, ?, ?>)
                  out.withField(kv[0].trim(), kv.length > 1 ? kv[1].trim() : "");
        }
      }
    }
    return out;
  }

  private <T> ResourceEventHandler<T> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        changed();
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        changed();
      }

      @Override
      public void onDelete(T obj, boolean unknownFinalState) {
        changed();
      }
    };
  }

  private void changed() {
    dirty = true;
    onChange.run();
  }

  @Override
  public synchronized boolean poll(long nowMs) {
    if (!dirty) {
      return false;
    }
    dirty = false;
    List<TargetGroup> next =
        switch (config.role()) {
          case "pod" -> podGroups();
          case "service" -> serviceGroups();
          case "endpoints" -> endpointsGroups();
          case "endpointslice" -> sliceGroups();
          default -> nodeGroups();
        };
    if (next.equals(groups)) {
      return false;
    }
    groups = next;
    return true;
  }

  @Override
  public synchronized List<TargetGroup> groups() {
    return groups;
  }

  @Override
  public void close() {
    for (List<? extends SharedIndexInformer<?>> l :
        List.of(pods, services, endpoints, slices, nodes)) {
      l.forEach(SharedIndexInformer::close);
    }
    client.close();
  }

  private static <T> List<T> all(List<SharedIndexInformer<T>> informers) {
    List<T> out = new ArrayList<>();
    for (SharedIndexInformer<T> i : informers) {
      out.addAll(i.getStore().list());
    }
    out.sort((a, b) -> key((HasMetadata) a).compareTo(key((HasMetadata) b)));
    return out;
  }

  private static String key(HasMetadata o) {
    ObjectMeta m = o.getMetadata();
    return (m.getNamespace() == null ? "" : m.getNamespace()) + "/" + m.getName();
  }

  // ------------------------------------------------------------------ pod

  private List<TargetGroup> podGroups() {
    List<TargetGroup> out = new ArrayList<>();
    for (Pod p : all(pods)) {
      List<Labels> targets = new ArrayList<>();
      String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
      if (ip != null && !ip.isEmpty()) {
        for (ContainerTarget c : containers(p)) {
          targets.add(c.labels(ip));
        }
      }
      out.add(new TargetGroup("pod/" + key(p), targets, podLabels(p).build()));
    }
    return out;
  }

  /** One container (and port, if it has one) of a pod as a target. */
  private record ContainerTarget(Container container, ContainerPort port, boolean init, String id) {
    Labels labels(String podIp) {
      Labels.Builder b = Labels.builder();
      b.set("__address__", port == null ? podIp : hostPort(podIp, port.getContainerPort()));
      containerLabels(b, this);
      return b.build();
    }
  }

  private static void containerLabels(Labels.Builder b, ContainerTarget c) {
    b.set(META + "pod_container_name", c.container().getName());
    b.set(META + "pod_container_image", nz(c.container().getImage()));
    b.set(META + "pod_container_init", String.valueOf(c.init()));
    if (c.id() != null) {
      b.set(META + "pod_container_id", c.id());
    }
    if (c.port() != null) {
      b.set(META + "pod_container_port_name", nz(c.port().getName()));
      b.set(META + "pod_container_port_number", String.valueOf(c.port().getContainerPort()));
      b.set(META + "pod_container_port_protocol", nz(c.port().getProtocol()));
    }
  }

  private static List<ContainerTarget> containers(Pod p) {
    List<ContainerTarget> out = new ArrayList<>();
    Map<String, String> ids = new HashMap<>();
    if (p.getStatus() != null) {
      for (List<ContainerStatus> l :
          List.of(
              nl(p.getStatus().getContainerStatuses()),
              nl(p.getStatus().getInitContainerStatuses()))) {
        for (ContainerStatus s : l) {
          if (s.getContainerID() != null) {
            ids.put(s.getName(), s.getContainerID());
          }
        }
      }
    }
    for (boolean init : new boolean[] {false, true}) {
      List<Container> cs =
          p.getSpec() == null
              ? List.of()
              : nl(init ? p.getSpec().getInitContainers() : p.getSpec().getContainers());
      for (Container c : cs) {
        List<ContainerPort> ports = nl(c.getPorts());
        if (ports.isEmpty()) {
          out.add(new ContainerTarget(c, null, init, ids.get(c.getName())));
        }
        for (ContainerPort port : ports) {
          out.add(new ContainerTarget(c, port, init, ids.get(c.getName())));
        }
      }
    }
    return out;
  }

  private static Labels.Builder podLabels(Pod p) {
    Labels.Builder b = Labels.builder();
    ObjectMeta m = p.getMetadata();
    b.set(META + "namespace", nz(m.getNamespace()));
    b.set(META + "pod_name", m.getName());
    var st = p.getStatus();
    if (st != null) {
      b.set(META + "pod_ip", nz(st.getPodIP()));
      b.set(META + "pod_host_ip", nz(st.getHostIP()));
      b.set(META + "pod_phase", nz(st.getPhase()));
      String ready = "unknown";
      for (PodCondition c : nl(st.getConditions())) {
        if ("Ready".equals(c.getType())) {
          ready = nz(c.getStatus()).toLowerCase(Locale.ROOT);
        }
      }
      b.set(META + "pod_ready", ready);
    }
    if (p.getSpec() != null) {
      b.set(META + "pod_node_name", nz(p.getSpec().getNodeName()));
    }
    b.set(META + "pod_uid", nz(m.getUid()));
    for (OwnerReference o : nl(m.getOwnerReferences())) {
      if (Boolean.TRUE.equals(o.getController())) {
        b.set(META + "pod_controller_kind", nz(o.getKind()));
        b.set(META + "pod_controller_name", nz(o.getName()));
      }
    }
    labelsAndAnnotations(b, "pod", m);
    return b;
  }

  // ------------------------------------------------------------------ service

  private List<TargetGroup> serviceGroups() {
    List<TargetGroup> out = new ArrayList<>();
    for (Service s : all(services)) {
      List<Labels> targets = new ArrayList<>();
      String host = s.getMetadata().getName() + "." + s.getMetadata().getNamespace() + ".svc";
      for (ServicePort port :
          s.getSpec() == null ? List.<ServicePort>of() : nl(s.getSpec().getPorts())) {
        targets.add(
            Labels.builder()
                .set("__address__", hostPort(host, port.getPort()))
                .set(META + "service_port_name", nz(port.getName()))
                .set(META + "service_port_number", String.valueOf(port.getPort()))
                .set(META + "service_port_protocol", nz(port.getProtocol()))
                .build());
      }
      out.add(new TargetGroup("svc/" + key(s), targets, serviceLabels(s).build()));
    }
    return out;
  }

  private static Labels.Builder serviceLabels(Service s) {
    Labels.Builder b = Labels.builder();
    b.set(META + "namespace", nz(s.getMetadata().getNamespace()));
    serviceOnly(b, s);
    return b;
  }

  private static void serviceOnly(Labels.Builder b, Service s) {
    b.set(META + "service_name", s.getMetadata().getName());
    labelsAndAnnotations(b, "service", s.getMetadata());
    if (s.getSpec() != null) {
      String type = nz(s.getSpec().getType());
      b.set(META + "service_type", type);
      if (type.equals("ExternalName")) {
        b.set(META + "service_external_name", nz(s.getSpec().getExternalName()));
      } else {
        b.set(META + "service_cluster_ip", nz(s.getSpec().getClusterIP()));
      }
      if (type.equals("LoadBalancer")) {
        b.set(META + "service_loadbalancer_ip", nz(s.getSpec().getLoadBalancerIP()));
      }
    }
  }

  // ------------------------------------------------------------------ endpoints

  /** The objects an informer holds, by namespace/name. */
  private static <T extends HasMetadata> Map<String, T> byKey(List<SharedIndexInformer<T>> from) {
    Map<String, T> out = new HashMap<>();
    for (T o : all(from)) {
      out.put(key(o), o);
    }
    return out;
  }

  /** An endpoints object's or slice's own labels: namespace, name, labels and annotations. */
  private static Labels.Builder objectLabels(String kind, ObjectMeta m) {
    Labels.Builder group = Labels.builder();
    group.set(META + "namespace", nz(m.getNamespace()));
    group.set(META + kind + "_name", m.getName());
    labelsAndAnnotations(group, kind, m);
    return group;
  }

  private List<TargetGroup> endpointsGroups() {
    Map<String, Service> svcByKey = byKey(services);
    Map<String, Pod> podByKey = byKey(pods);
    List<TargetGroup> out = new ArrayList<>();
    for (Endpoints e : all(endpoints)) {
      ObjectMeta m = e.getMetadata();
      Labels.Builder group = objectLabels("endpoints", m);
      Service svc = svcByKey.get(key(e));
      if (svc != null) {
        serviceOnly(group, svc);
      }
      List<Labels> targets = new ArrayList<>();
      // Per pod, the container ports an endpoint already covers.
      Map<String, Set<String>> seen = new java.util.LinkedHashMap<>();
      for (EndpointSubset subset : nl(e.getSubsets())) {
        for (EndpointPort port : nl(subset.getPorts())) {
          for (boolean ready : new boolean[] {true, false}) {
            for (EndpointAddress a :
                nl(ready ? subset.getAddresses() : subset.getNotReadyAddresses())) {
              Labels.Builder t = Labels.builder();
              t.set("__address__", hostPort(a.getIp(), port.getPort()));
              t.set(META + "endpoint_port_name", nz(port.getName()));
              t.set(META + "endpoint_port_protocol", nz(port.getProtocol()));
              t.set(META + "endpoint_ready", String.valueOf(ready));
              t.set(META + "endpoint_hostname", nz(a.getHostname()));
              t.set(META + "endpoint_node_name", nz(a.getNodeName()));
              if (a.getTargetRef() != null) {
                t.set(META + "endpoint_address_target_kind", nz(a.getTargetRef().getKind()));
                t.set(META + "endpoint_address_target_name", nz(a.getTargetRef().getName()));
              }
              Pod pod = null;
              if (a.getTargetRef() != null && "Pod".equals(a.getTargetRef().getKind())) {
                pod =
                    podByKey.get(
                        nz(a.getTargetRef().getNamespace(), m.getNamespace())
                            + "/"
                            + a.getTargetRef().getName());
              }
              if (pod != null) {
                joinPod(t, pod, port.getPort(), seen);
              }
              targets.add(t.build());
            }
          }
        }
      }
      addOtherPorts(targets, seen, podByKey);
      out.add(new TargetGroup("endpoints/" + key(e), targets, group.build()));
    }
    return out;
  }

  // ------------------------------------------------------------------ endpointslice

  private List<TargetGroup> sliceGroups() {
    Map<String, Service> svcByKey = byKey(services);
    Map<String, Pod> podByKey = byKey(pods);
    List<TargetGroup> out = new ArrayList<>();
    for (EndpointSlice e : all(slices)) {
      ObjectMeta m = e.getMetadata();
      Labels.Builder group = objectLabels("endpointslice", m);
      String svcName =
          m.getLabels() == null ? null : m.getLabels().get("kubernetes.io/service-name");
      Service svc = svcName == null ? null : svcByKey.get(nz(m.getNamespace()) + "/" + svcName);
      if (svc != null) {
        serviceOnly(group, svc);
      }
      List<Labels> targets = new ArrayList<>();
      Map<String, Set<String>> seen = new java.util.LinkedHashMap<>();
      for (io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort port : nl(e.getPorts())) {
        for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint ep : nl(e.getEndpoints())) {
          if (nl(ep.getAddresses()).isEmpty() || port.getPort() == null) {
            continue;
          }
          Labels.Builder t = Labels.builder();
          t.set("__address__", hostPort(ep.getAddresses().get(0), port.getPort()));
          t.set(META + "endpointslice_address_type", nz(e.getAddressType()));
          t.set(META + "endpointslice_port", String.valueOf(port.getPort()));
          t.set(META + "endpointslice_port_name", nz(port.getName()));
          t.set(META + "endpointslice_port_protocol", nz(port.getProtocol()));
          t.set(META + "endpointslice_endpoint_hostname", nz(ep.getHostname()));
          t.set(META + "endpointslice_endpoint_node_name", nz(ep.getNodeName()));
          t.set(META + "endpointslice_endpoint_zone", nz(ep.getZone()));
          var c = ep.getConditions();
          if (c != null) {
            if (c.getReady() != null) {
              t.set(META + "endpointslice_endpoint_conditions_ready", c.getReady().toString());
            }
            if (c.getServing() != null) {
              t.set(META + "endpointslice_endpoint_conditions_serving", c.getServing().toString());
            }
            if (c.getTerminating() != null) {
              t.set(
                  META + "endpointslice_endpoint_conditions_terminating",
                  c.getTerminating().toString());
            }
          }
          if (ep.getDeprecatedTopology() != null) {
            ep.getDeprecatedTopology()
                .forEach(
                    (k, v) -> {
                      t.set(META + "endpointslice_endpoint_topology_" + sanitize(k), nz(v));
                      t.set(
                          META + "endpointslice_endpoint_topology_present_" + sanitize(k), "true");
                    });
          }
          var ref = ep.getTargetRef();
          if (ref != null) {
            t.set(META + "endpointslice_address_target_kind", nz(ref.getKind()));
            t.set(META + "endpointslice_address_target_name", nz(ref.getName()));
          }
          Pod pod =
              ref != null && "Pod".equals(ref.getKind())
                  ? podByKey.get(nz(ref.getNamespace(), m.getNamespace()) + "/" + ref.getName())
                  : null;
          if (pod != null) {
            joinPod(t, pod, port.getPort(), seen);
          }
          targets.add(t.build());
        }
      }
      addOtherPorts(targets, seen, podByKey);
      out.add(new TargetGroup("endpointslice/" + key(e), targets, group.build()));
    }
    return out;
  }

  /** A pod-backed endpoint: the pod's labels and those of the container serving the port. */
  private static void joinPod(Labels.Builder t, Pod pod, int port, Map<String, Set<String>> seen) {
    merge(t, podLabels(pod));
    Set<String> covered = seen.computeIfAbsent(key(pod), k -> new HashSet<>());
    for (ContainerTarget c : containers(pod)) {
      if (c.port() != null && c.port().getContainerPort() == port) {
        containerLabels(t, c);
        covered.add(c.container().getName() + ":" + port);
        break;
      }
    }
  }

  /** The other container ports of the pods behind endpoints, as Prometheus adds them. */
  private static void addOtherPorts(
      List<Labels> targets, Map<String, Set<String>> seen, Map<String, Pod> podByKey) {
    for (Map.Entry<String, Set<String>> s : seen.entrySet()) {
      Pod pod = podByKey.get(s.getKey());
      String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      if (ip == null || ip.isEmpty()) {
        continue;
      }
      for (ContainerTarget c : containers(pod)) {
        if (c.port() == null
            || s.getValue().contains(c.container().getName() + ":" + c.port().getContainerPort())) {
          continue;
        }
        Labels.Builder t = Labels.builder();
        merge(t, podLabels(pod));
        t.set("__address__", hostPort(ip, c.port().getContainerPort()));
        containerLabels(t, c);
        targets.add(t.build());
      }
    }
  }

  // ------------------------------------------------------------------ node

  private static final List<String> NODE_ADDRESS_ORDER =
      List.of("InternalIP", "ExternalIP", "LegacyHostIP", "Hostname");

  private List<TargetGroup> nodeGroups() {
    List<TargetGroup> out = new ArrayList<>();
    for (Node n : all(nodes)) {
      Labels.Builder b = Labels.builder();
      ObjectMeta m = n.getMetadata();
      b.set(META + "node_name", m.getName());
      b.set(META + "node_provider_id", n.getSpec() == null ? "" : nz(n.getSpec().getProviderID()));
      labelsAndAnnotations(b, "node", m);
      Map<String, String> first = new HashMap<>();
      int port = 10250;
      if (n.getStatus() != null) {
        for (NodeAddress a : nl(n.getStatus().getAddresses())) {
          first.putIfAbsent(a.getType(), a.getAddress());
        }
        for (NodeCondition c : nl(n.getStatus().getConditions())) {
          b.set(
              META + "node_condition_" + sanitize(c.getType().toLowerCase(Locale.ROOT)),
              nz(c.getStatus()).toLowerCase(Locale.ROOT));
        }
        if (n.getStatus().getDaemonEndpoints() != null
            && n.getStatus().getDaemonEndpoints().getKubeletEndpoint() != null) {
          port = n.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
        }
      }
      first.forEach((type, addr) -> b.set(META + "node_address_" + sanitize(type), addr));
      String addr = null;
      for (String type : NODE_ADDRESS_ORDER) {
        if (first.containsKey(type)) {
          addr = first.get(type);
          break;
        }
      }
      List<Labels> targets = new ArrayList<>();
      if (addr != null) {
        targets.add(
            Labels.builder()
                .set("__address__", hostPort(addr, port))
                .set("instance", m.getName())
                .build());
      }
      out.add(new TargetGroup("node/" + m.getName(), targets, b.build()));
    }
    return out;
  }

  // ------------------------------------------------------------------ helpers

  private static void labelsAndAnnotations(Labels.Builder b, String kind, ObjectMeta m) {
    if (m.getLabels() != null) {
      m.getLabels()
          .forEach(
              (k, v) -> {
                b.set(META + kind + "_label_" + sanitize(k), nz(v));
                b.set(META + kind + "_labelpresent_" + sanitize(k), "true");
              });
    }
    if (m.getAnnotations() != null) {
      m.getAnnotations()
          .forEach(
              (k, v) -> {
                b.set(META + kind + "_annotation_" + sanitize(k), nz(v));
                b.set(META + kind + "_annotationpresent_" + sanitize(k), "true");
              });
    }
  }

  private static void merge(Labels.Builder into, Labels.Builder from) {
    Labels l = from.build();
    for (int i = 0; i < l.size(); i++) {
      into.set(l.name(i), l.value(i));
    }
  }

  /** Prometheus's label name sanitizing: every character outside [a-zA-Z0-9_] becomes '_'. */
  static String sanitize(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      sb.append(ok ? c : '_');
    }
    return sb.toString();
  }

  private static String hostPort(String host, int port) {
    return DnsDiscovery.hostPort(host, port);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String nz(String s, String def) {
    return s == null || s.isEmpty() ? def : s;
  }

  private static <T> List<T> nl(List<T> l) {
    return l == null ? List.of() : l;
  }
}
