package io.cardinal.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.cardinal.remote.prompb.Prompb;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import javax.net.ssl.SSLContext;

/**
 * A remote write endpoint on 127.0.0.1 for tests: decodes every request and records each sample
 * (series text, timestamp) with how often it arrived, unless {@link #status} says to answer an
 * error instead (then nothing of the request is recorded, as a real receiver that failed would not
 * have stored it).
 */
final class TestReceiver implements AutoCloseable {
  private final HttpServer http;

  /** Status for the n-th request (0-based); 2xx stores the request. */
  volatile IntUnaryOperator status = n -> 204;

  volatile String retryAfter;
  final AtomicInteger requests = new AtomicInteger();

  /** "series t" -> times received. */
  final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();

  /** "series t" -> raw value bits. */
  final Map<String, Long> values = new ConcurrentHashMap<>();

  final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();

  /** Newest timestamp received per series, to catch reordering across requests. */
  private final Map<String, Long> newest = new ConcurrentHashMap<>();

  /** Milliseconds each request takes (a slow endpoint). */
  volatile long delayMs;

  TestReceiver() throws IOException {
    this(null);
  }

  TestReceiver(SSLContext tls) throws IOException {
    InetSocketAddress addr = new InetSocketAddress("127.0.0.1", 0);
    if (tls == null) {
      http = HttpServer.create(addr, 32);
    } else {
      HttpsServer s = HttpsServer.create(addr, 32);
      s.setHttpsConfigurator(new HttpsConfigurator(tls));
      http = s;
    }
    http.setExecutor(
        java.util.concurrent.Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "test-receiver");
              t.setDaemon(true);
              return t;
            }));
    http.createContext("/", this::handle);
    http.start();
  }

  String url(String path) {
    return (http instanceof HttpsServer ? "https" : "http")
        + "://127.0.0.1:"
        + http.getAddress().getPort()
        + path;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      int n = requests.getAndIncrement();
      Map<String, String> h = new java.util.HashMap<>();
      ex.getRequestHeaders()
          .forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
      h.put(":path", ex.getRequestURI().getPath());
      headers.add(h);
      byte[] body = ex.getRequestBody().readAllBytes();
      if (delayMs > 0) {
        try {
          Thread.sleep(delayMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      int code = status.applyAsInt(n);
      if (code / 100 != 2) {
        if (retryAfter != null) {
          ex.getResponseHeaders().set("Retry-After", retryAfter);
        }
        byte[] msg = ("test receiver says " + code + "\n").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, msg.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(msg);
        }
        return;
      }
      Prompb.WriteRequest req;
      try {
        req = Prompb.WriteRequest.parseFrom(Snappy.decode(body, 1 << 30));
      } catch (IOException | RuntimeException e) {
        errors.add(e.toString());
        ex.sendResponseHeaders(400, -1);
        return;
      }
      for (Prompb.TimeSeries ts : req.getTimeseriesList()) {
        String series = series(ts.getLabelsList());
        long prev = Long.MIN_VALUE;
        for (Prompb.Sample s : ts.getSamplesList()) {
          if (s.getTimestamp() <= prev) {
            errors.add("samples out of order in one series: " + series);
          }
          prev = s.getTimestamp();
          Long before = newest.put(series, s.getTimestamp());
          if (before != null && before >= s.getTimestamp()) {
            errors.add("sample at " + s.getTimestamp() + " after " + before + " for " + series);
          }
          String key = series + " " + s.getTimestamp();
          received.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
          values.put(key, Double.doubleToRawLongBits(s.getValue()));
        }
      }
      ex.sendResponseHeaders(code, -1);
    }
  }

  static String series(List<Prompb.Label> labels) {
    List<String> parts = new ArrayList<>();
    for (Prompb.Label l : labels) {
      parts.add(l.getName() + "=" + l.getValue());
    }
    return "{" + String.join(",", parts) + "}";
  }

  int samples() {
    return received.size();
  }

  @Override
  public void close() {
    http.stop(0);
    ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
  }
}
