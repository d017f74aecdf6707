package io.cardinal.cli.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cardinal.cli.Main;
import io.cardinal.testing.Interop;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cardinal test rules} and {@code cardinal check rules|config} against the real promtool
 * 2.42 on the same files (src/test/resources/ruletests: passing tests, deliberately failing ones,
 * every series notation, group_eval_order, external labels and URL, an evaluation error): the same
 * exit code, the same stdout and, where the message is Prometheus's own, the same stderr byte for
 * byte. Skipped loudly without promtool.
 */
class PromtoolRulesInteropTest {
  @TempDir Path dir;
  Path promtool;

  /** Files whose error text comes from Go's YAML or series lexer: only the verdict is compared. */
  static final Set<String> VERDICT_ONLY = Set.of("bad_notation.yml");

  record Run(int exit, String stdout, String stderr) {}

  @BeforeEach
  void setUp() throws Exception {
    promtool = Interop.requireBinary("promtool");
    Path src;
    try {
      src = Path.of(getClass().getResource("/ruletests").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Files.writeString(
        dir.resolve("bad_notation.yml"),
        "tests:\n  - input_series:\n      - series: 'a'\n        values: '1 x2'\n");
    Files.writeString(
        dir.resolve("bad_rule.yml"),
        "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(up\n");
    Files.writeString(
        dir.resolve("dup_rule.yml"),
        "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: up\n"
            + "        labels: {a: b}\n      - record: r\n        expr: up + 0\n        labels: {a: b}\n");
    Files.writeString(dir.resolve("prometheus.yml"), "rule_files: ['alerts.yml', 'bad_r*.yml']\n");
    Files.writeString(dir.resolve("missing_rules.yml"), "rule_files: ['nope.yml']\n");
  }

  Run promtool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(promtool.toString()));
    cmd.addAll(List.of(args));
    Interop.Result r = Interop.run(60_000, cmd.toArray(new String[0]));
    return new Run(r.exit(), r.stdout(), r.stderr());
  }

  static synchronized Run cardinal(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = CheckCommand.out;
    PrintStream oldErr = CheckCommand.err;
    CheckCommand.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    CheckCommand.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    try {
      int code = Main.commandLine().execute(args);
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      CheckCommand.out = oldOut;
      CheckCommand.err = oldErr;
    }
  }

  private void same(String name, String... args) throws Exception {
    Run p = promtool(args);
    Run c = cardinal(args);
    assertEquals(
        p.exit(),
        c.exit(),
        name + ": exit code\npromtool stderr:\n" + p.stderr() + "\nours:\n" + c.stderr());
    assertEquals(p.stdout(), c.stdout(), name + ": stdout");
    if (!VERDICT_ONLY.contains(name)) {
      assertEquals(p.stderr(), c.stderr(), name + ": stderr");
    }
  }

  @Test
  void unitTestsGiveTheSameVerdictsAndReports() throws Exception {
    int failing = 0;
    for (String f :
        List.of(
            "pass_example.yml",
            "notation.yml",
            "order.yml",
            "fail_alert.yml",
            "fail_expr.yml",
            "fail_notation.yml",
            "fail_order.yml",
            "eval_error.yml",
            "bad_notation.yml")) {
      same(f, "test", "rules", dir.resolve(f).toString());
      failing += promtool("test", "rules", dir.resolve(f).toString()).exit() != 0 ? 1 : 0;
    }
    // The set proves something only if it holds both verdicts.
    assertEquals(6, failing, "failing test files");
    same(
        "several files",
        "test",
        "rules",
        dir.resolve("pass_example.yml").toString(),
        dir.resolve("fail_expr.yml").toString());
  }

  @Test
  void checkRulesAndConfigMatchPromtool() throws Exception {
    same("valid rules", "check", "rules", dir.resolve("alerts.yml").toString());
    same("invalid rules", "check", "rules", dir.resolve("bad_rule.yml").toString());
    same("duplicate rules", "check", "rules", dir.resolve("dup_rule.yml").toString());
    same(
        "duplicate rules, fatal",
        "check",
        "rules",
        "--lint-fatal",
        dir.resolve("dup_rule.yml").toString());
    same(
        "several",
        "check",
        "rules",
        dir.resolve("alerts.yml").toString(),
        dir.resolve("bad_rule.yml").toString());
    same("config with rule files", "check", "config", dir.resolve("prometheus.yml").toString());
    same(
        "config naming a missing file",
        "check",
        "config",
        dir.resolve("missing_rules.yml").toString());
  }
}
