package io.cardinal.cli.tsdb;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on stderr for long imports: bytes read out of the bytes all passes will
 * read. Stays silent for the first second (short imports print nothing), redraws at most five times
 * a second with a carriage return, and erases itself when done.
 */
final class ProgressBar implements OpenMetricsImporter.Progress {
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final String label;
  private final LongSupplier clock;
  private final long quietMs;
  private final long start;
  private long lastDraw;
  private boolean drawn;
  private int width;

  ProgressBar(PrintWriter err, String label) {
    this(err, label, System::currentTimeMillis, 1000);
  }

  ProgressBar(PrintWriter err, String label, LongSupplier clock, long quietMs) {
    this.err = err;
    this.label = label;
    this.clock = clock;
    this.quietMs = quietMs;
    this.start = clock.getAsLong();
  }

  @Override
  public void update(String phase, long done, long total) {
    long now = clock.getAsLong();
    if (now - start < quietMs || lastDraw > 0 && now - lastDraw < 200 && done < total) {
      return;
    }
    lastDraw = now;
    String l = line(done, total) + " (" + phase + ")";
    err.print("\r" + l + " ".repeat(Math.max(0, width - l.length())));
    width = Math.max(width, l.length());
    err.flush();
    drawn = true;
  }

  String line(long done, long total) {
    double f = total <= 0 ? 1 : Math.min(1, (double) done / total);
    int fill = (int) Math.round(f * WIDTH);
    return String.format(
        java.util.Locale.ROOT,
        "%s [%s%s] %3d%% %s / %s",
        label,
        "=".repeat(fill),
        " ".repeat(WIDTH - fill),
        Math.round(f * 100),
        mib(done),
        mib(total));
  }

  private static String mib(long b) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", b / 1048576.0);
  }

  /** Erases the bar if it was drawn (before other output; the next update draws it again). */
  void finish() {
    if (drawn) {
      err.print("\r" + " ".repeat(width) + "\r");
      err.flush();
      drawn = false;
    }
  }
}
