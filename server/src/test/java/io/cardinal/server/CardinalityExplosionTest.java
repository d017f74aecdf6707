package io.cardinal.server;

import static io.cardinal.server.ServerHarness.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cardinality explosion end to end: an "attacked" target whose every scrape exposes thousands of
 * new series (random URLs as label values) next to a healthy target, both scraped every 100 ms for
 * a few seconds, with {@code sample_limit} on the attacked job and a global series limit. The
 * server must stay up and answer queries, keep the head at or below the limit, keep ingesting every
 * series of the healthy target, and count the skipped samples per target in the synthetic series.
 */
class CardinalityExplosionTest {
  static final int HEALTHY_SERIES = 50;
  static final int NEW_PER_SCRAPE = 3_000;
  static final int SAMPLE_LIMIT = 500;
  static final long MAX_SERIES = 2_000;
  static final long ATTACK_MS = 3_000;

  @TempDir Path dir;

  private ExplosionTargets targets;
  private ServerHarness cardinal;

  @AfterEach
  void tearDown() {
    if (cardinal != null) {
      cardinal.close();
    }
    if (targets != null) {
      targets.close();
    }
  }

  @Test
  void serverSurvivesAndKeepsTheHealthyTarget() throws Exception {
    targets = new ExplosionTargets(HEALTHY_SERIES, NEW_PER_SCRAPE, 42);
    AtomicLong healthyScrapes = targets.healthyScrapes;
    AtomicLong attackScrapes = targets.attackScrapes;
    var attacking = targets.attacking;
    String addr = targets.address();
    cardinal =
        ServerHarness.start(
            dir,
            "global:\n  scrape_interval: 100ms\n  scrape_timeout: 100ms\n"
                + "scrape_configs:\n"
                + "  - job_name: healthy\n    metrics_path: /healthy\n    static_configs:\n      - targets: ['"
                + addr
                + "']\n"
                + "  - job_name: attacked\n    metrics_path: /attacked\n    sample_limit: "
                + SAMPLE_LIMIT
                + "\n"
                + "    scrape_timeout: 100ms\n    static_configs:\n      - targets: ['"
                + addr
                + "']\n",
            o -> o.withMaxSeries(MAX_SERIES).withInMemory(true));
    ServerHarness.await(
        "both targets up, healthy series in",
        20_000,
        () ->
            query("count(up == 1)").contains(",\"2\"]")
                && query("count(healthy_requests_total)").contains(",\"" + HEALTHY_SERIES + "\"]"));
    Map<String, Long> before = lastHealthy();
    assertEquals(HEALTHY_SERIES, before.size());

    // The attack: a few seconds of 100 ms scrapes, each bringing NEW_PER_SCRAPE new series.
    attacking.set(true);
    long attackStart = attackScrapes.get();
    long healthyStart = healthyScrapes.get();
    long end = System.nanoTime() + ATTACK_MS * 1_000_000L;
    int probes = 0;
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      assertEquals(200, cardinal.get("/-/healthy").status());
      String r = query("count(healthy_requests_total)");
      assertTrue(r.contains("\"status\":\"success\""), r);
      assertTrue(
          cardinal.server.db().headSeries() <= MAX_SERIES,
          "head series " + cardinal.server.db().headSeries());
      assertTrue(
          System.nanoTime() - t0 < 5_000_000_000L,
          "queries slowed to " + (System.nanoTime() - t0) / 1e6 + " ms");
      probes++;
      Thread.sleep(100);
    }
    long attackScrapesDone = attackScrapes.get() - attackStart;
    long healthyScrapesDone = healthyScrapes.get() - healthyStart;
    assertTrue(
        attackScrapesDone >= 10,
        "only " + attackScrapesDone + " attacked scrapes in " + ATTACK_MS + " ms");

