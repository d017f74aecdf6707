package io.cardinal.discovery;

import io.cardinal.config.Config.DnsSdConfig;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * dns_sd_configs: each name looked up as SRV, A, AAAA, MX or NS every refresh interval, one target
 * group per name, with Prometheus's meta labels ({@code __meta_dns_name}, {@code
 * __meta_dns_srv_record_target}, {@code __meta_dns_srv_record_port}, {@code
 * __meta_dns_mx_record_target}, {@code __meta_dns_ns_record_target}; the record targets keep their
 * final dot, the addresses do not). The resolvers are those of {@code /etc/resolv.conf}, as in
 * Prometheus; the JDK's DNS client does the lookups. A name that does not exist (NXDOMAIN) or has
 * no record of the type gives an empty group; a lookup that fails keeps the last targets.
 */
public final class DnsDiscovery extends RefreshDiscovery {
  private final DnsSdConfig config;
  private final List<String> resolvers;
  private final LongAdder lookups;

  /**
   * @param resolvers "host:port" or "host" (port 53) entries, tried in order
   */
  public DnsDiscovery(
      DnsSdConfig config,
      List<String> resolvers,
      Executor executor,
      Runnable onResult,
      LongAdder failures,
      LongAdder lookups) {
    super(config.refreshIntervalMs(), executor, onResult, failures);
    this.config = config;
    this.resolvers = List.copyOf(resolvers);
    this.lookups = lookups;
  }

  @Override
  protected String describe() {
    return "dns names=" + config.names();
  }

  @Override
  protected List<TargetGroup> refresh() throws NamingException {
    List<TargetGroup> out = new ArrayList<>();
    for (String name : config.names()) {
      List<Labels> targets = new ArrayList<>();
      for (String value : lookup(name, config.type())) {
        targets.add(target(name, value));
      }
      out.add(new TargetGroup(name, targets, Labels.EMPTY));
    }
    return out;
  }

  private List<String> lookup(String name, String type) throws NamingException {
    lookups.increment();
    Hashtable<String, String> env = new Hashtable<>();
    env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
    StringBuilder urls = new StringBuilder();
    for (String r : resolvers) {
      urls.append(urls.length() == 0 ? "" : " ").append("dns://").append(r);
    }
    env.put(Context.PROVIDER_URL, urls.toString());
    env.put("com.sun.jndi.dns.timeout.initial", "1000");
    env.put("com.sun.jndi.dns.timeout.retries", "3");
    DirContext ctx = new InitialDirContext(env);
    List<String> values = new ArrayList<>();
    try {
      String fqdn = name.endsWith(".") ? name : name + ".";
      Attributes attrs = ctx.getAttributes(fqdn, new String[] {type});
      Attribute a = attrs.get(type);
      if (a != null) {
        NamingEnumeration<?> e = a.getAll();
        while (e.hasMore()) {
          values.add(String.valueOf(e.next()));
        }
      }
    } catch (NameNotFoundException e) {
      // NXDOMAIN: the name has no targets now, which is an answer, not a failure.
    } finally {
      ctx.close();
    }
    return values;
  }

  /** One record's target labels, as Prometheus builds them. */
  private Labels target(String name, String value) {
    Labels.Builder b = Labels.builder().set("__meta_dns_name", name);
    String[] f = value.trim().split("\\s+");
    switch (config.type()) {
      case "SRV" -> {
        // priority weight port target
        String host = f[3];
        b.set("__meta_dns_srv_record_target", host);
        b.set("__meta_dns_srv_record_port", f[2]);
        b.set("__address__", hostPort(trimDot(host), Integer.parseInt(f[2])));
      }
      case "MX" -> {
        // preference exchange
        b.set("__meta_dns_mx_record_target", f[1]);
        b.set("__address__", hostPort(trimDot(f[1]), config.port()));
      }
      case "NS" -> {
        b.set("__meta_dns_ns_record_target", f[0]);
        b.set("__address__", hostPort(trimDot(f[0]), config.port()));
      }
      default -> b.set("__address__", hostPort(goIp(f[0]), config.port()));
    }
    return b.build();
  }

  private static String trimDot(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  /** Go's net.JoinHostPort: brackets around an IPv6 address. */
  static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** An address as Go prints it: IPv6 with the longest run of zero groups shortened to "::". */
  static String goIp(String text) {
    if (!text.contains(":")) {
      return text;
    }
    byte[] b;
    try {
      b = InetAddress.getByName(text).getAddress();
    } catch (IOException e) {
      return text;
    }
    if (b.length == 4) {
      // An IPv4-mapped address: Go prints it as IPv4.
      return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  /** The nameservers of a resolv.conf file, "host:port"; localhost when it names none (Go's). */
  public static List<String> resolvers(Path resolvConf) {
    List<String> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(resolvConf)) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 2 && f[0].equals("nameserver")) {
          out.add(hostPort(f[1], 53));
        }
      }
    } catch (IOException e) {
      // No resolv.conf: Go falls back to localhost, and so do we.
    }
    if (out.isEmpty()) {
      out.add("127.0.0.1:53");
    }
    return out;
  }
}
