package io.cardinal.server;

import io.cardinal.config.ServerOptions;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.function.Consumer;

/** A server on 127.0.0.1:0 for a test, with small HTTP helpers. Every wait is bounded. */
public final class ServerHarness implements AutoCloseable {
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public final CardinalServer server;

  public record Resp(int status, String body, java.net.http.HttpHeaders headers) {}

  private ServerHarness(CardinalServer server) {
    this.server = server;
  }

  /** Starts a server whose configuration file is {@code yaml}, storing in {@code dir/data}. */
  public static ServerHarness start(Path dir, String yaml, Consumer<ServerOptions> tweak) throws Exception {
    Files.createDirectories(dir);
    Path configFile = dir.resolve("prometheus.yml");
    Files.writeString(configFile, yaml);
    ServerOptions o = new ServerOptions();
    o.configFile = configFile;
    o.storagePath = dir.resolve("data");
    o.listenAddress = "127.0.0.1:0";
    o.enableLifecycle = true;
    o.filePollMs = 100;
    o.scrapeThreads = 2;
    if (tweak != null) {
      tweak.accept(o);
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
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    return new Resp(r.statusCode(), r.body(), r.headers());
  }

  public Resp postForm(String path, String form) throws Exception {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url() + path))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    return new Resp(r.statusCode(), r.body(), r.headers());
  }

  /** POSTs raw bytes with the given headers (name, value, name, value, ...); the response body as bytes. */
  public HttpResponse<byte[]> postBytes(String path, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  public static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  public static void await(String what, long timeoutMs, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (System.nanoTime() < deadline) {
      if (cond.getAsBoolean()) {
        return;
      }
      Thread.sleep(20);
    }
    fail("timed out after " + timeoutMs + " ms waiting for " + what);
  }

  @Override
  public void close() {
    server.close();
  }
}
