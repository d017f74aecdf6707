package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that hangs up stops its query: the server does not compute answers nobody reads. */
class DisconnectCancelTest {
  @TempDir Path dir;

  static double running(ServerHarness h) throws Exception {
    return ServerHarness.metric(h.get("/metrics").body(), "prometheus_engine_queries");
  }

  @Test
  void aQueryWhoseClientClosedTheConnectionIsCanceled() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir, "scrape_configs: []\n", o -> o)) {
      // Half a minute of work if nobody stops it: 10,000 steps, each a quantile over 1.7M points.
      String q = ServerHarness.enc("quantile_over_time(0.5, (vector(time()) * 2)[20d:1s])");
      long end = 1_700_000_000L;
      try (Socket s = new Socket("127.0.0.1", h.port())) {
        OutputStream out = s.getOutputStream();
        out.write(
            ("GET /api/v1/query_range?query="
                    + q
                    + "&start="
                    + (end - 10_000 * 60)
                    + "&end="
                    + end
                    + "&step=60 HTTP/1.1\r\nHost: a\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        long t0 = System.nanoTime();
        while (running(h) < 1) {
          assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "the query never started");
          Thread.sleep(20);
        }
        Thread.sleep(300);
        assertTrue(running(h) >= 1, "the query should still be running");
      } // the client hangs up
      long t0 = System.nanoTime();
      while (running(h) > 0) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 3_000, "the query ran on " + ms + " ms after its client left");
        Thread.sleep(50);
      }
      // The server is fine afterwards.
      assertTrue(h.get("/api/v1/query?query=1").status() == 200);
    }
  }
}
