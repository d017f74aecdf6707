package io.cardinal.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web UI's files, read once from the jar. A page path ({@code /query}, {@code /targets}, ...)
 * answers the one HTML shell, whose script draws the page from the path; {@code /assets/...}
 * answers the scripts and styles, and {@code /assets/uplot/...} the chart library from its WebJar.
 *
 * <p>Every URL inside the pages is relative, so the same files work at the root, under {@code
 * --web.route-prefix} and behind a proxy that adds a path: a page is always one level below the
 * prefix, its assets and the API beside it.
 */
public final class UiAssets {
  /** A file to send: its bytes and its Content-Type. */
  public record Asset(byte[] body, String contentType) {}

  /** The pages, as Prometheus names them where Prometheus has them. */
  public static final Set<String> PAGES =
      Set.of(
          "/query",
          "/alerts",
          "/targets",
          "/service-discovery",
          "/rules",
          "/config",
          "/flags",
          "/status",
          "/tsdb-status",
          "/cardinality",
          "/limits");

  private static final String ROOT = "io/cardinal/ui/";
  private static final String UPLOT = "META-INF/resources/webjars/uplot/";

  private final Map<String, Asset> cache = new ConcurrentHashMap<>();
  private final byte[] shell;

  /**
   * @param pageTitle {@code --web.page-title}, written into every page's {@code <title>}
   */
  public UiAssets(String pageTitle) {
    String html = new String(read(ROOT + "index.html"), StandardCharsets.UTF_8);
    this.shell = html.replace("{{TITLE}}", escapeHtml(pageTitle)).getBytes(StandardCharsets.UTF_8);
  }

  /** The file for a request path below the route prefix, or null if the UI has none. */
  public Asset find(String path) {
    if (PAGES.contains(path)) {
      return new Asset(shell, "text/html; charset=utf-8");
    }
    if (!path.startsWith("/assets/") || path.contains("..") || path.contains("//")) {
      return null;
    }
    Asset a = cache.computeIfAbsent(path, UiAssets::load);
    return a == MISSING ? null : a;
  }

  private static final Asset MISSING = new Asset(new byte[0], "");

  private static Asset load(String path) {
    String name = path.substring("/assets/".length());
    String resource;
    if (name.startsWith("uplot/")) {
      String version = uplotVersion();
      if (version == null) {
        return MISSING;
      }
      resource = UPLOT + version + "/dist/" + name.substring("uplot/".length());
    } else {
      resource = ROOT + name;
    }
    byte[] body = readOrNull(resource);
    return body == null ? MISSING : new Asset(body, contentType(name));
  }

  /** The uPlot version on the class path, from the WebJar's Maven properties. */
  static String uplotVersion() {
    byte[] props = readOrNull("META-INF/maven/org.webjars.npm/uplot/pom.properties");
    if (props == null) {
      return null;
    }
    Properties p = new Properties();
    try {
      p.load(new java.io.ByteArrayInputStream(props));
    } catch (IOException e) {
      return null;
    }
    return p.getProperty("version");
  }

  static String contentType(String name) {
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (name.endsWith(".svg")) {
      return "image/svg+xml";
    }
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    return "application/octet-stream";
  }

  static String escapeHtml(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  private static byte[] read(String resource) {
    byte[] b = readOrNull(resource);
    if (b == null) {
      throw new IllegalStateException("the web UI's " + resource + " is missing from the jar");
    }
    return b;
  }

  private static byte[] readOrNull(String resource) {
    try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
