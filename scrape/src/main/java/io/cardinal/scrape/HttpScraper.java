package io.cardinal.scrape;

import io.cardinal.config.Config.ScrapeConfig;
import io.cardinal.config.Config.TlsConfig;
import io.cardinal.config.HttpAuth;
import io.cardinal.config.TlsContexts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLParameters;

/**
 * Fetches one scrape body over HTTP(S) for a scrape pool: content negotiation (OpenMetrics
 * preferred), gzip, authentication, TLS, the scrape timeout over the whole exchange and
 * body_size_limit over the decompressed body.
 */
public final class HttpScraper {
  static final String USER_AGENT = "Cardinal/" + BuildInfo.VERSION;

  /** A fetched body: bytes [0, length) and the response Content-Type. */
  record Body(byte[] bytes, int length, String contentType) {}

  /** A failed scrape; the message is what /api/v1/targets shows as lastError. */
  static final class ScrapeException extends Exception {
    ScrapeException(String message) {
      super(message);
    }
  }

  private final HttpClient client;
  private final ScrapeConfig config;
  private final BufferPool buffers = new BufferPool();
  private final String accept;

  /**
   * Prometheus 3's Accept header for {@code scrape_protocols}: each format in order with falling
   * q-values, the 1.0.0 formats asking for names escaped to underscores (Cardinal validates names
   * as legacy), then anything.
   */
  static String acceptHeader(List<String> protocols) {
    int weight = io.cardinal.config.ConfigLoader.SCRAPE_PROTOCOLS.size() + 1;
    StringBuilder sb = new StringBuilder();
    for (String p : protocols) {
      sb.append(io.cardinal.config.ConfigLoader.SCRAPE_PROTOCOLS.get(p));
      if (p.equals("PrometheusText1.0.0") || p.equals("OpenMetricsText1.0.0")) {
        sb.append(";escaping=underscores");
      }
      sb.append(";q=0.").append(weight--).append(',');
    }
    return sb.append("*/*;q=0.").append(weight).toString();
  }

  HttpScraper(ScrapeConfig config, Executor executor) throws IOException {
    this.config = config;
    this.accept = acceptHeader(config.transfer().scrapeProtocols());
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofMillis(config.scrapeTimeoutMs()))
            .followRedirects(
                config.transfer().followRedirects()
                    ? HttpClient.Redirect.NORMAL
                    : HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .executor(executor);
    if (config.scheme().equals("https") || !config.tlsConfig().equals(TlsConfig.DEFAULT)) {
      b.sslContext(TlsContexts.of(config.tlsConfig()));
      SSLParameters params = new SSLParameters();
      if (!config.tlsConfig().serverName().isEmpty()) {
        params.setServerNames(
            List.of(new javax.net.ssl.SNIHostName(config.tlsConfig().serverName())));
      }
      b.sslParameters(params);
    }
    this.client = b.build();
  }

  /** A scrape loop's own client: one per loop, used by one scrape at a time. */
  Session newSession() {
    return new Session();
  }

  private long limit() {
    return config.bodySizeLimit() > 0 ? config.bodySizeLimit() : Integer.MAX_VALUE - 16;
  }

  /**
   * Fetches for one scrape loop. Plain {@code http://} targets without a proxy go through the
   * loop's own {@link PlainHttpClient} (a kept-alive socket and reused buffers); everything else
   * (https, proxies, redirects) through the pool's JDK HttpClient. A body is valid until {@link
   * #release}.
   */
  final class Session implements AutoCloseable {
    private final PlainHttpClient plain =
        new PlainHttpClient(buffers, accept, config.transfer().enableCompression());
    private String url;
    private URI uri;
    private boolean usePlain;

    Body fetch(String url, long timeoutMs) throws ScrapeException, InterruptedException {
      if (!url.equals(this.url)) {
        this.url = url;
        usePlain = false;
        try {
          uri = URI.create(url);
          usePlain =
              "http".equalsIgnoreCase(uri.getScheme())
                  && uri.getHost() != null
                  && uri.getRawUserInfo() == null
                  && direct(uri);
        } catch (IllegalArgumentException e) {
          uri = null; // the JDK path reports the invalid URL
        }
      }
      if (usePlain) {
        long start = System.nanoTime();
        try {
          return plain.fetch(url, uri, authorizationHeader(), timeoutMs, limit());
        } catch (PlainHttpClient.Redirect r) {
          if (!config.transfer().followRedirects()) {
            throw new ScrapeException(
                "server returned HTTP status " + r.status + " " + reason(r.status));
          }
          // The JDK client follows redirects; keep using it for this target.
          usePlain = false;
          plain.close();
          long left = timeoutMs - (System.nanoTime() - start) / 1_000_000;
          return HttpScraper.this.fetch(url, Math.max(1, left));
        }
      }
      return HttpScraper.this.fetch(url, timeoutMs);
    }

    /** The body of the last fetch is no longer used: its buffers go back to the pool. */
    void release() {
      plain.release();
    }

    /** Closes the kept-alive connection, if any. */
    @Override
    public void close() {
      plain.close();
    }

    /** For tests. */
    PlainHttpClient plainClient() {
      return plain;
    }
  }

  /**
   * Whether the default proxy selector (which the JDK client would use) connects to {@code uri}
   * directly.
   */
  private static boolean direct(URI uri) {
    java.net.ProxySelector ps = java.net.ProxySelector.getDefault();
    if (ps == null) {
      return true;
    }
    for (java.net.Proxy p : ps.select(uri)) {
      if (p.type() != java.net.Proxy.Type.DIRECT) {
        return false;
      }
    }
    return true;
  }

