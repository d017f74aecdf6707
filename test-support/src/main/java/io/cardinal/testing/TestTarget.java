package io.cardinal.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** An exposition endpoint on 127.0.0.1 whose body, status and delay a test changes at will. */
public final class TestTarget implements AutoCloseable {
  private final HttpServer http;
  public volatile String body = "";
  public volatile String contentType = "text/plain; version=0.0.4";
  public volatile int status = 200;
  public volatile long delayMs;
  public volatile String lastAccept;

  /** Gzip the body when the scraper accepts it. */
  public volatile boolean gzip;

  public TestTarget() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    http.createContext(
        "/metrics",
        ex -> {
          try (ex) {
            lastAccept = ex.getRequestHeaders().getFirst("Accept");
            if (delayMs > 0) {
              try {
                Thread.sleep(delayMs);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String ae = ex.getRequestHeaders().getFirst("Accept-Encoding");
            if (gzip && ae != null && ae.contains("gzip")) {
              java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
              try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(z)) {
                g.write(b);
              }
              b = z.toByteArray();
              ex.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
              try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
              }
            }
          } catch (IOException e) {
            // the scraper gave up (timeout test)
          }
        });
    http.start();
  }

  public String address() {
    return "127.0.0.1:" + http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
