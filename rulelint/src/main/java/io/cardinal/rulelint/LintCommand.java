package io.cardinal.rulelint;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.config.Config;
import io.cardinal.config.ConfigException;
import io.cardinal.config.ConfigLoader;
import io.cardinal.config.Durations;
import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.RuleFileException;
import io.cardinal.rules.RuleFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cardinal lint FILE...}: lints rule files against a running server ({@code --url}) or a
 * data directory ({@code --data}). Exit codes: 0 nothing but info, 1 warnings or problems found, 2
 * could not run (a bad rule, config or policy file, an unreachable server, a usage error). {@link
 * #run} gives the exit code without exiting, for tests and for embedding.
 */
@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    description = {
      "Lint rule files against the data a server holds: metrics and labels that do not exist,"
          + " rate ranges shorter than two scrape intervals, a backtest of each alert, the series"
          + " each recording rule creates, and an optional naming and labelling policy.",
      "Exit codes: 0 clean (info only), 1 warnings or problems found, 2 could not run."
    })
public final class LintCommand implements Callable<Integer> {
  /** Output formats. */
  public enum Format {
    text,
    json
  }

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Rule files to lint.")
  List<Path> files;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "A Prometheus-compatible server to check against (http://host:9090).")
  URI url;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "A data directory to check against when there is no --url (opened as the server opens"
              + " it; not while a server runs on it).")
  Path data;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "prometheus.yml: scrape intervals by job and the evaluation interval (with --data; with"
              + " --url the server's targets give the scrape intervals).")
  Path config;

  @Option(names = "--policy", paramLabel = "FILE", description = "A policy file (YAML).")
  Path policy;

  @Option(
      names = "--format",
      defaultValue = "text",
      paramLabel = "FORMAT",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--backtest-window",
      defaultValue = "7d",
      paramLabel = "DURATION",
      description = "How far back alerts are backtested, at most (default: ${DEFAULT-VALUE}).")
  String backtestWindow;

  @Option(
      names = "--bytes-per-series",
      defaultValue = "0",
      paramLabel = "BYTES",
      description =
          "Memory of one series, for the cost of recording rules (0: series counts only).")
  long bytesPerSeries;

  @Option(
      names = "--disable",
      split = ",",
      paramLabel = "CHECK",
      description = "Checks to skip, by id (alert/backtest,record/cost,...).")
  List<String> disable = new ArrayList<>();

  @Option(
      names = "--timeout",
      defaultValue = "30s",
      paramLabel = "DURATION",
      description = "Timeout of each request to --url (default: ${DEFAULT-VALUE}).")
  String timeout;

  private final PrintStream out;
  private final PrintStream err;

  /** Writing to the process's standard output and error. */
  public LintCommand() {
    this(System.out, System.err);
  }

  public LintCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Parses {@code args} and runs: the exit code, without exiting. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    CommandLine cl = new CommandLine(new LintCommand(out, err));
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    LintOptions options = LintOptions.defaults().withBytesPerSeries(bytesPerSeries);
    try {
      options = options.withBacktestWindow(Duration.ofMillis(Durations.parse(backtestWindow)));
      if (bytesPerSeries < 0) {
        throw new IllegalArgumentException("--bytes-per-series must be >= 0");
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      err.println("lint: --backtest-window: " + e.getMessage());
      return 2;
    }
    List<String> unknown = new ArrayList<>(disable);
    unknown.removeAll(RuleLinter.checkIds());
    if (!unknown.isEmpty()) {
      err.println(
          "lint: unknown check(s) " + unknown + "; the checks are " + RuleLinter.checkIds());
      return 2;
    }
    options = options.withDisabledChecks(disable);
    if (url != null && data != null) {
      err.println("lint: give --url or --data, not both");
      return 2;
    }
    List<GroupSpec> groups = new ArrayList<>();
    try {
      for (Path f : files) {
        groups.addAll(RuleFiles.load(f));
      }
    } catch (RuleFileException e) {
      err.println("lint: " + e.getMessage());
      return 2;
    }
    Config cfg = null;
    if (config != null) {
      try {
        cfg = ConfigLoader.load(config);
      } catch (ConfigException e) {
        err.println("lint: " + config + ": " + e.getMessage());
        return 2;
      }
      options =
          options.withEvaluationInterval(Duration.ofMillis(cfg.global().evaluationIntervalMs()));
    }
    if (policy != null) {
      try {
        options = options.withPolicy(Policy.load(policy));
      } catch (PolicyException e) {
        err.println("lint: " + e.getMessage());
        return 2;
      }
    }
    Cardinal db = null;
    LintSource source = null;
    try {
      if (url != null) {
        long t;
        try {
          t = Durations.parse(timeout);
        } catch (IllegalArgumentException | ArithmeticException e) {
          err.println("lint: --timeout: " + e.getMessage());
          return 2;
        }
        source = new HttpSource(url, Duration.ofMillis(Math.max(1, t)));
      } else if (data != null) {
        try {
          db =
              Cardinal.open(data, CardinalOptions.defaults().withCompactionInterval(Duration.ZERO));
        } catch (IOException | RuntimeException e) {
          err.println("lint: cannot open " + data + ": " + e.getMessage());
          return 2;
        }
        source = new DatabaseSource(db, cfg);
      } else {
        err.println("lint: no --url or --data: only the checks that need no data (the policy) run");
      }
      List<Finding> findings;
      try {
        findings = new RuleLinter(source, options).lint(groups);
      } catch (LintSourceException e) {
        err.println("lint: " + e.getMessage());
        return 2;
      }
      if (format == Format.json) {
        out.print(Renderers.json(findings));
      } else {
        out.print(Renderers.text(findings));
        err.println(Renderers.summary(findings));
      }
      out.flush();
      return RuleLinter.exitCode(findings);
    } finally {
      if (source != null) {
        source.close();
      }
      if (db != null) {
        db.close();
      }
    }
  }
}
