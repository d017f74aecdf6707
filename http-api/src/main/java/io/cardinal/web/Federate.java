package io.cardinal.web;

import io.cardinal.scrape.ScrapeLoop;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.util.List;
import java.util.TreeMap;

/**
 * {@code /federate}: for every series matching any {@code match[]}, its latest sample within the
 * lookback delta, in the text exposition format, grouped by metric name under {@code # TYPE name
 * untyped}. External labels are added where the series lacks them; stale series are left out.
 */
final class Federate {
  record Result(int status, String body) {}

  private Federate() {}

  static Result render(ServerContext server, ApiRequest r) {
    List<Matcher[]> sets;
    try {
      sets = Api.matcherSets(r, false);
    } catch (Api.BadData e) {
      return new Result(400, e.getMessage() + "\n");
    }
    long now = System.currentTimeMillis();
    long mint = now - server.options().lookbackDelta().toMillis();
    Labels external = server.config().global().externalLabels();
    // Sorted by labels, which sorts by metric name first since __name__ sorts before lower-case
    // names.
    TreeMap<Labels, double[]> latest = new TreeMap<>(Federate::compareByName);
    try (Querier q = server.db().querier(mint, now)) {
      for (Matcher[] ms : sets) {
        SeriesSet ss = q.select(false, mint, now, ms);
        SampleIterator it = null;
        while (ss.next()) {
          it = ss.at().iterator(it);
          long t = Long.MIN_VALUE;
          double v = 0;
          while (it.next()) {
            if (it.timestamp() > now) {
              break;
            }
            t = it.timestamp();
            v = it.value();
          }
          if (t == Long.MIN_VALUE || Double.doubleToRawLongBits(v) == ScrapeLoop.STALE_NAN_BITS) {
            continue;
          }
          Labels l = ss.at().labels();
          if (!external.isEmpty()) {
            Labels.Builder b = l.toBuilder();
            for (int i = 0; i < external.size(); i++) {
              if (!l.has(external.name(i))) {
                b.set(external.name(i), external.value(i));
              }
            }
            l = b.build();
          }
          latest.put(l, new double[] {v, t});
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    String lastName = null;
    for (var e : latest.entrySet()) {
      Labels l = e.getKey();
      String name = l.metricName();
      if (name.isEmpty()) {
        continue;
      }
      if (!name.equals(lastName)) {
        sb.append("# TYPE ").append(name).append(" untyped\n");
        lastName = name;
      }
      writeSample(sb, l, e.getValue()[0], (long) e.getValue()[1]);
    }
    return new Result(200, sb.toString());
  }

  private static int compareByName(Labels a, Labels b) {
    String na = a.metricName();
    String nb = b.metricName();
    int c = na.compareTo(nb);
    return c != 0 ? c : a.compareTo(b);
  }

  /** One text-format line: {@code name{a="b"} value timestamp}. */
  static void writeSample(StringBuilder sb, Labels l, double v, long t) {
    sb.append(l.metricName());
    boolean first = true;
    for (int i = 0; i < l.size(); i++) {
      if (l.name(i).equals(Labels.METRIC_NAME)) {
        continue;
      }
      sb.append(first ? '{' : ',');
      first = false;
      sb.append(l.name(i)).append("=\"");
      escape(sb, l.value(i));
      sb.append('"');
    }
    if (!first) {
      sb.append('}');
    }
    sb.append(' ').append(Formats.formatFloat(v));
    if (t != Long.MIN_VALUE) {
      sb.append(' ').append(t);
    }
    sb.append('\n');
  }

  static void escape(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
  }
}
