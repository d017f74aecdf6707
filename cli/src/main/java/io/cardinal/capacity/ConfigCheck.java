package io.cardinal.capacity;

import io.cardinal.config.Config;
import io.cardinal.config.Config.FileSdConfig;
import io.cardinal.config.Config.ScrapeConfig;
import io.cardinal.config.Config.StaticConfig;
import io.cardinal.config.ConfigException;
import io.cardinal.config.ConfigLoader;
import io.cardinal.config.Durations;
import io.cardinal.config.Relabeler;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The worst case a Prometheus configuration allows per scrape job: its targets (static_configs and
 * file_sd_configs files, after relabel_configs, duplicates merged, as the server builds them) times
 * its {@code sample_limit} — with Cloudflare's partial sample_limit a target can never hold more
 * series than that — plus the synthetic series each target writes ({@code up},
 * {@code scrape_duration_seconds}, ... : {@link #SYNTHETIC_PER_TARGET}). A job without a
 * sample_limit has no worst case: it is unbounded.
 */
public final class ConfigCheck {
  /** up, scrape_duration_seconds, scrape_samples_scraped, scrape_samples_post_metric_relabeling,
   * scrape_series_added, and Cardinal's two skipped-sample counters. */
  public static final int SYNTHETIC_PER_TARGET = 7;

  private ConfigCheck() {}

  /** One job of one configuration. {@code worstCase} is -1 when unbounded (no sample_limit). */
  public record Job(String name, int targets, int sampleLimit, int targetLimit, long worstCase, List<String> notes) {
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
    Set<Labels> targets = new HashSet<>();
    for (StaticConfig st : sc.staticConfigs()) {
      for (String a : st.targets()) {
        addTarget(sc, targets, Labels.of("__address__", a), st.labels());
      }
    }
    for (FileSdConfig f : sc.fileSdConfigs()) {
      for (String pattern : f.files()) {
        List<Path> files = expand(base, pattern);
        if (files.isEmpty()) {
          notes.add("file_sd " + pattern + " matches no file (no targets)");
        }
        for (Path p : files) {
          for (Object[] g : readTargetFile(p)) {
            @SuppressWarnings("unchecked")
            List<String> addrs = (List<String>) g[0];
            for (String a : addrs) {
              addTarget(sc, targets, Labels.of("__address__", a), ((Labels) g[1]).toBuilder()
                  .set("__meta_filepath", p.toString()).build());
            }
          }
        }
      }
    }
    int n = targets.size();
    if (sc.targetLimit() > 0 && n > sc.targetLimit()) {
      notes.add(n + " targets exceed target_limit " + sc.targetLimit() + ": every scrape of the job fails");
    }
    long worst = sc.sampleLimit() > 0 ? (long) n * (sc.sampleLimit() + SYNTHETIC_PER_TARGET) : -1;
    return new Job(sc.jobName(), n, sc.sampleLimit(), sc.targetLimit(), worst, notes);
  }

  /** Prometheus's target labels (job, scheme, path, interval, timeout, params), then relabel_configs. */
  private static void addTarget(ScrapeConfig sc, Set<Labels> out, Labels target, Labels group) {
    Labels.Builder b = group.toBuilder();
    for (int i = 0; i < target.size(); i++) {
      b.set(target.name(i), target.value(i));
    }
    Labels base = b.build();
    setDefault(b, base, "job", sc.jobName());
    setDefault(b, base, "__scheme__", sc.scheme());
    setDefault(b, base, "__metrics_path__", sc.metricsPath());
    setDefault(b, base, "__scrape_interval__", Durations.format(sc.scrapeIntervalMs()));
    setDefault(b, base, "__scrape_timeout__", Durations.format(sc.scrapeTimeoutMs()));
    for (Map.Entry<String, List<String>> p : sc.params().entrySet()) {
      if (!p.getValue().isEmpty()) {
        setDefault(b, base, "__param_" + p.getKey(), p.getValue().get(0));
      }
    }
    Labels rl = Relabeler.process(b.build(), sc.relabelConfigs());
    if (rl == null || rl.get("__address__").isEmpty()) {
      return;
    }
    Labels.Builder key = Labels.builder();
    for (int i = 0; i < rl.size(); i++) {
      String name = rl.name(i);
      if (!name.startsWith("__") || name.equals("__address__") || name.equals("__scheme__")
          || name.equals("__metrics_path__") || name.startsWith("__param_")) {
        key.set(name, rl.value(i));
      }
    }
    out.add(key.build());
  }

  private static void setDefault(Labels.Builder b, Labels base, String name, String value) {
    if (!base.has(name)) {
      b.set(name, value);
    }
  }

  static List<Path> expand(Path base, String pattern) throws BadInputException {
    Path p = base.resolve(pattern);
    Path dir = p.getParent() == null ? base : p.getParent();
    String name = p.getFileName().toString();
    List<Path> out = new ArrayList<>();
    if (!name.contains("*") && !name.contains("?") && !name.contains("[")) {
      if (Files.isRegularFile(p)) {
        out.add(p);
      }
      return out;
    }
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + name);
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      TreeSet<Path> sorted = new TreeSet<>();
      for (Path f : ds) {
        if (m.matches(f.getFileName()) && Files.isRegularFile(f)) {
          sorted.add(f);
        }
      }
      out.addAll(sorted);
    } catch (IOException e) {
      throw new BadInputException("file_sd " + pattern + ": " + e.getMessage());
    }
    return out;
  }

  /** A file_sd file (JSON or YAML): {@code [{targets: [...], labels: {...}}, ...]} as {addresses, labels}. */
  @SuppressWarnings("unchecked")
  static List<Object[]> readTargetFile(Path f) throws BadInputException {
    Object doc;
    try {
      doc = new Yaml(new LoaderOptions()).load(Files.readString(f, StandardCharsets.UTF_8));
    } catch (IOException | YAMLException e) {
      throw new BadInputException("file_sd file " + f + ": " + e.getMessage());
    }
    List<Object[]> out = new ArrayList<>();
    if (doc == null) {
      return out;
    }
    if (!(doc instanceof List)) {
      throw new BadInputException("file_sd file " + f + ": must hold a list of target groups");
    }
    int i = 0;
    for (Object o : (List<Object>) doc) {
      if (!(o instanceof Map)) {
        throw new BadInputException("file_sd file " + f + ": target group " + i + " is not a mapping");
      }
      Map<Object, Object> m = (Map<Object, Object>) o;
      List<String> addrs = new ArrayList<>();
      Object t = m.get("targets");
      if (t instanceof List) {
        for (Object x : (List<Object>) t) {
          addrs.add(String.valueOf(x));
        }
      } else if (t != null) {
        throw new BadInputException("file_sd file " + f + ": targets of group " + i + " is not a list");
      }
      Labels.Builder b = Labels.builder();
      Object l = m.get("labels");
      if (l instanceof Map) {
        for (Map.Entry<Object, Object> e : ((Map<Object, Object>) l).entrySet()) {
          b.set(String.valueOf(e.getKey()), e.getValue() == null ? "" : String.valueOf(e.getValue()));
        }
      } else if (l != null) {
        throw new BadInputException("file_sd file " + f + ": labels of group " + i + " is not a mapping");
      }
      out.add(new Object[] {addrs, b.build()});
      i++;
    }
    return out;
  }

  /** One job in the comparison; {@code delta} is the change of the worst case (0 when unbounded but unchanged). */
  public record JobDelta(String name, Job before, Job after, long delta, boolean unboundedChange) {}

  /** Compares two configurations job by job, in the new file's order, then jobs only the old one has. */
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
        delta = 0; // from unbounded to bounded: cannot say how much is freed; nothing is added
      } else {
        delta = wa - wb;
      }
      out.add(new JobDelta(n, b, a, delta, unboundedChange));
    }
    return out;
  }
}
