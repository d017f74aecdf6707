package io.cardinal.discovery;

import io.cardinal.config.Config.FileSdConfig;
import io.cardinal.config.ConfigLoader;
import io.cardinal.config.Globs;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.Yaml;

/**
 * file_sd_configs: reads JSON or YAML target files ({@code [{targets: [...], labels: {...}}]}),
 * with a glob allowed in the last path element. {@link #poll} re-reads a file when its modification
 * time or size changed, and every file at least once per refresh_interval. A file that fails to
 * parse keeps its previous targets, as in Prometheus.
 */
public final class FileDiscovery implements Discoverer {
  private static final Logger log = LoggerFactory.getLogger(FileDiscovery.class);

  private final FileSdConfig config;
  private final Path baseDir;

  /** Per file: the groups last read successfully. */
  private final Map<Path, List<TargetGroup>> groups = new TreeMap<>();

  private final Map<Path, String> stamps = new HashMap<>();
  private long lastFullRefresh;

  public FileDiscovery(FileSdConfig config, Path baseDir) {
    this.config = config;
    this.baseDir = baseDir;
  }

  /** Re-reads changed files; returns true when the set of groups may have changed. */
  @Override
  public boolean poll(long nowMs) {
    return poll(nowMs, false);
  }

  /** As {@link #poll(long)}; {@code force} re-reads every file, changed or not. */
  public synchronized boolean poll(long nowMs, boolean force) {
    boolean full = force || nowMs - lastFullRefresh >= config.refreshIntervalMs();
    if (full) {
      lastFullRefresh = nowMs;
    }
    List<Path> files = expand();
    boolean changed = groups.keySet().retainAll(files);
    stamps.keySet().retainAll(files);
    for (Path f : files) {
      String stamp;
      try {
        stamp =
            Files.getLastModifiedTime(f).to(java.util.concurrent.TimeUnit.NANOSECONDS)
                + "/"
                + Files.size(f);
      } catch (IOException e) {
        continue;
      }
      if (!full && stamp.equals(stamps.get(f))) {
        continue;
      }
      stamps.put(f, stamp);
      try {
        List<TargetGroup> read = read(f);
        if (!read.equals(groups.get(f))) {
          groups.put(f, read);
          changed = true;
        }
      } catch (IOException | RuntimeException e) {
        log.error(
            "msg=\"Error reading file\" component=\"discovery\" path={} err=\"{}\"",
            f,
            e.getMessage());
      }
    }
    return changed;
  }

  @Override
  public synchronized List<TargetGroup> groups() {
    List<TargetGroup> out = new ArrayList<>();
    groups.values().forEach(out::addAll);
    return out;
  }

  private List<Path> expand() {
    List<Path> out = new ArrayList<>();
    for (String pattern : config.files()) {
      out.addAll(expand(baseDir, pattern));
    }
    out.sort(null);
    return out;
  }

  /**
   * The regular files one {@code files} entry names, relative to {@code baseDir}: a path or a Go
   * glob ({@link Globs}), sorted. A missing directory is no files, not an error.
   */
  public static List<Path> expand(Path baseDir, String pattern) {
    List<Path> out = new ArrayList<>();
    try {
      for (Path f : Globs.expand(baseDir, pattern)) {
        if (Files.isRegularFile(f)) {
          out.add(f);
        }
      }
    } catch (IOException e) {
      // An unreadable directory is just no targets, as a missing one is.
    }
    return out;
  }

  /**
   * One file_sd file (JSON or YAML): a list of {@code {targets: [...], labels: {...}}} groups, each
   * with {@code __meta_filepath}. Throws IllegalArgumentException naming what is malformed.
   */
  public static List<TargetGroup> read(Path f) throws IOException {
    return parseGroups(
        Files.readString(f, StandardCharsets.UTF_8), f.toString(), "__meta_filepath", f.toString());
  }

  /**
   * A list of {@code {targets: [...], labels: {...}}} groups as file and HTTP discovery give them:
   * group i's source is {@code source:i}, and {@code metaName=metaValue} is added to its labels.
   * Throws IllegalArgumentException naming what is malformed.
   */
  @SuppressWarnings("unchecked")
  public static List<TargetGroup> parseGroups(
      String text, String source, String metaName, String metaValue) {
    Object doc = new Yaml(ConfigLoader.yamlOptions()).load(text);
    List<TargetGroup> out = new ArrayList<>();
    if (doc == null) {
      return out;
    }
    if (!(doc instanceof List)) {
      throw new IllegalArgumentException("file must hold a list of target groups");
    }
    int i = 0;
    for (Object o : (List<Object>) doc) {
      if (!(o instanceof Map)) {
        throw new IllegalArgumentException("target group " + i + " is not a mapping");
      }
      Map<String, Object> m = (Map<String, Object>) o;
      for (String k : m.keySet()) {
        if (!k.equals("targets") && !k.equals("labels")) {
          throw new IllegalArgumentException("field " + k + " not found in target group");
        }
      }
      List<String> targets = new ArrayList<>();
      Object t = m.get("targets");
      if (t instanceof List) {
        for (Object x : (List<Object>) t) {
          targets.add(String.valueOf(x));
        }
      } else if (t != null) {
        throw new IllegalArgumentException("targets of group " + i + " is not a list");
      }
      Labels.Builder b = Labels.builder();
      Object l = m.get("labels");
      if (l instanceof Map) {
        for (Map.Entry<Object, Object> e : ((Map<Object, Object>) l).entrySet()) {
          b.set(
              String.valueOf(e.getKey()), e.getValue() == null ? "" : String.valueOf(e.getValue()));
        }
      } else if (l != null) {
        throw new IllegalArgumentException("labels of group " + i + " is not a mapping");
      }
      b.set(metaName, metaValue);
      out.add(TargetGroup.ofAddresses(source + ":" + i, targets, b.build()));
      i++;
    }
    return out;
  }
}
