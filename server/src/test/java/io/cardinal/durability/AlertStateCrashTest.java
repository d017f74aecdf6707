package io.cardinal.durability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.remote.Snappy;
import io.cardinal.remote.prompb.Prompb;
import io.cardinal.testing.Seeds;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alert's {@code for} state survives SIGKILL: a server process with a pending alert ({@code for:
 * 1h}) is killed at random moments and restarted, and after each restart the alert is pending since
 * a time that counts every second it was pending while the server ran, and none of the downtime.
 * Bounded: 5 kills or 90 seconds, on 127.0.0.1.
 */
class AlertStateCrashTest {
  @TempDir Path tmp;

  private static final Pattern ACTIVE_AT = Pattern.compile("\"activeAt\":\"([^\"]+)\"");
  private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.]+,\"([0-9.e+]+)\"\\]");

  @Test
  void pendingTimeSurvivesSigkill() throws Exception {
    long seed = Seeds.seed("AlertStateCrashTest");
    Random rnd = new Random(seed);
    Path data = tmp.resolve("data");
    Files.writeString(
        tmp.resolve("rules.yml"),
        "groups:\n  - name: crash\n    interval: 1s\n    rules:\n      - alert: Held\n"
            + "        expr: held_metric > 0\n        for: 1h\n");
    Path cfg = tmp.resolve("prometheus.yml");
    Files.writeString(cfg, "global:\n  evaluation_interval: 1s\nrule_files: ['rules.yml']\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long credit = 0; // milliseconds the alert was pending while a server ran
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    int kills = 0;
    while (kills < 5 && System.nanoTime() < deadline) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Process p =
          new ProcessBuilder(
                  java,
                  "-Xmx256m",
                  "-cp",
                  cp,
                  RulesCrashServerMain.class.getName(),
                  data.toString(),
                  String.valueOf(port),
                  cfg.toString())
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("server.log").toFile())
              .start();
      try {
        String url = "http://127.0.0.1:" + port;
        RemoteWriteCrashTest.waitReady(http, url, p);
        long started = System.currentTimeMillis();
        write(http, url, started);
        // Restored state shows once the first evaluation after the restart has run and this
        // process writes the ALERTS series again (the last run's are still within lookback).
        long activeAt = awaitRestored(http, url, started);
        long now = System.currentTimeMillis();
        long pendingFor = now - activeAt;
        String at = Seeds.at(seed) + " after " + kills + " kills";
        assertTrue(
            // The last ALERTS_FOR_STATE before the kill may be an evaluation (1s) old, and it
            // holds whole seconds.
            pendingFor >= credit - 3_000,
            at + ": pending for " + pendingFor + " ms, but it had been pending " + credit + " ms");
        assertTrue(
            pendingFor <= credit + 6_000,
            at + ": pending for " + pendingFor + " ms counts downtime (credit " + credit + " ms)");
        Thread.sleep(500 + rnd.nextInt(2_000));
        credit = System.currentTimeMillis() - activeAt;
        p.destroyForcibly().waitFor();
        kills++;
        // Downtime, which must not count.
        Thread.sleep(1_000 + rnd.nextInt(1_000));
      } finally {
        p.destroyForcibly().waitFor();
      }
    }
    assertTrue(kills >= 3, "only " + kills + " kills in the time allowed" + Seeds.at(seed));
  }

  private static void write(HttpClient http, String url, long t) throws Exception {
    Prompb.WriteRequest req =
        Prompb.WriteRequest.newBuilder()
            .addTimeseries(
                Prompb.TimeSeries.newBuilder()
                    .addLabels(
                        Prompb.Label.newBuilder().setName("__name__").setValue("held_metric"))
                    .addSamples(Prompb.Sample.newBuilder().setTimestamp(t).setValue(1)))
            .build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/api/v1/write"))
                .header("Content-Type", "application/x-protobuf")
                .header("Content-Encoding", "snappy")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.encode(req.toByteArray())))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() == 204, r.statusCode() + " " + r.body());
  }

  /** activeAt of the alert once ALERTS is written again (restoration done), in Unix ms. */
  private static long awaitRestored(HttpClient http, String url, long started) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String q = java.net.URLEncoder.encode("timestamp(ALERTS{alertname=\"Held\"})", "UTF-8");
    while (System.nanoTime() < end) {
      Matcher v = VALUE.matcher(get(http, url + "/api/v1/query?query=" + q));
      if (v.find() && Double.parseDouble(v.group(1)) * 1000 >= started - 1_000) {
        Matcher m = ACTIVE_AT.matcher(get(http, url + "/api/v1/alerts"));
        if (m.find()) {
          return Instant.parse(m.group(1)).toEpochMilli();
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the alert was not restored within 20 s");
  }

  private static String get(HttpClient http, String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
