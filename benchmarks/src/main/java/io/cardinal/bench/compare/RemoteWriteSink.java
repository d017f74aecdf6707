package io.cardinal.bench.compare;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.xerial.snappy.Snappy;

/**
 * A minimal remote write 1.0 endpoint for the sender benchmark: {@code POST /api/v1/write} decodes
 * every request (snappy, then the protobuf wire format by hand with {@link CodedInputStream}),
 * counts its series and samples and answers 204 (400 if the body does not decode). It stores
 * nothing, so the sender under test, not the sink, is the bottleneck.
 *
 * <p>{@code GET /stats} answers {@code requests samples series max_timestamp_ms bad_requests bytes
 * refused_503} on one line, for the script to poll. {@code GET /fail?seconds=N} simulates an
 * outage: every write is answered 503 (not counted) for the next N seconds, so the sender builds a
 * backlog in its WAL and its catch-up rate afterwards shows how fast it can send.
 *
 * <p>Usage: {@code RemoteWriteSink PORT_FILE [MAX_SECONDS]}: listens on an ephemeral port of
 * 127.0.0.1, writes the port to PORT_FILE and exits after MAX_SECONDS (default 3600).
 */
public final class RemoteWriteSink {
  private static final int TAG_1_LEN = (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int TAG_2_LEN = (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int TAG_2_VARINT = (2 << 3) | WireFormat.WIRETYPE_VARINT;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong samples = new AtomicLong();
  private final AtomicLong series = new AtomicLong();
  private final AtomicLong maxTs = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong bad = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private volatile long failUntilNanos = System.nanoTime();

  public static void main(String[] args) throws Exception {
    Path portFile = Path.of(args[0]);
    long maxSeconds = args.length > 1 ? Long.parseLong(args[1]) : 3600;
    RemoteWriteSink sink = new RemoteWriteSink();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    server.setExecutor(pool);
    server.createContext("/api/v1/write", sink::write);
    server.createContext("/stats", sink::stats);
    server.createContext("/fail", sink::fail);
    server.start();
    Path tmp = Path.of(portFile + ".tmp");
    Files.writeString(tmp, server.getAddress().getPort() + "\n");
    Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Thread.sleep(maxSeconds * 1000);
    System.err.println("sink: time limit reached, exiting");
    System.exit(0);
  }

  private void write(HttpExchange ex) throws IOException {
    try (ex) {
      if (!"POST".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (System.nanoTime() - failUntilNanos < 0) { // a simulated outage: the sender must retry
        refused.incrementAndGet();
        ex.sendResponseHeaders(503, -1);
        return;
      }
      long[] counts = new long[3]; // series, samples, max timestamp
      counts[2] = Long.MIN_VALUE;
      try {
        decode(Snappy.uncompress(body), counts);
      } catch (IOException | RuntimeException e) {
        bad.incrementAndGet();
        byte[] msg = ("bad request: " + e + "\n").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(400, msg.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(msg);
        }
        return;
      }
      requests.incrementAndGet();
      bytes.addAndGet(body.length);
      series.addAndGet(counts[0]);
      samples.addAndGet(counts[1]);
      maxTs.accumulateAndGet(counts[2], Math::max);
      ex.sendResponseHeaders(204, -1);
    }
  }

  /** {@code /fail?seconds=N}: answer every write with 503 for the next N seconds. */
  private void fail(HttpExchange ex) throws IOException {
    try (ex) {
      String q = ex.getRequestURI().getQuery();
      double seconds = Double.parseDouble(q.substring(q.indexOf('=') + 1));
      failUntilNanos = System.nanoTime() + (long) (seconds * 1e9);
      ex.sendResponseHeaders(204, -1);
    }
  }

  private void stats(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] b =
          String.format(
                  "%d %d %d %d %d %d %d%n",
                  requests.get(),
                  samples.get(),
                  series.get(),
                  maxTs.get(),
                  bad.get(),
                  bytes.get(),
                  refused.get())
              .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
  }

  /**
   * Counts the series and samples of a WriteRequest; labels are read (validated as strings), not
   * kept.
   */
  static void decode(byte[] raw, long[] counts) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(raw);
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      if (tag != TAG_1_LEN) {
        in.skipField(tag); // metadata (3) and anything newer
        continue;
      }
      int limit = in.pushLimit(in.readRawVarint32());
      counts[0]++;
      while (!in.isAtEnd()) {
        int t = in.readTag();
        switch (WireFormat.getTagFieldNumber(t)) {
          case 1:
            { // Label
              int l = in.pushLimit(in.readRawVarint32());
              while (!in.isAtEnd()) {
                int lt = in.readTag();
                if (lt == TAG_1_LEN || lt == TAG_2_LEN) {
                  in.readStringRequireUtf8();
                } else {
                  in.skipField(lt);
                }
              }
              in.popLimit(l);
              break;
            }
          case 2:
            { // Sample
              int s = in.pushLimit(in.readRawVarint32());
              long ts = 0;
              while (!in.isAtEnd()) {
                int st = in.readTag();
                if (st == TAG_2_VARINT) {
                  ts = in.readInt64();
                } else {
                  in.skipField(st);
                }
              }
              in.popLimit(s);
              counts[1]++;
              counts[2] = Math.max(counts[2], ts);
              break;
            }
          default:
            in.skipField(t); // exemplars, histograms
        }
      }
      in.popLimit(limit);
    }
  }
}
