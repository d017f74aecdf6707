package io.cardinal.capacity;

import io.cardinal.config.Config;
import io.cardinal.config.Config.FileSdConfig;
import io.cardinal.config.Config.ScrapeConfig;
import io.cardinal.config.Config.StaticConfig;
import io.cardinal.config.ConfigException;
import io.cardinal.config.ConfigLoader;
import io.cardinal.discovery.FileDiscovery;
import io.cardinal.discovery.TargetGroup;
import io.cardinal.scrape.Target;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The worst case a Prometheus configuration allows per scrape job: its targets (static_configs and
 * file_sd_configs files, after relabel_configs, duplicates merged, as the server builds them) times
 * its {@code sample_limit} — with Cloudflare's partial sample_limit a target can never hold more
 * series than that — plus the synthetic series each target writes ({@code up}, {@code
 * scrape_duration_seconds}, ... : {@link #SYNTHETIC_PER_TARGET}). A job without a sample_limit has
 * no worst case: it is unbounded.
 */
final class ConfigCheck {
  /**
   * up, scrape_duration_seconds, scrape_samples_scraped, scrape_samples_post_metric_relabeling,
   * scrape_series_added, and Cardinal's two skipped-sample counters.
   */
  public static final int SYNTHETIC_PER_TARGET = 7;

  private ConfigCheck() {}

  /** One job of one configuration. {@code worstCase} is -1 when unbounded (no sample_limit). */
  public record Job(
      String name,
      int targets,
      int sampleLimit,
      int targetLimit,
      long worstCase,
      List<String> notes) {
    public boolean unbounded() {
      return worstCase < 0;
    }
  }

  /** Loads a configuration file with the server's own loader and counts each job's targets. */
  public static Map<String, Job> jobs(Path file) throws BadInputException {
    Config c;
    try {
      c = ConfigLoader.load(file);
    } catch (ConfigException e) {
      throw new BadInputException(file + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new BadInputException(file + ": " + e.getMessage());
    }
    Path base = file.toAbsolutePath().getParent();
    Map<String, Job> out = new LinkedHashMap<>();
    for (ScrapeConfig sc : c.scrapeConfigs()) {
      out.put(sc.jobName(), job(sc, base));
    }
    return out;
  }

  /** The jobs of a configuration given as text (a running server's /api/v1/status/config). */
  public static Map<String, Integer> sampleLimits(String yaml) throws BadInputException {
    Config c;
    try {
      c = ConfigLoader.parse(yaml);
    } catch (ConfigException | RuntimeException e) {
      throw new BadInputException("the server's configuration: " + e.getMessage());
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    for (ScrapeConfig sc : c.scrapeConfigs()) {
      out.put(sc.jobName(), sc.sampleLimit());
    }
    return out;
  }

  static Job job(ScrapeConfig sc, Path base) throws BadInputException {
    List<String> notes = new ArrayList<>();
    // The server's own discovery and target label pipeline, deduplicated by the server's target
    // key: the
    // count is what the server would scrape.
    Set<String> targets = new HashSet<>();
    for (StaticConfig st : sc.staticConfigs()) {
      addTargets(sc, targets, TargetGroup.ofAddresses("static", st.targets(), st.labels()));
    }
    for (FileSdConfig f : sc.fileSdConfigs()) {
      for (String pattern : f.files()) {
        List<Path> files = FileDiscovery.expand(base, pattern);
        if (files.isEmpty()) {
          notes.add("file_sd " + pattern + " matches no file (no targets)");
        }
        for (Path p : files) {
          List<TargetGroup> groups;
          try {
            groups = FileDiscovery.read(p);
          } catch (IOException | RuntimeException e) {
            throw new BadInputException("file_sd file " + p + ": " + e.getMessage());
          }
          for (TargetGroup g : groups) {
            addTargets(sc, targets, g);
          }
        }
      }
    }
    int n = targets.size();
    if (sc.targetLimit() > 0 && n > sc.targetLimit()) {
      notes.add(
          n
              + " targets exceed target_limit "
              + sc.targetLimit()
              + ": every scrape of the job fails");
    }
    long worst = sc.sampleLimit() > 0 ? (long) n * (sc.sampleLimit() + SYNTHETIC_PER_TARGET) : -1;
    return new Job(sc.jobName(), n, sc.sampleLimit(), sc.targetLimit(), worst, notes);
  }

  private static void addTargets(ScrapeConfig sc, Set<String> out, TargetGroup g) {
    for (Labels tl : g.targets()) {
      Target t = Target.build(sc, tl, g.labels()).target();
      if (t != null) {
        out.add(t.key());
      }
    }
  }

  /**
   * One job in the comparison; {@code delta} is the change of the worst case (0 when unbounded but
   * unchanged).
   */
  public record JobDelta(String name, Job before, Job after, long delta, boolean unboundedChange) {}

  /**
   * Compares two configurations job by job, in the new file's order, then jobs only the old one
   * has.
   */
  public static List<JobDelta> compare(Map<String, Job> before, Map<String, Job> after) {
    List<JobDelta> out = new ArrayList<>();
    Set<String> names = new java.util.LinkedHashSet<>(after.keySet());
    names.addAll(before.keySet());
    for (String n : names) {
      Job b = before.get(n);
      Job a = after.get(n);
      long wb = b == null ? 0 : b.worstCase();
      long wa = a == null ? 0 : a.worstCase();
      boolean unboundedChange = false;
      long delta;
      if (a != null && a.unbounded()) {
        boolean same = b != null && b.unbounded() && b.targets() >= a.targets();
        unboundedChange = !same;
        delta = 0;
      } else if (b != null && b.unbounded()) {
        // From unbounded to bounded: how many of the head's series are this job's is not known
        // here, so at worst the job adds its whole new worst case (counting 0 here once said "+0,
        // fits" for a change that did not fit).
        delta = wa;
      } else {
        delta = wa - wb;
      }
      out.add(new JobDelta(n, b, a, delta, unboundedChange));
    }
    return out;
  }
}
