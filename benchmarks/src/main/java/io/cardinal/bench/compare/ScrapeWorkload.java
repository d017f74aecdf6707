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
 * The side-by-side workload: what one scrape target exposes, shared by the in-process {@link
 * TargetServer} (scrape ingestion) and the OpenMetrics file for backfill and queries, so both
 * systems see the same series shapes either way.
 *
 * <p>A target with {@code M} series exposes, in this order:
 *
 * <ol>
 *   <li>{@code target_info{version="v<t%5>"}} 1 (for the {@code group_left} query);
 *   <li>classic histograms, about a fifth of the series: {@code http_request_duration_seconds} with
 *       {@code handler="/api/h<i>"}, 12 buckets ({@code le}), {@code _sum}, {@code _count} (14
 *       series each);
 *   <li>the rest: {@link LabelProfile} labels ({@code env, region, cluster, namespace, pod,
 *       container, service}, {@code M}-per-target metric names) with {@link ValueModel} values.
 *       {@code job} and {@code instance} are not exposed: the scraper adds them, and the
 *       OpenMetrics file writes them as a scrape would ({@code job="bench"}, {@code
 *       instance="target-<t>"}).
 * </ol>
 *
 * <p>Usage (OpenMetrics file for backfill/queries): {@code ScrapeWorkload FILE TARGETS
 * SERIES_PER_TARGET HOURS [INTERVAL_S] [START_MS]}
 */
