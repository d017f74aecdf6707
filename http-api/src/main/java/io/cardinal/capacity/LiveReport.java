package io.cardinal.capacity;

import java.io.PrintWriter;

/** {@code tsdb analyze --url}: the cardinality report of a running server. */
public final class LiveReport {
  private LiveReport() {}

  public static int run(String url, int limit, long churnWindowMs, PrintWriter out, PrintWriter err) {
    err.println("not implemented yet");
    return 2;
  }
}
