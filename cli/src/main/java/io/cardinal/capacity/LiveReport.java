package io.cardinal.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import io.cardinal.cli.tsdb.GoFormat;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code tsdb analyze --url}: the cardinality report of a running server, in the shape of
 * promtool's block analysis where the figures match, from what the server publishes:
 *
 * <ul>
 *   <li>{@code /api/v1/status/tsdb}: series, label pairs, chunks; series per metric name (which
 *       metric exploded), values per label name, memory per label name, series per label pair;
 *   <li>{@code /metrics}: series churn from {@code prometheus_tsdb_head_series_created_total} and
 *       {@code _removed_total}, averaged over the server's uptime or measured over a window;
 *   <li>{@code /api/v1/status/config}, {@code /api/v1/targets} and {@code /federate} (the {@code
 *       scrape_samples_post_metric_relabeling} series): the scrape jobs nearest their {@code
 *       sample_limit}.
 * </ul>
 */
public final class LiveReport {
  private LiveReport() {}

  /** A job's use of its sample_limit: the fullest target decides. */
  public record JobUse(
      String job, int targets, int sampleLimit, double maxSamples, double fraction) {}

  public static int run(
      String url, int limit, long churnWindowMs, PrintWriter out, PrintWriter err) {
    try {
      out.print(report(new ServerClient(url), limit, churnWindowMs));
      out.flush();
      return 0;
    } catch (BadInputException e) {
      // Bad input (an unreachable or non-Prometheus URL): exit 2, as the capacity commands.
      err.println("analyze: " + e.getMessage());
      err.flush();
      return 2;
    }
  }

  static String report(ServerClient c, int limit, long churnWindowMs) throws BadInputException {
    JsonNode tsdb = c.api("/api/v1/status/tsdb?limit=" + Math.max(1, limit));
    ServerState first = ServerState.read(c);
    StringBuilder sb = new StringBuilder();
    JsonNode head = tsdb.path("headStats");
    sb.append("Server: ").append(c.base()).append('\n');
    sb.append("Series: ").append(head.path("numSeries").asLong()).append('\n');
    sb.append("Label pairs: ").append(head.path("numLabelPairs").asLong()).append('\n');
    sb.append("Chunks: ").append(head.path("chunkCount").asLong()).append('\n');
    long minT = head.path("minTime").asLong();
    long maxT = head.path("maxTime").asLong();
    if (head.path("numSeries").asLong() > 0 && maxT >= minT) {
      sb.append("Duration: ").append(GoFormat.duration(maxT - minT)).append('\n');
    }
    section(sb, "Highest cardinality metric names", tsdb.path("seriesCountByMetricName"), limit);
    section(sb, "Highest cardinality labels", tsdb.path("labelValueCountByLabelName"), limit);
    section(
        sb,
        "Label names with highest memory use (bytes)",
        tsdb.path("memoryInBytesByLabelName"),
        limit);
    section(sb, "Most common label pairs", tsdb.path("seriesCountByLabelValuePair"), limit);

    // Churn
    double created;
    double removed;
    String over;
    if (churnWindowMs > 0) {
      try {
        Thread.sleep(churnWindowMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BadInputException("interrupted");
      }
      ServerState second = ServerState.read(c);
      double secs = Math.max(0.001, second.fetchedAtSeconds() - first.fetchedAtSeconds());
      created = (second.seriesCreated() - first.seriesCreated()) * 3600 / secs;
      removed = (second.seriesRemoved() - first.seriesRemoved()) * 3600 / secs;
      over = "measured over " + GoFormat.duration(Math.round(secs * 1000));
    } else {
      double up = first.uptimeSeconds();
      if (Double.isNaN(up) || up <= 0 || Double.isNaN(first.seriesCreated())) {
        created = Double.NaN;
        removed = Double.NaN;
        over = "unavailable: the server exposes no process_start_time_seconds or series counters";
      } else {
        created = first.seriesCreated() * 3600 / up;
        removed = first.seriesRemoved() * 3600 / up;
        over =
            "averaged over the server's uptime of "
                + GoFormat.duration(Math.round(up * 1000))
                + "; --churn-window measures the current rate";
      }
    }
    sb.append("\nSeries churn (").append(over).append("):\n");
    if (!Double.isNaN(created)) {
      sb.append(String.format(Locale.ROOT, "%.1f created/h%n%.1f removed/h%n", created, removed));
    }

    // Sample limits
    sb.append("\nScrape jobs nearest their sample_limit:\n");
    try {
      List<JobUse> uses = sampleLimitUse(c);
      GoFormat.TabWriter tw = new GoFormat.TabWriter(0, 2);
      tw.row("JOB", "TARGETS", "SAMPLE_LIMIT", "MAX SAMPLES/TARGET", "USE");
      int n = 0;
      for (JobUse u : uses) {
        if (n++ >= limit) {
          break;
        }
        tw.row(
            u.job(),
            Integer.toString(u.targets()),
            u.sampleLimit() == 0 ? "none" : Integer.toString(u.sampleLimit()),
            Double.isNaN(u.maxSamples()) ? "-" : GoFormat.g(u.maxSamples()),
            u.sampleLimit() == 0 || Double.isNaN(u.maxSamples())
                ? "-"
                : String.format(Locale.ROOT, "%.0f%%", u.fraction() * 100));
      }
      sb.append(tw.flush());
    } catch (BadInputException e) {
      sb.append("unavailable: ").append(e.getMessage()).append('\n');
    }
    return sb.toString();
  }

  private static void section(StringBuilder sb, String title, JsonNode list, int limit) {
    sb.append('\n').append(title).append(":\n");
    int n = 0;
    for (JsonNode e : list) {
      if (n++ >= limit) {
        break;
      }
      sb.append(e.path("value").asLong()).append(' ').append(e.path("name").asText()).append('\n');
    }
  }

  /**
   * Jobs by their fullest target's share of sample_limit, fullest first; jobs without a limit last.
   */
  public static List<JobUse> sampleLimitUse(ServerClient c) throws BadInputException {
    Map<String, Integer> limits =
        ConfigCheck.sampleLimits(c.api("/api/v1/status/config").path("yaml").asText());
    Map<String, Integer> targets = new HashMap<>();
    for (JsonNode t : c.api("/api/v1/targets").path("activeTargets")) {
      targets.merge(t.path("scrapePool").asText(), 1, Integer::sum);
    }
    Map<String, Double> maxSamples = new TreeMap<>();
    String q =
        "/federate?match[]="
            + URLEncoder.encode("scrape_samples_post_metric_relabeling", StandardCharsets.UTF_8);
    for (ServerClient.Sample s : c.exposition(q)) {
      maxSamples.merge(s.labels().get("job"), s.value(), Math::max);
    }
    List<JobUse> out = new ArrayList<>();
    for (Map.Entry<String, Integer> e : limits.entrySet()) {
      double max = maxSamples.getOrDefault(e.getKey(), Double.NaN);
      int lim = e.getValue();
      double f = lim > 0 && !Double.isNaN(max) ? max / lim : -1;
      out.add(new JobUse(e.getKey(), targets.getOrDefault(e.getKey(), 0), lim, max, f));
    }
    out.sort(
        (a, b) ->
            a.fraction() != b.fraction()
                ? Double.compare(b.fraction(), a.fraction())
                : a.job().compareTo(b.job()));
    return out;
  }
}
