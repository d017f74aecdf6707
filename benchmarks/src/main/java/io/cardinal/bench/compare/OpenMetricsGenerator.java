package io.cardinal.bench.compare;

import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.workload.LabelProfile;
import io.cardinal.tsdb.workload.ValueModel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes the realistic workload (LabelProfile.DEFAULT labels, ValueModel values, one sample per
 * series every interval) as an OpenMetrics file, so Prometheus's promtool and Cardinal can ingest
 * exactly the same data. Deterministic (seeded).
 *
 * <p>Usage: {@code OpenMetricsGenerator FILE SERIES HOURS [INTERVAL_SECONDS] [START_MS]}
 */
public final class OpenMetricsGenerator {
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int series = Integer.parseInt(args[1]);
    double hours = Double.parseDouble(args[2]);
    int interval = args.length > 3 ? Integer.parseInt(args[3]) : 15;
    long start = args.length > 4 ? Long.parseLong(args[4]) : 1_700_006_400_000L;
    long samples = write(file, series, (long) (hours * 3600 / interval), interval, start);
    System.out.println("wrote " + samples + " samples of " + series + " series to " + file);
  }

  /**
   * Series are grouped by metric name, as OpenMetrics requires of a family; each series' samples
   * are in time order. Values follow the same ValueModel mix the JMH benchmarks use.
   */
  static long write(Path file, int series, long points, int intervalS, long startMs)
      throws IOException {
    LabelProfile profile = LabelProfile.DEFAULT;
    int perTarget = 250;
    long n = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int metric = 0; metric < perTarget; metric++) {
        boolean typed = false;
        for (int i = metric; i < series; i += perTarget) {
          Labels l = profile.labels(i);
          String name = l.metricName();
          if (!typed) {
            w.write("# TYPE " + name + " gauge\n");
            typed = true;
          }
          StringBuilder sel = new StringBuilder(name).append('{');
          for (int k = 0; k < l.size(); k++) {
            if (l.name(k).equals(Labels.METRIC_NAME)) {
              continue;
            }
            if (sel.charAt(sel.length() - 1) != '{') {
              sel.append(',');
            }
            sel.append(l.name(k)).append("=\"").append(l.value(k)).append('"');
          }
          sel.append("} ");
          String prefix = sel.toString();
          SplittableRandom r = new SplittableRandom(i * 31L + 7);
          ValueModel m = ValueModel.forSeries(i);
          double v = m.initial(r);
          for (long p = 0; p < points; p++) {
            long t = startMs + p * intervalS * 1000L;
            w.write(prefix);
            w.write(Double.toString(v));
            w.write(' ');
            w.write(Long.toString(t / 1000));
            if (t % 1000 != 0) {
              w.write('.');
              w.write(String.format("%03d", t % 1000));
            }
            w.write('\n');
            v = m.next(v, r);
            n++;
          }
        }
      }
      w.write("# EOF\n");
    }
    return n;
  }
}
