package io.cardinal.bench.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Query latency, side by side: every query of QUERIES_FILE (one PromQL expression per line, '#'
 * comments) as an instant query at TIME and a range query START..END every STEP, against each
 * system in turn (alternating per repetition, so drift on a shared machine hits both), REPS timed
 * runs after one untimed warm-up run. Prints one JSON line per system, query and kind: median and
 * every run in milliseconds (client-side wall time of the HTTP exchange), the HTTP status, the
 * number of series in the result and a checksum of the result values, so the answers of the two
 * systems can be compared.
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
    List<String[]> systems = new ArrayList<>();
    for (int i = 6; i < args.length; i++) {
      systems.add(args[i].split("=", 2));
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String dir = System.getProperty("answers");
    Path answers = dir == null ? null : Files.createDirectories(Path.of(dir));
    int qi = -1;
    for (String q : queries) {
      qi++;
      for (String kind : new String[] {"instant", "range"}) {
        String params = kind.equals("instant")
            ? "query=" + enc(q) + "&time=" + time
            : "query=" + enc(q) + "&start=" + start + "&end=" + end + "&step=" + step;
        String path = kind.equals("instant") ? "/api/v1/query" : "/api/v1/query_range";
        double[][] ms = new double[systems.size()][reps];
        int[] status = new int[systems.size()];
        String[] body = new String[systems.size()];
        for (int r = -1; r < reps; r++) {
          for (int s = 0; s < systems.size(); s++) {
            // Alternate which system goes first in each repetition.
            int si = (r & 1) == 0 ? s : systems.size() - 1 - s;
            // GET, not POST: the JDK client writes a POST's headers and body separately, and Nagle's
            // algorithm plus the server's delayed ACK then add ~40 ms to some servers' answers.
            HttpRequest req = HttpRequest.newBuilder(URI.create(systems.get(si)[1] + path + "?" + params))
                .timeout(Duration.ofSeconds(120)).GET().build();
            long t0 = System.nanoTime();
            HttpResponse<String> resp;
            try {
              resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
              status[si] = -1;
              body[si] = e.toString();
              continue;
            }
            double took = (System.nanoTime() - t0) / 1e6;
            if (r >= 0) {
              ms[si][r] = took;
            }
            status[si] = resp.statusCode();
            body[si] = resp.body();
          }
        }
        for (int s = 0; s < systems.size(); s++) {
          double[] sorted = ms[s].clone();
          Arrays.sort(sorted);
          double median = reps % 2 == 1 ? sorted[reps / 2] : (sorted[reps / 2 - 1] + sorted[reps / 2]) / 2;
          String b = body[s] == null ? "" : body[s];
          StringBuilder runs = new StringBuilder();
          for (double d : ms[s]) {
            runs.append(runs.length() == 0 ? "" : ",").append(String.format("%.2f", d));
          }
          double[] sum = {0};
          int series = resultSeries(b, sum);
          if (answers != null) {
            Files.writeString(answers.resolve(String.format("q%02d-%s-%s.json", qi, kind, systems.get(s)[0])), b);
          }
          System.out.printf("{\"system\":\"%s\",\"query\":\"%s\",\"kind\":\"%s\",\"status\":%d,\"median_ms\":%.2f,"
                  + "\"runs_ms\":[%s],\"result_series\":%d,\"checksum\":%.10g,\"bytes\":%d%s}%n",
              systems.get(s)[0], json(q), kind, status[s], median, runs, series, sum[0], b.length(),
              status[s] == 200 ? "" : ",\"error\":\"" + json(b.length() > 300 ? b.substring(0, 300) : b) + "\"");
          System.out.flush();
        }
      }
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
