package io.cardinal.bench.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Query latency, side by side: every query of QUERIES_FILE (one PromQL expression per line, '#'
 * comments) as an instant query at TIME and a range query START..END every STEP, against each
 * system in turn.
 *
 * <p>Three phases, the same for every system:
 *
 * <ol>
 *   <li><b>cold</b>: one pass over the whole set, right after the servers became ready; each
 *       query's time is kept as {@code cold_ms} (for a JVM server this is the interpreter and the
 *       JIT at work);
 *   <li><b>warm-up</b>: further untimed passes over the whole set until {@code -Dwarmup.seconds}
 *       (default 20) have passed and at least {@code -Dwarmup.passes} (default 5) were made; both
 *       systems get the same passes;
 *   <li><b>measured</b>: {@code -Drounds} (default 3) rounds over the set, the first in file order
 *       and the others shuffled ({@code -Dorder.seed}); in each, per query, REPS timed runs back to
 *       back on one system, then on the other (which goes first alternates from query to query and
 *       round to round, so drift on a shared machine hits both), each block after {@code -Dgap.ms}
 *       (default 250) of quiet and {@code -Dlead.in} (default 2) untimed requests; {@code
 *       median_ms} is the median of all rounds' runs.
 * </ol>
 *
 * <p>Times are the client's wall time of one HTTP exchange on a kept-alive connection, taken with a
 * small blocking HTTP/1.1 client ({@link Http1}) so that the client adds as little as possible and
 * the same to both servers (the JDK's {@code HttpClient} added 1-2 ms of its own per exchange, more
 * than Prometheus needs for the small queries). Prints one JSON line per system, query and kind:
 * median, every run, the cold time, the HTTP status, the number of series in the result and a
 * checksum of the result values, so the answers of the two systems can be compared.
 *
 * <p>Usage: {@code QueryBench QUERIES_FILE TIME START END STEP REPS NAME=URL [NAME=URL...]}
 */
