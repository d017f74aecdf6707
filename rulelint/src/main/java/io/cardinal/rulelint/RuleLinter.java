package io.cardinal.rulelint;

import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.RuleSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lints rule groups against the data a server holds.
 *
 * <pre>{@code
 * List<GroupSpec> groups = RuleFiles.load(Path.of("rules.yml"));
 * try (LintSource src = new HttpSource(URI.create("http://localhost:9090"))) {
 *   List<Finding> findings = new RuleLinter(src, LintOptions.defaults()).lint(groups);
 *   System.out.print(Renderers.text(findings));
 * }
 * }</pre>
 *
 * Findings come out file by file in the order the groups were given, each rule's in check order,
 * then each file's totals. Without a source only the checks that need none (the policy) run.
 */
public final class RuleLinter {
  private final LintSource source;
  private final LintOptions options;
  private final List<Check> checks;

  /**
   * @param source what to check against; null runs only the checks that need no source
   */
  public RuleLinter(LintSource source, LintOptions options) {
    this(source, options, defaultChecks());
  }

  public RuleLinter(LintSource source, LintOptions options, List<Check> checks) {
    this.source = source;
    this.options = java.util.Objects.requireNonNull(options, "options");
    this.checks = List.copyOf(checks);
  }

  /** Every check, in the order their findings appear for a rule. */
  public static List<Check> defaultChecks() {
    return List.of(
        SeriesCheck.missing(),
        SeriesCheck.disappeared(),
        new LabelCheck(),
        new RateRangeCheck(),
        PolicyCheck.requiredLabels(),
        PolicyCheck.requiredAnnotations(),
        PolicyCheck.name(),
        new BacktestCheck(),
        new CostCheck());
  }

  /** The ids of {@link #defaultChecks()}. */
  public static List<String> checkIds() {
    List<String> ids = new ArrayList<>();
    for (Check c : defaultChecks()) {
      ids.add(c.id());
    }
    return ids;
  }

  /**
   * Runs every enabled check over every rule.
   *
   * @throws LintSourceException of kind {@link LintSourceException.Kind#UNAVAILABLE} when the
   *     source cannot be used; a failing query becomes a warning on its rule instead
   */
  public List<Finding> lint(List<GroupSpec> groups) throws LintSourceException {
    LintContext ctx = new LintContext(source, options, groups);
    Map<String, List<GroupSpec>> byFile = new LinkedHashMap<>();
    for (GroupSpec g : groups) {
      byFile.computeIfAbsent(g.file(), k -> new ArrayList<>()).add(g);
    }
    List<Finding> out = new ArrayList<>();
    for (Map.Entry<String, List<GroupSpec>> file : byFile.entrySet()) {
      for (GroupSpec g : file.getValue()) {
        for (RuleSpec r : g.rules()) {
          if (ctx.expr(r) == null) {
            out.add(
                Finding.of(
                    g,
                    r,
                    "rule/invalid",
                    Severity.PROBLEM,
                    "the expression does not parse: " + r.expr(),
                    Map.of()));
            continue;
          }
          Set<String> failed = new LinkedHashSet<>();
          for (Check c : checks) {
            if (!runs(c)) {
              continue;
            }
            try {
              c.check(ctx, g, r, out);
            } catch (LintSourceException e) {
              if (e.kind() != LintSourceException.Kind.QUERY) {
                throw e;
              }
              if (failed.add(e.getMessage())) {
                out.add(
                    Finding.of(
                        g,
                        r,
                        c.id(),
                        Severity.WARNING,
                        "query failed: " + e.getMessage(),
                        Map.of("error", e.getMessage())));
              }
            }
          }
        }
      }
      for (Check c : checks) {
        if (runs(c)) {
          c.finishFile(ctx, file.getKey(), out);
        }
      }
    }
    return out;
  }

  private boolean runs(Check c) {
    return options.enabled(c.id()) && (source != null || !c.needsSource());
  }

  /** 1 when any finding is a warning or a problem, else 0: the command's exit code. */
  public static int exitCode(List<Finding> findings) {
    for (Finding f : findings) {
      if (f.fails()) {
        return 1;
      }
    }
    return 0;
  }

  /**
   * The messages of the findings about one rule, for the server's {@code warnings} of that rule in
   * {@code /api/v1/rules}: {@code check: message}, info findings included only when asked.
   */
  public static List<String> warningsFor(
      List<Finding> findings, GroupSpec group, RuleSpec rule, boolean withInfo) {
    List<String> out = new ArrayList<>();
    for (Finding f : findings) {
      if (f.isAbout(group, rule) && (withInfo || f.fails())) {
        out.add(f.check() + ": " + f.message());
      }
    }
    return out;
  }
}
