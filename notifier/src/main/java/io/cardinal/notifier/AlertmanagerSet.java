package io.cardinal.notifier;

import io.cardinal.config.Config.AlertmanagerConfig;
import io.cardinal.config.Config.FileSdConfig;
import io.cardinal.config.Config.StaticConfig;
import io.cardinal.config.Config.TlsConfig;
import io.cardinal.config.HttpAuth;
import io.cardinal.config.Relabeler;
import io.cardinal.discovery.FileDiscovery;
import io.cardinal.discovery.TargetGroup;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code alertmanagers} entry: the Alertmanagers its static and file discovery find (after
 * {@code relabel_configs}), and the HTTP client, timeout and credentials alerts are sent to them
 * with.
 *
 * <p>Each discovered target becomes the labels {@code __address__}, {@code __scheme__} (the
 * configured scheme), {@code __alerts_path__} ({@code path_prefix} joined with {@code
 * /api/v2/alerts}) and its group's labels (a group label does not override one the target itself
 * has, but may override the scheme and path); relabeling may drop the target or rewrite any of
 * them. The URL is {@code __scheme__://__address____alerts_path__}; an address without a port is
 * kept as it is in the URL, so the request goes to the scheme's default port. Identical URLs are
 * kept once.
 *
 * <p>The discovered lists are replaced as a whole (volatile), so the sender reads them without a
 * lock; {@link #poll} runs on the discovery thread only.
 */
final class AlertmanagerSet {
  private static final Logger log = LoggerFactory.getLogger(AlertmanagerSet.class);

  static final String SCHEME_LABEL = "__scheme__";
  static final String ADDRESS_LABEL = "__address__";
  static final String PATH_LABEL = "__alerts_path__";

  final AlertmanagerConfig config;
  private final HttpClient client;
  private final List<TargetGroup> staticGroups;
  private final List<FileDiscovery> files = new ArrayList<>();

  private volatile List<String> active = List.of();
  private volatile List<String> dropped = List.of();

  /** Builds the client (TLS settings are read here) and reads the file_sd files once. */
  AlertmanagerSet(AlertmanagerConfig config, Path baseDir, Executor executor, long nowMs)
      throws IOException {
    this.config = config;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofMillis(Math.max(1, config.timeoutMs())))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .version(HttpClient.Version.HTTP_1_1)
            .executor(executor);
    TlsConfig tls = config.tlsConfig() == null ? TlsConfig.DEFAULT : config.tlsConfig();
    if (config.scheme().equals("https") || !tls.equals(TlsConfig.DEFAULT)) {
      b.sslContext(io.cardinal.config.TlsContexts.of(tls));
      if (!tls.serverName().isEmpty()) {
        SSLParameters params = new SSLParameters();
        params.setServerNames(List.of(new SNIHostName(tls.serverName())));
        b.sslParameters(params);
      }
    }
    this.client = b.build();
    List<TargetGroup> statics = new ArrayList<>();
    for (int i = 0; i < config.staticConfigs().size(); i++) {
      StaticConfig sc = config.staticConfigs().get(i);
      statics.add(TargetGroup.ofAddresses("static/" + i, sc.targets(), sc.labels()));
    }
    this.staticGroups = List.copyOf(statics);
    for (FileSdConfig f : config.fileSdConfigs()) {
      files.add(new FileDiscovery(f, baseDir));
    }
    poll(nowMs, true);
  }

  List<String> active() {
    return active;
  }

  List<String> dropped() {
    return dropped;
  }

  /**
   * Re-reads the file_sd files that changed (all of them when {@code force} or once per
   * refresh_interval) and recomputes the Alertmanagers; returns true when the active list changed.
   */
  boolean poll(long nowMs, boolean force) {
    boolean changed = force;
    for (FileDiscovery f : files) {
      changed |= f.poll(nowMs, force);
    }
    if (!changed) {
      return false;
    }
    List<TargetGroup> groups = new ArrayList<>(staticGroups);
    for (FileDiscovery f : files) {
      groups.addAll(f.groups());
    }
    List<String> before = active;
    sync(groups);
    return !before.equals(active);
  }

  private void sync(List<TargetGroup> groups) {
    Set<String> urls = new LinkedHashSet<>();
    List<String> droppedUrls = new ArrayList<>();
    for (TargetGroup g : groups) {
      List<String> groupUrls = new ArrayList<>();
      List<String> groupDropped = new ArrayList<>();
      String bad = null;
      for (Labels target : g.targets()) {
        Labels.Builder lb = target.toBuilder();
        lb.set(SCHEME_LABEL, config.scheme());
        lb.set(PATH_LABEL, alertsPath(config.pathPrefix()));
        for (int i = 0; i < g.labels().size(); i++) {
          if (!target.has(g.labels().name(i))) {
            lb.set(g.labels().name(i), g.labels().value(i));
          }
        }
        Labels pre = lb.build();
        Labels post = Relabeler.process(pre, config.relabelConfigs());
        if (post == null) {
          groupDropped.add(url(pre));
          continue;
        }
        String address = post.get(ADDRESS_LABEL);
        if (address == null || address.isEmpty() || address.contains("/")) {
          bad = "\"" + (address == null ? "" : address) + "\" is not a valid hostname";
          break;
        }
        String u = url(post);
        try {
          URI.create(u);
        } catch (IllegalArgumentException e) {
          bad = "invalid Alertmanager URL " + u + ": " + e.getMessage();
          break;
        }
        groupUrls.add(u);
      }
      if (bad != null) {
        // As in Prometheus, one bad target discards its whole group.
        log.error(
            "msg=\"Creating discovered Alertmanagers failed\" component=\"notifier\""
                + " source=\"{}\" err=\"{}\"",
            g.source(),
            bad);
        continue;
      }
      urls.addAll(groupUrls);
      droppedUrls.addAll(groupDropped);
    }
    active = List.copyOf(urls);
    dropped = List.copyOf(droppedUrls);
  }

  /** {@code scheme://address/path}: the URL of a target's labels. */
  static String url(Labels l) {
    String path = l.get(PATH_LABEL);
    if (path == null) {
      path = "";
    }
    if (!path.isEmpty() && !path.startsWith("/")) {
      path = "/" + path;
    }
    String scheme = l.get(SCHEME_LABEL);
    String address = l.get(ADDRESS_LABEL);
    return (scheme == null ? "" : scheme) + "://" + (address == null ? "" : address) + path;
  }

  /**
   * {@code path_prefix} joined with {@code /api/v2/alerts} and cleaned as a slash-separated path
   * ({@code /} gives {@code /api/v2/alerts}, {@code /am/} gives {@code /am/api/v2/alerts}).
   */
  static String alertsPath(String prefix) {
    List<String> parts = new ArrayList<>();
    for (String p : (prefix + "/api/v2/alerts").split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
        continue;
      }
      parts.add(p);
    }
    return "/" + String.join("/", parts);
  }

  /**
   * The Authorization header value, files read now (as Prometheus reads password_file and
   * credentials_file on every request), or null without authentication.
   */
  String authorizationHeader() throws IOException {
    return HttpAuth.header(config.basicAuth(), config.authorization());
  }

  /** Starts one POST of {@code body} to {@code url}, bounded by the set's timeout. */
  CompletableFuture<HttpResponse<Void>> post(String url, byte[] body, String authorization) {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofMillis(Math.max(1, config.timeoutMs())))
            .header("Content-Type", "application/json")
            .header("User-Agent", Notifier.USER_AGENT)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      rb.header("Authorization", authorization);
    }
    return client.sendAsync(rb.build(), HttpResponse.BodyHandlers.discarding());
  }
}
