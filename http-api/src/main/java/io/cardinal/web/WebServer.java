package io.cardinal.web;

import io.cardinal.ui.UiAssets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.OptionalSslConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the server on Jetty: one root handler routes every path, so an unknown path is a
 * plain 404 and each endpoint states which methods it allows.
 *
 * <p>Why Jetty and not the JDK's {@code com.sun.net.httpserver} (docs/architecture.md): a client
 * that sends its request slowly must not cost a thread. Jetty parses request lines and headers on
 * its selector without a thread per connection, and bodies are read here asynchronously, so the
 * handler threads only ever run requests that have fully arrived; two dozen clients sending a byte
 * a second used to hold every thread of the JDK server's pool and stop the API. Connections are
 * capped ({@code --web.max-connections}), a request must arrive within {@code --web.read-timeout},
 * and oversized request lines and headers get 414/431 as from Go's server.
 */
public final class WebServer {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);

  /** Largest accepted request body (form-encoded API parameters). */
  static final int MAX_BODY_BYTES = 8 << 20;

  /** Request line plus headers: Go's {@code http.DefaultMaxHeaderBytes}, what Prometheus allows. */
  static final int MAX_HEADER_BYTES = 1 << 20;

  /** What Go's server answers plain HTTP on a TLS port with. */
  static final String PLAIN_HTTP_ON_TLS =
      "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

  private final ServerContext server;

  /** Routes registered by other modules before {@link #start()}, by exact path. */
  private final Map<String, Route> routes = new ConcurrentHashMap<>();

  private record Route(String method, LongSupplier maxBodyBytes, BodyRoute handler) {}

  private final Server jetty;
  private final ServerConnector connector;
  private final QueuedThreadPool threads;
  private final InetSocketAddress requested;
  private final Api api;
  private final long readTimeoutMs;

  /** Watches the connections of running queries for clients that went away. */
  private final java.util.concurrent.ScheduledExecutorService watchdog =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread th = new Thread(r, "http-disconnect-watch");
            th.setDaemon(true);
            return th;
          });

  /** Null without --web.config.file. */
  private final WebConfig webConfig;

  /** {@code --web.route-prefix} (or the path of --web.external-url), "" for the root. */
  private final String prefix;

  /** The web UI's pages and assets. */
  private final UiAssets ui;

  public WebServer(ServerContext server, InetSocketAddress address) throws IOException {
    this(server, address, null);
  }

  /**
   * With a web configuration (--web.config.file): HTTPS when it has tls_server_config, basic auth
   * when users. Binds the address now, so a port in use fails here.
   */
  public WebServer(ServerContext server, InetSocketAddress address, WebConfig webConfig)
      throws IOException {
    this.server = server;
    this.webConfig = webConfig;
    this.requested = address;
    this.readTimeoutMs = server.options().webReadTimeout().toMillis();
    this.prefix = server.options().effectiveRoutePrefix();
    this.ui = new UiAssets(server.options().pageTitle());
    this.corsOrigin =
        java.util.regex.Pattern.compile("^(?:" + server.options().corsOrigin() + ")$");
    // Threads run complete requests only (see the class comment); queries are limited by the
    // engine's own slots, so the pool needs room for those plus the cheap endpoints beside them.
    this.threads =
        new QueuedThreadPool(Math.max(32, 2 * server.options().queryMaxConcurrency() + 16), 4);
    threads.setName("http");
    threads.setDaemon(true);
    this.jetty = new Server(threads);
    HttpConfiguration hc = new HttpConfiguration();
    hc.setRequestHeaderSize(MAX_HEADER_BYTES);
    hc.setSendServerVersion(false);
    hc.setSendXPoweredBy(false);
    // Clients send PromQL unencoded ({, }, " in the query string: curl -g, Grafana); Go accepts it.
    hc.setUriCompliance(UriCompliance.LEGACY);
    HttpConnectionFactory http1 = new HttpConnectionFactory(hc);
    if (webConfig != null && webConfig.tls()) {
      SslContextFactory.Server ssl =
          new SslContextFactory.Server() {
            @Override
            public void customize(SSLEngine engine) {
              super.customize(engine);
              engine.setSSLParameters(webConfig.sslParameters());
            }
          };
      ssl.setSslContext(webConfig.sslContext());
      SslConnectionFactory tls = new SslConnectionFactory(ssl, http1.getProtocol());
      // Plain HTTP on the TLS port gets Go's hint instead of a closed connection.
      OptionalSslConnectionFactory detect =
          new OptionalSslConnectionFactory(tls, null) {
            @Override
            protected void otherProtocol(ByteBuffer buffer, EndPoint endPoint) {
              endPoint.write(
                  Callback.from(endPoint::close),
                  ByteBuffer.wrap(PLAIN_HTTP_ON_TLS.getBytes(StandardCharsets.US_ASCII)));
            }
          };
      this.connector = new ServerConnector(jetty, detect, tls, http1);
    } else {
      // HTTP/2 in clear text beside HTTP/1.1: by upgrade or with prior knowledge (many queries on
      // one connection without head-of-line blocking, as Grafana's and Go's clients can use).
      this.connector = new ServerConnector(jetty, http1, new HTTP2CServerConnectionFactory(hc));
    }
    connector.setHost(address.getAddress().isAnyLocalAddress() ? null : address.getHostString());
    connector.setPort(address.getPort());
    connector.setIdleTimeout(readTimeoutMs);
    connector.setAcceptQueueSize(128);
    jetty.addConnector(connector);
    jetty.addBean(new NetworkConnectionLimit(server.options().webMaxConnections(), connector));
    jetty.setHandler(new Root());
    jetty.setStopTimeout(0);
    this.api = new Api(server);
    connector.open();
  }

  public void start() {
    watchdog.scheduleAtFixedRate(
        () -> api.limits().sample(System.currentTimeMillis()),
        0,
        LimitsApi.SAMPLE_INTERVAL_MS,
        TimeUnit.MILLISECONDS);
    try {
      jetty.start();
    } catch (Exception e) {
      throw new IllegalStateException("starting the web server: " + e.getMessage(), e);
    }
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(requested.getAddress(), connector.getLocalPort());
  }

  public void stop() {
    watchdog.shutdownNow();
    try {
      jetty.stop();
    } catch (Exception e) {
      log.warn("msg=\"stopping the web server\" err=\"{}\"", e.toString());
    }
  }

  /** Reads the body (without a thread) if the request has one, then runs it on a pool thread. */
  private final class Root extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request req, Response resp, Callback cb) {
      Exchange ex = new Exchange(req, resp, cb);
      String path = local(req.getHttpURI().getPath());
      Route route = path == null ? null : routes.get(path);
      long max = route != null ? route.maxBodyBytes().getAsLong() : MAX_BODY_BYTES;
      String cl = req.getHeaders().get("Content-Length");
      boolean hasBody =
          req.getHeaders().get("Transfer-Encoding") != null
              || (cl != null && !cl.trim().equals("0"));
      if (!hasBody) {
        threads.execute(() -> ex.run(null, false));
        return true;
      }
      long declared = req.getLength();
      if (declared > max) {
        // Known too large before reading: answered without reading it.
        threads.execute(() -> ex.run(null, true));
        return true;
      }
      CompletableFuture<byte[]> body =
          Content.Source.asByteArrayAsync(req, (int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      body.orTimeout(readTimeoutMs, TimeUnit.MILLISECONDS)
          .whenComplete(
              (bytes, err) ->
                  threads.execute(
                      () -> {
                        if (err != null) {
                          Throwable cause = err.getCause() != null ? err.getCause() : err;
                          if (cause instanceof TimeoutException) {
                            ex.fail(408, "request body not received within --web.read-timeout\n");
                          } else if (cause instanceof IllegalArgumentException
                              || cause instanceof IllegalStateException) {
                            ex.run(null, true); // longer than max
                          } else {
                            cb.failed(cause);
                          }
                          return;
                        }
                        ex.run(bytes.length > max ? null : bytes, bytes.length > max);
                      }));
      return true;
    }
  }

  /** One request: the Jetty request and response, its body once read, and whether it was sent. */
  final class Exchange {
    final Request req;
    final Response resp;
    final Callback cb;
    byte[] body;
    boolean bodyTooLarge;
    private boolean sent;
    private final long startNanos = System.nanoTime();
    private int status;
    private long bytes;
    private DisconnectWatch watch;

    Exchange(Request req, Response resp, Callback cb) {
      this.req = req;
      this.resp = resp;
      this.cb = cb;
    }

    String method() {
      return req.getMethod();
    }

    String header(String name) {
      return req.getHeaders().get(name);
    }

    void setHeader(String name, String value) {
      resp.getHeaders().put(name, value);
    }

    void run(byte[] body, boolean tooLarge) {
      this.body = body;
      this.bodyTooLarge = tooLarge;
      String path = local(req.getHttpURI().getPath());
      String method = req.getMethod();
      try {
        if (path == null) {
          // Outside --web.route-prefix: nothing is served there.
          send(this, 404, "text/plain; charset=utf-8", "404 page not found\n");
          return;
        }
        if (webConfig != null) {
          webConfig.headers().forEach(this::setHeader);
          if (!webConfig.authorized(header("Authorization"))) {
            setHeader("WWW-Authenticate", "Basic");
            send(this, 401, "text/plain; charset=utf-8", "Unauthorized\n");
            return;
          }
        }
        if (path.equals("/api/v1/query") || path.equals("/api/v1/query_range")) {
          watch = DisconnectWatch.start(req, watchdog);
        }
        route(this, path, method);
      } catch (BodyTooLarge e) {
        send(this, 413, "text/plain; charset=utf-8", "request body too large\n");
      } catch (IOException | RuntimeException e) {
        log.error("msg=\"HTTP handler failed\" path={} err=\"{}\"", path, e.toString());
        if (!sent) {
          sendApi(this, ApiResult.error("internal", e.toString()));
        }
      } finally {
        stopWatch();
        if (!sent) {
          cb.succeeded();
        }
        String handler = path == null ? null : handlerOf(path);
        if (handler != null) {
          httpMetrics.observe(handler, sent ? status : 200, System.nanoTime() - startNanos, bytes);
        }
        // A cancellation must not leak into the next request this pool thread runs.
        Thread.interrupted();
      }
    }

    private void stopWatch() {
      if (watch != null) {
        watch.stop();
        if (watch.pipelined()) {
          // The watch read the first byte of a pipelined request: close after this response
          // rather than let the parser see that request without it.
          resp.getHeaders().put("Connection", "close");
        }
        watch = null;
      }
    }

    void fail(int status, String text) {
      send(this, status, "text/plain; charset=utf-8", text);
    }

    void write(int status, String contentType, byte[] b, int off, int len) {
      if (sent) {
        return;
      }
      // Before Jetty reads the connection again (for the next request), the watch must be done.
      stopWatch();
      sent = true;
      this.status = status;
      this.bytes = len;
      resp.setStatus(status);
      resp.getHeaders().put("Content-Type", contentType);
      boolean head = req.getMethod().equals("HEAD");
      if (head || len == 0) {
        resp.getHeaders().put("Content-Length", head ? String.valueOf(len) : "0");
        resp.write(true, null, cb);
      } else {
        resp.getHeaders().put("Content-Length", String.valueOf(len));
        resp.write(true, ByteBuffer.wrap(b, off, len), cb);
      }
    }

    /** Query-string parameters, plus the form body of a POST. */
    ApiRequest apiRequest() {
      Map<String, List<String>> params = new LinkedHashMap<>();
      parseForm(req.getHttpURI().getQuery(), params);
      if (method().equals("POST") || method().equals("PUT")) {
        if (bodyTooLarge) {
          throw new BodyTooLarge();
        }
        String ct = header("Content-Type");
        if (body != null
            && ct != null
            && ct.toLowerCase(java.util.Locale.ROOT)
                .startsWith("application/x-www-form-urlencoded")) {
          parseForm(new String(body, StandardCharsets.UTF_8), params);
        }
      }
      return new ApiRequest(method(), params);
    }
  }

  private void route(Exchange ex, String path, String method) throws IOException {
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
        StringBuilder sb = new StringBuilder(SelfMetrics.render(server));
        httpMetrics.write(sb);
        send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", sb.toString());
        return;
      }
      case "/federate" -> {
        if (!get && !post) {
          notAllowed(ex, "GET, POST");
          return;
        }
        ApiRequest req = ex.apiRequest();
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
      setCors(ex);
      if (method.equals("OPTIONS")) {
        // A browser's preflight: the CORS headers are the answer, as in Prometheus.
        send(ex, 200, "text/plain; charset=utf-8", "");
        return;
      }
      Api.Endpoint ep = api.find(path.substring("/api/v1".length()));
      if (ep == null) {
        sendApi(ex, ApiResult.error("not_found", "unknown API endpoint " + path));
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
      sendApi(ex, ep.handle(ex.apiRequest()));
      return;
    }
    if (get && serveUi(ex, path)) {
      return;
    }
    send(ex, 404, "text/plain; charset=utf-8", "404 page not found\n");
  }

  /** The path below the route prefix ("/" for the prefix itself), or null for a path outside it. */
  private String local(String raw) {
    if (prefix.isEmpty()) {
      return raw;
    }
    if (raw.equals(prefix)) {
      return "/";
    }
    return raw.startsWith(prefix) && raw.charAt(prefix.length()) == '/'
        ? raw.substring(prefix.length())
        : null;
  }

  /** The web UI: "/" and Prometheus 2's "/graph" lead to the query page, as in Prometheus 3. */
  private boolean serveUi(Exchange ex, String path) {
    if (path.equals("/") || path.equals("/graph")) {
      String query = ex.req.getHttpURI().getQuery();
      ex.setHeader(
          "Location",
          prefix + "/query" + (path.equals("/graph") && query != null ? "?" + query : ""));
      send(ex, 302, "text/plain; charset=utf-8", "");
      return true;
    }
    UiAssets.Asset a = ui.find(path);
    if (a == null) {
      return false;
    }
    // Pages change with the server's version; a reload must fetch them again.
    ex.setHeader("Cache-Control", "no-cache");
    ex.write(200, a.contentType(), a.body(), 0, a.body().length);
    return true;
  }

  /** {@code --web.cors.origin}, anchored at both ends as Prometheus anchors it. */
  private final java.util.regex.Pattern corsOrigin;

  /**
   * Prometheus's CORS headers on API responses: only for a request whose {@code Origin} matches
   * {@code --web.cors.origin}, echoing that origin.
   */
  private void setCors(Exchange ex) {
    String origin = ex.header("Origin");
    if (origin == null || !corsOrigin.matcher(origin).matches()) {
      return;
    }
    ex.setHeader("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, Origin");
    ex.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    ex.setHeader("Access-Control-Allow-Origin", origin);
    ex.setHeader("Access-Control-Expose-Headers", "Date");
  }

  /** Prometheus's {@code prometheus_http_*} metrics of every request to a route. */
  private final HttpMetrics httpMetrics = new HttpMetrics();

  private String handlerOf(String path) {
    boolean registered = routes.containsKey(path);
    boolean apiKnown =
        path.startsWith("/api/v1/") && api.find(path.substring("/api/v1".length())) != null;
    return HttpMetrics.handlerOf(path, apiKnown, registered);
  }

  /**
   * Adds an endpoint at {@code path} that takes {@code method} and a body of at most {@code
   * maxBodyBytes}; call before {@link #start()}.
   */
  public void route(String path, String method, LongSupplier maxBodyBytes, BodyRoute handler) {
    routes.put(path, new Route(method, maxBodyBytes, handler));
  }

  private void serve(Exchange ex, Route r) throws IOException {
    BodyRoute.Reply reply =
        r.handler().handle(ex::header, ex.bodyTooLarge ? null : orEmpty(ex.body));
    if (reply.contentEncoding() != null) {
      ex.setHeader("Content-Encoding", reply.contentEncoding());
    }
    ex.write(reply.status(), reply.contentType(), reply.body(), 0, reply.body().length);
  }

  private static byte[] orEmpty(byte[] b) {
    return b == null ? new byte[0] : b;
  }

  private static void notAllowed(Exchange ex, String allow) {
    ex.setHeader("Allow", allow);
    send(ex, 405, "text/plain; charset=utf-8", "Method Not Allowed\n");
  }

  private static void sendApi(Exchange ex, ApiResult r) {
    if (r.utf8Length() >= 0) {
      ex.write(r.httpStatus(), "application/json", r.utf8(), 0, r.utf8Length());
    } else {
      send(ex, r.httpStatus(), "application/json", r.body());
    }
  }

  static void send(Exchange ex, int status, String contentType, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.write(status, contentType, b, 0, b.length);
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

  /**
   * Notices a client that closed its connection while its query runs, and interrupts the thread
   * running it (the engine stops at its next check): a query whose asker has gone must not go on
   * costing CPU. Jetty itself only learns of a closed connection when it next reads or writes, and
   * it does not read while a request is handled, so the watch polls the socket: a read of -1 (or a
   * reset) is the client gone. HTTP/1.x only, plain or TLS, where nothing else reads the socket
   * meanwhile; under HTTP/2 the socket carries other streams.
   */
  static final class DisconnectWatch {
    private final java.nio.channels.SocketChannel channel;
    private final Thread worker;
    private final java.nio.ByteBuffer scratch = ByteBuffer.allocate(4096);
    private java.util.concurrent.ScheduledFuture<?> task;
    private boolean stopped;
    private boolean pipelined;

    private DisconnectWatch(java.nio.channels.SocketChannel channel, Thread worker) {
      this.channel = channel;
      this.worker = worker;
    }

    static DisconnectWatch start(Request req, java.util.concurrent.ScheduledExecutorService timer) {
      org.eclipse.jetty.http.HttpVersion v = req.getConnectionMetaData().getHttpVersion();
      if (v != org.eclipse.jetty.http.HttpVersion.HTTP_1_1
          && v != org.eclipse.jetty.http.HttpVersion.HTTP_1_0) {
        return null;
      }
      org.eclipse.jetty.io.EndPoint net = req.getConnectionMetaData().getConnection().getEndPoint();
      if (net instanceof org.eclipse.jetty.io.ssl.SslConnection.SslEndPoint tls) {
        // Under TLS the socket below carries encrypted records; nothing reads it while the request
        // is handled either, and a client that leaves still ends it with -1 (after, perhaps, a
        // close_notify record, which counts like pipelined bytes: the connection closes after).
        net = tls.getSslConnection().getEndPoint();
      }
      if (!(net instanceof org.eclipse.jetty.io.SocketChannelEndPoint ep)) {
        return null;
      }
      DisconnectWatch w = new DisconnectWatch(ep.getChannel(), Thread.currentThread());
      w.task = timer.scheduleWithFixedDelay(w::poll, 100, 100, TimeUnit.MILLISECONDS);
      return w;
    }

    private synchronized void poll() {
      if (stopped) {
        return;
      }
      int n;
      try {
        // Drain what has arrived (a TLS client's close_notify record comes before its FIN), so
        // that the end of the stream, if it is there, is seen in this poll.
        do {
          scratch.clear();
          n = channel.read(scratch); // non-blocking: 0 while the client is there and quiet
          if (n > 0) {
            pipelined = true;
          }
        } while (n > 0);
      } catch (IOException e) {
        n = -1; // reset by the peer
      }
      if (n < 0) {
        stopped = true;
        worker.interrupt();
      }
    }

    /** Stops polling; after it returns no poll is running or will run. */
    synchronized void stop() {
      stopped = true;
      task.cancel(false);
    }

    synchronized boolean pipelined() {
      return pipelined;
    }
  }

  private static final class BodyTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge() {
      super("request body too large");
    }
  }
}
