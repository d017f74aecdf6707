package io.cardinal.discovery;

import io.cardinal.config.Config.HttpSdConfig;
import io.cardinal.config.Config.TlsConfig;
import io.cardinal.config.HttpAuth;
import io.cardinal.config.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * http_sd_configs: a GET of the URL every refresh interval, answered with 200, {@code Content-Type:
 * application/json} and a list of target groups; each group gets {@code __meta_url}. As in
 * Prometheus, the request carries {@code X-Prometheus-Refresh-Interval-Seconds}, and any other
 * answer is a failed refresh that keeps the last targets ({@code
 * prometheus_sd_http_failures_total}).
 */
public final class HttpDiscovery extends RefreshDiscovery {
  /** Prometheus's accepted content types: JSON, in UTF-8 if a charset is given. */
  private static final Pattern JSON =
      Pattern.compile("^(?i:application/json(;\\s*charset=(\"utf-8\"|utf-8))?)$");

  private final HttpSdConfig config;
  private final HttpClient client;
  private final String userAgent;

  /**
   * @param userAgent the User-Agent of the requests (the scraper's)
   * @param onResult called when a refresh finished, to have it applied by a poll
   * @param failures counts failed refreshes ({@code prometheus_sd_http_failures_total})
   */
  public HttpDiscovery(
      HttpSdConfig config,
      String userAgent,
      Executor executor,
      Runnable onResult,
      LongAdder failures)
      throws IOException {
    super(config.refreshIntervalMs(), executor, onResult, failures);
    this.config = config;
    this.userAgent = userAgent;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofMillis(Math.min(config.refreshIntervalMs(), 30_000)));
    if (!config.tlsConfig().equals(TlsConfig.DEFAULT)) {
      b.sslContext(TlsContexts.of(config.tlsConfig()));
    }
    this.client = b.build();
  }

  @Override
  protected String describe() {
    return "http url=" + config.url();
  }

  @Override
  protected List<TargetGroup> refresh() throws IOException, InterruptedException {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(URI.create(config.url()))
            .timeout(Duration.ofMillis(config.refreshIntervalMs()))
            .header("User-Agent", userAgent)
            .header(
                "X-Prometheus-Refresh-Interval-Seconds",
                String.valueOf(config.refreshIntervalMs() / 1000))
            .GET();
    // Read per refresh: a rotated password or token file takes effect without a reload.
    String auth = HttpAuth.header(config.basicAuth(), config.authorization());
    if (auth != null) {
      rb.header("Authorization", auth);
    }
    HttpResponse<byte[]> r = client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException("server returned HTTP status " + r.statusCode());
    }
    String ct = r.headers().firstValue("Content-Type").orElse("");
    if (!JSON.matcher(ct).matches()) {
      throw new IOException("unsupported content type \"" + ct + "\"");
    }
    String body = new String(r.body(), StandardCharsets.UTF_8);
    try {
      return FileDiscovery.parseGroups(body, config.url(), "__meta_url", config.url());
    } catch (RuntimeException e) {
      throw new IOException("invalid target groups from " + config.url() + ": " + e.getMessage());
    }
  }
}
