package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send their requests a byte at a time must not stop the API for everyone else (two
 * dozen of them used to hold every handler thread of the JDK's server). On 127.0.0.1, bounded: 60
 * slow connections for about five seconds.
 */
class SlowClientTest {
  @TempDir Path dir;

  /** Opens a connection that sends {@code head} and then one byte of {@code trickle} per tick. */
  static final class Slow implements AutoCloseable {
    final Socket s;
    final OutputStream out;
    final byte[] trickle;
    int sent;

    Slow(int port, String head, String trickle) throws IOException {
      s = new Socket("127.0.0.1", port);
      s.setSoTimeout(10_000);
      out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      this.trickle = trickle.getBytes(StandardCharsets.US_ASCII);
    }

    void tick() {
      if (sent < trickle.length) {
        try {
          out.write(trickle[sent++]);
          out.flush();
        } catch (IOException e) {
          // the server closed it (read timeout): fine
        }
      }
    }

    @Override
    public void close() throws IOException {
      s.close();
    }
  }

  @Test
  void sixtySlowClientsDoNotDelayAnyoneElse() throws Exception {
    try (ServerHarness h =
        ServerHarness.start(
            dir, "scrape_configs: []\n", o -> o.withEnableRemoteWriteReceiver(true))) {
      List<Slow> slow = new ArrayList<>();
      ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
      try {
        for (int i = 0; i < 30; i++) {
          // Headers one byte a second.
          slow.add(
              new Slow(
                  h.port(),
                  "GET /api/v1/query?query=1 HTTP/1.1\r\n",
                  "X-Slow: " + "a".repeat(200)));
          // A body one byte a second.
          slow.add(
              new Slow(
                  h.port(),
                  "POST /api/v1/query HTTP/1.1\r\nHost: x\r\nContent-Type:"
                      + " application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\n",
                  "query=1&" + "a".repeat(192)));
        }
        ticker.scheduleAtFixedRate(() -> slow.forEach(Slow::tick), 0, 1, TimeUnit.SECONDS);
        long worst = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int rounds = 0;
        while (System.nanoTime() < end) {
          for (String path :
              new String[] {
                "/api/v1/query?query=1", "/metrics", "/federate?match[]=up", "/-/ready"
              }) {
            long t0 = System.nanoTime();
            ServerHarness.Resp r = h.get(path);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            worst = Math.max(worst, ms);
            assertEquals(200, r.status(), path + ": " + r.body());
          }
          rounds++;
        }
        System.out.println(
            "slow clients: " + slow.size() + ", rounds: " + rounds + ", worst ms: " + worst);
        assertTrue(rounds >= 5, "only " + rounds + " rounds of requests in 5s");
        assertTrue(worst < 2_000, "a request took " + worst + " ms beside the slow clients");
      } finally {
        ticker.shutdownNow();
        for (Slow s : slow) {
          s.close();
        }
      }
    }
  }

  @Test
  void aBodyThatDoesNotArriveWithinTheReadTimeoutIsRefused() throws Exception {
    try (ServerHarness h =
        ServerHarness.start(
            dir, "scrape_configs: []\n", o -> o.withWebReadTimeout(Duration.ofSeconds(1)))) {
      try (Slow s =
          new Slow(
              h.port(),
              "POST /api/v1/query HTTP/1.1\r\nHost: x\r\nContent-Type:"
                  + " application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nquery=1",
              "")) {
        InputStream in = s.s.getInputStream();
        long t0 = System.nanoTime();
        byte[] b = in.readNBytes(12);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String status = new String(b, StandardCharsets.US_ASCII);
        assertTrue(
            status.isEmpty() || status.startsWith("HTTP/1.1 408"),
            "expected 408 or a closed connection, got " + status);
        assertTrue(ms < 5_000, "the stalled body held the connection " + ms + " ms");
      }
    }
  }
}
