package io.cardinal.scrape;

import io.cardinal.scrape.HttpScraper.Body;
import io.cardinal.scrape.HttpScraper.ScrapeException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A lean HTTP/1.1 client for the common scrape: a plain {@code http://} target, no proxy. One
 * scrape loop owns one instance and uses it sequentially, so the instance keeps one persistent
 * (keep-alive) socket to its target, writes a request prepared once, parses the status line and
 * headers by hand and reads the body straight into a reused byte[] that the loop parses in place.
 * Per scrape it allocates nothing but the {@link Body} record.
 *
 * <p>Supported: Content-Length, chunked and close-delimited bodies; gzip Content-Encoding (inflated
 * into a second reused buffer); body_size_limit (over the decompressed body); the scrape timeout as
 * one deadline over connect, request and response; one reconnect when a kept-alive connection turns
 * out to be closed before the status line; {@code Connection: close} and HTTP/1.0 responses. A
 * redirect is reported with {@link Redirect} so the caller can repeat the scrape through the JDK
 * client, which follows it.
 *
 * <p>The buffers are borrowed from the {@link HttpScraper}'s pool for one fetch and returned with
 * {@link #release}, so memory is bounded by the number of scrapes running at once, not by the
 * number of targets; nothing keeps a body array across scrapes.
 */
final class PlainHttpClient implements AutoCloseable {
  /**
   * The target answered with a redirect; repeat the scrape with a client that follows redirects.
   */
  static final class Redirect extends Exception {
    final int status;

    Redirect(int status) {
      super(null, null, false, false);
      this.status = status;
    }
  }

  /** Per-fetch working memory, pooled by {@link HttpScraper}. */
  static final class Buffers {
    /** Status line, headers and chunk framing. */
    final byte[] head = new byte[16 * 1024];

    /** The body as received. */
    byte[] wire = new byte[64 * 1024];

    /** The inflated body of a gzip response. */
    byte[] plain = new byte[0];

    Inflater inflater;
    final CRC32 crc = new CRC32();

    void end() {
      if (inflater != null) {
        inflater.end();
        inflater = null;
      }
    }
  }

  private static final long NO_LIMIT = Integer.MAX_VALUE - 16;

  /** A buffer this much larger than the body it held last is dropped (grown again when needed). */
  private static final int SHRINK_ABOVE = 8 << 20;

  private final HttpScraper.BufferPool pool;

  // The target, derived from the URL once.
  private String url;
  private String host;
  private int port;
  private String requestAuth;
  private long requestTimeoutMs = -1;
  private byte[] request;

  private Socket socket;
  private InputStream in;
  private OutputStream out;

  /** Responses read on the current connection. */
  private int served;

  // Per-fetch state.
  private Buffers buf;
  private int rpos;
  private int rlim;
  private long deadline;
  private int status;
  private long contentLength;
  private boolean chunked;
  private boolean gzip;
  private boolean closeAfter;
  private byte[] lastContentTypeBytes = new byte[0];
  private String contentType;

  /** Connections opened (for tests). */
  int connects;

  /** The job's Accept header ({@code scrape_protocols}) and whether gzip is asked for. */
  private final String accept;

  private final boolean compression;

  PlainHttpClient(HttpScraper.BufferPool pool) {
    this(pool, io.cardinal.exposition.ExpositionFormat.SCRAPE_ACCEPT_HEADER, true);
  }

  PlainHttpClient(HttpScraper.BufferPool pool, String accept, boolean compression) {
    this.pool = pool;
    this.accept = accept;
    this.compression = compression;
  }

  /**
   * Fetches {@code url} (plain http, already validated by the caller). The returned body is valid
   * until {@link #release}; the caller must release even when parsing the body fails.
   */
  Body fetch(String url, URI uri, String auth, long timeoutMs, long limit)
      throws ScrapeException, Redirect {
    deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    prepare(url, uri, auth, timeoutMs);
    if (buf == null) {
      buf = pool.borrow();
    }
    boolean ok = false;
    try {
      for (int attempt = 0; ; attempt++) {
        boolean reused = socket != null;
        if (!reused) {
          connect();
        }
        rpos = 0;
        rlim = 0;
        try {
          out.write(request);
          if (readResponseHead()) {
            break;
          }
          // EOF before the status line: a kept-alive connection the server had closed.
          closeSocket();
          if (!reused || attempt > 0) {
            throw new EOFException("EOF");
          }
        } catch (SocketTimeoutException e) {
          throw e;
        } catch (IOException e) {
          if (!reused || attempt > 0 || rlim > 0) {
            throw e;
          }
          closeSocket(); // e.g. connection reset or broken pipe on a stale connection: retry once
        }
      }
      served++;
      if (status != 200) {
        closeSocket();
        if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
          throw new Redirect(status);
        }
        throw new ScrapeException(
            "server returned HTTP status " + status + " " + HttpScraper.reason(status));
      }
      int len = readBody(gzip ? NO_LIMIT : limit, limit);
      if (rpos != rlim) {
        closeAfter =
            true; // bytes after the body: do not trust this connection for the next response
      }
      if (closeAfter) {
        closeSocket();
      }
      Body body;
      if (gzip) {
        int n = inflate(len, limit); // may replace buf.plain
        body = new Body(buf.plain, n, contentType);
      } else {
        body = new Body(buf.wire, len, contentType);
      }
      ok = true;
      return body;
    } catch (SocketTimeoutException e) {
      closeSocket();
      throw new ScrapeException("Get \"" + url + "\": context deadline exceeded");
    } catch (IOException e) {
      closeSocket();
      throw new ScrapeException("Get \"" + url + "\": " + describe(e));
    } catch (ScrapeException | Redirect e) {
      closeSocket();
      throw e;
    } catch (RuntimeException e) {
      closeSocket();
      throw e;
    } finally {
      if (!ok) {
        release(); // a failed fetch keeps no buffers
      }
    }
  }

  /** Returns the buffers of the last fetch to the pool; its body must no longer be used. */
  void release() {
    if (buf != null) {
      pool.giveBack(buf);
      buf = null;
    }
  }

  /** Whether a connection is open (for tests). */
  boolean connected() {
    return socket != null;
  }

  @Override
  public void close() {
    closeSocket();
    release();
  }

  // ------------------------------------------------------------------ request

  private void prepare(String url, URI uri, String auth, long timeoutMs) {
    if (url.equals(this.url)
        && timeoutMs == requestTimeoutMs
        && java.util.Objects.equals(auth, requestAuth)) {
      return;
    }
    if (!url.equals(this.url)) {
      closeSocket();
      String h = uri.getHost();
      if (h.startsWith("[") && h.endsWith("]")) {
        h = h.substring(1, h.length() - 1);
      }
      host = h;
      port = uri.getPort() < 0 ? 80 : uri.getPort();
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    String hostHeader = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    StringBuilder sb =
        new StringBuilder(256)
            .append("GET ")
            .append(path)
            .append(" HTTP/1.1\r\n")
            .append("Host: ")
            .append(hostHeader)
            .append("\r\n")
            .append("User-Agent: ")
            .append(HttpScraper.USER_AGENT)
            .append("\r\n")
            .append("Accept: ")
            .append(accept)
            .append("\r\n")
            .append(compression ? "Accept-Encoding: gzip\r\n" : "Accept-Encoding: identity\r\n")
            .append("X-Prometheus-Scrape-Timeout-Seconds: ")
            .append(timeoutMs / 1000.0)
            .append("\r\n");
    if (auth != null) {
      sb.append("Authorization: ").append(auth).append("\r\n");
    }
    sb.append("\r\n");
    request = sb.toString().getBytes(StandardCharsets.UTF_8);
    this.url = url;
    requestAuth = auth;
    requestTimeoutMs = timeoutMs;
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), remainingMillis());
    } catch (IOException e) {
      s.close();
      throw e;
    }
    socket = s;
    soTimeout = -1;
    in = s.getInputStream();
    out = s.getOutputStream();
    served = 0;
    connects++;
  }

  private void closeSocket() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // nothing to do
      }
      socket = null;
      in = null;
      out = null;
    }
  }

  // ------------------------------------------------------------------ response head

  /** Reads the status line and headers; false on EOF before the first byte of the status line. */
  private boolean readResponseHead() throws IOException {
    while (true) {
      int start = rpos;
      int end = readLine(true);
      if (end < 0) {
        return false;
      }
      start = lineStart;
      parseStatusLine(start, end);
      contentLength = -1;
      chunked = false;
      gzip = false;
      closeAfter = false;
      boolean http10 = buf.head[start + 7] == '0';
      boolean keepAlive = false;
      boolean sawContentType = false;
      while (true) {
        end = readLine(false);
        int ls = lineStart;
        if (end == ls) {
          break;
        }
        byte[] h = buf.head;
        int colon = -1;
        for (int i = ls; i < end; i++) {
          if (h[i] == ':') {
            colon = i;
            break;
          }
          if (h[i] == ' ' || h[i] == '\t') {
            break;
          }
        }
        if (colon <= ls) {
          throw new ProtocolException("malformed HTTP response header " + quote(h, ls, end));
        }
        int vs = colon + 1;
        int ve = end;
        while (vs < ve && (h[vs] == ' ' || h[vs] == '\t')) {
          vs++;
        }
        while (ve > vs && (h[ve - 1] == ' ' || h[ve - 1] == '\t')) {
          ve--;
        }
        int nl = colon - ls;
        if (nameIs(h, ls, nl, "content-length")) {
          long v = parseDecimal(h, vs, ve);
          if (v < 0 || (contentLength >= 0 && v != contentLength)) {
            throw new ProtocolException("malformed HTTP Content-Length " + quote(h, vs, ve));
          }
          contentLength = v;
        } else if (nameIs(h, ls, nl, "transfer-encoding")) {
          if (!valueIs(h, vs, ve, "chunked")) {
            if (!valueIs(h, vs, ve, "identity")) {
              throw new ProtocolException("unsupported Transfer-Encoding " + quote(h, vs, ve));
            }
          } else {
            chunked = true;
          }
        } else if (nameIs(h, ls, nl, "content-encoding")) {
          gzip = valueIs(h, vs, ve, "gzip") || valueIs(h, vs, ve, "x-gzip");
        } else if (nameIs(h, ls, nl, "content-type")) {
          sawContentType = true;
          contentTypeOf(h, vs, ve);
        } else if (nameIs(h, ls, nl, "connection")) {
          if (containsToken(h, vs, ve, "close")) {
            closeAfter = true;
          }
          if (containsToken(h, vs, ve, "keep-alive")) {
            keepAlive = true;
          }
        }
      }
      if (!sawContentType) {
        contentType = null;
      }
      if (http10 && !keepAlive) {
        closeAfter = true;
      }
      if (status >= 100 && status < 200 && status != 101) {
        continue; // interim response (100 Continue, 103 Early Hints): the real one follows
      }
      return true;
    }
  }

  private void parseStatusLine(int s, int e) throws ProtocolException {
    byte[] h = buf.head;
    // HTTP/1.x SSS[ reason]
    boolean ok =
        e - s >= 12
            && h[s] == 'H'
            && h[s + 1] == 'T'
            && h[s + 2] == 'T'
            && h[s + 3] == 'P'
            && h[s + 4] == '/'
            && h[s + 5] == '1'
            && h[s + 6] == '.'
            && (h[s + 7] == '0' || h[s + 7] == '1')
            && h[s + 8] == ' '
            && isDigit(h[s + 9])
            && isDigit(h[s + 10])
            && isDigit(h[s + 11])
            && (e - s == 12 || h[s + 12] == ' ');
    if (!ok) {
      throw new ProtocolException("malformed HTTP status line " + quote(h, s, e));
    }
    status = (h[s + 9] - '0') * 100 + (h[s + 10] - '0') * 10 + (h[s + 11] - '0');
  }

  /** Reuses the last Content-Type String while the header bytes stay the same. */
  private void contentTypeOf(byte[] h, int s, int e) {
    int n = e - s;
    if (contentType != null
        && n == lastContentTypeBytes.length
        && Arrays.equals(lastContentTypeBytes, 0, n, h, s, e)) {
      return;
    }
    lastContentTypeBytes = Arrays.copyOfRange(h, s, e);
    contentType = new String(h, s, n, StandardCharsets.ISO_8859_1);
  }

  private int lineStart;

  /**
   * Reads one line into the head buffer: sets {@link #lineStart} and returns its end (CR LF or LF
   * stripped), with {@link #rpos} after the line. With {@code eofOk}, EOF before any byte returns
   * -1.
   */
  private int readLine(boolean eofOk) throws IOException {
    byte[] h = buf.head;
    int scan = rpos;
    while (true) {
      for (int i = scan; i < rlim; i++) {
        if (h[i] == '\n') {
          lineStart = rpos;
          rpos = i + 1;
          return i > lineStart && h[i - 1] == '\r' ? i - 1 : i;
        }
      }
      scan = rlim;
      if (rlim == h.length) {
        if (rpos == 0) {
          throw new ProtocolException(
              "HTTP response header line longer than " + h.length + " bytes");
        }
        System.arraycopy(h, rpos, h, 0, rlim - rpos);
        rlim -= rpos;
        scan -= rpos;
        rpos = 0;
      }
      int n = read(h, rlim, h.length - rlim);
      if (n < 0) {
        if (eofOk && rlim == 0) {
          return -1;
        }
        throw new EOFException("unexpected EOF");
      }
      rlim += n;
    }
  }

  // ------------------------------------------------------------------ body

  /** Reads the body into {@code buf.wire}; returns its length. */
  private int readBody(long wireLimit, long limit) throws IOException, ScrapeException {
    if (chunked) {
      int len = 0;
      while (true) {
        int end = readLine(false);
        int s = lineStart;
        long size = parseChunkSize(buf.head, s, end);
        if (size < 0) {
          throw new ProtocolException(
              "malformed chunked encoding: chunk size " + quote(buf.head, s, end));
        }
        if (size == 0) {
          while (readLine(false) != lineStart) {
            // trailer fields: ignored
          }
          return len;
        }
        if (len + size > wireLimit) {
          closeAfter = true;
          throw new ScrapeException(HttpScraper.bodyTooLarge(limit));
        }
        ensureWire(len + (int) size, len);
        readFully(buf.wire, len, (int) size);
        len += (int) size;
        if (readLine(false) != lineStart) {
          throw new ProtocolException("malformed chunked encoding: no CRLF after chunk data");
        }
      }
    }
    if (contentLength >= 0) {
      if (contentLength > wireLimit) {
        closeAfter = true;
        throw new ScrapeException(HttpScraper.bodyTooLarge(limit));
      }
      int n = (int) contentLength;
      ensureWire(n, 0);
      readFully(buf.wire, 0, n);
      return n;
    }
    // No length: the body ends when the server closes the connection.
    closeAfter = true;
    int len = 0;
    while (true) {
      if (len == buf.wire.length) {
        ensureWire(len + 1, len);
      }
      int n = readSome(buf.wire, len, buf.wire.length - len);
      if (n < 0) {
        return len;
      }
      len += n;
      if (len > wireLimit) {
        throw new ScrapeException(HttpScraper.bodyTooLarge(limit));
      }
    }
  }

  private void ensureWire(int need, int keep) {
    byte[] w = buf.wire;
    if (need > w.length) {
      buf.wire =
          Arrays.copyOf(
              w, (int) Math.min(NO_LIMIT, Math.max(need, w.length + (long) (w.length >> 1))));
    } else if (w.length > SHRINK_ABOVE && need < w.length >> 2 && keep == 0) {
      buf.wire = new byte[Math.max(need, 64 * 1024)];
    }
  }

  private void readFully(byte[] dst, int off, int n) throws IOException {
    while (n > 0) {
      int r = readSome(dst, off, n);
      if (r < 0) {
        throw new EOFException("unexpected EOF");
      }
      off += r;
      n -= r;
    }
  }

  /** Reads from what the head buffer still holds, then from the socket. */
  private int readSome(byte[] dst, int off, int n) throws IOException {
    int avail = rlim - rpos;
    if (avail > 0) {
      int k = Math.min(avail, n);
      System.arraycopy(buf.head, rpos, dst, off, k);
      rpos += k;
      return k;
    }
    return read(dst, off, n);
  }

  /**
   * One socket read bounded by what is left of the deadline. SO_TIMEOUT is only changed when it is
   * more than {@link #TIMEOUT_SLACK_MS} away from the time left (setSoTimeout boxes its argument:
   * once per read was 14 % of the allocation of an ingesting server), so a read ends at most that
   * much before or after the deadline; on a kept-alive connection consecutive scrapes with the same
   * timeout rarely need to change it at all.
   */
  private int read(byte[] dst, int off, int n) throws IOException {
    int left = remainingMillis();
    if (soTimeout < 0 || Math.abs(soTimeout - left) > TIMEOUT_SLACK_MS) {
      socket.setSoTimeout(left);
      soTimeout = left;
    }
    return in.read(dst, off, n);
  }

  private static final int TIMEOUT_SLACK_MS = 10;

  /** SO_TIMEOUT set on the current socket, or -1. */
  private int soTimeout = -1;

  private int remainingMillis() throws SocketTimeoutException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException();
    }
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
  }

  // ------------------------------------------------------------------ gzip

  /**
   * Inflates {@code buf.wire[0, len)} (one or more gzip members) into {@code buf.plain}; returns
   * its length.
   */
  private int inflate(int len, long limit) throws ScrapeException {
    byte[] src = buf.wire;
    if (buf.inflater == null) {
      buf.inflater = new Inflater(true);
    }
    Inflater inf = buf.inflater;
    if (buf.plain.length > SHRINK_ABOVE && buf.plain.length > 16L * len) {
      buf.plain = new byte[0];
    }
    if (buf.plain.length < len) {
      buf.plain = new byte[(int) Math.min(limit + 1, Math.max(64 * 1024, len * 4L))];
    }
    int pos = 0;
    int outLen = 0;
    try {
      do {
        pos = skipGzipHeader(src, pos, len);
        inf.reset();
        inf.setInput(src, pos, len - pos);
        CRC32 crc = buf.crc;
        crc.reset();
        int memberStart = outLen;
        while (!inf.finished()) {
          if (outLen == buf.plain.length) {
            if (outLen > limit) {
              throw new ScrapeException(HttpScraper.bodyTooLarge(limit));
            }
            long grown = Math.min(limit + 1, Math.max(outLen + 1L, outLen * 2L));
            buf.plain = Arrays.copyOf(buf.plain, (int) grown);
          }
          int n = inf.inflate(buf.plain, outLen, buf.plain.length - outLen);
          if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
            throw new ScrapeException("invalid gzip body: unexpected end of ZLIB input stream");
          }
          outLen += n;
          if (outLen > limit) {
            throw new ScrapeException(HttpScraper.bodyTooLarge(limit));
          }
        }
        crc.update(buf.plain, memberStart, outLen - memberStart);
        pos = len - inf.getRemaining();
        if (len - pos < 8) {
          throw new ScrapeException("invalid gzip body: unexpected end of ZLIB input stream");
        }
        if (le32(src, pos) != crc.getValue()
            || le32(src, pos + 4) != ((outLen - memberStart) & 0xffffffffL)) {
          throw new ScrapeException("invalid gzip body: Corrupt GZIP trailer");
        }
        pos += 8;
      } while (len - pos >= 2 && src[pos] == (byte) 0x1f && src[pos + 1] == (byte) 0x8b);
      return outLen;
    } catch (DataFormatException e) {
      throw new ScrapeException("invalid gzip body: " + e.getMessage());
    }
  }

  private static int skipGzipHeader(byte[] b, int p, int len) throws ScrapeException {
    if (len - p < 10 || b[p] != (byte) 0x1f || b[p + 1] != (byte) 0x8b) {
      throw new ScrapeException("invalid gzip body: Not in GZIP format");
    }
    if (b[p + 2] != 8) {
      throw new ScrapeException("invalid gzip body: Unsupported compression method");
    }
    int flags = b[p + 3] & 0xff;
    p += 10;
    try {
      if ((flags & 4) != 0) { // FEXTRA
        int xlen = (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
        p += 2 + xlen;
      }
      if ((flags & 8) != 0) { // FNAME
        while (b[p++] != 0) {}
      }
      if ((flags & 16) != 0) { // FCOMMENT
        while (b[p++] != 0) {}
      }
      if ((flags & 2) != 0) { // FHCRC
        p += 2;
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      p = Integer.MAX_VALUE;
    }
    if (p > len) {
      throw new ScrapeException("invalid gzip body: unexpected end of ZLIB input stream");
    }
    return p;
  }

  private static long le32(byte[] b, int p) {
    return (b[p] & 0xffL)
        | (b[p + 1] & 0xffL) << 8
        | (b[p + 2] & 0xffL) << 16
        | (b[p + 3] & 0xffL) << 24;
  }

  // ------------------------------------------------------------------ small parsers

  /** A violation of HTTP/1.1 by the target; the message says what was wrong. */
  static final class ProtocolException extends IOException {
    ProtocolException(String message) {
      super(message);
    }
  }

  private String describe(IOException e) {
    if (e instanceof UnknownHostException) {
      return "dial tcp: lookup " + host + ": no such host";
    }
    if (e instanceof java.net.ConnectException) {
      String m =
          e.getMessage() == null
              ? "connection refused"
              : e.getMessage().toLowerCase(java.util.Locale.ROOT);
      return "dial tcp " + host + ":" + port + ": connect: " + m;
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static long parseDecimal(byte[] b, int s, int e) {
    if (s == e || e - s > 18) {
      return -1;
    }
    long v = 0;
    for (int i = s; i < e; i++) {
      if (!isDigit(b[i])) {
        return -1;
      }
      v = v * 10 + (b[i] - '0');
    }
    return v;
  }

  private static long parseChunkSize(byte[] b, int s, int e) {
    int end = s;
    while (end < e && b[end] != ';' && b[end] != ' ' && b[end] != '\t') {
      end++;
    }
    if (end == s || end - s > 15) {
      return -1;
    }
    long v = 0;
    for (int i = s; i < end; i++) {
      int d = Character.digit(b[i], 16);
      if (d < 0) {
        return -1;
      }
      v = v << 4 | d;
    }
    return v;
  }

  /** Case-insensitive ASCII comparison of a header name with a lower-case constant. */
  private static boolean nameIs(byte[] b, int s, int n, String lower) {
    if (n != lower.length()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      int c = b[s + i];
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean valueIs(byte[] b, int s, int e, String lower) {
    return nameIs(b, s, e - s, lower);
  }

  /** Whether a comma-separated header value contains {@code lower} as one of its tokens. */
  private static boolean containsToken(byte[] b, int s, int e, String lower) {
    int i = s;
    while (i < e) {
      int j = i;
      while (j < e && b[j] != ',') {
        j++;
      }
      int ts = i;
      int te = j;
      while (ts < te && (b[ts] == ' ' || b[ts] == '\t')) {
        ts++;
      }
      while (te > ts && (b[te - 1] == ' ' || b[te - 1] == '\t')) {
        te--;
      }
      if (valueIs(b, ts, te, lower)) {
        return true;
      }
      i = j + 1;
    }
    return false;
  }

  /**
   * The bytes as a quoted string for an error message: at most 100 characters, control bytes
   * escaped.
   */
  static String quote(byte[] b, int s, int e) {
    StringBuilder sb = new StringBuilder("\"");
    int end = Math.min(e, s + 100);
    for (int i = s; i < end; i++) {
      int c = b[i] & 0xff;
      if (c == '"' || c == '\\') {
        sb.append('\\').append((char) c);
      } else if (c < 0x20 || c >= 0x7f) {
        sb.append(String.format("\\x%02x", c));
      } else {
        sb.append((char) c);
      }
    }
    if (end < e) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }
}
