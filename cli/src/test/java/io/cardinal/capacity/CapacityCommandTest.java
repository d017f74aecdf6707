package io.cardinal.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardinal.cli.Main;
import io.cardinal.config.ServerOptions;
import io.cardinal.server.CardinalServer;
import io.cardinal.testing.TestTarget;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CapacityCommandTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run cardinal(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static String targets(int n, int from) {
    List<String> t = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      t.add("'node-" + (from + i) + ":9100'");
    }
    return "[" + String.join(", ", t) + "]";
  }

  Path config(String name, String text) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  /**
   * The example: sample_limit 500 -> 2,000 on a job with 10 targets adds up to 15,000
   * series.
   */
  @Test
  void raisingSampleLimitOnTenTargetsAddsFifteenThousand() throws Exception {
    String common =
        "  - job_name: other\n    sample_limit: 100\n    static_configs:\n      - targets: "
            + targets(3, 100)
            + "\n";
    Path old =
        config(
            "old.yml",
            "scrape_configs:\n  - job_name: node\n    sample_limit: 500\n    static_configs:\n"
                + "      - targets: "
                + targets(10, 0)
                + "\n"
                + common);
    Path neu =
        config(
            "new.yml",
            "scrape_configs:\n  - job_name: node\n    sample_limit: 2000\n    static_configs:\n"
                + "      - targets: "
                + targets(10, 0)
                + "\n"
                + common);
    Run r =
        cardinal(
            "capacity",
            "check",
            "--old",
            old.toString(),
            "--new",
            neu.toString(),
            "--head-series",
            "100000",
            "--max-series",
            "200000");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(
        r.out().contains("node   10       500 -> 2,000  5,070           20,070          +15,000"),
        r.out());
    assertTrue(
        r.out().contains("other  3        100           321             321             0"),
        r.out());
    assertTrue(r.out().contains("Added at worst:              +15,000"), r.out());
    assertTrue(r.out().contains("Head series at worst:        115,000"), r.out());
    assertTrue(r.out().contains("fits, 85,000 to spare"), r.out());
    assertTrue(r.out().endsWith("FITS\n"), r.out());

    Run tight =
        cardinal(
            "capacity",
            "check",
            "--old",
            old.toString(),
            "--new",
            neu.toString(),
            "--head-series",
            "100000",
            "--max-series",
            "110000",
            "--output",
            "json");
    assertEquals(1, tight.code(), tight.out() + tight.err());
    JsonNode j = new ObjectMapper().readTree(tight.out());
    assertFalse(j.path("fits").asBoolean());
    assertEquals(15000, j.path("added").asLong());
    assertEquals(115000, j.path("projectedSeries").asLong());
    assertEquals("node", j.path("jobs").get(0).path("job").asText());
    assertEquals(15000, j.path("jobs").get(0).path("change").asLong());
    assertEquals(500, j.path("jobs").get(0).path("old").path("sampleLimit").asInt());
    assertEquals(2000, j.path("jobs").get(0).path("new").path("sampleLimit").asInt());
    assertTrue(
        j.path("reasons")
            .get(0)
            .asText()
            .contains("exceeds --storage.tsdb.head.max-series 110,000 by 5,000"));

    // no limit at all: fits whatever the head
    assertEquals(
        0,
        cardinal(
                "capacity",
                "check",
                "--old",
                old.toString(),
                "--new",
                neu.toString(),
                "--head-series",
                "100000000",
                "--max-series",
                "0")
            .code());
  }

  @Test
  void fileSdTargetsAndRelabelingCount() throws Exception {
    Files.createDirectories(tmp.resolve("sd"));
    Files.writeString(
        tmp.resolve("sd/a.json"),
        "[{\"targets\": [\"a:1\", \"b:1\", \"c:1\"], \"labels\": {\"env\": \"prod\"}},"
            + " {\"targets\": [\"d:1\"], \"labels\": {\"env\": \"dev\"}}]");
    Files.writeString(
        tmp.resolve("sd/b.yml"), "- targets: ['e:1', 'f:1']\n  labels:\n    env: prod\n");
    Files.writeString(tmp.resolve("sd/ignored.txt"), "not a target file");
    String job =
        "scrape_configs:\n  - job_name: sd\n    sample_limit: 1000\n    file_sd_configs:\n"
            + "      - files: ['sd/*.json', 'sd/*.yml']\n";
    Path old =
        config(
            "old.yml",
            job + "    static_configs:\n      - targets: ['a:1']\n        labels: {env: prod}\n");
    // new: drop the dev targets by relabelling; 'a:1' is both static and in the file: one target
    Path neu =
        config(
            "new.yml",
            job
                + "    static_configs:\n      - targets: ['a:1']\n        labels: {env: prod}\n"
                + "    relabel_configs:\n      - source_labels: [env]\n        regex: dev\n        action: drop\n");
    Run r =
        cardinal(
            "capacity",
            "check",
            "--old",
            old.toString(),
            "--new",
            neu.toString(),
            "--head-series",
            "0",
            "--max-series",
            "100000",
            "--output",
            "json");
    assertEquals(0, r.code(), r.out() + r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    // old: a,b,c,d,e,f (a from the file has __meta_filepath: its labels equal the static one's but
    // the
    // file's discovered labels differ; Prometheus merges targets with equal final labels)
    assertEquals(6, j.path("jobs").get(0).path("old").path("targets").asInt(), r.out());
    assertEquals(5, j.path("jobs").get(0).path("new").path("targets").asInt(), r.out());
    assertEquals(-1007, j.path("jobs").get(0).path("change").asLong(), r.out());
    assertEquals(0, j.path("added").asLong());
  }

  @Test
  void unboundedJobsNewJobsAndRemovedJobs() throws Exception {
    Path old =
        config(
            "old.yml",
            "scrape_configs:\n  - job_name: free\n    static_configs:\n      - targets: ['a:1']\n"
                + "  - job_name: gone\n    sample_limit: 10\n    static_configs:\n      - targets: ['g:1']\n");
    Path same =
        config(
            "same.yml",
            "scrape_configs:\n  - job_name: free\n    static_configs:\n      - targets: ['a:1']\n");
    Run r =
        cardinal(
            "capacity",
            "check",
            "--old",
            old.toString(),
            "--new",
            same.toString(),
            "--head-series",
            "10",
            "--max-series",
            "100");
    assertEquals(0, r.code(), r.out());
    assertTrue(r.out().contains("unbounded"), r.out());
    Path grown =
        config(
            "grown.yml",
            "scrape_configs:\n  - job_name: free\n    static_configs:\n"
                + "      - targets: ['a:1', 'b:1']\n  - job_name: fresh\n    sample_limit: 50\n    static_configs:\n"
                + "      - targets: ['n:1']\n");
    Run g =
        cardinal(
            "capacity",
            "check",
            "--old",
            old.toString(),
            "--new",
            grown.toString(),
            "--head-series",
            "10",
            "--max-series",
            "100");
    assertEquals(1, g.code(), g.out());
    assertTrue(g.out().contains("job \"free\" has no sample_limit and gains targets"), g.out());
    assertTrue(g.out().contains("fresh"), g.out());
    assertTrue(g.out().contains("+57"), g.out());
    assertTrue(g.out().contains("CANNOT TELL, a job is unbounded"), g.out());
    assertTrue(!g.out().contains("to spare"), "no \"fits\" above \"DOES NOT FIT\": " + g.out());

    // The case: a second target together with sample_limit 2000, against a limit of
    // 1,000. The job was unbounded, so at worst it adds all of its new worst case: no "+0 ...
    // fits".
    Path bounded =
        config(
            "bounded.yml",
            "scrape_configs:\n  - job_name: free\n    sample_limit: 2000\n    static_configs:\n"
                + "      - targets: ['a:1', 'b:1']\n");
    Run b =
        cardinal(
            "capacity",
            "check",
            "--old",
            same.toString(),
            "--new",
            bounded.toString(),
            "--head-series",
            "642",
            "--max-series",
            "1000");
    assertEquals(1, b.code(), b.out());
    assertTrue(b.out().contains("Added at worst:              +4,0"), b.out());
    assertTrue(b.out().contains("DOES NOT FIT, "), b.out());
    assertTrue(!b.out().contains("fits, "), b.out());
  }

  @Test
  void badInputExitsTwoWithAClearMessage() throws Exception {
    Path good =
        config(
            "good.yml",
            "scrape_configs:\n  - job_name: a\n    sample_limit: 10\n    static_configs:\n"
                + "      - targets: ['a:1']\n");
    Path bad = config("bad.yml", "scrape_configs:\n  - job_name: a\n    scrape_intervall: 10s\n");
    Run r =
        cardinal(
            "capacity",
            "check",
            "--old",
            good.toString(),
            "--new",
            bad.toString(),
            "--head-series",
            "1",
            "--max-series",
            "10");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("bad.yml: ") && r.err().contains("line 3"), r.err());
    Run missing =
        cardinal(
            "capacity",
            "check",
            "--old",
            good.toString(),
            "--new",
            tmp.resolve("nope.yml").toString(),
            "--head-series",
            "1",
            "--max-series",
            "10");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("nope.yml"), missing.err());
    Run noState = cardinal("capacity", "check", "--old", good.toString(), "--new", good.toString());
    assertEquals(2, noState.code());
    assertTrue(noState.err().contains("--head-series"), noState.err());
    Run negative =
        cardinal(
            "capacity",
            "check",
            "--old",
            good.toString(),
            "--new",
            good.toString(),
            "--head-series",
            "-1",
            "--max-series",
            "10");
    assertEquals(2, negative.code());
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Run unreachable =
        cardinal(
            "capacity",
            "check",
            "--old",
            good.toString(),
            "--new",
            good.toString(),
            "--url",
            "http://127.0.0.1:" + port);
    assertEquals(2, unreachable.code());
    assertTrue(
        unreachable.err().contains("cannot reach http://127.0.0.1:" + port), unreachable.err());
    Run unreachablePlan = cardinal("capacity", "plan", "--url", "127.0.0.1:" + port);
    assertEquals(2, unreachablePlan.code());
    Run unreachableAnalyze = cardinal("tsdb", "analyze", "--url", "http://127.0.0.1:" + port);
    assertEquals(2, unreachableAnalyze.code());
    assertTrue(unreachableAnalyze.err().contains("cannot reach"), unreachableAnalyze.err());
    for (String m : new String[] {"0", "-5GiB", "lots", "1.5XB"}) {
      Run b = cardinal("capacity", "plan", "--memory", m);
      assertEquals(2, b.code(), m);
      assertTrue(b.err().contains("memory size"), b.err());
    }
    Run tiny =
        cardinal(
            "capacity",
            "check",
            "--old",
            good.toString(),
            "--new",
            good.toString(),
            "--head-series",
            "1",
            "--max-series",
            "10",
            "--memory",
            "1MiB",
            "--bytes-per-series",
            "500");
    assertEquals(0, tiny.code(), tiny.err()); // 1 MiB is usable when nothing fixed is counted
    Run reserves = cardinal("capacity", "plan", "--memory", "8GiB", "--reserve-queries", "0.9");
    assertEquals(2, reserves.code());
    assertTrue(reserves.err().contains("reserve"), reserves.err());
    Run labels = cardinal("capacity", "plan", "--memory", "8GiB", "--labels", "1");
    assertEquals(2, labels.code());
    assertEquals(2, cardinal("capacity", "plan", "--memory", "8GiB", "--output", "yaml").code());
    assertEquals(2, cardinal("capacity").code());
  }

  @Test
  void byteSizes() throws Exception {
    assertEquals(8L << 30, ByteSize.parse("8GiB"));
    assertEquals(8L << 30, ByteSize.parse("8G"));
    assertEquals(8L << 30, ByteSize.parse("8 GB"));
    assertEquals(3L << 29, ByteSize.parse("1.5GiB"));
    assertEquals(12345, ByteSize.parse("12345"));
  }

  @Test
  void calibratedPlanInProcess() throws Exception {
    Run r =
        cardinal(
            "capacity",
            "plan",
            "--memory",
            "2GiB",
            "--labels",
            "5",
            "--value-length",
            "10",
            "--samples-per-series",
            "120",
            "--calibration-series",
            "10000",
            "--churn-per-hour",
            "1000",
            "--output",
            "json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    double bps = j.path("bytesPerSeries").asDouble();
    assertTrue(bps > 150 && bps < 2000, r.out());
    assertEquals(3000, j.path("lingeringSeries").asLong());
    long usable = j.path("usableBytes").asLong();
    assertEquals((long) Math.floor((2L << 30) * 0.5), usable);
    long expect =
        (long)
                Math.floor(
                    (usable - j.path("fixedBytes").asLong())
                            / j.path("heapBytesPerSeries").asDouble()
                        - 0)
            - 3000;
    assertTrue(Math.abs(expect - j.path("seriesThatFit").asLong()) <= expect / 1000, r.out());
    assertEquals(5, j.path("calibration").path("labels").asInt());
  }

  // ------------------------------------------------------------------ against a running server

  static void await(String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (cond.getAsBoolean()) {
        return;
      }
      Thread.sleep(50);
    }
    fail("timed out waiting for " + what);
  }

  @Test
  void liveServerReportCheckAndPlan() throws Exception {
    StringBuilder body = new StringBuilder("# TYPE app_requests_total counter\n");
    for (int i = 0; i < 80; i++) {
      body.append("app_requests_total{path=\"/p").append(i).append("\"} ").append(i).append('\n');
    }
    try (TestTarget big = new TestTarget();
        TestTarget small = new TestTarget()) {
      big.body = body.toString();
      small.body = "# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"2\"} 2\n";
      Path cfg =
          config(
              "prometheus.yml",
              "scrape_configs:\n"
                  + "  - job_name: big\n    scrape_interval: 100ms\n    scrape_timeout: 100ms\n    sample_limit: 100\n"
                  + "    static_configs:\n      - targets: ['"
                  + big.address()
                  + "']\n"
                  + "  - job_name: small\n    scrape_interval: 100ms\n    scrape_timeout: 100ms\n    sample_limit: 1000\n"
                  + "    static_configs:\n      - targets: ['"
                  + small.address()
                  + "']\n");
      ServerOptions o =
          ServerOptions.DEFAULTS
              .withConfigFile(cfg)
              .withStoragePath(tmp.resolve("data"))
              .withListenAddress("127.0.0.1:0")
              .withMaxSeries(5000)
              .withScrapeThreads(2);
      try (CardinalServer server = CardinalServer.start(o)) {
        await("both targets scraped", () -> server.db().headSeries() >= 80 + 2 + 2 * 7 - 4);
        String url = "http://127.0.0.1:" + server.address().getPort();
        await(
            "post-relabel samples",
            () -> {
              try {
                return LiveReport.sampleLimitUse(new ServerClient(url)).get(0).maxSamples() == 80;
              } catch (BadInputException e) {
                return false;
              }
            });
        Run a = cardinal("tsdb", "analyze", "--url", url, "--limit", "3");
        assertEquals(0, a.code(), a.err());
        String out = a.out();
        assertTrue(out.startsWith("Server: " + url + "\nSeries: "), out);
        assertTrue(out.contains("Highest cardinality metric names:\n80 app_requests_total\n"), out);
        assertTrue(out.contains("Highest cardinality labels:\n80 path\n"), out);
        assertTrue(out.contains("Label names with highest memory use (bytes):\n"), out);
        assertTrue(out.contains("Series churn (averaged over the server's uptime"), out);
        assertTrue(out.matches("(?s).*\\n[0-9.]+ created/h\\n[0-9.]+ removed/h\\n.*"), out);
        assertTrue(
            out.contains(
                "Scrape jobs nearest their sample_limit:\nJOB    TARGETS  SAMPLE_LIMIT  "
                    + "MAX SAMPLES/TARGET  USE\nbig    1        100           80                  80%\n"
                    + "small  1        1000          2                   0%\n"),
            out);

        Run w = cardinal("tsdb", "analyze", "--url", url, "--churn-window", "300ms");
        assertEquals(0, w.code(), w.err());
        assertTrue(w.out().contains("Series churn (measured over "), w.out());

        // check against the live server: its head series and its limit of 5,000
        Path old = cfg;
        Path neu =
            config(
                "new.yml",
                Files.readString(cfg).replace("sample_limit: 100\n", "sample_limit: 2000\n"));
        Run c =
            cardinal(
                "capacity",
                "check",
                "--old",
                old.toString(),
                "--new",
                neu.toString(),
                "--url",
                url);
        assertEquals(0, c.code(), c.out() + c.err());
        assertTrue(
            c.out()
                .contains("big    1        100 -> 2,000  107             2,007           +1,900"),
            c.out());
        assertTrue(c.out().contains("Series limit:                5,000: fits"), c.out());
        Run over =
            cardinal(
                "capacity",
                "check",
                "--old",
                old.toString(),
                "--new",
                neu.toString(),
                "--url",
                url,
                "--max-series",
                "1500");
        assertEquals(1, over.code(), over.out());
        // A tiny head: the heap is mostly the server's own baseline, so per series it looks huge
        // and the
        // 2,000 series do not fit in 256 MiB by that measure (any heap above 7 MiB for ~100 series
        // says
        // so); the output says why the figure is not to be trusted.
        Run mem =
            cardinal(
                "capacity",
                "check",
                "--old",
                old.toString(),
                "--new",
                neu.toString(),
                "--url",
                url,
                "--memory",
                "256MiB",
                "--output",
                "json");
        assertEquals(1, mem.code(), mem.out() + mem.err());
        JsonNode mj = new ObjectMapper().readTree(mem.out());
        assertTrue(mj.path("measurement").asText().contains("measured on " + url), mem.out());
        assertTrue(mj.path("measurement").asText().contains("overstated"), mem.out());
        assertTrue(mj.path("fitsSeriesLimit").asBoolean());
        assertFalse(mj.path("fitsMemory").asBoolean());
        Run plan = cardinal("capacity", "plan", "--url", url, "--output", "json");
        assertEquals(0, plan.code(), plan.err());
        JsonNode p = new ObjectMapper().readTree(plan.out());
        assertTrue(p.path("heapOnlyBudget").asBoolean());
        assertEquals(Runtime.getRuntime().maxMemory(), p.path("memoryBytes").asLong());
        assertTrue(p.path("headSeries").asLong() > 80);
        assertTrue(p.path("seriesThatFit").asLong() > 0);
        Run planText = cardinal("capacity", "plan", "--url", url, "--memory", "16GiB");
        assertEquals(0, planText.code(), planText.err());
        assertTrue(planText.out().contains("Head series now:"), planText.out());
      }
    }
  }

  /** A rule file is checked for fit like a sample_limit change: its recording rules' series. */
  @Test
  void recordingRulesCountAsAddedSeries() throws Exception {
    Path cfg = config("prometheus.yml", "scrape_configs: []\n");
    Path rules =
        config(
            "rules.yml",
            "groups:\n  - name: g\n    rules:\n      - record: job:req:sum\n"
                + "        expr: sum by (job) (req)\n      - record: inst:req:max\n"
                + "        expr: max by (instance) (req)\n      - alert: A\n        expr: req > 1e9\n");
    ServerOptions o =
        ServerOptions.DEFAULTS
            .withConfigFile(cfg)
            .withStoragePath(tmp.resolve("data"))
            .withListenAddress("127.0.0.1:0")
            .withMaxSeries(1000);
    try (CardinalServer server = CardinalServer.start(o)) {
      io.cardinal.tsdb.Appender app = server.db().appender();
      long now = System.currentTimeMillis();
      for (int i = 0; i < 12; i++) {
        app.append(
            0,
            io.cardinal.tsdb.labels.Labels.of(
                "__name__", "req", "job", "j" + (i % 3), "instance", "i" + i),
            now,
            i);
      }
      // One of the rule's series exists already: only the other two are new.
      app.append(
          0, io.cardinal.tsdb.labels.Labels.of("__name__", "job:req:sum", "job", "j0"), now, 1);
      app.commit();
      String url = "http://127.0.0.1:" + server.address().getPort();
      Run r =
          cardinal(
              "capacity",
              "check",
              "--old",
              cfg.toString(),
              "--new",
              cfg.toString(),
              "--url",
              url,
              "--rules",
              rules.toString(),
              "--output",
              "json");
      assertEquals(0, r.code(), r.out() + r.err());
      JsonNode j = new ObjectMapper().readTree(r.out());
      assertEquals(2 + 12, j.path("added").asLong(), r.out());
      Run tight =
          cardinal(
              "capacity",
              "check",
              "--old",
              cfg.toString(),
              "--new",
              cfg.toString(),
              "--url",
              url,
              "--max-series",
              "20",
              "--rules",
              rules.toString());
      assertEquals(1, tight.code(), tight.out() + tight.err());
      assertTrue(tight.out().contains("rules rules.yml"), tight.out());
      assertTrue(tight.out().contains("recording rule inst:req:max adds 12 series"), tight.out());
      Run noUrl =
          cardinal(
              "capacity",
              "check",
              "--old",
              cfg.toString(),
              "--new",
              cfg.toString(),
              "--head-series",
              "0",
              "--max-series",
              "10",
              "--rules",
              rules.toString());
      assertEquals(2, noUrl.code(), noUrl.err());
      assertTrue(noUrl.err().contains("--rules needs --url"), noUrl.err());
    }
  }
}
