package io.cardinal.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.remote.Snappy;
import io.cardinal.remote.prompb.Prompb;
import io.cardinal.testing.Seeds;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through HTTP: two remote-write clients push 50-sample batches to the same series of a
 * server process that is SIGKILLed at random moments and restarted. Every batch answered 204 must
 * be there afterwards, with its values. Bounded: 20 kills or 90 seconds, on 127.0.0.1.
 */
class RemoteWriteCrashTest {
  @TempDir Path tmp;

  static final int BATCH = 50;

  @Test
  void everyBatchAnswered204SurvivesSigkill() throws Exception {
    long seed = Seeds.seed("RemoteWriteCrashTest");
    Random rnd = new Random(seed);
    Path data = tmp.resolve("data");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    // (writer, timestamp) -> value of every acknowledged sample
    Map<Long, Double> acked = new ConcurrentHashMap<>();
    long[] next = {1_000_000, 1_000_001}; // writer 0 even, writer 1 odd milliseconds
    long base = System.currentTimeMillis() - 600_000;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    int kills = 0;
    int batchesAcked = 0;
    while (kills < 20 && System.nanoTime() < deadline) {
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
                  CrashServerMain.class.getName(),
                  data.toString(),
                  String.valueOf(port))
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("server.log").toFile())
              .start();
      try {
        String url = "http://127.0.0.1:" + port;
        waitReady(http, url, p);
        AtomicBoolean stop = new AtomicBoolean();
        int[] okPerWriter = new int[2];
        Thread[] writers = new Thread[2];
        for (int w = 0; w < 2; w++) {
          int id = w;
          writers[w] =
              new Thread(
                  () -> {
                    while (!stop.get()) {
                      long first;
                      synchronized (next) {
                        first = next[id];
                        next[id] += 2 * BATCH;
                      }
                      Prompb.TimeSeries.Builder ts =
                          Prompb.TimeSeries.newBuilder()
                              .addLabels(
                                  Prompb.Label.newBuilder().setName("__name__").setValue("shared"))
                              .addLabels(
                                  Prompb.Label.newBuilder().setName("job").setValue("crash"));
                      Map<Long, Double> batch = new HashMap<>();
                      for (int i = 0; i < BATCH; i++) {
                        long t = base + first + 2L * i;
                        double v = t * 0.5 + id;
                        ts.addSamples(Prompb.Sample.newBuilder().setTimestamp(t).setValue(v));
                        batch.put(t, v);
                      }
                      byte[] body =
                          Snappy.encode(
                              Prompb.WriteRequest.newBuilder()
                                  .addTimeseries(ts)
                                  .build()
                                  .toByteArray());
                      try {
                        HttpResponse<Void> r =
                            http.send(
                                HttpRequest.newBuilder(URI.create(url + "/api/v1/write"))
                                    .timeout(Duration.ofSeconds(5))
                                    .header("Content-Type", "application/x-protobuf")
                                    .header("Content-Encoding", "snappy")
                                    .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == 204) {
                          acked.putAll(batch);
                          okPerWriter[id]++;
                        }
                      } catch (Exception e) {
                        return; // the server died under us: this batch is not acknowledged
                      }
                    }
                  });
          writers[w].start();
        }
        Thread.sleep(100 + rnd.nextInt(600));
        p.destroyForcibly(); // SIGKILL
        kills++;
        stop.set(true);
        for (Thread w : writers) {
          w.join(10_000);
        }
        batchesAcked += okPerWriter[0] + okPerWriter[1];
      } finally {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
    System.out.printf(
        "seed=%d kills=%d batches acknowledged=%d samples=%d%n",
        seed, kills, batchesAcked, acked.size());
    assertTrue(kills >= 5, "only " + kills + " kills");
    assertTrue(batchesAcked > 0, "nothing was acknowledged");
    Map<Long, Double> stored = new HashMap<>();
    try (Cardinal db = Cardinal.open(data, CardinalOptions.defaults());
        Querier q = db.querier(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2)) {
      assertEquals(0, db.replayStats().samplesDropped(), db.replayStats().toString());
      SeriesSet set =
          q.select(
              true, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2, Matcher.equal("__name__", "shared"));
      SampleIterator it = null;
      while (set.next()) {
        it = set.at().iterator(it);
        while (it.next()) {
          stored.put(it.timestamp(), it.value());
        }
      }
    }
    int lost = 0;
    for (Map.Entry<Long, Double> e : acked.entrySet()) {
      Double got = stored.get(e.getKey());
      if (got == null || got.doubleValue() != e.getValue()) {
        lost++;
      }
    }
    assertEquals(0, lost, "acknowledged samples lost (seed " + seed + ")");
  }

  static void waitReady(HttpClient http, String url, Process p) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      if (!p.isAlive()) {
        throw new AssertionError("server exited with " + p.exitValue());
      }
      try {
        if (http.send(
                    HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("server not ready in 20 s");
  }
}
