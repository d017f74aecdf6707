package io.cardinal.rules;

import java.util.Arrays;

/**
 * A summary of recent durations for {@code /metrics}: quantiles over the last 1,024 observations
 * (Prometheus's summaries decay over ten minutes; a fixed window is close enough for dashboards),
 * with the running sum and count.
 */
final class DurationSummary {
  private static final double[] QUANTILES = {0.01, 0.05, 0.5, 0.9, 0.99};
  private final double[] window = new double[1024];
  private long count;
  private double sum;

  synchronized void add(double seconds) {
    window[(int) (count % window.length)] = seconds;
    count++;
    sum += seconds;
  }

  synchronized void write(StringBuilder sb, String name, String help) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" summary\n");
    int n = (int) Math.min(count, window.length);
    double[] sorted = Arrays.copyOf(window, n);
    Arrays.sort(sorted);
    for (double q : QUANTILES) {
      sb.append(name).append("{quantile=\"").append(q).append("\"} ");
      sb.append(n == 0 ? "NaN" : String.valueOf(sorted[(int) Math.min(n - 1, Math.floor(q * n))]));
      sb.append('\n');
    }
    sb.append(name).append("_sum ").append(sum).append('\n');
    sb.append(name).append("_count ").append(count).append('\n');
  }
}
