package io.cardinal.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the server on the JDK's built-in HttpServer: one root handler routes every path,
 * so an unknown path is a plain 404 and each endpoint states which methods it allows.
 */
public final class WebServer {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);

  /** Largest accepted request body (form-encoded API parameters). */
  static final int MAX_BODY_BYTES = 8 << 20;

  private final ServerContext server;

  /** Routes registered by other modules before {@link #start()}, by exact path. */
  private final Map<String, Route> routes = new ConcurrentHashMap<>();

  private record Route(String method, LongSupplier maxBodyBytes, BodyRoute handler) {}

  private final HttpServer http;
  private final ExecutorService executor;
  private final Api api;

  /** Null without --web.config.file. */
  private final WebConfig webConfig;

  public WebServer(ServerContext server, InetSocketAddress address) throws IOException {
    this(server, address, null);
  }

  /**
   * With a web configuration (--web.config.file): HTTPS when it has tls_server_config, basic auth
   * when users.
   */
  public WebServer(ServerContext server, InetSocketAddress address, WebConfig webConfig)
      throws IOException {
    this.server = server;
    this.webConfig = webConfig;
    if (webConfig != null && webConfig.tls()) {
      HttpsServer https = HttpsServer.create(address, 128);
      https.setHttpsConfigurator(
          new HttpsConfigurator(webConfig.sslContext()) {
            @Override
            public void configure(HttpsParameters p) {
              p.setSSLParameters(webConfig.sslParameters());
            }
          });
      this.http = https;
    } else {
      this.http = HttpServer.create(address, 128);
    }
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            Math.max(8, server.options().queryMaxConcurrency()),
            r -> {
              Thread t = new Thread(r, "http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.api = new Api(server);
    http.setExecutor(executor);
    http.createContext("/", this::handle);
  }

  public void start() {
    http.start();
  }

  public InetSocketAddress address() {
    return http.getAddress();
  }

  public void stop() {
    http.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      try {
        if (webConfig != null) {
          webConfig.headers().forEach(ex.getResponseHeaders()::set);
          if (!webConfig.authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic");
            send(ex, 401, "text/plain; charset=utf-8", "Unauthorized\n");
            return;
          }
        }
        route(ex, path, method);
      } catch (BodyTooLarge e) {
        send(ex, 413, "text/plain; charset=utf-8", "request body too large\n");
      } catch (RuntimeException e) {
        log.error("msg=\"HTTP handler failed\" path={} err=\"{}\"", path, e.toString());
        sendApi(ex, ApiResult.error("internal", e.toString()));
      }
    }
  }

  private void route(HttpExchange ex, String path, String method) throws IOException {
    boolean get = method.equals("GET") || method.equals("HEAD");
    boolean post = method.equals("POST");
    switch (path) {
      case "/-/healthy" -> {
        if (!get) {
          notAllowed(ex, "GET, HEAD");
          return;
        }
        send(ex, 200, "text/plain; charset=utf-8", "Cardinal Server is Healthy.\n");
        return;
      }
      case "/-/ready" -> {
        if (!get) {
          notAllowed(ex, "GET, HEAD");
          return;
        }
        send(ex, 200, "text/plain; charset=utf-8", "Cardinal Server is Ready.\n");
        return;
      }
      case "/-/reload" -> {
        if (!post && !method.equals("PUT")) {
          notAllowed(ex, "POST, PUT");
          return;
        }
        if (!server.options().enableLifecycle()) {
          send(ex, 403, "text/plain; charset=utf-8", "Lifecycle API is not enabled.\n");
          return;
        }
        String err = server.reload();
        if (err == null) {
          send(ex, 200, "text/plain; charset=utf-8", "");
        } else {
          send(ex, 500, "text/plain; charset=utf-8", "failed to reload config: " + err + "\n");
        }
        return;
      }
      case "/-/quit" -> {
        if (!post && !method.equals("PUT")) {
          notAllowed(ex, "POST, PUT");
          return;
        }
        if (!server.options().enableLifecycle()) {
          send(ex, 403, "text/plain; charset=utf-8", "Lifecycle API is not enabled.\n");
          return;
        }
        send(ex, 200, "text/plain; charset=utf-8", "Requesting termination... Goodbye!\n");
        server.requestQuit();
        return;
      }
      case "/metrics" -> {
        if (!get) {
          notAllowed(ex, "GET, HEAD");
          return;
        }
        send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", SelfMetrics.render(server));
        return;
      }
      case "/federate" -> {
        if (!get && !post) {
          notAllowed(ex, "GET, POST");
          return;
        }
        ApiRequest req = request(ex);
        Federate.Result r = Federate.render(server, req);
        send(
            ex,
            r.status(),
            r.status() == 200
                ? "text/plain; version=0.0.4; charset=utf-8"
                : "text/plain; charset=utf-8",
            r.body());
        return;
      }
      default -> {}
    }
    Route r = routes.get(path);
    if (r != null) {
      if (!method.equals(r.method())) {
        notAllowed(ex, r.method());
        return;
      }
      serve(ex, r);
      return;
    }
    if (path.startsWith("/api/v1/")) {
      Api.Endpoint ep = api.find(path.substring("/api/v1".length()));
      if (ep == null) {
        send(ex, 404, "text/plain; charset=utf-8", "404 page not found\n");
        return;
      }
      if (!(get
          || (post && ep.allowsPost())
          || (method.equals("PUT") && ep.allowsPut())
          || (method.equals("DELETE") && ep.allowsDelete()))) {
        notAllowed(ex, ep.allowsPost() ? "GET, POST" : "GET");
        return;
      }
      if (method.equals("HEAD")) {
        send(ex, 200, "application/json", "");
        return;
      }
      sendApi(ex, ep.handle(request(ex)));
      return;
    }
    send(ex, 404, "text/plain; charset=utf-8", "404 page not found\n");
  }

  /**
   * Adds an endpoint at {@code path} that takes {@code method} and a body of at most {@code
   * maxBodyBytes}; call before {@link #start()}.
   */
  public void route(String path, String method, LongSupplier maxBodyBytes, BodyRoute handler) {
    routes.put(path, new Route(method, maxBodyBytes, handler));
  }

  private void serve(HttpExchange ex, Route r) throws IOException {
    byte[] body = readBody(ex, r.maxBodyBytes().getAsLong());
    BodyRoute.Reply reply = r.handler().handle(ex.getRequestHeaders()::getFirst, body);
    ex.getResponseHeaders().set("Content-Type", reply.contentType());
    if (reply.contentEncoding() != null) {
      ex.getResponseHeaders().set("Content-Encoding", reply.contentEncoding());
    }
    ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
    if (reply.body().length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(reply.body());
      }
    }
  }

  /**
   * The request body, or null (after draining nothing more) when it is longer than {@code max}
   * bytes.
   */
  static byte[] readBody(HttpExchange ex, long max) throws IOException {
    String cl = ex.getRequestHeaders().getFirst("Content-Length");
    if (cl != null) {
      try {
        if (Long.parseLong(cl.trim()) > max) {
          return null;
        }
      } catch (NumberFormatException e) {
        // let the stream decide
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[16384];
    InputStream in = ex.getRequestBody();
    for (int n; (n = in.read(buf)) > 0; ) {
      if (out.size() + (long) n > max) {
        return null;
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static void notAllowed(HttpExchange ex, String allow) throws IOException {
    ex.getResponseHeaders().set("Allow", allow);
    send(ex, 405, "text/plain; charset=utf-8", "Method Not Allowed\n");
  }

  private static void sendApi(HttpExchange ex, ApiResult r) throws IOException {
    if (r.utf8Length() >= 0) {
      send(ex, r.httpStatus(), "application/json", r.utf8(), r.utf8Length());
    } else {
      send(ex, r.httpStatus(), "application/json", r.body());
    }
  }

  static void send(HttpExchange ex, int status, String contentType, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    send(ex, status, contentType, b, b.length);
  }

  /** A response whose body is {@code b[0..len)}. */
  static void send(HttpExchange ex, int status, String contentType, byte[] b, int len)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head || len == 0 ? -1 : len);
    if (!head && len > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b, 0, len);
      }
    }
  }

  /** Query-string parameters, plus the form body of a POST. */
  static ApiRequest request(HttpExchange ex) throws IOException {
    Map<String, List<String>> params = new LinkedHashMap<>();
    parseForm(ex.getRequestURI().getRawQuery(), params);
    if (ex.getRequestMethod().equals("POST") || ex.getRequestMethod().equals("PUT")) {
      String ct = ex.getRequestHeaders().getFirst("Content-Type");
      byte[] body = readBody(ex.getRequestBody());
      if (ct != null
          && ct.toLowerCase(java.util.Locale.ROOT)
              .startsWith("application/x-www-form-urlencoded")) {
        parseForm(new String(body, StandardCharsets.UTF_8), params);
      }
    }
    return new ApiRequest(ex.getRequestMethod(), params);
  }

  private static byte[] readBody(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    for (int n; (n = in.read(buf)) > 0; ) {
      if (out.size() + n > MAX_BODY_BYTES) {
        throw new BodyTooLarge();
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  static void parseForm(String raw, Map<String, List<String>> into) {
    if (raw == null || raw.isEmpty()) {
      return;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        into.computeIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), x -> new ArrayList<>())
            .add(URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // A malformed escape: keep the raw text, as lenient as Go's url.ParseQuery is not, but
        // harmless.
        into.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      }
    }
  }

  private static final class BodyTooLarge extends RuntimeException {
    BodyTooLarge() {
      super("request body too large");
    }
  }
}