public final class ScrapeWorkload {
  static final double[] LE = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Double.POSITIVE_INFINITY
  };

  /** Where an observation falls (non-cumulative bucket weights, summing to 1; last = above 10s). */
  private static final double[] WEIGHTS = {
    0.05, 0.1, 0.2, 0.25, 0.15, 0.1, 0.06, 0.04, 0.02, 0.015, 0.01, 0.005
  };

  static final int PER_HIST = LE.length + 2;

  final int seriesPerTarget;
  final int histograms;
  final int plain;
  private final LabelProfile profile;

  ScrapeWorkload(int seriesPerTarget) {
    if (seriesPerTarget < 2) {
      throw new IllegalArgumentException("at least 2 series per target");
    }
    this.seriesPerTarget = seriesPerTarget;
    this.histograms = (seriesPerTarget / 5) / PER_HIST;
    this.plain = seriesPerTarget - 1 - histograms * PER_HIST;
    this.profile = new LabelProfile(Math.max(1, plain), 0, 0);
  }

  /** Labels of plain series {@code k} of target {@code t}, without job and instance. */
  Labels plainLabels(int t, int k) {
    return profile.labels((long) t * plain + k);
  }

  /** The model of plain series {@code k} of target {@code t}. */
  ValueModel model(int t, int k) {
    return ValueModel.forSeries((long) t * plain + k);
  }

  static String leString(double le) {
    if (Double.isInfinite(le)) {
      return "+Inf";
    }
    String s = Double.toString(le);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  /**
   * {@code name{a="b",...}} for plain series with extra leading labels (may be empty, else ends
   * with ',').
   */
  static String selector(Labels l, String extra) {
    StringBuilder sb = new StringBuilder(l.metricName()).append('{').append(extra);
    boolean first = true;
    for (int i = 0; i < l.size(); i++) {
      String n = l.name(i);
      if (n.equals(Labels.METRIC_NAME) || n.equals("job") || n.equals("instance")) {
        continue;
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append(n).append("=\"").append(l.value(i)).append('"');
    }
    return sb.append('}').toString();
  }

  /**
   * State of one classic histogram: cumulative bucket counts, sum and count, advanced one scrape at
   * a time by a handful of observations.
   */
  static final class Hist {
    final double[] cumulative = new double[LE.length];
    double sum;
    double count;

    void step(SplittableRandom r) {
      int obs = r.nextInt(20);
      for (int o = 0; o < obs; o++) {
        double u = r.nextDouble();
        int b = 0;
        double acc = WEIGHTS[0];
        while (u > acc && b < WEIGHTS.length - 1) {
          b++;
          acc += WEIGHTS[b];
        }
        for (int j = b; j < LE.length; j++) {
          cumulative[j]++;
        }
        double lo = b == 0 ? 0 : LE[b - 1];
        double hi = Double.isInfinite(LE[b]) ? 20 : LE[b];
        sum += lo + (hi - lo) * r.nextDouble();
        count++;
      }
      sum = Math.round(sum * 1000) / 1000.0;
    }
  }

  /** Writes {@code buf} a number as a scrape would: integers without a fraction. */
  static void appendValue(StringBuilder sb, double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      sb.append((long) v);
    } else {
      sb.append(v);
    }
  }

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int targets = Integer.parseInt(args[1]);
    int perTarget = Integer.parseInt(args[2]);
    double hours = Double.parseDouble(args[3]);
    int interval = args.length > 4 ? Integer.parseInt(args[4]) : 15;
    long start = args.length > 5 ? Long.parseLong(args[5]) : 1_700_006_400_000L;
    int points = (int) (hours * 3600 / interval);
    long n = new ScrapeWorkload(perTarget).writeOpenMetrics(file, targets, points, interval, start);
    System.out.println(
        "wrote "
            + n
            + " samples of "
            + targets * perTarget
            + " series ("
            + targets
            + " targets x "
            + perTarget
            + ") x "
            + points
            + " points to "
            + file);
  }

  private static String ts(long t) {
    return t % 1000 == 0 ? Long.toString(t / 1000) : String.format("%d.%03d", t / 1000, t % 1000);
  }

  /** Families grouped by name (OpenMetrics requires it); each series' samples in time order. */
  long writeOpenMetrics(Path file, int targets, int points, int intervalS, long startMs)
      throws IOException {
    long n = 0;
    StringBuilder sb = new StringBuilder(256);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("# TYPE target_info gauge\n");
      for (int t = 0; t < targets; t++) {
        for (int p = 0; p < points; p++) {
          w.write(
              "target_info{job=\"bench\",instance=\"target-"
                  + t
                  + "\",version=\"v"
                  + (t % 5)
                  + "\"} 1 "
                  + ts(startMs + (long) p * intervalS * 1000)
                  + "\n");
          n++;
        }
      }
      if (histograms > 0) {
        // bucket, sum, count families: replay each histogram's seeded history once per family.
        String[] fam = {"_bucket", "_sum", "_count"};
        for (String suffix : fam) {
          w.write("# TYPE http_request_duration_seconds" + suffix + " gauge\n");
          for (int t = 0; t < targets; t++) {
            for (int h = 0; h < histograms; h++) {
              double[][] hist = new double[points][];
              SplittableRandom r = new SplittableRandom(((long) t << 20) + h);
              Hist st = new Hist();
              for (int p = 0; p < points; p++) {
                st.step(r);
                double[] row = new double[LE.length + 2];
                System.arraycopy(st.cumulative, 0, row, 0, LE.length);
                row[LE.length] = st.sum;
                row[LE.length + 1] = st.count;
                hist[p] = row;
              }
              String base =
                  "http_request_duration_seconds"
                      + suffix
                      + "{job=\"bench\",instance=\"target-"
                      + t
                      + "\",handler=\"/api/h"
                      + h
                      + "\"";
              int cols = suffix.equals("_bucket") ? LE.length : 1;
              for (int c = 0; c < cols; c++) {
                String prefix =
                    suffix.equals("_bucket")
                        ? base + ",le=\"" + leString(LE[c]) + "\"} "
                        : base + "} ";
                int col =
                    suffix.equals("_bucket")
                        ? c
                        : suffix.equals("_sum") ? LE.length : LE.length + 1;
                for (int p = 0; p < points; p++) {
                  sb.setLength(0);
                  sb.append(prefix);
                  appendValue(sb, hist[p][col]);
                  sb.append(' ').append(ts(startMs + (long) p * intervalS * 1000)).append('\n');
                  w.write(sb.toString());
                  n++;
                }
              }
            }
          }
        }
      }
      for (int k = 0; k < plain; k++) {
        w.write("# TYPE " + plainLabels(0, k).metricName() + " gauge\n");
        for (int t = 0; t < targets; t++) {
          String prefix =
              selector(plainLabels(t, k), "job=\"bench\",instance=\"target-" + t + "\",") + " ";
          SplittableRandom r = new SplittableRandom((long) t * plain + k);
          ValueModel m = model(t, k);
          double v = m.initial(r);
          for (int p = 0; p < points; p++) {
            sb.setLength(0);
            sb.append(prefix);
            appendValue(sb, v);
            sb.append(' ').append(ts(startMs + (long) p * intervalS * 1000)).append('\n');
            w.write(sb.toString());
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
