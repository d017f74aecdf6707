package io.cardinal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.config.Config.DnsSdConfig;
import io.cardinal.testing.Interop;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * dns_sd_configs against a real DNS server: Debian's dnsmasq on a loopback port, serving SRV, A,
 * AAAA and MX records. The targets and meta labels are those Prometheus's DNS discovery gives for
 * the same records (worked out from its documentation: the record targets keep their final dot, the
 * addresses do not, IPv6 addresses in brackets).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsDiscoveryTest {
  private Process dnsmasq;
  private String resolver;
  private final LongAdder failures = new LongAdder();
  private final LongAdder lookups = new LongAdder();

  @BeforeAll
  void start() throws Exception {
    Path bin = Interop.find("dnsmasq");
    if (bin == null && Files.isExecutable(Path.of("/usr/sbin/dnsmasq"))) {
      bin = Path.of("/usr/sbin/dnsmasq");
    }
    if (bin == null) {
      Interop.skipOrFail(
          "'dnsmasq' (Debian's 'dnsmasq' package) is needed for the DNS discovery test;"
              + " install it (.ci/run does)");
    }
    int port;
    try (DatagramSocket s = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    resolver = "127.0.0.1:" + port;
    dnsmasq =
        new ProcessBuilder(
                bin.toString(),
                "--keep-in-foreground",
                "--conf-file=/dev/null",
                "--no-resolv",
                "--no-hosts",
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                // Authoritative for the test domain: an unknown name there is NXDOMAIN.
                "--local=/cardinal.test/",
                "--port=" + port,
                "--pid-file=",
                "--user=" + System.getProperty("user.name"),
                "--host-record=node1.cardinal.test,127.0.0.11",
                "--host-record=node2.cardinal.test,127.0.0.12",
                "--host-record=v6.cardinal.test,fd00::12:0:0:1",
                "--srv-host=_node._tcp.cardinal.test,node1.cardinal.test,9100,10,5",
                "--srv-host=_node._tcp.cardinal.test,node2.cardinal.test,9200,20,5",
                "--mx-host=cardinal.test,mail.cardinal.test,10")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    // Ready when it answers.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try {
        if (!discover("A", 9100, "node1.cardinal.test").isEmpty()) {
          break;
        }
      } catch (Exception e) {
        // not up yet
      }
      if (System.nanoTime() > deadline || !dnsmasq.isAlive()) {
        throw new IllegalStateException("dnsmasq did not answer on " + resolver);
      }
      Thread.sleep(100);
    }
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (dnsmasq != null) {
      dnsmasq.destroy();
      dnsmasq.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** One refresh of a discovery for {@code names}: the targets' labels, sorted by address. */
  private List<Labels> discover(String type, int port, String... names) throws Exception {
    var ex = Executors.newSingleThreadExecutor();
    try {
      DnsDiscovery d =
          new DnsDiscovery(
              new DnsSdConfig(List.of(names), type, port, 30_000),
              List.of(resolver),
              ex,
              () -> {},
              failures,
              lookups);
      List<Labels> out = new ArrayList<>();
      for (TargetGroup g : d.refresh()) {
        out.addAll(g.targets());
      }
      out.sort(Comparator.comparing(l -> l.get("__address__")));
      return out;
    } finally {
      ex.shutdownNow();
    }
  }

  @Test
  void srvRecordsGiveHostAndPortWithTheirMetaLabels() throws Exception {
    List<Labels> t = discover("SRV", 0, "_node._tcp.cardinal.test");
    assertEquals(
        List.of(
            Labels.of(
                "__address__", "node1.cardinal.test:9100",
                "__meta_dns_name", "_node._tcp.cardinal.test",
                "__meta_dns_srv_record_port", "9100",
                "__meta_dns_srv_record_target", "node1.cardinal.test."),
            Labels.of(
                "__address__", "node2.cardinal.test:9200",
                "__meta_dns_name", "_node._tcp.cardinal.test",
                "__meta_dns_srv_record_port", "9200",
                "__meta_dns_srv_record_target", "node2.cardinal.test.")),
        t);
  }

  @Test
  void aAaaaAndMxRecordsUseTheConfiguredPort() throws Exception {
    assertEquals(
        List.of(
            Labels.of("__address__", "127.0.0.11:9100", "__meta_dns_name", "node1.cardinal.test"),
            Labels.of("__address__", "127.0.0.12:9100", "__meta_dns_name", "node2.cardinal.test")),
        discover("A", 9100, "node1.cardinal.test", "node2.cardinal.test"));
    assertEquals(
        List.of(
            Labels.of(
                "__address__", "[fd00::12:0:0:1]:9100", "__meta_dns_name", "v6.cardinal.test")),
        discover("AAAA", 9100, "v6.cardinal.test"),
        "IPv6 as Go prints it, in brackets");
    assertEquals(
        List.of(
            Labels.of(
                "__address__", "mail.cardinal.test:25",
                "__meta_dns_mx_record_target", "mail.cardinal.test.",
                "__meta_dns_name", "cardinal.test")),
        discover("MX", 25, "cardinal.test"));
  }

  @Test
  void aMissingNameIsAnEmptyGroupNotAFailure() throws Exception {
    long before = failures.sum();
    assertEquals(List.of(), discover("A", 80, "nothing.cardinal.test"));
    assertEquals(List.of(), discover("SRV", 0, "_none._tcp.cardinal.test"));
    assertEquals(before, failures.sum());
  }

  @Test
  void anUnreachableResolverFailsTheRefreshAndKeepsTheTargets() throws Exception {
    var ex = Executors.newSingleThreadExecutor();
    try {
      DnsDiscovery d =
          new DnsDiscovery(
              new DnsSdConfig(List.of("node1.cardinal.test"), "A", 80, 1),
              List.of(resolver),
              ex,
              () -> {},
              failures,
              lookups);
      awaitPoll(d, () -> !d.groups().isEmpty());
      assertEquals(1, d.groups().get(0).targets().size());
      long before = failures.sum();
      // The same discovery, now asking a port where nothing answers.
      DnsDiscovery dead =
          new DnsDiscovery(
              new DnsSdConfig(List.of("node1.cardinal.test"), "A", 80, 1),
              List.of("127.0.0.1:1"),
              ex,
              () -> {},
              failures,
              lookups);
      awaitPoll(dead, () -> failures.sum() > before);
      assertTrue(failures.sum() > before, "a failed refresh is counted");
      assertEquals(List.of(), dead.groups(), "nothing discovered yet stays nothing");
      assertEquals(1, d.groups().get(0).targets().size(), "the good one kept its targets");
    } finally {
      ex.shutdownNow();
    }
  }

  /** Polls until {@code done}, as the scrape pool's poller would. */
  private static void awaitPoll(DnsDiscovery d, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "no refresh applied within 20 s");
      d.poll(System.currentTimeMillis());
      Thread.sleep(20);
    }
  }

  @Test
  void resolvConfNameservers() throws IOException {
    Path f = Files.createTempFile("resolv", ".conf");
    Files.writeString(
        f,
        "# comment\nsearch example.com\nnameserver 10.0.0.2\nnameserver fd00::53\noptions ndots:2\n");
    assertEquals(List.of("10.0.0.2:53", "[fd00::53]:53"), DnsDiscovery.resolvers(f));
    Files.writeString(f, "search example.com\n");
    assertEquals(List.of("127.0.0.1:53"), DnsDiscovery.resolvers(f));
    assertEquals("::1", DnsDiscovery.goIp("0:0:0:0:0:0:0:1"));
    assertEquals("fd00::12:0:0:1", DnsDiscovery.goIp("fd00:0:0:0:12:0:0:1"));
    assertEquals("1:0:0:2::", DnsDiscovery.goIp("1:0:0:2:0:0:0:0"));
    assertEquals("2001:db8::1:0:0:1", DnsDiscovery.goIp("2001:db8:0:0:1:0:0:1"));
  }
}
