package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests as clients really send them, byte for byte, and what Prometheus answers to them. */
class RawRequestTest {
  @TempDir Path dir;

  static String exchange(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      // Written from another thread: the server may answer (and stop reading) before all of an
      // oversized request is sent.
      Thread writer =
          new Thread(
              () -> {
                try {
                  OutputStream out = s.getOutputStream();
                  out.write(request.getBytes(StandardCharsets.UTF_8));
                  out.flush();
                } catch (IOException e) {
                  // the server closed its side early; the answer is what counts
                }
              });
      writer.start();
      InputStream in = s.getInputStream();
      byte[] got = in.readAllBytes();
      return new String(got, StandardCharsets.UTF_8);
    }
  }

  @Test
  void unencodedBracesAndQuotesInTheQueryStringAreAccepted() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir, "scrape_configs: []\n", o -> o)) {
      // What curl -g sends: PromQL as typed.
      String q =
          exchange(
              h.port(),
              "GET /api/v1/query?query=up{job=\"x\"} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      assertTrue(q.startsWith("HTTP/1.1 200"), q);
      assertTrue(q.contains("{\"status\":\"success\""), q);
      String f =
          exchange(
              h.port(),
              "GET /federate?match[]={__name__=~\".*\"} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      assertTrue(f.startsWith("HTTP/1.1 200"), f);
    }
  }

  @Test
  void oversizedHeadersGet431() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir, "scrape_configs: []\n", o -> o)) {
      String big = "X-Big: " + "a".repeat((1 << 20) + 10) + "\r\n";
      String r = exchange(h.port(), "GET /-/ready HTTP/1.1\r\nHost: a\r\n" + big + "\r\n");
      assertTrue(r.startsWith("HTTP/1.1 431"), r.length() > 200 ? r.substring(0, 200) : r);
      // Within Go's 1 MiB limit: a long query string is fine.
      String longQuery = "(".repeat(10_000) + "1" + ")".repeat(10_000);
      String ok =
          exchange(
              h.port(),
              "GET /api/v1/query?query="
                  + longQuery
                  + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      assertTrue(ok.startsWith("HTTP/1.1 200"), ok.substring(0, Math.min(400, ok.length())));
    }
  }

  @Test
  void aRemoteWriteBodyDeclaredOverTheLimitIs413WithoutReadingIt() throws Exception {
    try (ServerHarness h =
        ServerHarness.start(
            dir, "scrape_configs: []\n", o -> o.withEnableRemoteWriteReceiver(true))) {
      // Declares 64 MiB (the limit is 32 MiB) and sends a few bytes: refused from the header.
      String r =
          exchange(
              h.port(),
              "POST /api/v1/write HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-protobuf\r\n"
                  + "Content-Encoding: snappy\r\nContent-Length: 67108864\r\nConnection: close\r\n\r\n"
                  + "abc");
      assertTrue(r.startsWith("HTTP/1.1 413"), r);
    }
  }
}
