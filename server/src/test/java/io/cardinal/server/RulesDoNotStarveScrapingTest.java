package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.TestTarget;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule set far heavier than its interval allows (so groups miss iterations) runs beside a target
 * scraped every second: the scrapes stay on time, because rules run on their own, lower-priority
 * threads, at most half the processors.
 */
class RulesDoNotStarveScrapingTest {
  @TempDir Path dir;
  ServerHarness s;
  TestTarget target;

  @AfterEach
  void tearDown() {
    if (s != null) {
      s.close();
    }
    if (target != null) {
      target.close();
    }
  }

  @Test
  void scrapesStayFreshUnderAHeavyRuleSet() throws Exception {
    target = new TestTarget();
    target.body = "probe 1\n";
    StringBuilder rules = new StringBuilder("groups:\n");
    for (int g = 0; g < 8; g++) {
      rules.append("  - name: heavy").append(g).append("\n    interval: 1s\n    rules:\n");
      for (int r = 0; r < 4; r++) {
        rules
            .append("      - record: heavy:")
            .append(g)
            .append('_')
            .append(r)
            .append("\n        expr: sum by (k) (quantile_over_time(0.99, load[10m]))\n");
      }
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("rules.yml"), rules.toString());
    s =
        ServerHarness.start(
            dir,
            """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: ['rules.yml']
            scrape_configs:
              - job_name: probe
                static_configs:
                  - targets: ['%s']
            """
                .formatted(target.address()),
            null);
    // 5,000 series of 600 samples each: every rule reads and sorts 3 million samples.
    long now = System.currentTimeMillis();
    Appender app = s.server.db().appender();
    for (int i = 0; i < 5_000; i++) {
      Labels l = Labels.of("__name__", "load", "k", String.valueOf(i % 10), "i", String.valueOf(i));
      long ref = 0;
      for (int j = 600; j > 0; j--) {
        ref = app.append(ref, ref > 0 ? null : l, now - j * 1000L, j);
      }
    }
    app.commit();
    long start = System.currentTimeMillis();
    Thread.sleep(12_000);
    List<Long> scrapes = new ArrayList<>();
    try (Querier q = s.server.db().querier(start, Long.MAX_VALUE)) {
      SeriesSet set = q.select(false, start, Long.MAX_VALUE, Matcher.equal("__name__", "probe"));
      while (set.next()) {
        SampleIterator it = set.at().iterator(null);
        while (it.next()) {
          scrapes.add(it.timestamp());
        }
      }
    }
    long maxGap = 0;
    for (int i = 1; i < scrapes.size(); i++) {
      maxGap = Math.max(maxGap, scrapes.get(i) - scrapes.get(i - 1));
    }
    String metrics = s.get("/metrics").body();
    double missed = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("prometheus_rule_group_iterations_missed_total{")) {
        missed += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    assertTrue(
        missed > 0, "the rule set was not heavy enough to miss iterations; test proves nothing");
    assertTrue(scrapes.size() >= 9, "only " + scrapes.size() + " scrapes in 12 s: " + scrapes);
    assertTrue(
        maxGap <= 2_500, "a scrape came " + maxGap + " ms after the previous one: " + scrapes);
  }
}
