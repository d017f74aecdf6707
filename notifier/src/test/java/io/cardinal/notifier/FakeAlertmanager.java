package io.cardinal.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A stand-in Alertmanager on 127.0.0.1: records every request (method, path, headers, JSON body)
 * and answers with a configurable status. It can hold its answers until released (to keep the
 * notifier's dispatcher busy) or never answer at all (a hung Alertmanager).
 */
final class FakeAlertmanager implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Request(String method, String path, String contentType, String userAgent, String auth) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile CountDownLatch gate = new CountDownLatch(0);
  volatile int status = 200;
  volatile boolean hang;

  private final String scheme;

  FakeAlertmanager() throws IOException {
    this(null);
  }

  /** Serves HTTPS with {@code tls}'s certificate, or plain HTTP when null. */
  FakeAlertmanager(SSLContext tls) throws IOException {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
    if (tls == null) {
      server = HttpServer.create(any, 0);
      scheme = "http";
    } else {
      HttpsServer https = HttpsServer.create(any, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
      scheme = "https";
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** host:port, as a static_configs target. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  String url(String path) {
    return scheme + "://" + address() + path;
  }

  /** Answers wait from now until {@link #release}. */
  void hold() {
    gate = new CountDownLatch(1);
  }

  void release() {
    gate.countDown();
  }

  List<Request> requests() {
    return new ArrayList<>(requests);
  }

  /** Each request's body: a JSON array of alerts. */
  List<JsonNode> bodies() {
    return new ArrayList<>(bodies);
  }

  /** Every alert received, in order. */
  List<JsonNode> alerts() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode b : bodies) {
      b.forEach(out::add);
    }
    return out;
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      byte[] body = ex.getRequestBody().readAllBytes();
      bodies.add(JSON.readTree(body));
      requests.add(
          new Request(
              ex.getRequestMethod(),
              ex.getRequestURI().getPath(),
              ex.getRequestHeaders().getFirst("Content-Type"),
              ex.getRequestHeaders().getFirst("User-Agent"),
              ex.getRequestHeaders().getFirst("Authorization")));
      if (hang) {
        closing.await(60, TimeUnit.SECONDS);
        return;
      }
      gate.await(60, TimeUnit.SECONDS);
      ex.sendResponseHeaders(status, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ex.close();
    }
  }

  @Override
  public void close() {
    closing.countDown();
    gate.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
