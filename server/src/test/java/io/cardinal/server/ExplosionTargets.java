package io.cardinal.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two scrape targets on one loopback port for cardinality explosions: {@code /healthy} exposes a
 * fixed set of counters ({@code healthy_requests_total{path="/p<i>"}}, scrape n gives n × 10 + i),
 * {@code /attacked} exposes {@code http_requests_total{url="/"}} and, while {@link #attacking} is
 * set, {@code newPerScrape} new series per scrape with random URLs as label values.
 */
final class ExplosionTargets implements AutoCloseable {
  final AtomicBoolean attacking = new AtomicBoolean();
  final AtomicLong healthyScrapes = new AtomicLong();
  final AtomicLong attackScrapes = new AtomicLong();
  private final HttpServer server;

  ExplosionTargets(int healthySeries, int newPerScrape, long seed) throws IOException {
    Random random = new Random(seed);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext(
        "/healthy",
        ex -> {
          try (ex) {
            long n = healthyScrapes.incrementAndGet();
            StringBuilder sb = new StringBuilder("# TYPE healthy_requests_total counter\n");
            for (int i = 0; i < healthySeries; i++) {
              sb.append("healthy_requests_total{path=\"/p")
                  .append(i)
                  .append("\"} ")
                  .append(n * 10 + i)
                  .append('\n');
            }
            respond(ex, sb.toString());
          }
        });
    server.createContext(
        "/attacked",
        ex -> {
          try (ex) {
            StringBuilder sb =
                new StringBuilder(
                        "# TYPE http_requests_total counter\nhttp_requests_total{url=\"/\"} ")
                    .append(attackScrapes.incrementAndGet())
                    .append('\n');
            if (attacking.get()) {
              synchronized (random) {
                for (int i = 0; i < newPerScrape; i++) {
                  sb.append("http_requests_total{url=\"/")
                      .append(Long.toHexString(random.nextLong()))
                      .append("/")
                      .append(Long.toHexString(random.nextLong()))
                      .append("\"} 1\n");
                }
              }
            }
            respond(ex, sb.toString());
          }
        });
    server.start();
  }

  /** host:port of both targets. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private static void respond(HttpExchange ex, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
    ex.sendResponseHeaders(200, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
