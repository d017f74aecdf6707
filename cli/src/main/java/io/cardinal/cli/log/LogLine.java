package io.cardinal.cli.log;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every log line of the command line, whichever API wrote it (SLF4J or the JDK's System.Logger), in
 * one of Prometheus 3's two formats ({@code --log.format}): logfmt,
 *
 * <pre>time=2026-12-07T23:12:48.123Z level=INFO source=WebServer msg="Listening" address=:9090
 * </pre>
 *
 * or JSON, one object per line with the same keys. Messages written in Prometheus's key=value style
 * ({@code msg="..." key=value ...}) keep their fields; any other message becomes {@code msg}.
 */
public final class LogLine {
  /** The levels, as Prometheus's log/slog names them, in order. */
  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static volatile Level threshold = Level.INFO;
  private static volatile boolean json;
  private static volatile PrintStream out = System.err;

  private LogLine() {}

  /**
   * Sets the level ({@code debug}, {@code info}, {@code warn}, {@code error}) and the format
   * ({@code logfmt}, {@code json}); throws IllegalArgumentException naming a bad value.
   */
  public static void configure(String level, String format) {
    Level l =
        switch (level.toLowerCase(Locale.ROOT)) {
          case "debug" -> Level.DEBUG;
          case "info" -> Level.INFO;
          case "warn" -> Level.WARN;
          case "error" -> Level.ERROR;
          default ->
              throw new IllegalArgumentException(
                  "unrecognized log level \"" + level + "\": debug, info, warn or error");
        };
    boolean j =
        switch (format) {
          case "logfmt" -> false;
          case "json" -> true;
          default ->
              throw new IllegalArgumentException(
                  "unrecognized log format \"" + format + "\": logfmt or json");
        };
    threshold = l;
    json = j;
  }

  /** Where lines go (stderr unless a test says otherwise). */
  public static void redirect(PrintStream stream) {
    out = stream;
  }

  public static boolean enabled(Level level) {
    return level.compareTo(threshold) >= 0;
  }

  /** Writes one event if its level is enabled. */
  public static void write(Level level, String source, String message, Throwable thrown) {
    if (!enabled(level)) {
      return;
    }
    List<String[]> fields = new ArrayList<>();
    fields.add(new String[] {"time", TIME.format(Instant.now())});
    fields.add(new String[] {"level", level.name()});
    fields.add(new String[] {"source", source});
    String m = message == null ? "" : message;
    List<String[]> parsed = parse(m);
    if (parsed != null && !parsed.isEmpty() && parsed.get(0)[0].equals("msg")) {
      fields.addAll(parsed);
    } else {
      fields.add(new String[] {"msg", m});
    }
    if (thrown != null) {
      StringWriter sw = new StringWriter();
      thrown.printStackTrace(new PrintWriter(sw));
      fields.add(new String[] {"err", thrown.toString()});
      if (threshold == Level.DEBUG) {
        fields.add(new String[] {"stack", sw.toString()});
      }
    }
    String line = json ? json(fields) : logfmt(fields);
    PrintStream s = out;
    synchronized (s) {
      s.println(line);
    }
  }

  /**
   * A message in key=value form ({@code msg="Head opened" series=12 dir="/data"}), as pairs; null
   * when the message is not in that form.
   */
  static List<String[]> parse(String m) {
    List<String[]> out = new ArrayList<>();
    int i = 0;
    int n = m.length();
    while (i < n) {
      while (i < n && m.charAt(i) == ' ') {
        i++;
      }
      if (i >= n) {
        break;
      }
      int eq = i;
      while (eq < n && m.charAt(eq) != '=' && m.charAt(eq) != ' ' && m.charAt(eq) != '"') {
        eq++;
      }
      if (eq == i || eq >= n || m.charAt(eq) != '=') {
        return null;
      }
      String key = m.substring(i, eq);
      int v = eq + 1;
      StringBuilder value = new StringBuilder();
      if (v < n && m.charAt(v) == '"') {
        int k = v + 1;
        boolean closed = false;
        while (k < n) {
          char c = m.charAt(k);
          if (c == '\\' && k + 1 < n) {
            value.append(m.charAt(k + 1));
            k += 2;
            continue;
          }
          if (c == '"') {
            closed = true;
            k++;
            break;
          }
          value.append(c);
          k++;
        }
        if (!closed) {
          return null;
        }
        i = k;
      } else {
        int k = v;
        while (k < n && m.charAt(k) != ' ') {
          value.append(m.charAt(k));
          k++;
        }
        i = k;
      }
      out.add(new String[] {key, value.toString()});
    }
    return out;
  }

  static String logfmt(List<String[]> fields) {
    StringBuilder sb = new StringBuilder();
    for (String[] f : fields) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(f[0]).append('=');
      String v = f[1];
      boolean quote = v.isEmpty();
      for (int i = 0; i < v.length() && !quote; i++) {
        char c = v.charAt(i);
        quote = c <= ' ' || c == '"' || c == '=' || c == '\\';
      }
      if (!quote) {
        sb.append(v);
        continue;
      }
      sb.append('"');
      escape(sb, v);
      sb.append('"');
    }
    return sb.toString();
  }

  static String json(List<String[]> fields) {
    StringBuilder sb = new StringBuilder("{");
    for (String[] f : fields) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append('"');
      escape(sb, f[0]);
      sb.append("\":\"");
      escape(sb, f[1]);
      sb.append('"');
    }
    return sb.append('}').toString();
  }

  private static void escape(StringBuilder sb, String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
  }
}
