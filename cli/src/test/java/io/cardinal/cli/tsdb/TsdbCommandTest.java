package io.cardinal.cli.tsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.cli.Main;
import io.cardinal.exposition.ExpositionParseException;
import io.cardinal.storage.block.BlockMeta;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cardinal tsdb} against promtool 2.42 (installed by .ci/run): our blocks read by promtool,
 * our dump and analysis equal to promtool's on the same directories, including a block promtool
 * wrote. Without promtool on the PATH the interop tests are skipped loudly.
 */
class TsdbCommandTest {
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

  static Path promtool() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    System.err.println(
        "!!! promtool not found on PATH: cardinal tsdb interop tests SKIPPED."
            + " Install it with: apt-get install prometheus");
    Assumptions.assumeTrue(false, "promtool not installed");
    return null;
  }

  static String promtool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(promtool().toString());
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "promtool finished");
    String s = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + s);
    return s;
  }

  /** promtool 2.42 opens the WAL too and fails without a wal/ directory. */
  static Path withWal(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("wal"));
    return dir;
  }

  static final long T0 = 1_700_000_000_000L;

  /**
   * An OpenMetrics file over {@code hours} hours: counters, gauges with awkward values (NaN, ±Inf,
   * tiny, huge, negative zero), a histogram, label values with escapes and Unicode, series that
   * start and stop mid-way (churn). Returns the expected dump lines in promtool's shape.
   */
  static List<String> writeOpenMetrics(Path file, int series, int hours, long seed)
      throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder();
    List<String> expected = new ArrayList<>();
    int steps = hours * 240; // every 15 s
    sb.append("# HELP http_requests Requests served.\n# TYPE http_requests counter\n");
    for (int s = 0; s < series; s++) {
      String path = "/api/" + s + (s % 7 == 0 ? "/\\\"q\\\"\\n" : "");
      String shown = "/api/" + s + (s % 7 == 0 ? "/\\\"q\\\"\\n" : "");
      double v = r.nextInt(1000);
      int from = s % 5 == 0 ? steps / 3 : 0; // some series start late
      int to = s % 6 == 0 ? steps / 2 : steps; // some stop early
      for (int i = from; i < to; i++) {
        v += r.nextInt(4);
        long t = T0 + i * 15_000L;
        sb.append("http_requests_total{path=\"")
            .append(path)
            .append("\",code=\"200\"} ")
            .append((long) v)
            .append(' ')
            .append(t / 1000)
            .append('.')
            .append(String.format("%03d", t % 1000))
            .append('\n');
        expected.add(
            "{__name__=\"http_requests_total\", code=\"200\", path=\""
                + shown
                + "\"} "
                + GoFormat.g(v)
                + " "
                + t);
      }
    }
    double[] odd = {
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      1.2345e-5,
      123456789,
      -0.5,
      1e21,
      0.1 + 0.2,
      1e6,
      999999,
      100000.5
    };
    sb.append("# TYPE temperature_celsius gauge\n# UNIT temperature_celsius celsius\n");
    for (int s = 0; s < Math.max(1, series / 4); s++) {
      for (int i = 0; i < steps; i += 4) {
        double v = (i / 4) < odd.length ? odd[i / 4] : Math.round(r.nextDouble() * 10000) / 100.0;
        long t = T0 + i * 15_000L;
        String vs =
            Double.isNaN(v)
                ? "NaN"
                : Double.isInfinite(v) ? (v > 0 ? "+Inf" : "-Inf") : Double.toString(v);
        sb.append("temperature_celsius{sensor=\"s")
            .append(s)
            .append("\",room=\"Zürich ☃\"} ")
            .append(vs)
            .append(' ')
            .append(t / 1000)
            .append('\n');
        expected.add(
            "{__name__=\"temperature_celsius\", room=\"Zürich ☃\", sensor=\"s"
                + s
                + "\"} "
                + GoFormat.g(v)
                + " "
                + t);
      }
    }
    sb.append("# TYPE rpc_seconds histogram\n");
    for (int i = 0; i < steps; i += 8) {
      long t = T0 + i * 15_000L;
      long n = i;
      for (String le : new String[] {"0.1", "1", "+Inf"}) {
        long c = le.equals("0.1") ? n / 4 : le.equals("1") ? n / 2 : n;
        sb.append("rpc_seconds_bucket{le=\"")
            .append(le)
            .append("\"} ")
            .append(c)
            .append(' ')
            .append(t / 1000)
            .append('\n');
        expected.add("{__name__=\"rpc_seconds_bucket\", le=\"" + le + "\"} " + c + " " + t);
      }
      sb.append("rpc_seconds_count ").append(n).append(' ').append(t / 1000).append('\n');
      sb.append("rpc_seconds_sum ").append(n * 0.25).append(' ').append(t / 1000).append('\n');
      expected.add("{__name__=\"rpc_seconds_count\"} " + n + " " + t);
      expected.add("{__name__=\"rpc_seconds_sum\"} " + GoFormat.g(n * 0.25) + " " + t);
    }
    sb.append("# EOF\n");
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    return expected;
  }

  static List<String> sorted(List<String> lines) {
    List<String> s = new ArrayList<>(lines);
    s.sort(null);
    return s;
  }

  static List<String> lines(String s) {
    return s.isEmpty() ? List.of() : Arrays.asList(s.split("\n"));
  }

  /**
   * The numeric columns of a block table (everything but ULID and size, which depend on the
   * writer).
   */
  static List<String> tableNumbers(String table) {
    return lines(table).stream()
        .skip(1)
        .map(
            l -> {
              String[] c = l.trim().split("\\s+");
              return String.join(" ", Arrays.copyOfRange(c, 1, c.length - 1));
            })
        .collect(Collectors.toList());
  }

  @Test
  void createBlocksIsReadByPromtoolWithTheSameSamplesAndPromtoolsShape() throws Exception {
    Path om = tmp.resolve("in.om");
    List<String> expected = writeOpenMetrics(om, 40, 5, 1);
    Path ours = tmp.resolve("ours");
    Run r = cardinal("tsdb", "create-blocks-from", "openmetrics", om.toString(), ours.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .matches(
                "BLOCK ULID {18}MIN TIME {7}MAX TIME {7}DURATION +NUM SAMPLES  NUM CHUNKS   "
                    + "NUM SERIES   SIZE\n(?s).*"),
        r.out());
    // 5 hours starting mid-range: 3 or 4 two-hour ranges
    assertTrue(lines(r.out()).size() >= 4, r.out());

    String dump = promtool("tsdb", "dump", withWal(ours).toString());
    assertEquals(sorted(expected), sorted(lines(dump)));

    // The same blocks (ranges, samples, chunks, series) as promtool's own import.
    Path theirs = tmp.resolve("theirs");
    String table =
        promtool("tsdb", "create-blocks-from", "openmetrics", om.toString(), theirs.toString());
    assertEquals(tableNumbers(table), tableNumbers(r.out()));
  }

  @Test
  void aCounterFamilyNamedWithTotalImportsAsPromtoolImportsIt() throws Exception {
    // The hardening issue's file: promtool imports it; we said "appears more than once".
    Path om = tmp.resolve("total.om");
    Files.writeString(
        om,
        "# HELP demo_cpu_usage_seconds_total Total CPU usage.\n"
            + "# TYPE demo_cpu_usage_seconds_total counter\n"
            + "demo_cpu_usage_seconds_total{mode=\"idle\"} 1.5 1700000000\n"
            + "demo_cpu_usage_seconds_total{mode=\"idle\"} 3.5 1700000015\n"
            + "demo_cpu_usage_seconds_total{mode=\"user\"} 2.5 1700000000\n"
            + "# EOF\n");
    Path ours = tmp.resolve("ours-total");
    Run r = cardinal("tsdb", "create-blocks-from", "openmetrics", om.toString(), ours.toString());
    assertEquals(0, r.code(), r.err());
    Path theirs = tmp.resolve("theirs-total");
    promtool("tsdb", "create-blocks-from", "openmetrics", om.toString(), theirs.toString());
    String want = promtool("tsdb", "dump", withWal(theirs).toString());
    String got = promtool("tsdb", "dump", withWal(ours).toString());
    assertEquals(want, got);
    assertTrue(got.contains("mode=\"user\""), got);
  }

  @Test
  void humanReadableQuietAndMaxBlockDuration() throws Exception {
    Path om = tmp.resolve("in.om");
    writeOpenMetrics(om, 5, 9, 2);
    Run q =
        cardinal(
            "tsdb",
            "create-blocks-from",
            "-q",
            "openmetrics",
            om.toString(),
            tmp.resolve("q").toString());
    assertEquals(0, q.code(), q.err());
    assertEquals("", q.out());
    Run h =
        cardinal(
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "-r",
            "--max-block-duration=6h",
            om.toString(),
            tmp.resolve("h").toString());
    assertEquals(0, h.code(), h.err());
    assertTrue(h.out().contains(" +0000 UTC  "), h.out());
    assertTrue(h.out().matches("(?s).*\\d+KiB\\d*B?.*"), h.out());
    Path theirs = tmp.resolve("theirs");
    String table =
        promtool(
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "--max-block-duration=6h",
            om.toString(),
            theirs.toString());
    Run plain =
        cardinal(
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "--max-block-duration=6h",
            om.toString(),
            tmp.resolve("p").toString());
    assertEquals(tableNumbers(table), tableNumbers(plain.out()));
  }

  @Test
  void boundedMemoryPassesAndTinyWindowsGiveTheSameBlocks() throws Exception {
    Path om = tmp.resolve("in.om");
    List<String> expected = writeOpenMetrics(om, 30, 7, 3);
    List<String> reference = null;
    for (int[] cfg :
        new int[][] {{OpenMetricsFile.INITIAL_WINDOW, 20_000_000}, {4096, 20_000_000}, {64, 1}}) {
      Path out = tmp.resolve("o" + cfg[0] + "-" + cfg[1]);
      List<BlockMeta> metas =
          new OpenMetricsImporter(om, out, OpenMetricsImporter.DEFAULT_BLOCK_DURATION_MS, cfg[1])
              .windowBytes(cfg[0])
              .run((m, s) -> {}, (ph, d, t) -> {});
      List<String> stats =
          metas.stream()
              .map(
                  m ->
                      m.minTime
                          + " "
                          + m.maxTime
                          + " "
                          + m.numSamples
                          + " "
                          + m.numChunks
                          + " "
                          + m.numSeries)
              .collect(Collectors.toList());
      if (reference == null) {
        reference = stats;
      }
      assertEquals(reference, stats, "window " + cfg[0] + ", samples per pass " + cfg[1]);
      Run dump = cardinal("tsdb", "dump", out.toString());
      assertEquals(sorted(expected), sorted(lines(dump.out())));
    }
  }

  @Test
  void parseErrorsNameLineAndColumnAndLeaveNothingBehind() throws Exception {
    Path om = tmp.resolve("bad.om");
    StringBuilder sb = new StringBuilder("# TYPE a gauge\n");
    for (int i = 0; i < 5000; i++) {
      sb.append("a{i=\"").append(i).append("\"} 1 ").append(1_700_000_000 + i).append('\n');
    }
    sb.append("# TYPE b gauge\nb{x=\"1\" 2 1700000000\n# EOF\n");
    Files.writeString(om, sb.toString());
    Path out = tmp.resolve("out");
    // Small windows: the error is in a later window and must still carry the file's line number.
    OpenMetricsImporter imp =
        new OpenMetricsImporter(om, out, OpenMetricsImporter.DEFAULT_BLOCK_DURATION_MS, 100)
            .windowBytes(1024);
    ExpositionParseException e = null;
    try {
      imp.run((m, s) -> {}, (ph, d, t) -> {});
    } catch (ExpositionParseException ex) {
      e = ex;
    }
    assertNotNull(e);
    assertEquals(5003, e.line());
    assertEquals(8, e.column());
    assertFalse(Files.exists(out) && Files.list(out).findAny().isPresent(), "no block written");

    Run r = cardinal("tsdb", "create-blocks-from", "openmetrics", om.toString(), out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("line 5003, column 8: expected comma or closing brace"), r.err());

    Path noTs = tmp.resolve("nots.om");
    Files.writeString(noTs, "# TYPE a gauge\na 1 100\na 2\n# EOF\n");
    Run r2 = cardinal("tsdb", "create-blocks-from", "openmetrics", noTs.toString(), out.toString());
    assertEquals(1, r2.code());
    assertTrue(
        r2.err().contains("line 2, column 1: expected timestamp") || r2.err().contains("line 3"),
        r2.err());

    Path dup = tmp.resolve("dup.om");
    Files.writeString(dup, "# TYPE a gauge\na 1 100\na 2 100\n# EOF\n");
    Run r3 = cardinal("tsdb", "create-blocks-from", "openmetrics", dup.toString(), out.toString());
    assertEquals(1, r3.code());
    assertTrue(r3.err().contains("line 3") && r3.err().contains("duplicate sample"), r3.err());

    Path split = tmp.resolve("split.om");
    Files.writeString(
        split,
        "# TYPE a gauge\na 1 100\n# TYPE b gauge\nb 1 100\n# TYPE a gauge\na 2 200\n# EOF\n");
    Run r4 =
        cardinal("tsdb", "create-blocks-from", "openmetrics", split.toString(), out.toString());
    assertEquals(1, r4.code());
    assertTrue(r4.err().contains("line 5"), r4.err());
    assertFalse(Files.exists(out) && Files.list(out).findAny().isPresent(), "no block written");

    Run missing =
        cardinal("tsdb", "create-blocks-from", "openmetrics", tmp.resolve("nope.om").toString());
    assertEquals(1, missing.code());
  }

  @Test
  void dumpEqualsPromtoolsDumpIncludingPromtoolsOwnBlock() throws Exception {
    Path om = tmp.resolve("in.om");
    writeOpenMetrics(om, 20, 3, 4);
    Path dir = tmp.resolve("db");
    assertEquals(
        0,
        cardinal("tsdb", "create-blocks-from", "openmetrics", om.toString(), dir.toString())
            .code());
    // A block promtool wrote, overlapping ours in time, in the same directory.
    Path om2 = tmp.resolve("in2.om");
    Files.writeString(
        om2,
        "# TYPE other gauge\nother{x=\"1\"} 0.1 1700000000\nother{x=\"1\"} 1e-7 1700000015\n"
            + "other{x=\"1\"} 2.5e+20 1700000030\n# TYPE http_requests counter\n"
            + "http_requests_total{code=\"500\",path=\"/x\"} 7 1700000100\n# EOF\n");
    promtool("tsdb", "create-blocks-from", "openmetrics", om2.toString(), dir.toString());
    withWal(dir);
    for (String[] args :
        new String[][] {
          {},
          {"--min-time=1700000100000", "--max-time=1700003600000"},
          {"--match={__name__=~\"http.*\",code=\"500\"}"},
          {"--match=other", "--max-time=1700000015000"}
        }) {
      List<String> cmd = new ArrayList<>(List.of("tsdb", "dump"));
      cmd.addAll(Arrays.asList(args));
      cmd.add(dir.toString());
      Run ours = cardinal(cmd.toArray(new String[0]));
      assertEquals(0, ours.code(), ours.err());
      String theirs = promtool(cmd.toArray(new String[0]));
      assertEquals(theirs, ours.out(), "dump " + Arrays.toString(args));
    }
  }

  @Test
  void dumpIncludesTheHeadReplayedFromTheWal() throws Exception {
    Path dir = tmp.resolve("db");
    List<String> expected = new ArrayList<>();
    try (io.cardinal.Cardinal db =
        io.cardinal.Cardinal.open(dir, io.cardinal.CardinalOptions.defaults())) {
      io.cardinal.tsdb.Appender app = db.appender();
      for (int i = 0; i < 300; i++) {
        for (int s = 0; s < 3; s++) {
          long t = T0 + i * 15_000L;
          double v = s == 2 ? i / 3.0 : i * (s + 1);
          app.append(
              0, io.cardinal.tsdb.labels.Labels.of("__name__", "wal_metric", "s", "s" + s), t, v);
          expected.add("{__name__=\"wal_metric\", s=\"s" + s + "\"} " + GoFormat.g(v) + " " + t);
        }
        app.commit();
      }
    }
    Run ours = cardinal("tsdb", "dump", dir.toString());
    assertEquals(0, ours.code(), ours.err());
    assertEquals(sorted(expected), sorted(lines(ours.out())));
    assertEquals(promtool("tsdb", "dump", dir.toString()), ours.out());
  }

  /**
   * Sections of promtool's analyze output: title -> lines (as a set: promtool's sort is unstable).
   */
  static Map<String, Object> sections(String analyze) {
    Map<String, Object> out = new LinkedHashMap<>();
    String title = "header";
    List<String> cur = new ArrayList<>();
    for (String l : analyze.split("\n")) {
      if (l.endsWith(":") && !l.contains("%")) {
        out.put(title, title.equals("header") ? new ArrayList<>(cur) : new TreeSet<>(cur));
        title = l;
        cur.clear();
      } else if (!l.isEmpty()) {
        cur.add(l);
      }
    }
    out.put(title, title.equals("header") ? new ArrayList<>(cur) : new TreeSet<>(cur));
    return out;
  }

  @Test
  void analyzeEqualsPromtoolsAnalyze() throws Exception {
    Path om = tmp.resolve("in.om");
    writeOpenMetrics(om, 60, 2, 5);
    Path dir = tmp.resolve("db");
    Run created =
        cardinal("tsdb", "create-blocks-from", "openmetrics", om.toString(), dir.toString());
    assertEquals(0, created.code(), created.err());
    withWal(dir);
    List<String> ulids =
        lines(created.out()).stream()
            .skip(1)
            .map(l -> l.split(" ")[0])
            .collect(Collectors.toList());
    ulids.add(null); // the default: the last block
    for (String ulid : ulids) {
      List<String> args =
          new ArrayList<>(
              List.of("tsdb", "analyze", "--limit=100000", "--extended", dir.toString()));
      if (ulid != null) {
        args.add(ulid);
      }
      Run ours = cardinal(args.toArray(new String[0]));
      assertEquals(0, ours.code(), ours.err());
      String theirs = promtool(args.toArray(new String[0]));
      Map<String, Object> o = sections(ours.out());
      Map<String, Object> t = sections(theirs);
      Object churn = o.remove("Series churn (first or last sample more than 5m inside the block):");
      assertNotNull(churn, ours.out());
      assertEquals(t, o, "analyze " + ulid);
    }
    // --limit cuts every list; our ties are broken by name, so the output is stable.
    Run limited = cardinal("tsdb", "analyze", "--limit=2", dir.toString());
    assertTrue(limited.out().contains("Highest cardinality metric names:\n"), limited.out());
    for (Object lines : sections(limited.out()).values()) {
      if (lines instanceof TreeSet<?> s) {
        assertTrue(s.size() <= 2, limited.out());
      }
    }
  }

  @Test
  void analyzeCountsChurnFromSeriesTimeRanges() throws Exception {
    Path om = tmp.resolve("in.om");
    writeOpenMetrics(om, 60, 2, 6);
    Path dir = tmp.resolve("db");
    assertEquals(
        0,
        cardinal("tsdb", "create-blocks-from", "openmetrics", "-q", om.toString(), dir.toString())
            .code());
    try (DataDir dd = DataDir.open(dir)) {
      for (var b : dd.blocks()) {
        BlockAnalysis a = BlockAnalysis.of(b, false);
        long created = 0;
        long removed = 0;
        var e = new io.cardinal.storage.block.IndexReader.SeriesEntry();
        var ids = b.index().postings().getIntIterator();
        while (ids.hasNext()) {
          b.index().series(ids.next(), e);
          created += e.chunks.minTime(0) > b.meta().minTime + 300_000 ? 1 : 0;
          removed += e.chunks.maxTime(e.chunks.size() - 1) < b.meta().maxTime - 1 - 300_000 ? 1 : 0;
        }
        assertEquals(created, a.seriesCreated);
        assertEquals(removed, a.seriesRemoved);
      }
    }
  }

  @Test
  void errorsAndUsage() throws IOException {
    assertEquals(2, cardinal("tsdb").code());
    assertEquals(2, cardinal("tsdb", "frobnicate").code());
    assertEquals(2, cardinal("tsdb", "dump", "--nope").code());
    Run none = cardinal("tsdb", "analyze", tmp.resolve("missing").toString());
    assertEquals(1, none.code());
    assertTrue(none.err().contains("missing"), none.err());
    Files.createDirectories(tmp.resolve("empty"));
    Run empty = cardinal("tsdb", "analyze", tmp.resolve("empty").toString());
    assertEquals(1, empty.code());
    assertTrue(empty.err().contains("no blocks found"), empty.err());
    Run badMatch = cardinal("tsdb", "dump", "--match={a=~\"(\"}", tmp.resolve("empty").toString());
    assertEquals(1, badMatch.code());
    assertEquals("", cardinal("tsdb", "dump", tmp.resolve("empty").toString()).out());
    try (Stream<Path> s = Files.list(tmp.resolve("empty"))) {
      assertEquals(0, s.count());
    }
  }

  @Test
  void goFormatting() {
    assertEquals("1", GoFormat.g(1));
    assertEquals("1e+06", GoFormat.g(1e6));
    assertEquals("999999", GoFormat.g(999999));
    assertEquals("1.23456789e+08", GoFormat.g(123456789));
    assertEquals("1.2345e-05", GoFormat.g(1.2345e-5));
    assertEquals("0.0001", GoFormat.g(1e-4));
    assertEquals("0.30000000000000004", GoFormat.g(0.1 + 0.2));
    assertEquals("-0.5", GoFormat.g(-0.5));
    assertEquals("+Inf", GoFormat.g(Double.POSITIVE_INFINITY));
    assertEquals("NaN", GoFormat.g(Double.NaN));
    assertEquals("100000.5", GoFormat.g(100000.5));
    assertEquals("5e-324", GoFormat.g(Double.MIN_VALUE));
    assertEquals("1.7976931348623157e+308", GoFormat.g(Double.MAX_VALUE));
    assertEquals("2h0m0s", GoFormat.duration(7_200_000));
    assertEquals("2m0.001s", GoFormat.duration(120_001));
    assertEquals("1h14m45.001s", GoFormat.duration(4_485_001));
    assertEquals("1ms", GoFormat.duration(1));
    assertEquals("1.5s", GoFormat.duration(1500));
    assertEquals("57KiB550B", GoFormat.base2Bytes(58918));
    assertEquals("724B", GoFormat.base2Bytes(724));
    assertEquals("1MiB", GoFormat.base2Bytes(1 << 20));
    assertEquals("2023-11-14 22:15:20 +0000 UTC", GoFormat.utcSeconds(1_700_000_120_001L));
    StringBuilder sb = new StringBuilder();
    GoFormat.quote(sb, "a\"b\\c\nd\u0007\u0001é☃");
    assertEquals("\"a\\\"b\\\\c\\nd\\a\\x01é☃\"", sb.toString());
  }

  @Test
  void progressBarStaysQuietForShortImportsAndErasesItself() {
    long[] now = {0};
    StringWriter w = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(w), "importing x.om", () -> now[0], 1000);
    bar.update("validating", 10, 100);
    assertEquals("", w.toString());
    now[0] = 1500;
    bar.update("validating", 50, 100);
    assertTrue(
        w.toString().contains("importing x.om [===============               ]  50%"),
        w.toString());
    now[0] = 1600;
    bar.update("validating", 60, 100); // within 200 ms: not redrawn
    assertFalse(w.toString().contains("60%"));
    bar.finish();
    assertTrue(w.toString().endsWith("\r"));
  }
}
