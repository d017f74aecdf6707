package io.cardinal.rulelint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.testing.Interop;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LintCommandTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Path clean;
  private Path typo;

  @BeforeEach
  void setUp() throws Exception {
    clean = dir.resolve("clean.yml");
    Files.writeString(
        clean,
        "groups:\n- name: g\n  rules:\n  - record: job:up:sum\n    expr: sum by (job) (up)\n");
    typo = dir.resolve("typo.yml");
    Files.writeString(typo, "groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: upp == 0\n");
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    return LintCommand.run(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** A data directory holding {@code up} for the last 10 minutes. */
  private Path data() throws Exception {
    Path d = dir.resolve("data");
    long now = System.currentTimeMillis();
    try (Cardinal db =
        Cardinal.open(d, CardinalOptions.defaults().withCompactionInterval(Duration.ZERO))) {
      Appender app = db.appender();
      for (long t = now - 600_000; t <= now; t += 15_000) {
        app.append(0, Labels.of("__name__", "up", "job", "api", "instance", "a"), t, 1);
      }
      app.commit();
    }
    return d;
  }

  @Test
  void cleanFilesExitZeroEvenWithInfo() throws Exception {
    Path d = data();
    assertEquals(0, run("--data", d.toString(), clean.toString()), err());
    assertTrue(out().contains("record/cost: creates 1 series now"), out());
    assertTrue(err().contains("0 problems, 0 warnings, 2 info"), err());
  }

  @Test
  void problemsExitOne() throws Exception {
    Path d = data();
    assertEquals(1, run("--data", d.toString(), typo.toString(), clean.toString()), err());
    assertTrue(
        out()
            .contains(
                typo
                    + ":4: group \"g\", rule \"Down\": series/missing: metric upp has no series now"
                    + " and never existed within retention"),
        out());
  }

  @Test
  void jsonFormat() throws Exception {
    Path d = data();
    assertEquals(
        1,
        run(
            "--data",
            d.toString(),
            "--format",
            "json",
            "--disable",
            "alert/backtest",
            typo.toString()),
        err());
    List<?> arr = (List<?>) Json.parse(out());
    assertEquals(1, arr.size(), out());
    assertEquals("series/missing", ((Map<?, ?>) arr.get(0)).get("check"));
  }

  @Test
  void policyOnlyWithoutData() throws Exception {
    Path policy = dir.resolve("policy.yml");
    Files.writeString(policy, "required_alert_labels: [severity]\n");
    assertEquals(1, run("--policy", policy.toString(), typo.toString()), err());
    assertTrue(out().contains("policy/required-labels"), out());
    assertTrue(err().contains("only the checks that need no data"), err());
    assertEquals(0, run(clean.toString()), err());
  }

  @Test
  void couldNotRunExitsTwo() throws Exception {
    Path bad = dir.resolve("bad.yml");
    Files.writeString(bad, "groups:\n- name: g\n  rules:\n  - alert: X\n    expr: up ==\n");
    assertEquals(2, run(bad.toString()));
    assertTrue(err().contains("bad.yml: 5:"), err());
    assertEquals(2, run(dir.resolve("missing.yml").toString()));
    // nothing listens there
    int port = Interop.freePort();
    assertEquals(2, run("--url", "http://127.0.0.1:" + port, "--timeout", "5s", typo.toString()));
    assertTrue(err().contains("cannot reach"), err());
    Path policy = dir.resolve("policy.yml");
    Files.writeString(policy, "nope: 1\n");
    assertEquals(2, run("--policy", policy.toString(), clean.toString()));
    assertTrue(err().contains("policy.yml:1: field nope not found in policy"), err());
    assertEquals(2, run("--backtest-window", "soon", clean.toString()));
    assertEquals(2, run("--disable", "no/such", clean.toString()));
    assertEquals(2, run("--url", "http://x", "--data", dir.toString(), clean.toString()));
    // usage errors
    assertEquals(2, run());
    assertEquals(2, run("--format", "yaml", clean.toString()));
  }
}
