package io.cardinal.promql.test;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cardinal.promql.engine.Engine;
import io.cardinal.testing.Shared;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs every promqltest script of shared/conformance/promql against the engine, prints and writes
 * the per-file table (target/promql-conformance.md) and fails if any file passes fewer evals than
 * its recorded baseline (src/test/resources/promql-baseline.properties — raise it as the engine
 * improves, never lower it).
 */
class PromQLConformanceTest {

  static final Set<String> CORE =
      Set.of(
          "aggregators",
          "at_modifier",
          "collision",
          "functions",
          "histograms",
          "literals",
          "name_label_dropping",
          "operators",
          "range_queries",
          "selectors",
          "staleness",
          "subquery",
          "trig_functions");

  static Path conformanceDir() {
    Path dir = Shared.require("conformance/promql");
    if (!Files.isDirectory(dir)) {
      fail("PromQL conformance scripts at " + dir.toAbsolutePath() + " are not a directory");
    }
    return dir;
  }

  @Test
  void conformance() throws IOException {
    Path dir = conformanceDir();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".test")).sorted().toList();
    }
    assertTrue(!files.isEmpty(), "no .test files in " + dir);
    Properties baseline = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/promql-baseline.properties")) {
      if (in != null) {
        baseline.load(in);
      }
    }
    Engine engine = ScriptRunner.defaultEngine();
    List<ScriptRunner.Report> reports = new ArrayList<>();
    for (Path f : files) {
      ScriptRunner runner = new ScriptRunner(engine);
      String name = f.getFileName().toString().replace(".test", "");
      reports.add(runner.run(name, Files.readAllLines(f, StandardCharsets.UTF_8)));
    }
    String table = table(reports);
    System.out.println(table);
    boolean verbose = Boolean.getBoolean("promql.conformance.verbose");
    for (ScriptRunner.Report r : reports) {
      if (verbose || System.getProperty("promql.conformance.file", "").equals(r.file)) {
        r.failures.forEach(x -> System.out.println(r.file + ": " + x));
      }
    }
    Path out = Paths.get("target", "promql-conformance.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    List<String> regressions = new ArrayList<>();
    for (ScriptRunner.Report r : reports) {
      int min = Integer.parseInt(baseline.getProperty(r.file, "0"));
      if (r.passed < min) {
        regressions.add(
            r.file
                + ": "
                + r.passed
                + " passed < baseline "
                + min
                + "; first failures: "
                + r.failures.subList(0, Math.min(5, r.failures.size())));
      }
    }
    if (!regressions.isEmpty()) {
      fail("PromQL conformance regressed:\n" + String.join("\n", regressions));
    }
  }

  static String table(List<ScriptRunner.Report> reports) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| file | core | passed | failed | skipped: native histograms | skipped: experimental |\n");
    sb.append("|---|---|---:|---:|---:|---:|\n");
    int p = 0;
    int fl = 0;
    int sn = 0;
    int se = 0;
    for (ScriptRunner.Report r : reports) {
      int n = r.skipped.getOrDefault(ScriptRunner.SKIP_NATIVE, 0);
      int e = r.skipped.getOrDefault(ScriptRunner.SKIP_EXPERIMENTAL, 0);
      sb.append("| ")
          .append(r.file)
          .append(" | ")
          .append(CORE.contains(r.file) ? "yes" : "no")
          .append(" | ")
          .append(r.passed)
          .append(" | ")
          .append(r.failed)
          .append(" | ")
          .append(n)
          .append(" | ")
          .append(e)
          .append(" |\n");
      p += r.passed;
      fl += r.failed;
      sn += n;
      se += e;
    }
    sb.append("| **total** | | ")
        .append(p)
        .append(" | ")
        .append(fl)
        .append(" | ")
        .append(sn)
        .append(" | ")
        .append(se)
        .append(" |\n");
    return sb.toString();
  }
}
