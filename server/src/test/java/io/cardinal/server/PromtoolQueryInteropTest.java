package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Interop;
import io.cardinal.testing.TestTarget;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code promtool query instant|range} (Prometheus 2.42's client) against our server: its
 * output must be exactly what we stored, in promtool's own text format ({@code labels =>
 * value @[time]}) and as JSON. Skipped loudly when promtool is not installed.
 */
class PromtoolQueryInteropTest {
  static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;

  private Path promtool;
  private ServerHarness h;
  private TestTarget target;

  @BeforeEach
  void setUp() {
    promtool = Interop.requireBinary("promtool");
  }

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
    if (target != null) {
      target.close();
    }
  }

  /** Go's FormatFloat(v, 'f', -1, 64) for the plain values used here. */
  private static String plain(double v) {
    return v == Math.rint(v)
        ? Long.toString((long) v)
        : new BigDecimal(Double.toString(v)).toPlainString();
  }

  private static String seconds(long ms) {
    return new BigDecimal(ms).movePointLeft(3).stripTrailingZeros().toPlainString();
  }

  private Interop.Result promtool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(promtool.toString());
    cmd.add("query");
    cmd.addAll(List.of(args));
    return Interop.run(60_000, cmd.toArray(new String[0]));
  }

  @Test
  void instantAndRangeQueriesMatchWhatWasStored() throws Exception {
    h = ServerHarness.start(dir, "scrape_configs: []\n", null);
    Appender app = h.server.db().appender();
    Labels a = Labels.of("__name__", "stored_metric", "instance", "i1", "job", "j");
    Labels b = Labels.of("__name__", "stored_metric", "instance", "i2", "job", "j");
    for (int i = 0; i < 20; i++) {
      app.append(0, a, T0 + i * 15_000L, i * 2.5);
      app.append(0, b, T0 + i * 15_000L + 500, 100 - i);
    }
    app.commit();

    // Instant query at the last sample of a and just after b's.
    long t = T0 + 19 * 15_000L + 500;
    Interop.Result r = promtool("instant", "--time=" + seconds(t), h.url(), "stored_metric");
    assertEquals(0, r.exit(), r.stderr());
    assertEquals(
        "stored_metric{instance=\"i1\", job=\"j\"} => "
            + plain(19 * 2.5)
            + " @["
            + seconds(t)
            + "]\n"
            + "stored_metric{instance=\"i2\", job=\"j\"} => "
            + plain(100 - 19)
            + " @["
            + seconds(t)
            + "]\n",
        r.stdout());

    // The same as JSON: promtool prints the result array it decoded.
    r =
        promtool(
            "instant",
            "-o",
            "json",
            "--time=" + seconds(t),
            h.url(),
            "stored_metric{instance=\"i2\"}");
    assertEquals(0, r.exit(), r.stderr());
    assertEquals(
        "[{\"metric\":{\"__name__\":\"stored_metric\",\"instance\":\"i2\",\"job\":\"j\"},\"value\":["
            + seconds(t)
            + ",\"81\"]}]",
        r.stdout().strip());

    // A range query whose steps fall on every stored sample of a: the raw samples come back.
    r =
        promtool(
            "range",
            "--start=" + seconds(T0),
            "--end=" + seconds(T0 + 19 * 15_000L),
            "--step=15s",
            h.url(),
            "stored_metric{instance=\"i1\"}");
    assertEquals(0, r.exit(), r.stderr());
    StringBuilder want = new StringBuilder("stored_metric{instance=\"i1\", job=\"j\"} =>\n");
    for (Double[] s : stored(Matcher.equal("instance", "i1"))) {
      want.append(plain(s[1])).append(" @[").append(seconds(s[0].longValue())).append("]\n");
    }
    assertEquals(want.toString(), r.stdout());
    assertEquals(21, want.toString().split("\n").length);

    // Errors come back as promtool's "query error: <type>: <message>" with exit 1.
    r = promtool("instant", h.url(), "sum(");
    assertEquals(1, r.exit());
    assertEquals(
        "query error: bad_data: invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis",
        r.stderr().strip());
  }

  @Test
  void scrapedSeriesThroughPromtool() throws Exception {
    target = new TestTarget();
    target.body = "# TYPE jobs_done_total counter\njobs_done_total{queue=\"q1\"} 42\n";
    h =
        ServerHarness.start(
            dir,
            "scrape_configs:\n  - job_name: worker\n    scrape_interval: 100ms\n"
                + "    scrape_timeout: 100ms\n    static_configs:\n      - targets: ['"
                + target.address()
                + "']\n",
            null);
    ServerHarness.await(
        "a scrape", 10_000, () -> !stored(Matcher.equal("__name__", "jobs_done_total")).isEmpty());
    List<Double[]> samples = stored(Matcher.equal("__name__", "jobs_done_total"));
    long last = samples.get(samples.size() - 1)[0].longValue();
    Interop.Result r = promtool("instant", "--time=" + seconds(last), h.url(), "jobs_done_total");
    assertEquals(0, r.exit(), r.stderr());
    assertEquals(
        "jobs_done_total{instance=\""
            + target.address()
            + "\", job=\"worker\", queue=\"q1\"} => 42 @["
            + seconds(last)
            + "]\n",
        r.stdout());
    r =
        promtool(
            "range",
            "--start=" + seconds(last - 1000),
            "--end=" + seconds(last),
            "--step=1s",
            h.url(),
            "up{job=\"worker\"}");
    assertEquals(0, r.exit(), r.stderr());
    assertTrue(
        r.stdout().startsWith("up{instance=\"" + target.address() + "\", job=\"worker\"} =>\n1 @["),
        r.stdout());
  }

  /**
   * (t, v) of every stored sample of the series matching {@code
   * __name__=~"stored_metric|jobs_done_total"} and m.
   */
  private List<Double[]> stored(Matcher m) {
    List<Double[]> out = new ArrayList<>();
    try (Querier q = h.server.db().querier(0, Long.MAX_VALUE)) {
      SeriesSet ss =
          q.select(
              true,
              0,
              Long.MAX_VALUE,
              Matcher.regex("__name__", "stored_metric|jobs_done_total"),
              m);
      SampleIterator it = null;
      while (ss.next()) {
        it = ss.at().iterator(it);
        while (it.next()) {
          out.add(new Double[] {(double) it.timestamp(), it.value()});
        }
      }
    }
    return out;
  }
}
