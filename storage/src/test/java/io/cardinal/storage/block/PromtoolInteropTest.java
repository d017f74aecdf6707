package io.cardinal.storage.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.labels.Matcher;
import io.cardinal.tsdb.query.SampleIterator;
import io.cardinal.tsdb.query.SeriesSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocks we write are read by Prometheus's own promtool, and blocks promtool writes are read by us.
 * .ci/run installs Prometheus 2.42 (Debian's package); where promtool is missing these tests are
 * skipped with a loud message, never passed silently.
 */
class PromtoolInteropTest {
  static final long H2 = 2 * 3600_000L;

  static Path promtool() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    System.err.println(
        "!!! promtool not found on PATH: Prometheus interop tests SKIPPED."
            + " Install it with: apt-get install prometheus");
    Assumptions.assumeTrue(false, "promtool not installed");
    return null;
  }

  static String run(Path dir, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool finished");
    String s = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + s);
    return s;
  }

  /** "labels value timestamp" lines, as promtool tsdb dump prints them, normalised and sorted. */
  static List<String> ours(Block b) {
    List<String> out = new ArrayList<>();
    SeriesSet set =
        b.querier(Long.MIN_VALUE, Long.MAX_VALUE)
            .select(true, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.regex("__name__", ".+"));
    SampleIterator it = null;
    while (set.next()) {
      it = set.at().iterator(it);
      while (it.next()) {
        out.add(set.at().labels() + " " + norm(it.value()) + " " + it.timestamp());
      }
    }
    out.sort(null);
    return out;
  }

  static String norm(double v) {
    return Double.isNaN(v) ? "NaN" : Double.toString(v);
  }

  static List<String> parseDump(String dump) {
    List<String> out = new ArrayList<>();
    for (String line : dump.split("\n")) {
      if (!line.startsWith("{")) {
        continue;
      }
      int close = line.lastIndexOf('}');
      String[] rest = line.substring(close + 2).split(" ");
      out.add(
          line.substring(0, close + 1)
              + " "
              + norm(
                  Double.parseDouble(
                      rest[0].replace("+Inf", "Infinity").replace("-Inf", "-Infinity")))
              + " "
              + rest[1]);
    }
    out.sort(null);
    return out;
  }

  @Test
  void promtoolDumpsExactlyTheSamplesWeWrote(@TempDir Path dir) throws Exception {
    Path promtool = promtool();
    Head head = BlockRoundTripTest.randomHead(11, 30, 0, H2);
    BlockMeta meta =
        BlockWriter.write(
            dir, head.chunkSeries(0, H2 - 1), head.symbols(), BlockWriter.Spec.fresh(0, H2));
    Files.createDirectories(dir.resolve("wal")); // promtool tsdb dump also reads a (here empty) WAL
    List<String> want;
    try (Block b = Block.open(dir.resolve(meta.ulid))) {
      want = ours(b);
    }
    List<String> got = parseDump(run(dir, promtool.toString(), "tsdb", "dump", dir.toString()));
    assertEquals(want.size(), got.size());
    assertEquals(want, got);
    String analyze = run(dir, promtool.toString(), "tsdb", "analyze", dir.toString(), meta.ulid);
    assertTrue(analyze.contains("Block ID: " + meta.ulid), analyze);
    assertTrue(analyze.contains("Series: 30"), analyze);
  }

  @Test
  void weReadBlocksPromtoolCreatesFromOpenMetrics(@TempDir Path dir) throws Exception {
    Path promtool = promtool();
    StringBuilder om = new StringBuilder("# TYPE load gauge\n");
    TreeMap<String, Double> expected = new TreeMap<>();
    for (int s = 0; s < 5; s++) {
      for (int i = 0; i < 100; i++) {
        long ts = 1_700_000_000L + i * 15;
        double v = s * 100 + i * 0.25;
        om.append("load{host=\"h")
            .append(s)
            .append("\"} ")
            .append(v)
            .append(' ')
            .append(ts)
            .append('\n');
        expected.put("{__name__=\"load\", host=\"h" + s + "\"} " + ts * 1000, v);
      }
    }
    om.append("# EOF\n");
    Path file = dir.resolve("in.om");
    Files.writeString(file, om);
    Path data = dir.resolve("data");
    run(
        dir,
        promtool.toString(),
        "tsdb",
        "create-blocks-from",
        "openmetrics",
        file.toString(),
        data.toString());
    TreeMap<String, Double> got = new TreeMap<>();
    try (java.util.stream.Stream<Path> blocks = Files.list(data)) {
      for (Path b : (Iterable<Path>) blocks::iterator) {
        try (Block block = Block.open(b)) {
          for (String line : ours(block)) {
            int sp = line.lastIndexOf(' ');
            int sp2 = line.lastIndexOf(' ', sp - 1);
            got.put(
                line.substring(0, sp2) + " " + line.substring(sp + 1),
                Double.parseDouble(line.substring(sp2 + 1, sp)));
          }
        }
      }
    }
    assertEquals(expected, got);
  }

  @Test
  void goldenBlockWrittenByPrometheusReadsBack() throws Exception {
    Path golden = Path.of("src/test/resources/golden/01M7YWF0ZEW8T448JJ0NS2HNDF");
    try (Block b = Block.open(golden)) {
      assertEquals(3, b.meta().numSeries);
      assertEquals(5, b.meta().numSamples);
      assertEquals(
          List.of(
              "{__name__=\"http_requests_total\", code=\"200\", path=\"/\"} 1.0 1700000000000",
              "{__name__=\"http_requests_total\", code=\"200\", path=\"/\"} 5.0 1700000015000",
              "{__name__=\"http_requests_total\", code=\"500\", path=\"/\"} 2.0 1700000000500",
              "{__name__=\"temp\", room=\"a\"} 21.5 1700000000000",
              "{__name__=\"temp\", room=\"a\"} NaN 1700000030000"),
          ours(b));
      assertEquals(
          List.of("200", "500"), b.querier(Long.MIN_VALUE, Long.MAX_VALUE).labelValues("code"));
    }
  }
}