  /**
   * Fetch buffers of {@link PlainHttpClient}: as many as scrapes run at once, shared by the pool's
   * loops.
   */
  static final class BufferPool {
    private static final int MAX_IDLE = 64;

    /** Last in, first out: the buffer used last is the one most likely still in the CPU caches. */
    private final java.util.concurrent.ConcurrentLinkedDeque<PlainHttpClient.Buffers> idle =
        new java.util.concurrent.ConcurrentLinkedDeque<>();

    private final java.util.concurrent.atomic.AtomicInteger idleCount =
        new java.util.concurrent.atomic.AtomicInteger();

    PlainHttpClient.Buffers borrow() {
      PlainHttpClient.Buffers b = idle.pollFirst();
      if (b == null) {
        return new PlainHttpClient.Buffers();
      }
      idleCount.decrementAndGet();
      return b;
    }

    void giveBack(PlainHttpClient.Buffers b) {
      if (idleCount.incrementAndGet() > MAX_IDLE) {
        idleCount.decrementAndGet();
        b.end();
        return;
      }
      idle.offerFirst(b);
    }
  }

  /** Fetches through the JDK HttpClient (https, proxies, redirects). */
  Body fetch(String url, long timeoutMs) throws ScrapeException, InterruptedException {
    HttpRequest.Builder rb;
    try {
      rb = HttpRequest.newBuilder(URI.create(url));
    } catch (IllegalArgumentException e) {
      throw new ScrapeException("invalid scrape URL " + url + ": " + e.getMessage());
    }
    rb.GET()
        .header("Accept", accept)
        .header("Accept-Encoding", config.transfer().enableCompression() ? "gzip" : "identity")
        .header("User-Agent", USER_AGENT)
        .header("X-Prometheus-Scrape-Timeout-Seconds", String.valueOf(timeoutMs / 1000.0))
        .timeout(Duration.ofMillis(timeoutMs));
    String auth = authorizationHeader();
    if (auth != null) {
      rb.header("Authorization", auth);
    }
    long limit = limit();
    CompletableFuture<HttpResponse<byte[]>> f =
        client.sendAsync(
            rb.build(),
            info ->
                new LimitedBody(
                    info.headers()
                            .firstValue("Content-Encoding")
                            .map(e -> e.equalsIgnoreCase("gzip"))
                            .orElse(false)
                        ? Integer.MAX_VALUE - 16
                        : limit));
    HttpResponse<byte[]> resp;
    try {
      resp = f.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new ScrapeException("Get \"" + url + "\": context deadline exceeded");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      while (c.getCause() != null && c.getMessage() == null) {
        c = c.getCause();
      }
      if (c instanceof BodyTooLarge) {
        throw new ScrapeException(c.getMessage());
      }
      if (c instanceof java.net.http.HttpTimeoutException) {
        throw new ScrapeException("Get \"" + url + "\": context deadline exceeded");
      }
      throw new ScrapeException(
          "Get \"" + url + "\": " + (c.getMessage() == null ? c.toString() : c.getMessage()));
    }
    if (resp.statusCode() != 200) {
      throw new ScrapeException(
          "server returned HTTP status " + resp.statusCode() + " " + reason(resp.statusCode()));
    }
    byte[] bytes = resp.body();
    int len = bytes.length;
    if (resp.headers()
        .firstValue("Content-Encoding")
        .map(e -> e.equalsIgnoreCase("gzip"))
        .orElse(false)) {
      bytes = gunzip(bytes, limit);
      len = bytes.length;
    }
    return new Body(bytes, len, resp.headers().firstValue("Content-Type").orElse(null));
  }

  private static byte[] gunzip(byte[] in, long limit) throws ScrapeException {
    try (InputStream z = new GZIPInputStream(new ByteArrayInputStream(in))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(in.length * 4);
      byte[] buf = new byte[8192];
      long total = 0;
      for (int n; (n = z.read(buf)) > 0; ) {
        total += n;
        if (total > limit) {
          throw new ScrapeException(bodyTooLarge(limit));
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new ScrapeException("invalid gzip body: " + e.getMessage());
    }
  }

  static String bodyTooLarge(long limit) {
    return "body size limit exceeded (limit: " + limit + " bytes)";
  }

  private String authorizationHeader() throws ScrapeException {
    try {
      return HttpAuth.header(config.basicAuth(), config.authorization());
    } catch (IOException e) {
      throw new ScrapeException("unable to read authorization credentials: " + e.getMessage());
    }
  }

  static String reason(int code) {
    switch (code) {
      case 301:
        return "Moved Permanently";
      case 302:
        return "Found";
      case 303:
        return "See Other";
      case 307:
        return "Temporary Redirect";
      case 308:
        return "Permanent Redirect";
      case 400:
        return "Bad Request";
      case 401:
        return "Unauthorized";
      case 403:
        return "Forbidden";
      case 404:
        return "Not Found";
      case 500:
        return "Internal Server Error";
      case 502:
        return "Bad Gateway";
      case 503:
        return "Service Unavailable";
      default:
        return "";
    }
  }

  /** Fails the exchange as soon as more than {@code limit} body bytes arrived. */
  private static final class BodyTooLarge extends IOException {
    BodyTooLarge(long limit) {
      super(bodyTooLarge(limit));
    }
  }

  private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long limit;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    private Flow.Subscription subscription;

    LimitedBody(long limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        int n = b.remaining();
        if (out.size() + (long) n > limit) {
          subscription.cancel();
          result.completeExceptionally(new BodyTooLarge(limit));
          return;
        }
        byte[] tmp = new byte[n];
        b.get(tmp);
        out.write(tmp, 0, n);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