public final class QueryBench {
  public static void main(String[] args) throws Exception {
    List<String> queries = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        queries.add(line.trim());
      }
    }
    String time = args[1];
    String start = args[2];
    String end = args[3];
    String step = args[4];
    int reps = Integer.parseInt(args[5]);
    List<String> names = new ArrayList<>();
    List<Http1> clients = new ArrayList<>();
    for (int i = 6; i < args.length; i++) {
      String[] nu = args[i].split("=", 2);
      names.add(nu[0]);
      clients.add(new Http1(URI.create(nu[1])));
    }
    double warmSeconds = Double.parseDouble(System.getProperty("warmup.seconds", "20"));
    int warmPasses = Integer.getInteger("warmup.passes", 5);
    long gapMs = Long.getLong("gap.ms", 250);
    int rounds = Integer.getInteger("rounds", 3);
    int leadIn = Integer.getInteger("lead.in", 2);
    String dir = System.getProperty("answers");
    Path answers = dir == null ? null : Files.createDirectories(Path.of(dir));

    List<String> paths = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    for (String q : queries) {
      paths.add("/api/v1/query?query=" + enc(q) + "&time=" + time);
      kinds.add("instant");
      paths.add(
          "/api/v1/query_range?query="
              + enc(q)
              + "&start="
              + start
              + "&end="
              + end
              + "&step="
              + step);
      kinds.add("range");
    }
    int n = paths.size();
    int systems = clients.size();
    double[][] cold = new double[systems][n];
    double[][][] ms = new double[systems][n][rounds * reps];
    int[][] status = new int[systems][n];
    byte[][][] body = new byte[systems][n][];

    // Cold pass, then warm-up passes until both the time and the count are reached.
    long warmStart = System.nanoTime();
    int passes = 0;
    do {
      for (int i = 0; i < n; i++) {
        for (int s = 0; s < systems; s++) {
          int si = ((passes + i) & 1) == 0 ? s : systems - 1 - s;
          double took = exchange(clients.get(si), paths.get(i), status[si], body[si], i);
          if (passes == 0) {
            cold[si][i] = took;
          }
        }
      }
      passes++;
    } while (passes < 1 + warmPasses || (System.nanoTime() - warmStart) / 1e9 < warmSeconds);
    System.err.printf(
        "QueryBench: %d warm-up passes over %d requests in %.1f s%n",
        passes - 1, n, (System.nanoTime() - warmStart) / 1e9);

    // Rounds spread each query's runs over time, so a passing disturbance on a shared machine
    // (another
    // process, a collection, a compilation) touches a few runs of many queries, not all runs of
    // one.
    // The first round goes in file order, later ones in a shuffled order (the same for both
    // systems), so
    // no query always follows the same one: a heavy query leaves cold caches and a grown heap to
    // the next.
    long seed = Long.getLong("order.seed", 42);
    System.err.printf(
        "QueryBench: rounds after the first in shuffled order, -Dorder.seed=%d%n", seed);
    java.util.Random shuffle = new java.util.Random(seed);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    for (int round = 0; round < rounds; round++) {
      if (round > 0) {
        java.util.Collections.shuffle(order, shuffle);
      }
      for (int pos = 0; pos < n; pos++) {
        int i = order.get(pos);
        // Each system runs its REPS back to back while the other idles; which goes first alternates
        // per
        // query and round. Alternating every single request instead measured mostly the cost of
        // switching
        // between three processes on two cores (0.2 ms added to each answer here, more than a small
        // query
        // takes). A quiet gap before each block keeps the previous block's after-effects (a
        // collection it
        // set off, compilation) out of this one: what a query costs lands on that query.
        for (int s = 0; s < systems; s++) {
          int si = ((pos + round) & 1) == 0 ? s : systems - 1 - s;
          Thread.sleep(gapMs);
          // The first requests after the gap wake parked threads and cold caches on both servers
          // (their
          // times are 2-5x the rest of the block); they are sent untimed.
          for (int r = 0; r < leadIn; r++) {
            exchange(clients.get(si), paths.get(i), status[si], body[si], i);
          }
          for (int r = 0; r < reps; r++) {
            ms[si][i][round * reps + r] =
                exchange(clients.get(si), paths.get(i), status[si], body[si], i);
          }
        }
      }
    }
    int total = rounds * reps;
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < systems; s++) {
        double[] sorted = ms[s][i].clone();
        Arrays.sort(sorted);
        double median =
            total % 2 == 1 ? sorted[total / 2] : (sorted[total / 2 - 1] + sorted[total / 2]) / 2;
        String b = body[s][i] == null ? "" : new String(body[s][i], StandardCharsets.UTF_8);
        StringBuilder runs = new StringBuilder();
        for (double d : ms[s][i]) {
          runs.append(runs.length() == 0 ? "" : ",").append(String.format("%.3f", d));
        }
        double[] sum = {0};
        int series = resultSeries(b, sum);
        String q = queries.get(i / 2);
        if (answers != null) {
          Files.writeString(
              answers.resolve(String.format("q%02d-%s-%s.json", i / 2, kinds.get(i), names.get(s))),
              b);
        }
        System.out.printf(
            "{\"system\":\"%s\",\"query\":\"%s\",\"kind\":\"%s\",\"status\":%d,\"median_ms\":%.3f,"
                + "\"runs_ms\":[%s],\"cold_ms\":%.3f,\"warmup_passes\":%d,\"result_series\":%d,\"checksum\":%.10g,"
                + "\"bytes\":%d%s}%n",
            names.get(s),
            json(q),
            kinds.get(i),
            status[s][i],
            median,
            runs,
            cold[s][i],
            passes - 1,
            series,
            sum[0],
            b.length(),
            status[s][i] == 200
                ? ""
                : ",\"error\":\"" + json(b.length() > 300 ? b.substring(0, 300) : b) + "\"");
        System.out.flush();
      }
    }
    for (Http1 c : clients) {
      c.close();
    }
  }

  /**
   * One timed GET; keeps status and body of the latest answer. A failed exchange counts as -1 ms.
   */
  private static double exchange(Http1 client, String path, int[] status, byte[][] body, int i) {
    long t0 = System.nanoTime();
    try {
      Http1.Response resp = client.get(path);
      double took = (System.nanoTime() - t0) / 1e6;
      status[i] = resp.status();
      body[i] = resp.body();
      return took;
    } catch (IOException e) {
      status[i] = -1;
      body[i] = e.toString().getBytes(StandardCharsets.UTF_8);
      return -1;
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String json(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Series in the result; adds every finite sample value to {@code sum[0]}, to compare answers. */
  static int resultSeries(String body, double[] sum) {
    try {
      JsonNode result = JSON.readTree(body).path("data").path("result");
      if (!result.isArray()) {
        return 0;
      }
      for (JsonNode r : result) {
        if (r.has("value")) {
          add(r.get("value"), sum);
        }
        for (JsonNode v : r.path("values")) {
          add(v, sum);
        }
      }
      return result.size();
    } catch (Exception e) {
      return -1;
    }
  }

  private static void add(JsonNode pair, double[] sum) {
    double v = Double.parseDouble(pair.get(1).asText().replace("Inf", "Infinity"));
    if (Double.isFinite(v)) {
      sum[0] += v;
    }
  }
}