    // The head is full and stays at the limit.
    long head = cardinal.server.db().headSeries();
    assertTrue(head <= MAX_SERIES, "head series " + head);
    assertTrue(head >= MAX_SERIES - SAMPLE_LIMIT, "the explosion never reached the limit: " + head);
    String metrics = cardinal.get("/metrics").body();
    assertTrue(
        Pattern.compile("(?m)^cardinal_head_series_limit_skipped_samples_total [1-9]")
            .matcher(metrics)
            .find(),
        metrics);

    // Every healthy series kept being ingested through the attack: all advanced, each with many new
    // samples.
    ServerHarness.await(
        "healthy series advanced",
        10_000,
        () -> {
          Map<String, Long> after = lastHealthy();
          return after.size() == HEALTHY_SERIES
              && after.entrySet().stream()
                  .allMatch(
                      e -> e.getValue() >= before.get(e.getKey()) + 10L * (healthyScrapesDone - 2));
        });
    String changes = query("min(changes(healthy_requests_total[" + ATTACK_MS / 1000 + "s]))");
    java.util.regex.Matcher cm = Pattern.compile(",\"(\\d+)\"\\]").matcher(changes);
    assertTrue(cm.find() && Integer.parseInt(cm.group(1)) >= 10, changes);
    assertTrue(query("up{job=\"healthy\"}").contains(",\"1\"]"));
    // A limit never fails a scrape as a whole (a loaded machine may still time one out).
    assertTrue(
        value("sum_over_time(up{job=\"attacked\"}[" + ATTACK_MS / 1000 + "s])") >= 10,
        query("up{job=\"attacked\"}[" + ATTACK_MS / 1000 + "s]"));

    // The skipped samples are counted per target in its synthetic series: all on the attacked
    // target.
    double skippedSample = value("cardinal_scrape_samples_skipped_sample_limit{job=\"attacked\"}");
    double skippedSeries = value("cardinal_scrape_samples_skipped_series_limit{job=\"attacked\"}");
    assertTrue(
        skippedSample + skippedSeries >= NEW_PER_SCRAPE - SAMPLE_LIMIT,
        "per-scrape skips: sample_limit " + skippedSample + ", series limit " + skippedSeries);
    assertTrue(
        sumOver("cardinal_scrape_samples_skipped_series_limit{job=\"attacked\"}") > 0,
        "the global limit skipped some of the attacked target's series");
    assertEquals(0.0, value("cardinal_scrape_samples_skipped_sample_limit{job=\"healthy\"}"));
    assertEquals(0.0, value("cardinal_scrape_samples_skipped_series_limit{job=\"healthy\"}"));
    assertEquals((double) NEW_PER_SCRAPE + 1, value("scrape_samples_scraped{job=\"attacked\"}"));
    System.err.println(
        "cardinality explosion: "
            + attackScrapesDone
            + " attacked and "
            + healthyScrapesDone
            + " healthy scrapes, "
            + probes
            + " probes; head "
            + head
            + "/"
            + MAX_SERIES
            + " series; last scrape skipped "
            + skippedSample
            + " (sample_limit) + "
            + skippedSeries
            + " (series limit)");
  }

  private String query(String q) {
    try {
      return cardinal.get("/api/v1/query?query=" + enc(q)).body();
    } catch (Exception e) {
      return "";
    }
  }

  private double value(String q) {
    java.util.regex.Matcher m = Pattern.compile(",\"([^\"]+)\"\\]").matcher(query(q));
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private double sumOver(String sel) {
    return value("sum_over_time(" + sel + "[1h])");
  }

  /** The latest value of every healthy series, by path, read from the database. */
  private Map<String, Long> lastHealthy() {
    Map<String, Long> out = new HashMap<>();
    try (Querier q = cardinal.server.db().querier(0, Long.MAX_VALUE)) {
      SeriesSet ss =
          q.select(false, 0, Long.MAX_VALUE, Matcher.equal("__name__", "healthy_requests_total"));
      SampleIterator it = null;
      while (ss.next()) {
        it = ss.at().iterator(it);
        double last = Double.NaN;
        while (it.next()) {
          last = it.value();
        }
        out.put(ss.at().labels().get("path"), (long) last);
      }
    }
    return out;
  }
}
