package io.cardinal.cli.tsdb;

import io.cardinal.scrape.parse.EntryType;
import io.cardinal.scrape.parse.ExpositionParseException;
import io.cardinal.scrape.parse.ExpositionParser;
import io.cardinal.scrape.parse.OpenMetricsParser;
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
 * <p>The parser works on one byte array, so the file is read in windows (8 MiB to start with),
 * each cut at a <em>metric family boundary</em>: before a metadata line ({@code # TYPE/HELP/UNIT})
 * that follows a sample line, or, inside families without metadata, before a sample line whose
 * metric name differs from the previous one. A family therefore never spans two windows, and every
 * rule the parser checks within a family (contiguous Metrics, non-decreasing timestamps, histogram
 * buckets, ...) holds across the whole file. A window that is not the last gets a synthetic
 * {@code # EOF} line. What the parser cannot see across windows, a family that appears twice, is
 * checked here by family name. A family larger than the window grows the window.
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
        int cut;
        boolean last;
        if (eof) {
          cut = filled;
          last = true;
        } else {
          cut = lastFamilyBoundary(buf, filled);
          last = false;
          if (cut <= 0) {
            if (buf.length >= Integer.MAX_VALUE - 16 - EOF_LINE.length) {
              throw new ExpositionParseException((int) Math.min(Integer.MAX_VALUE, lineOffset + 1), 1,
                  "a metric family larger than 2 GiB cannot be imported");
            }
            long grown = Math.min((long) Integer.MAX_VALUE - 16, (long) (buf.length - EOF_LINE.length) * 2);
            buf = Arrays.copyOf(buf, (int) grown + EOF_LINE.length);
            continue;
          }
        }
        int len = cut;
        byte[] saved = null;
        if (!last) {
          // The synthetic EOF line goes right after the cut; keep the bytes it covers.
          saved = Arrays.copyOfRange(buf, cut, cut + EOF_LINE.length);
          System.arraycopy(EOF_LINE, 0, buf, cut, EOF_LINE.length);
          len += EOF_LINE.length;
        }
        parseWindow(buf, len, last, lineOffset, visitor, closedFamilies, windowFamilies);
        closedFamilies.addAll(windowFamilies);
        windowFamilies.clear();
        lineOffset += countLines(buf, cut);
        consumed += cut;
        progress.accept(consumed);
        if (last) {
          return;
        }
        System.arraycopy(saved, 0, buf, cut, saved.length);
        System.arraycopy(buf, cut, buf, 0, filled - cut);
        filled -= cut;
      }
    }
  }

  private static void parseWindow(byte[] buf, int len, boolean last, long lineOffset, Visitor visitor,
      Set<String> closedFamilies, Set<String> windowFamilies) throws ExpositionParseException {
    OpenMetricsParser p = new OpenMetricsParser(buf, 0, len);
    int famOff = -1;
    int famLen = -1;
    try {
      for (EntryType e = p.next(); e != EntryType.EOF; e = p.next()) {
        long line = lineOffset + p.line();
        if (p.familyOffset() != famOff || p.familyLength() != famLen) {
          famOff = p.familyOffset();
          famLen = p.familyLength();
          String fam = p.familyName();
          if (closedFamilies.contains(fam)) {
            throw new ExpositionParseException(toInt(line), 1, "metric family \"" + fam
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
  }

  private static int toInt(long line) {
    return (int) Math.min(Integer.MAX_VALUE, line);
  }

  private static long countLines(byte[] buf, int len) {
    long n = 0;
    for (int i = 0; i < len; i++) {
      if (buf[i] == '\n') {
        n++;
      }
    }
    return n;
  }

  /**
   * The offset of the last metric family boundary among the complete lines of {@code buf[0, len)},
   * or 0 when there is none. See the class comment for what counts as a boundary.
   */
  static int lastFamilyBoundary(byte[] buf, int len) {
    final int none = 0;
    final int meta = 1;
    final int sample = 2;
    int prevKind = none;
    boolean famHasMeta = false;
    int prevNameOff = 0;
    int prevNameLen = 0;
    int boundary = 0;
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
        if (prevKind == sample) {
          boundary = s;
        }
        famHasMeta = true;
        prevKind = meta;
      } else {
        int ne = s;
        while (ne < e && isNameChar(buf[ne])) {
          ne++;
        }
        if (prevKind == sample && !famHasMeta
            && !Arrays.equals(buf, s, ne, buf, prevNameOff, prevNameOff + prevNameLen)) {
          boundary = s;
        } else if (prevKind == none) {
          famHasMeta = false;
        }
        prevKind = sample;
        prevNameOff = s;
        prevNameLen = ne - s;
      }
      s = e + 1;
    }
    return boundary;
  }

  private static boolean isNameChar(byte b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == ':';
  }
}
