package io.cardinal.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.config.Config.ScrapeConfig;
import io.cardinal.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scrape loop's own HTTP/1.1 client against a scripted server on 127.0.0.1: every test writes
 * the exact bytes the target answers with and checks what the scraper returns or reports.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PlainHttpClientTest {
  private static final String BODY = "# TYPE a counter\na_total{x=\"1\"} 1\na_total{x=\"2\"} 2\n";

  private final ExecutorService http =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "test-http");
            t.setDaemon(true);
            return t;
          });
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    http.shutdownNow();
  }

  // ------------------------------------------------------------------ scripted server

  /** Answers one connection: may read several requests; returning closes the connection. */
  interface Conn {
    void serve(int connection, InputStream in, OutputStream out)
        throws IOException, InterruptedException;
  }

  final class Server implements AutoCloseable {
    final ServerSocket ss;
    final AtomicInteger connections = new AtomicInteger();
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

    /** Counted down when a connection's serve() returned or the client closed it. */
    final CountDownLatch closedByClient = new CountDownLatch(1);

    Server(Conn conn) throws IOException {
      ss = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      Thread t =
          new Thread(
              () -> {
                while (!ss.isClosed()) {
                  Socket s;
                  try {
                    s = ss.accept();
                  } catch (IOException e) {
                    return;
                  }
                  sockets.add(s);
                  int n = connections.incrementAndGet();
                  Thread h =
                      new Thread(
                          () -> {
                            try (s) {
                              conn.serve(n, s.getInputStream(), s.getOutputStream());
                            } catch (IOException | InterruptedException e) {
                              // the client went away
                            }
                          },
                          "test-conn-" + n);
                  h.setDaemon(true);
                  h.start();
                }
              },
              "test-accept");
      t.setDaemon(true);
      t.start();
      closeables.add(this);
    }

    String url() {
      return "http://127.0.0.1:" + ss.getLocalPort() + "/metrics";
    }

    /** Reads one request head; null on EOF before it. */
    String readRequest(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int state = 0;
      while (state < 4) {
        int c = in.read();
        if (c < 0) {
          if (b.size() == 0) {
            closedByClient.countDown();
          }
          return null;
        }
        b.write(c);
        state =
            (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                ? state + 1
                : 0;
      }
      String r = b.toString(StandardCharsets.ISO_8859_1);
      requests.add(r);
      return r;
    }

    @Override
    public void close() throws IOException {
      ss.close();
      synchronized (sockets) {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }

  /** A server answering every request on every connection with {@code response(requestNumber)}. */
  interface Responder {
    byte[] response(int request) throws IOException;
  }

  Server serveAll(Responder r) throws IOException {
    AtomicInteger count = new AtomicInteger();
    Server[] self = new Server[1];
    self[0] =
        new Server(
            (c, in, out) -> {
              while (self[0].readRequest(in) != null) {
                out.write(r.response(count.incrementAndGet()));
                out.flush();
              }
            });
    return self[0];
  }

  static byte[] ok(String headers, byte[] body) {
    byte[] h = ("HTTP/1.1 200 OK\r\n" + headers + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  static byte[] plainOk(String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return ok("Content-Type: text/plain; version=0.0.4\r\nContent-Length: " + b.length + "\r\n", b);
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(z)) {
      g.write(b);
    }
    return z.toByteArray();
  }

  HttpScraper.Session session(String extraYaml) throws Exception {
    return session(extraYaml, "5s");
  }

  HttpScraper.Session session(String extraYaml, String timeout) throws Exception {
    String yaml =
        "scrape_configs:\n  - job_name: t\n    scrape_interval: 10s\n    scrape_timeout: "
            + timeout
            + "\n"
            + extraYaml
            + "    static_configs:\n      - targets: ['127.0.0.1:1']\n";
    ScrapeConfig sc = ConfigLoader.parse(yaml).scrapeConfigs().get(0);
    HttpScraper.Session s = new HttpScraper(sc, http).newSession();
    closeables.add(s);
    return s;
  }

  static String text(HttpScraper.Body b) {
    return new String(b.bytes(), 0, b.length(), StandardCharsets.UTF_8);
  }

  String fetchText(HttpScraper.Session s, String url, long timeoutMs) throws Exception {
    HttpScraper.Body b = s.fetch(url, timeoutMs);
    try {
      return text(b);
    } finally {
      s.release();
    }
  }

  String fetchError(HttpScraper.Session s, String url, long timeoutMs) {
    HttpScraper.ScrapeException e =
        assertThrows(
            HttpScraper.ScrapeException.class,
            () -> {
              try {
                s.fetch(url, timeoutMs);
              } finally {
                s.release();
              }
            });
    return e.getMessage();
  }

  // ------------------------------------------------------------------ tests

  @Test
  void contentLengthBodyAndRequestHeaders() throws Exception {
    Server srv = serveAll(n -> plainOk(BODY));
    HttpScraper.Session s = session("");
    HttpScraper.Body b = s.fetch(srv.url(), 5000);
    assertEquals(BODY, text(b));
    assertEquals("text/plain; version=0.0.4", b.contentType());
    s.release();
    String req = srv.requests.get(0);
    assertTrue(req.startsWith("GET /metrics HTTP/1.1\r\n"), req);
    assertTrue(req.contains("\r\nHost: 127.0.0.1:" + srv.ss.getLocalPort() + "\r\n"), req);
    assertTrue(req.contains("\r\nAccept-Encoding: gzip\r\n"), req);
    assertTrue(req.contains("\r\nUser-Agent: " + HttpScraper.USER_AGENT + "\r\n"), req);
    assertTrue(req.contains("\r\nX-Prometheus-Scrape-Timeout-Seconds: 5.0\r\n"), req);
    assertTrue(
        req.contains(
            "\r\nAccept: " + io.cardinal.exposition.ExpositionFormat.SCRAPE_ACCEPT_HEADER + "\r\n"),
        req);
    assertFalse(req.contains("Authorization"), req);
  }

  @Test
  void authorizationHeaders() throws Exception {
    Server srv = serveAll(n -> plainOk(BODY));
    fetchText(session("    basic_auth:\n      username: u\n      password: p\n"), srv.url(), 5000);
    assertTrue(
        srv.requests.get(0).contains("\r\nAuthorization: Basic dTpw\r\n"), srv.requests.get(0));
    fetchText(session("    authorization:\n      credentials: secret\n"), srv.url(), 5000);
    assertTrue(
        srv.requests.get(1).contains("\r\nAuthorization: Bearer secret\r\n"), srv.requests.get(1));
  }

  @Test
  void chunkedBodyWithExtensionsAndTrailers() throws Exception {
    Server srv =
        serveAll(
            n ->
                ok(
                    "Transfer-Encoding: chunked\r\nContent-Type: text/plain\r\n",
                    ("5;ext=1\r\n# TYP\r\n"
                            + Integer.toHexString(BODY.length() - 5)
                            + "\r\n"
                            + BODY.substring(5)
                            + "\r\n0\r\nX-Trailer: t\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8)));
    HttpScraper.Session s = session("");
    for (int i = 0; i < 3; i++) {
      assertEquals(BODY, fetchText(s, srv.url(), 5000));
    }
    assertEquals(1, srv.connections.get(), "chunked responses keep the connection");
  }

  @Test
  void gzipBodiesWithContentLengthAndChunked() throws Exception {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      big.append("metric_")
          .append(i % 7)
          .append("{i=\"")
          .append(i)
          .append("\"} ")
          .append(i)
          .append('\n');
    }
    byte[] z = gzip(big.toString().getBytes(StandardCharsets.UTF_8));
    Server srv =
        serveAll(
            n -> {
              if (n % 2 == 1) {
                return ok("Content-Encoding: gzip\r\nContent-Length: " + z.length + "\r\n", z);
              }
              ByteArrayOutputStream c = new ByteArrayOutputStream();
              c.write(ok("Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", new byte[0]));
              for (int off = 0; off < z.length; off += 1000) {
                int len = Math.min(1000, z.length - off);
                c.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                c.write(z, off, len);
                c.write("\r\n".getBytes(StandardCharsets.US_ASCII));
              }
              c.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
              return c.toByteArray();
            });
    HttpScraper.Session s = session("");
    for (int i = 0; i < 4; i++) {
      HttpScraper.Body b = s.fetch(srv.url(), 5000);
      assertEquals(big.toString(), text(b));
      assertNull(b.contentType());
      s.release();
    }
    assertEquals(1, srv.connections.get());
  }

  @Test
  void corruptGzipIsReported() throws Exception {
    byte[] z = gzip(BODY.getBytes(StandardCharsets.UTF_8));
    z[z.length - 5] ^= 1; // CRC32 in the trailer
    Server srv =
        serveAll(n -> ok("Content-Encoding: gzip\r\nContent-Length: " + z.length + "\r\n", z));
    assertEquals(
        "invalid gzip body: Corrupt GZIP trailer", fetchError(session(""), srv.url(), 5000));
  }

  @Test
  void bodySizeLimitPlainChunkedAndGzip() throws Exception {
    String limited = "    body_size_limit: 100B\n";
    String exact = "x".repeat(100);
    String over = "x".repeat(101);
    Server srv =
        serveAll(
            n ->
                switch (n) {
                  case 1 -> plainOk(exact);
                  case 2 -> plainOk(over);
                  case 3 ->
                      ok(
                          "Transfer-Encoding: chunked\r\n",
                          ("40\r\n"
                                  + over.substring(0, 64)
                                  + "\r\n25\r\n"
                                  + over.substring(64)
                                  + "\r\n0\r\n\r\n")
                              .getBytes(StandardCharsets.US_ASCII));
                  default -> {
                    byte[] z = gzip(over.getBytes(StandardCharsets.US_ASCII));
                    assertTrue(z.length < 100);
                    yield ok("Content-Encoding: gzip\r\nContent-Length: " + z.length + "\r\n", z);
                  }
                });
    HttpScraper.Session s = session(limited);
    String msg = "body size limit exceeded (limit: 100 bytes)";
    assertEquals(exact, fetchText(s, srv.url(), 5000));
    assertEquals(msg, fetchError(s, srv.url(), 5000));
    assertEquals(msg, fetchError(s, srv.url(), 5000));
    assertEquals(msg, fetchError(s, srv.url(), 5000));
  }

  @Test
  void timeoutWhileTheServerStalls() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    closeables.add(release::countDown);
    Server stall =
        new Server(
            (c, in, out) -> {
              stallRequest(in);
              release.await(30, TimeUnit.SECONDS);
            });
    HttpScraper.Session s = session("", "300ms");
    long t0 = System.nanoTime();
    assertEquals(
        "Get \"" + stall.url() + "\": context deadline exceeded", fetchError(s, stall.url(), 300));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 250 && ms < 3000, ms + " ms");
    // Headers arrive, then the body trickles too slowly: the deadline covers the whole exchange.
    Server trickle =
        new Server(
            (c, in, out) -> {
              stallRequest(in);
              out.write(
                  "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
              for (int i = 0; i < 100; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(100);
              }
            });
    t0 = System.nanoTime();
    assertEquals(
        "Get \"" + trickle.url() + "\": context deadline exceeded",
        fetchError(s, trickle.url(), 300));
    ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 250 && ms < 3000, ms + " ms");
  }

  private void stallRequest(InputStream in) throws IOException {
    while (in.available() == 0) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Test
  void non200StatusesThenRecovery() throws Exception {
    Server srv =
        serveAll(
            n ->
                switch (n) {
                  case 1 ->
                      "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops"
                          .getBytes(StandardCharsets.US_ASCII);
                  case 2 ->
                      "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                          .getBytes(StandardCharsets.US_ASCII);
                  case 3 ->
                      "HTTP/1.1 418 I'm a teapot\r\nContent-Length: 0\r\n\r\n"
                          .getBytes(StandardCharsets.US_ASCII);
                  default -> plainOk(BODY);
                });
    HttpScraper.Session s = session("");
    assertEquals(
        "server returned HTTP status 500 Internal Server Error", fetchError(s, srv.url(), 5000));
    assertEquals("server returned HTTP status 404 Not Found", fetchError(s, srv.url(), 5000));
    assertEquals("server returned HTTP status 418 ", fetchError(s, srv.url(), 5000));
    assertEquals(BODY, fetchText(s, srv.url(), 5000));
  }

  @Test
  void keepAliveReusesOneConnection() throws Exception {
    Server srv = serveAll(n -> plainOk(BODY + "# scrape " + n + "\n"));
    HttpScraper.Session s = session("");
    for (int i = 1; i <= 5; i++) {
      assertEquals(BODY + "# scrape " + i + "\n", fetchText(s, srv.url(), 5000));
    }
    assertEquals(1, srv.connections.get());
    assertEquals(5, srv.requests.size());
    assertEquals(1, s.plainClient().connects);
    s.close();
    assertTrue(
        srv.closedByClient.await(5, TimeUnit.SECONDS), "close() closes the kept-alive connection");
  }

  @Test
  void reconnectsWhenTheServerClosedTheKeptAliveConnection() throws Exception {
    // One response per connection, no "Connection: close": the client only learns on the next
    // request.
    Server[] self = new Server[1];
    self[0] =
        new Server(
            (c, in, out) -> {
              if (self[0].readRequest(in) != null) {
                out.write(plainOk(BODY + "# conn " + c + "\n"));
                out.flush();
              }
            });
    HttpScraper.Session s = session("");
    for (int i = 1; i <= 3; i++) {
      assertEquals(BODY + "# conn " + i + "\n", fetchText(s, self[0].url(), 5000));
      Thread.sleep(50); // let the server's close arrive
    }
    assertEquals(3, self[0].connections.get());
  }

  @Test
  void connectionCloseAndHttp10CloseAfterTheResponse() throws Exception {
    Server srv =
        serveAll(
            n ->
                switch (n) {
                  case 1 ->
                      ok(
                          "Connection: close\r\nContent-Length: " + BODY.length() + "\r\n",
                          BODY.getBytes(StandardCharsets.UTF_8));
                  default -> ("HTTP/1.0 200 OK\r\n\r\n" + BODY).getBytes(StandardCharsets.UTF_8);
                });
    HttpScraper.Session s = session("");
    assertEquals(BODY, fetchText(s, srv.url(), 5000));
    assertFalse(s.plainClient().connected());
    // HTTP/1.0 without a length: the body ends at EOF, so the server has to close; serveAll does
    // not.
    Server eof =
        new Server(
            (c, in, out) -> {
              stallRequest(in);
              out.write(
                  ("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + BODY)
                      .getBytes(StandardCharsets.UTF_8));
            });
    assertEquals(BODY, fetchText(s, eof.url(), 5000));
    assertFalse(s.plainClient().connected());
  }

  @Test
  void malformedResponsesNameWhatWasWrong() throws Exception {
    Server srv =
        serveAll(
            n ->
                (switch (n) {
                      case 1 -> "HTTX/1.1 200 OK\r\n\r\n";
                      case 2 -> "HTTP/1.1 2x0 OK\r\n\r\n";
                      case 3 -> "HTTP/1.1 200 OK\r\nContent-Length 5\r\n\r\nhello";
                      case 4 -> "HTTP/1.1 200 OK\r\nContent-Length: five\r\n\r\nhello";
                      case 5 ->
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n";
                      case 6 -> "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello";
                      default -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
                    })
                    .getBytes(StandardCharsets.US_ASCII));
    HttpScraper.Session s = session("");
    String g = "Get \"" + srv.url() + "\": ";
    assertEquals(
        g + "malformed HTTP status line \"HTTX/1.1 200 OK\"", fetchError(s, srv.url(), 5000));
    assertEquals(
        g + "malformed HTTP status line \"HTTP/1.1 2x0 OK\"", fetchError(s, srv.url(), 5000));
    assertEquals(
        g + "malformed HTTP response header \"Content-Length 5\"", fetchError(s, srv.url(), 5000));
    assertEquals(g + "malformed HTTP Content-Length \"five\"", fetchError(s, srv.url(), 5000));
    assertEquals(
        g + "malformed chunked encoding: chunk size \"zz\"", fetchError(s, srv.url(), 1000));
    // Case 6 promises 10 bytes and sends 5: the server's next response would be read as body, so
    // the
    // exchange ends at the deadline (the server keeps the connection open).
    assertEquals(g + "context deadline exceeded", fetchError(s, srv.url(), 300));
    assertEquals("hello", fetchText(s, srv.url(), 5000));
  }

  @Test
  void truncatedBodyIsUnexpectedEof() throws Exception {
    Server srv =
        new Server(
            (c, in, out) -> {
              stallRequest(in);
              out.write(
                  "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"
                      .getBytes(StandardCharsets.US_ASCII));
            });
    assertEquals(
        "Get \"" + srv.url() + "\": unexpected EOF", fetchError(session(""), srv.url(), 5000));
  }

  @Test
  void redirectsAreFollowedThroughTheJdkClient() throws Exception {
    Server[] self = new Server[1];
    self[0] =
        new Server(
            (c, in, out) -> {
              String req;
              while ((req = self[0].readRequest(in)) != null) {
                if (req.startsWith("GET /metrics ")) {
                  out.write(
                      ("HTTP/1.1 302 Found\r\nLocation: /real\r\nContent-Length: 0\r\n\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
                } else {
                  out.write(plainOk(BODY));
                }
                out.flush();
              }
            });
    HttpScraper.Session s = session("");
    assertEquals(BODY, fetchText(s, self[0].url(), 5000));
    assertEquals(BODY, fetchText(s, self[0].url(), 5000));
    assertTrue(
        self[0].requests.stream().anyMatch(r -> r.startsWith("GET /real ")),
        self[0].requests.toString());
  }

  @Test
  void connectionRefused() throws Exception {
    int port;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = ss.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/metrics";
    String err = fetchError(session(""), url, 2000);
    assertTrue(
        err.startsWith("Get \"" + url + "\": dial tcp 127.0.0.1:" + port + ": connect: "), err);
  }
}
