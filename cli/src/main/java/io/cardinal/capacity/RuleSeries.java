package io.cardinal.capacity;

import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.rulelint.CostCheck;
import io.cardinal.rulelint.Finding;
import io.cardinal.rulelint.HttpSource;
import io.cardinal.rulelint.LintOptions;
import io.cardinal.rulelint.LintSourceException;
import io.cardinal.rulelint.RuleLinter;
import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.RuleFileException;
import io.cardinal.rules.RuleFiles;
import io.cardinal.rules.RuleSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The series recording rules would add to a server, for {@code capacity check --rules}: each rule's
 * expression run on the server now (rulelint's cost check), less the series of that name the server
 * already holds (a rule already loaded), summed per file as one more "job" of the check.
 */
final class RuleSeries {
  private RuleSeries() {}

  static List<ConfigCheck.JobDelta> deltas(String url, List<Path> files) throws BadInputException {
    List<GroupSpec> groups;
    try {
      groups = RuleFiles.load(files);
    } catch (RuleFileException e) {
      throw new BadInputException(e.getMessage());
    }
    Map<String, long[]> perFile = new LinkedHashMap<>();
    Map<String, List<String>> notes = new LinkedHashMap<>();
    try (HttpSource source = new HttpSource(URI.create(url))) {
      List<Finding> findings =
          new RuleLinter(source, LintOptions.defaults(), List.of(new CostCheck())).lint(groups);
      long now = System.currentTimeMillis();
      for (GroupSpec g : groups) {
        for (RuleSpec r : g.rules()) {
          if (r.isAlerting()) {
            continue;
          }
          long created = 0;
          for (Finding f : findings) {
            if (f.isAbout(g, r) && f.details().get("series") instanceof Number n) {
              created = n.longValue();
            }
          }
          long existing =
              source
                  .series(
                      List.of(new LabelMatcher(LabelMatcher.Type.EQ, "__name__", r.record())),
                      now - 5 * 60_000L,
                      now)
                  .size();
          long delta = Math.max(0, created - existing);
          perFile.computeIfAbsent(g.file(), k -> new long[1])[0] += delta;
          if (delta > 0) {
            notes
                .computeIfAbsent(g.file(), k -> new ArrayList<>())
                .add("recording rule " + r.record() + " adds " + delta + " series");
          }
        }
      }
    } catch (LintSourceException e) {
      throw new BadInputException(
          "cannot count the rules' series on " + url + ": " + e.getMessage());
    }
    List<ConfigCheck.JobDelta> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : perFile.entrySet()) {
      String name = "rules " + Path.of(e.getKey()).getFileName();
      long d = e.getValue()[0];
      ConfigCheck.Job job =
          new ConfigCheck.Job(name, 0, 0, 0, d, notes.getOrDefault(e.getKey(), List.of()));
      out.add(new ConfigCheck.JobDelta(name, null, job, d, false));
    }
    return out;
  }
}
