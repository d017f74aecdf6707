package io.cardinal.cli.tsdb;

import io.cardinal.tsdb.labels.Labels;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The text shapes promtool prints, reproduced so that our output can be diffed against it: Go's
 * {@code %g} for floats, {@code time.Duration.String()}, {@code strconv.Quote}, Prometheus's label
 * set rendering, {@code time.Time.String()} in UTC, the compound byte sizes of the units library
 * promtool uses, and {@code text/tabwriter}'s column layout.
 */
public final class GoFormat {
  private GoFormat() {}

  // ------------------------------------------------------------------ floats

  /**
   * Go's {@code fmt} {@code %g} of a float64: the shortest decimal that reads back as the same
   * double, in exponent form when the decimal exponent is below -4 or at least 6 (so 1e+06,
   * 1.2345e-05, 123456), infinities as +Inf/-Inf.
   */
  public static String g(double v) {
    return io.cardinal.tsdb.text.GoFloat.formatG(v);
  }

  // ------------------------------------------------------------------ durations

  /** Go's {@code time.Duration(ms * 1e6).String()}: "2h0m0s", "2m0.001s", "1ms", "0s". */
  public static String duration(long ms) {
    if (ms == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (ms < 0) {
      sb.append('-');
      ms = -ms;
    }
    if (ms < 1000) {
      return sb.append(ms).append("ms").toString();
    }
    long h = ms / 3_600_000;
    long m = ms / 60_000 % 60;
    long s = ms / 1000 % 60;
    long frac = ms % 1000;
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      sb.append(m).append('m');
    }
    sb.append(s);
    if (frac > 0) {
      String f = String.format("%03d", frac);
      int end = f.length();
      while (f.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(f, 0, end);
    }
    return sb.append('s').toString();
  }

  // ------------------------------------------------------------------ strings and labels

  /** Go's {@code strconv.Quote}. */
  public static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '"':
          sb.append("\\\"");
          continue;
        case '\\':
          sb.append("\\\\");
          continue;
        case 0x07:
          sb.append("\\a");
          continue;
        case '\b':
          sb.append("\\b");
          continue;
        case '\f':
          sb.append("\\f");
          continue;
        case '\n':
          sb.append("\\n");
          continue;
        case '\r':
          sb.append("\\r");
          continue;
        case '\t':
          sb.append("\\t");
          continue;
        case 0x0B:
          sb.append("\\v");
          continue;
        default:
      }
      if (isPrint(cp)) {
        sb.appendCodePoint(cp);
      } else if (cp < 0x20 || cp == 0x7F) {
        sb.append(String.format("\\x%02x", cp));
      } else if (cp < 0x10000) {
        sb.append(String.format("\\u%04x", cp));
      } else {
        sb.append(String.format("\\U%08x", cp));
      }
    }
    sb.append('"');
  }

  /**
   * Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII
   * space.
   */
  static boolean isPrint(int cp) {
    if (cp == ' ') {
      return true;
    }
    switch (Character.getType(cp)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.SURROGATE:
      case Character.PRIVATE_USE:
      case Character.UNASSIGNED:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.SPACE_SEPARATOR:
        return false;
      default:
        return true;
    }
  }

  /** Prometheus's {@code labels.Labels.String()}: {@code {__name__="up", job="node"}}. */
  public static String labels(Labels l) {
    StringBuilder sb = new StringBuilder(l.size() * 16).append('{');
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(l.name(i)).append('=');
      quote(sb, l.value(i));
    }
    return sb.append('}').toString();
  }

  // ------------------------------------------------------------------ times and sizes

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /** Go's {@code time.Unix(ms/1000, 0).UTC().String()}, as promtool's human-readable times. */
  public static String utcSeconds(long ms) {
    return TIME.format(Instant.ofEpochSecond(Math.floorDiv(ms, 1000)).atOffset(ZoneOffset.UTC))
        + " +0000 UTC";
  }

  private static final String[] BYTE_UNITS = {"EiB", "PiB", "TiB", "GiB", "MiB", "KiB"};

  /** The compound base-2 size promtool prints with -r: "724B", "57KiB550B", "1MiB". */
  public static String base2Bytes(long n) {
    if (n == 0) {
      return "0B";
    }
    StringBuilder sb = new StringBuilder();
    if (n < 0) {
      sb.append('-');
      n = -n;
    }
    for (int i = 0; i < BYTE_UNITS.length; i++) {
      long unit = 1L << (10 * (BYTE_UNITS.length - i));
      if (n >= unit) {
        sb.append(n / unit).append(BYTE_UNITS[i]);
        n %= unit;
      }
    }
    if (n > 0) {
      sb.append(n).append('B');
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ tabwriter

  /**
   * Go's {@code text/tabwriter} with flags 0: every tab-terminated cell of a column is padded to
   * {@code max(minWidth, widest cell + padding)}; the last cell of a line is not padded.
   */
  public static final class TabWriter {
    private final int minWidth;
    private final int padding;
    private final List<String[]> rows = new ArrayList<>();

    public TabWriter(int minWidth, int padding) {
      this.minWidth = minWidth;
      this.padding = padding;
    }

    public TabWriter row(String... cells) {
      rows.add(cells);
      return this;
    }

    /** The laid-out lines, each ending in a newline; the writer is empty afterwards. */
    public String flush() {
      int cols = 0;
      for (String[] r : rows) {
        cols = Math.max(cols, r.length);
      }
      int[] width = new int[cols];
      for (String[] r : rows) {
        for (int c = 0; c < r.length - 1; c++) {
          width[c] =
              Math.max(
                  width[c], Math.max(minWidth, r[c].codePointCount(0, r[c].length()) + padding));
        }
      }
      StringBuilder sb = new StringBuilder();
      for (String[] r : rows) {
        for (int c = 0; c < r.length; c++) {
          sb.append(r[c]);
          if (c < r.length - 1) {
            sb.append(" ".repeat(width[c] - r[c].codePointCount(0, r[c].length())));
          }
        }
        sb.append('\n');
      }
      rows.clear();
      return sb.toString();
    }
  }
}
