package io.cardinal.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Alertmanager (Debian's {@code prometheus-alertmanager}) for an interop test: one null
 * receiver, no clustering, on a free 127.0.0.1 port, its data and log in the test's directory.
 * Skipped loudly (or failed under CI) without the binary; killed on close.
 */
public final class Alertmanager implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final String url;

  private Alertmanager(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  /** Starts it and waits (at most 30 s) until {@code /-/ready} answers 200. */
  public static Alertmanager start(Path dir) throws IOException, InterruptedException {
    Path binary = Interop.requireBinary("prometheus-alertmanager");
    int port = Interop.freePort();
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(
        config, "route:\n  receiver: 'null'\n  group_wait: 0s\nreceivers:\n  - name: 'null'\n");
    Files.createDirectories(dir.resolve("alertmanager-data"));
    Path log = dir.resolve("alertmanager.log");
    Process p =
        Interop.start(
            log,
            List.of(
                binary.toString(),
                "--config.file=" + config,
                "--storage.path=" + dir.resolve("alertmanager-data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address="));
    Alertmanager am = new Alertmanager(p, "http://127.0.0.1:" + port);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (am.get("/-/ready").startsWith("200 ")) {
        return am;
      }
      if (!p.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    am.close();
    throw new IOException("Alertmanager did not become ready; see " + log);
  }

  /** The base URL, {@code http://127.0.0.1:PORT}. */
  public String url() {
    return url;
  }

  /** {@code host:port}, as a static_configs target. */
  public String address() {
    return url.substring("http://".length());
  }

  /** GET {@code path}: "STATUS BODY", or "000 error" when the request failed. */
  public String get(String path) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    } catch (IOException e) {
      return "000 " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "000 interrupted";
    }
  }

  @Override
  public void close() throws InterruptedException {
    Interop.kill(process);
  }
}
