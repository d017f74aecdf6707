package io.cardinal.bench.compare;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The benchmark's HTTP client: GET requests one after another on one kept-alive connection, with
 * TCP_NODELAY, blocking reads and nothing in between, so that a timed exchange is the server's time
 * plus the loopback round trip. Understands Content-Length, chunked and close-delimited bodies;
 * reconnects when the server closed the connection. Not thread-safe; one per server.
 */
final class Http1 implements AutoCloseable {
  record Response(int status, byte[] body) {}

  private final String host;
  private final int port;
  private final int timeoutMs;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 16);
  private final StringBuilder line = new StringBuilder(256);

  Http1(URI base) {
    this(base, 120_000);
  }

  Http1(URI base, int timeoutMs) {
    this.host = base.getHost();
    this.port = base.getPort() < 0 ? 80 : base.getPort();
    this.timeoutMs = timeoutMs;
  }

  /** GET {@code pathAndQuery} (already URL-encoded); any status is returned, not thrown. */
  Response get(String pathAndQuery) throws IOException {
    byte[] req =
        ("GET "
                + pathAndQuery
                + " HTTP/1.1\r\nHost: "
                + host
                + ":"
                + port
                + "\r\nUser-Agent: cardinal-querybench\r\nAccept: application/json\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    boolean fresh = socket == null;
    if (fresh) {
      connect();
    }
    try {
      out.write(req);
      out.flush();
      return read();
    } catch (EOFException e) {
      // A kept-alive connection the server had already closed: one more try on a new one.
      close();
      if (fresh) {
        throw e;
      }
      connect();
      out.write(req);
      out.flush();
      return read();
    }
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.setSoTimeout(timeoutMs);
    s.connect(new InetSocketAddress(host, port), 5_000);
    socket = s;
    in = new BufferedInputStream(s.getInputStream(), 1 << 16);
    out = s.getOutputStream();
  }

  private Response read() throws IOException {
    String status = readLine();
    if (status == null) {
      throw new EOFException("connection closed before the status line");
    }
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x status line: " + status);
    }
    int code = Integer.parseInt(parts[1]);
    long length = -1;
    boolean chunked = false;
    boolean closeAfter = parts[0].equals("HTTP/1.0");
    for (String h; (h = readLine()) != null && !h.isEmpty(); ) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> closeAfter |= value.equalsIgnoreCase("close");
        default -> {}
      }
    }
    body.reset();
    if (chunked) {
      while (true) {
        String size = readLine();
        if (size == null) {
          throw new EOFException("connection closed inside a chunked body");
        }
        int semi = size.indexOf(';');
        long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (n == 0) {
          while (true) { // trailers up to the empty line
            String t = readLine();
            if (t == null || t.isEmpty()) {
              break;
            }
          }
          break;
        }
        copy(n);
        readLine(); // CRLF after the chunk
      }
    } else if (length >= 0) {
      copy(length);
    } else {
      in.transferTo(body);
      closeAfter = true;
    }
    if (closeAfter) {
      close();
    }
    return new Response(code, body.toByteArray());
  }

  private void copy(long n) throws IOException {
    byte[] buf = new byte[8192];
    while (n > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        throw new EOFException("connection closed with " + n + " body bytes outstanding");
      }
      body.write(buf, 0, r);
      n -= r;
    }
  }

  /** A line without its CRLF, or null at EOF before any byte. */
  private String readLine() throws IOException {
    line.setLength(0);
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
          line.setLength(len - 1);
        }
        return line.toString();
      }
      line.append((char) c);
    }
    return line.length() == 0 ? null : line.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      socket = null;
    }
  }
}
