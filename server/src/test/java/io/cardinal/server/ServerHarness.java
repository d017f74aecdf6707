package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.fail;

import io.cardinal.config.ServerOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/** A server on 127.0.0.1:0 for a test, with small HTTP helpers. Every wait is bounded. */
public final class ServerHarness implements AutoCloseable {
  /**
   * HTTP/1.1: with the JDK client's default (HTTP/2 by h2c upgrade), a request now and then got its
   * response headers and then waited, with no server thread busy, until the server's idle timeout
   * closed the connection five minutes later (twice in one run of this module). HTTP/2 itself is
   * covered by Http2Test, with a client of its own.
   */
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  public final CardinalServer server;

  public record Resp(int status, String body, java.net.http.HttpHeaders headers) {}

  private ServerHarness(CardinalServer server) {
    this.server = server;
  }

  /**
   * Starts a server whose configuration file is {@code yaml}, storing in {@code dir/data}; {@code
   * tweak}, if given, changes the harness's options.
   */
  public static ServerHarness start(Path dir, String yaml, UnaryOperator<ServerOptions> tweak)
      throws Exception {
    Files.createDirectories(dir);
    Path configFile = dir.resolve("prometheus.yml");
    Files.writeString(configFile, yaml);
    ServerOptions o =
        ServerOptions.DEFAULTS
            .withConfigFile(configFile)
            .withStoragePath(dir.resolve("data"))
            .withListenAddress("127.0.0.1:0")
            .withEnableLifecycle(true)
            .withFilePollInterval(Duration.ofMillis(100))
            .withScrapeThreads(2);
    if (tweak != null) {
      o = tweak.apply(o);
    }
    return new ServerHarness(CardinalServer.start(o));
  }

  public int port() {
    return server.address().getPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public Resp get(String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Resp(r.statusCode(), r.body(), r.headers());
  }

  public Resp postForm(String path, String form) throws Exception {
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Resp(r.statusCode(), r.body(), r.headers());
  }

  /**
   * POSTs raw bytes with the given headers (name, value, name, value, ...); the response body as
   * bytes.
   */
  public HttpResponse<byte[]> postBytes(String path, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url() + path))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The value of an unlabelled sample {@code name} in a /metrics body. */
  public static double metric(String metricsBody, String name) {
    for (String line : metricsBody.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("no " + name + " in /metrics");
  }

  public static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  public static void await(String what, long timeoutMs, BooleanSupplier cond)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (System.nanoTime() < deadline) {
      if (cond.getAsBoolean()) {
        return;
      }
      Thread.sleep(20);
    }
    fail("timed out after " + timeoutMs + " ms waiting for " + what);
  }

  /** Waits (at most 15 s) until GET {@code path} answers a body containing {@code needle}. */
  public void awaitBody(String what, String path, String needle) throws InterruptedException {
    await(
        what,
        15_000,
        () -> {
          try {
            return get(path).body().contains(needle);
          } catch (Exception e) {
            return false;
          }
        });
  }

  @Override
  public void close() {
    server.close();
  }
}
