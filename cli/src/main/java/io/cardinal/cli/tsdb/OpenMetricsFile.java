package io.cardinal.cli.tsdb;

import io.cardinal.exposition.EntryType;
import io.cardinal.exposition.ExpositionParseException;
import io.cardinal.exposition.ExpositionParser;
import io.cardinal.exposition.OpenMetricsParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Streams an OpenMetrics file of any size through our {@link OpenMetricsParser} in bounded memory.
 *
 * <p>The parser works on one byte array, so the file is read in windows (8 MiB to start with). A
 * window ends preferably at a <em>metric family boundary</em>: before a metadata line ({@code #
 * TYPE/HELP/UNIT}) that follows a sample line, or, inside families without metadata, before a
 * sample line whose metric name differs from the previous one. A family larger than a window is cut
 * between two Metrics (label sets) when its points are single lines (counter, gauge, info,
 * unknown); the next window then starts with the family's metadata lines again, so the parser
 * checks its samples with the family's type. Histograms, gauge histograms, summaries and state sets
 * are never cut inside: a larger one grows the window. A window that is not the last gets a
 * synthetic {@code # EOF} line.
 *
 * <p>What the parser cannot see across windows is checked here or by the importer: a family that
 * appears again after others (by name), and a series' timestamps going backwards or repeating with
 * another value across a cut.
 *
 * <p>Errors carry the line number in the whole file and the column, as the parser reports them.
 */
final class OpenMetricsFile {
  static final int INITIAL_WINDOW = 8 << 20;
  private static final byte[] EOF_LINE = "# EOF\n".getBytes(StandardCharsets.US_ASCII);

  /** Receives every entry of the file in order; {@code line} is the 1-based line in the file. */
  interface Visitor {
    void entry(ExpositionParser p, EntryType type, long line) throws ExpositionParseException;
  }

  private final Path file;
  private final int initialWindow;

  OpenMetricsFile(Path file) {
    this(file, INITIAL_WINDOW);
  }

  OpenMetricsFile(Path file, int initialWindow) {
    this.file = file;
    this.initialWindow = initialWindow;
  }

  /**
   * Reads the whole file once. {@code progress} receives the number of bytes consumed so far.
   *
   * @throws ExpositionParseException with the file's line number on invalid input
   */
  void read(Visitor visitor, LongConsumer progress) throws IOException, ExpositionParseException {
    try (FileChannel ch = FileChannel.open(file)) {
      byte[] buf = new byte[initialWindow + EOF_LINE.length];
      int prefix = 0; // repeated metadata lines at the start of the buffer (not from the file here)
      int filled = 0;
      boolean eof = false;
      long consumed = 0;
      long lineOffset = 0;
      Set<String> closedFamilies = new HashSet<>();
      Set<String> windowFamilies = new HashSet<>();
      while (true) {
        // Fill the buffer (leaving room for the synthetic EOF line).
        while (!eof && filled < buf.length - EOF_LINE.length) {
          int n = ch.read(ByteBuffer.wrap(buf, filled, buf.length - EOF_LINE.length - filled));
          if (n < 0) {
            eof = true;
          } else {
            filled += n;
          }
        }
        Cut cut;
        if (eof) {
          cut = new Cut(filled, 0, 0, false);
        } else {
          cut = findCut(buf, filled);
          if (cut == null) {
            if (buf.length >= Integer.MAX_VALUE - 16 - EOF_LINE.length) {
              throw new ExpositionParseException(
                  (int) Math.min(Integer.MAX_VALUE, lineOffset + 1),
                  1,
                  "a metric family larger than 2 GiB cannot be imported");
            }
            long grown =
                Math.min((long) Integer.MAX_VALUE - 16, (long) (buf.length - EOF_LINE.length) * 2);
            buf = Arrays.copyOf(buf, (int) grown + EOF_LINE.length);
            continue;
          }
        }
        boolean last = eof;
        int at = cut.offset();
        int len = at;
        byte[] saved = null;
        if (!last) {
          // The synthetic EOF line goes right after the cut; keep the bytes it covers.
          saved = Arrays.copyOfRange(buf, at, at + EOF_LINE.length);
          System.arraycopy(EOF_LINE, 0, buf, at, EOF_LINE.length);
          len += EOF_LINE.length;
        }
        int prefixLines = (int) countLines(buf, 0, prefix);
        String lastFamily =
            parseWindow(
                buf, len, lineOffset - prefixLines, visitor, closedFamilies, windowFamilies);
        if (cut.withinFamily() && lastFamily != null) {
          windowFamilies.remove(lastFamily); // continues in the next window
        }
        closedFamilies.addAll(windowFamilies);
        windowFamilies.clear();
        lineOffset += countLines(buf, prefix, at);
        consumed += at - prefix;
        progress.accept(consumed);
        if (last) {
          return;
        }
        System.arraycopy(saved, 0, buf, at, saved.length);
        // Next window: the family's metadata lines again (for a cut inside a family), then the
        // rest.
        byte[] meta = Arrays.copyOfRange(buf, cut.metaStart(), cut.metaEnd());
        int rest = filled - at;
        System.arraycopy(buf, at, buf, meta.length, rest);
        System.arraycopy(meta, 0, buf, 0, meta.length);
        prefix = meta.length;
        filled = prefix + rest;
      }
    }
  }

  /**
   * Parses one window; returns the name of its last family. Line numbers are the file's: {@code
   * lineOffset} is the file line before the window's first line (repeated metadata lines count
   * negative).
   */
  private static String parseWindow(
      byte[] buf,
      int len,
      long lineOffset,
      Visitor visitor,
      Set<String> closedFamilies,
      Set<String> windowFamilies)
      throws ExpositionParseException {
    OpenMetricsParser p = new OpenMetricsParser(buf, 0, len);
    int famOff = -1;
    int famLen = -1;
    String fam = null;
    try {
      for (EntryType e = p.next(); e != EntryType.EOF; e = p.next()) {
        long line = lineOffset + p.line();
        if (p.familyOffset() != famOff || p.familyLength() != famLen) {
          famOff = p.familyOffset();
          famLen = p.familyLength();
          fam = p.familyName();
          if (closedFamilies.contains(fam)) {
            throw new ExpositionParseException(
                toInt(line),
                1,
                "metric family \""
                    + fam
                    + "\" appears again after other families (its samples must be contiguous)");
          }
          windowFamilies.add(fam);
        }
        visitor.entry(p, e, line);
      }
    } catch (ExpositionParseException ex) {
      if (lineOffset == 0) {
        throw ex;
      }
      throw new ExpositionParseException(toInt(lineOffset + ex.line()), ex.column(), ex.detail());
    }
    return fam;
  }

  private static int toInt(long line) {
    return (int) Math.min(Integer.MAX_VALUE, line);
  }

  private static long countLines(byte[] buf, int from, int to) {
    long n = 0;
    for (int i = from; i < to; i++) {
      if (buf[i] == '\n') {
        n++;
      }
    }
    return n;
  }

  /**
   * Where to cut: at {@code offset}; for a cut inside a family, {@code [metaStart, metaEnd)} are
   * the family's metadata lines, repeated at the start of the next window.
   */
  record Cut(int offset, int metaStart, int metaEnd, boolean withinFamily) {}

  /**
   * The last place among the complete lines of {@code buf[0, len)} where a window may end, or null.
   *
   * <p>Preferred: a family boundary, before a metadata line that follows a sample line, or (in a
   * family without metadata) before a sample whose metric name differs from the previous one.
   * Otherwise, inside a family whose Metrics are single samples per point (counter, gauge, info,
   * unknown, or none declared), before a sample whose label set differs from the previous line's:
   * the next window then starts with the family's metadata lines again. Histograms, gauge
   * histograms, summaries and state sets are never cut inside, their points span several lines.
   */
  static Cut findCut(byte[] buf, int len) {
    final int none = 0;
    final int meta = 1;
    final int sample = 2;
    int prevKind = none;
    boolean famHasMeta = false;
    boolean splittable = true;
    int metaStart = 0;
    int metaEnd = 0;
    int prevNameOff = 0;
    int prevNameLen = 0;
    int prevLabelsOff = 0;
    int prevLabelsLen = 0;
    int familyCut = 0;
    int intraCut = 0;
    int intraMetaStart = 0;
    int intraMetaEnd = 0;
    int s = 0;
    while (s < len) {
      int e = s;
      while (e < len && buf[e] != '\n') {
        e++;
      }
      if (e >= len) {
        break; // incomplete last line
      }
      if (buf[s] == '#') {
        if (prevKind != meta) {
          if (prevKind == sample) {
            familyCut = s;
          }
          metaStart = s;
          splittable = true;
        }
        famHasMeta = true;
        metaEnd = e + 1;
        if (startsWith(buf, s, e, "# TYPE ")) {
          int t = e;
          while (t > s && buf[t - 1] != ' ') {
            t--;
          }
          String type = new String(buf, t, e - t, java.nio.charset.StandardCharsets.US_ASCII);
          splittable =
              type.equals("counter")
                  || type.equals("gauge")
                  || type.equals("unknown")
                  || type.equals("info");
        }
        prevKind = meta;
      } else {
        int ne = s;
        while (ne < e && isNameChar(buf[ne])) {
          ne++;
        }
        int le = ne;
        if (ne < e && buf[ne] == '{') {
          le = labelsEnd(buf, ne, e);
        }
        if (prevKind == sample) {
          if (!famHasMeta
              && !Arrays.equals(buf, s, ne, buf, prevNameOff, prevNameOff + prevNameLen)) {
            familyCut = s;
            metaStart = s;
            metaEnd = s;
          } else if (splittable
              && !Arrays.equals(buf, ne, le, buf, prevLabelsOff, prevLabelsOff + prevLabelsLen)) {
            intraCut = s;
            intraMetaStart = famHasMeta ? metaStart : 0;
            intraMetaEnd = famHasMeta ? metaEnd : 0;
          }
        } else if (prevKind == none) {
          famHasMeta = false;
          splittable = true;
          metaStart = s;
          metaEnd = s;
        }
        prevKind = sample;
        prevNameOff = s;
        prevNameLen = ne - s;
        prevLabelsOff = ne;
        prevLabelsLen = le - ne;
      }
      s = e + 1;
    }
    if (familyCut > 0) {
      return new Cut(familyCut, 0, 0, false);
    }
    if (intraCut > 0) {
      return new Cut(intraCut, intraMetaStart, intraMetaEnd, true);
    }
    return null;
  }

  /**
   * The offset after the closing brace of the label set starting at {@code open}, quotes respected.
   */
  private static int labelsEnd(byte[] buf, int open, int end) {
    boolean quoted = false;
    for (int i = open + 1; i < end; i++) {
      byte b = buf[i];
      if (quoted) {
        if (b == '\\') {
          i++;
        } else if (b == '"') {
          quoted = false;
        }
      } else if (b == '"') {
        quoted = true;
      } else if (b == '}') {
        return i + 1;
      }
    }
    return end;
  }

  private static boolean startsWith(byte[] buf, int s, int e, String prefix) {
    if (e - s < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (buf[s + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNameChar(byte b) {
    return (b >= 'a' && b <= 'z')
        || (b >= 'A' && b <= 'Z')
        || (b >= '0' && b <= '9')
        || b == '_'
        || b == ':';
  }
}
