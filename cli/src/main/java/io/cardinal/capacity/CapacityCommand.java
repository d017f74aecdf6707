package io.cardinal.capacity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cardinal.capacity.model.MemoryModel;
import io.cardinal.cli.tsdb.GoFormat;
import io.cardinal.config.Durations;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cardinal capacity}: how many series a server holds safely ({@code plan}), and whether a
 * configuration change still fits ({@code check}). Exit codes: 0 fits (or a plan was made), 1 does
 * not fit, 2 bad input (unloadable configuration, unreachable server, nonsensical budget).
 */
@Command(
    name = "capacity",
    mixinStandardHelpOptions = true,
    description =
        "Plan series capacity from measured bytes per series, and check configuration changes.",
    subcommands = {
      CapacityCommand.Plan.class,
      CapacityCommand.Check.class,
      CapacityCommand.Calibrate.class
    })
public final class CapacityCommand implements Runnable {
  /**
   * Created on first use: picocli builds every command at start-up, and the server must not pay for
   * it.
   */
  private static final class Json {
    static final ObjectMapper MAPPER =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }

  static int badInput(PrintWriter err, String msg) {
    err.println("capacity: " + msg);
    err.flush();
    return 2;
  }

  static String num(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String pct(double f) {
    return String.format(Locale.ROOT, "%.0f%%", f * 100);
  }

  /** The label profile and size of a calibration run. */
  public static final class ProfileOptions {
    @Option(
        names = "--labels",
        description =
            "Labels per series, the metric name included "
                + "(default: the engine's standard 10-label profile).")
    Integer labels;

    @Option(
        names = "--value-length",
        description = "Characters per label value (default 16 with --labels).")
    Integer valueLength;

    @Option(
        names = "--unique-labels",
        defaultValue = "0",
        description =
            "Of those, labels whose value is unique " + "to each series (IDs, full URLs).")
    int uniqueLabels;

    @Option(
        names = "--samples-per-series",
        defaultValue = "720",
        description =
            "Samples each series holds in "
                + "the head (default 720: the head's 3 hours at a 15s scrape interval).")
    int samples;

    @Option(
        names = "--churn-per-hour",
        defaultValue = "0",
        description = "Series created (and as many " + "removed) per hour.")
    long churnPerHour;

    @Option(
        names = "--stale-series-idle",
        defaultValue = "0s",
        description =
            "The server's --storage.tsdb.head.stale-series-idle: removed series leave the head "
                + "within one scrape interval (their staleness marker) plus one 30s check, "
                + "instead of staying up to 3h (0s: eviction off).")
    String staleSeriesIdle;

    @Option(
        names = "--churn-pushed",
        description =
            "The churning series are pushed (remote write, OTLP), not scraped: they get no "
                + "staleness marker and stay the whole --stale-series-idle plus one check.")
    boolean churnPushed;

    long lingerSeconds() throws BadInputException {
      long ms;
      long interval;
      try {
        ms = Durations.parse(staleSeriesIdle);
        interval = Durations.parse(scrapeInterval);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--stale-series-idle or --scrape-interval: " + e.getMessage());
      }
      return MemoryModel.lingerSeconds(ms / 1000, interval / 1000, churnPushed);
    }

    @Option(
        names = "--calibration-series",
        defaultValue = "50000",
        description = "Series of the calibration " + "head (measured at half and at this size).")
    long calibrationSeries;

    @Option(
        names = "--scrape-interval",
        defaultValue = "15s",
        description =
            "Spacing of the calibration's samples, and how soon a scraped series that went "
                + "away gets its staleness marker.")
    String scrapeInterval;

    SeriesProfile profile() throws BadInputException {
      if (labels == null && valueLength == null && uniqueLabels == 0) {
        return SeriesProfile.STANDARD;
      }
      int l = labels == null ? 10 : labels;
      int v = valueLength == null ? 16 : valueLength;
      if (l < 2 || l > 1000) {
        throw new BadInputException("--labels must be between 2 and 1000");
      }
      if (v < 1 || v > 10_000) {
        throw new BadInputException("--value-length must be between 1 and 10000");
      }
      if (uniqueLabels < 0 || uniqueLabels > l - 2) {
        throw new BadInputException("--unique-labels must be between 0 and --labels minus 2");
      }
      return new SeriesProfile(l, v, 250, uniqueLabels);
    }

    Calibration.Result calibrate() throws BadInputException {
      SeriesProfile p = profile();
      if (samples < 1 || samples > 100_000) {
        throw new BadInputException("--samples-per-series must be between 1 and 100000");
      }
      if (calibrationSeries < 1000 || calibrationSeries > 10_000_000) {
        throw new BadInputException("--calibration-series must be between 1000 and 10000000");
      }
      long interval;
      try {
        interval = Durations.parse(scrapeInterval);
      } catch (RuntimeException e) {
        throw new BadInputException("--scrape-interval: " + e.getMessage());
      }
      if (interval <= 0) {
        throw new BadInputException("--scrape-interval must be positive");
      }
      return Calibration.run(p, calibrationSeries, samples, interval);
    }
  }

  /** The reserve fractions, overridable. */
  public static final class ReserveOptions {
    @Option(
        names = "--reserve-jvm",
        defaultValue = "0.10",
        description =
            "Fraction kept for the JVM outside "
                + "the heap (metaspace, code, threads, GC structures).")
    double jvm;

    @Option(
        names = "--reserve-gc",
        defaultValue = "0.20",
        description = "Fraction of free heap the garbage " + "collector needs.")
    double gc;

    @Option(
        names = "--reserve-queries",
        defaultValue = "0.15",
        description = "Fraction kept for query evaluation.")
    double queries;

    @Option(
        names = "--reserve-compaction",
        defaultValue = "0.05",
        description = "Fraction kept for writing blocks.")
    double compaction;

    MemoryModel model() throws BadInputException {
      try {
        return new MemoryModel(jvm, gc, queries, compaction);
      } catch (IllegalArgumentException e) {
        throw new BadInputException(e.getMessage());
      }
    }
  }

  /** Bytes per series and where they came from. */
  record PerSeries(
      double heap,
      double chunks,
      long fixed,
      String source,
      Calibration.Result calibration,
      ServerState server) {
    double total() {
      return heap + chunks;
    }
  }

  /** Below this many head series a server's heap says little about what a series costs. */
  static final long SMALL_HEAD = 100_000;

  static PerSeries fromServer(ServerState s) throws BadInputException {
    if (s.headSeries() <= 0) {
      throw new BadInputException(
          s.url()
              + " holds no series: nothing to divide by; measure with a calibration "
              + "run instead (leave out --url)");
    }
    if (Double.isNaN(s.heapUsed())) {
      throw new BadInputException(
          s.url() + "/metrics reports no heap in use (jvm_memory_used_bytes{area=\"heap\"})");
    }
    String src =
        "measured on "
            + s.url()
            + ": heap in use "
            + ByteSize.format(s.heapUsed())
            + " / "
            + num(s.headSeries())
            + " head series"
            + (s.chunkBytesExposed()
                ? " + mapped head chunks " + ByteSize.format(s.chunkBytes())
                : " (the server does not expose its head chunk bytes; mapped chunks not counted)")
            + (s.headSeries() < SMALL_HEAD
                ? "; warning: with only "
                    + num(s.headSeries())
                    + " series the heap is "
                    + "mostly the server's own baseline, so bytes per series is overstated: calibrate instead (no --url)"
                : "");
    return new PerSeries(s.heapPerSeries(), s.chunkBytesPerSeries(), 0, src, null, s);
  }

  static PerSeries fromCalibration(Calibration.Result r) {
    String src =
        String.format(
            Locale.ROOT,
            "calibration run of the engine: %s series (%s), %d samples each, "
                + "heap after GC + chunk bytes, in %.1fs",
            num(r.series()),
            r.profile(),
            r.samplesPerSeries(),
            r.millis() / 1000.0);
    return new PerSeries(
        r.heapBytesPerSeries(), r.chunkBytesPerSeries(), r.fixedHeapBytes(), src, r, null);
  }

  // ------------------------------------------------------------------ plan

  @Command(
      name = "plan",
      mixinStandardHelpOptions = true,
      description = "How many series fit in a memory budget, from measured bytes per series.")
  public static final class Plan implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--memory",
        description =
            "Memory budget of the process (8GiB, 512MiB, bytes). Default with "
                + "--url: the server's maximum heap.")
    String memory;

    @Option(
        names = "--url",
        description = "Measure bytes per series on this running server (its /metrics).")
    String url;

    @Option(names = "--output", defaultValue = "text", description = "text or json.")
    String output;

    @Mixin ProfileOptions profile;

    @Mixin ReserveOptions reserves;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        if (!output.equals("text") && !output.equals("json")) {
          throw new BadInputException("--output must be text or json");
        }
        MemoryModel model = reserves.model();
        PerSeries ps;
        long budget;
        boolean heapOnly = false;
        String budgetSource;
        long churn = profile.churnPerHour;
        if (url != null) {
          ServerState s = ServerState.read(new ServerClient(url));
          ps = fromServer(s);
          if (memory != null) {
            budget = ByteSize.parse(memory);
            budgetSource = "--memory";
          } else if (!Double.isNaN(s.heapMax()) && s.heapMax() > 0) {
            budget = (long) s.heapMax();
            heapOnly = true;
            budgetSource = "the server's maximum heap (jvm_memory_max_bytes)";
          } else {
            throw new BadInputException(
                "no --memory given and " + url + " reports no maximum heap");
          }
          if (churn == 0 && !Double.isNaN(s.seriesCreated()) && s.uptimeSeconds() > 0) {
            churn = Math.round(s.seriesRemoved() * 3600 / s.uptimeSeconds());
          }
        } else {
          if (memory == null) {
            throw new BadInputException("give --memory (or --url to read a running server)");
          }
          budget = ByteSize.parse(memory);
          budgetSource = "--memory";
          ps = fromCalibration(profile.calibrate());
        }
        double perSeries = heapOnly ? ps.heap() : ps.total();
        MemoryModel.Plan plan =
            plan(model, budget, heapOnly, perSeries, ps.fixed(), churn, profile.lingerSeconds());
        if (output.equals("json")) {
          out.println(Json.MAPPER.writeValueAsString(planJson(plan, model, ps, budgetSource)));
        } else {
          out.print(planText(plan, model, ps, budgetSource));
        }
        out.flush();
        return 0;
      } catch (BadInputException e) {
        return badInput(err, e.getMessage());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return badInput(err, e.getMessage());
      }
    }
  }

  /** The model's plan; a budget or measurement it refuses is bad input (exit 2). */
  static MemoryModel.Plan plan(
      MemoryModel model,
      long budget,
      boolean heapOnly,
      double perSeries,
      long fixed,
      long churn,
      long lingerSeconds)
      throws BadInputException {
    try {
      return model.plan(budget, heapOnly, perSeries, fixed, churn, lingerSeconds);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
  }

  static String planText(MemoryModel.Plan p, MemoryModel m, PerSeries ps, String budgetSource) {
    StringBuilder sb = new StringBuilder();
    long b = p.budgetBytes();
    sb.append(
        String.format(
            Locale.ROOT,
            "Memory budget:        %s (%s%s)%n",
            ByteSize.format(b),
            budgetSource,
            p.heapOnly() ? "; a heap size, so no non-heap reserve" : ""));
    sb.append(
        String.format(
            Locale.ROOT,
            "Reserved:             %s = %s%n",
            pct(p.reservedFraction()),
            ByteSize.format(b * p.reservedFraction())));
    if (!p.heapOnly()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-4s %-62s %s%n",
              pct(m.jvm()),
              "JVM outside the heap (metaspace, code cache, threads, GC data)",
              ByteSize.format(b * m.jvm())));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-4s %-62s %s%n",
            pct(m.gc()),
            "garbage collector headroom (free heap)",
            ByteSize.format(b * m.gc())));
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-4s %-62s %s%n",
            pct(m.queries()),
            "queries (decoded samples, results)",
            ByteSize.format(b * m.queries())));
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-4s %-62s %s%n",
            pct(m.compaction()),
            "compaction (writing blocks)",
            ByteSize.format(b * m.compaction())));
    sb.append(
        String.format(Locale.ROOT, "Usable for series:    %s%n", ByteSize.format(p.usableBytes())));
    sb.append(
        String.format(
            Locale.ROOT,
            "Bytes per series:     %.0f (heap %.0f + chunks %.0f%s)%n",
            p.bytesPerSeries(),
            ps.heap(),
            ps.chunks(),
            p.heapOnly() ? "; chunks are outside a heap budget" : ""));
    sb.append("  ").append(ps.source()).append('\n');
    if (ps.fixed() > 0) {
      sb.append(
          String.format(Locale.ROOT, "Head fixed cost:      %s%n", ByteSize.format(ps.fixed())));
    }
    if (p.churnPerHour() > 0) {
      sb.append(
          String.format(
              Locale.ROOT,
              "Churn:                %s series/h: up to %s removed series stay in the "
                  + "head %s%n",
              num(p.churnPerHour()),
              num(p.lingeringSeries()),
              p.lingerSeconds() >= MemoryModel.CHURN_LINGER_HOURS * 3600L
                  ? "until it is truncated (" + MemoryModel.CHURN_LINGER_HOURS + "h)"
                  : "for " + p.lingerSeconds() + "s (stale-series eviction)"));
    }
    sb.append(String.format(Locale.ROOT, "Series that fit:      %s%n", num(p.seriesThatFit())));
    if (ps.server() != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "Head series now:      %s (%s of what fits)%n",
              num(ps.server().headSeries()),
              p.seriesThatFit() == 0
                  ? "n/a"
                  : pct((double) ps.server().headSeries() / p.seriesThatFit())));
    }
    return sb.toString();
  }

  static ObjectNode planJson(MemoryModel.Plan p, MemoryModel m, PerSeries ps, String budgetSource) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("memoryBytes", p.budgetBytes());
    o.put("memorySource", budgetSource);
    o.put("heapOnlyBudget", p.heapOnly());
    ObjectNode r = o.putObject("reserves");
    r.put("jvm", p.heapOnly() ? 0 : m.jvm());
    r.put("gc", m.gc());
    r.put("queries", m.queries());
    r.put("compaction", m.compaction());
    r.put("total", Math.round(p.reservedFraction() * 10000) / 10000.0);
    o.put("usableBytes", p.usableBytes());
    o.put("bytesPerSeries", Math.round(p.bytesPerSeries() * 10) / 10.0);
    o.put("heapBytesPerSeries", Math.round(ps.heap() * 10) / 10.0);
    o.put("chunkBytesPerSeries", Math.round(ps.chunks() * 10) / 10.0);
    o.put("fixedBytes", ps.fixed());
    o.put("measurement", ps.source());
    if (ps.calibration() != null) {
      Calibration.Result c = ps.calibration();
      ObjectNode cal = o.putObject("calibration");
      cal.put("series", c.series());
      cal.put("samplesPerSeries", c.samplesPerSeries());
      cal.put("labels", c.profile().labels());
      cal.put("valueLength", c.profile().valueLength());
      cal.put("profile", c.profile().toString());
      cal.put("millis", c.millis());
    }
    if (ps.server() != null) {
      o.put("headSeries", ps.server().headSeries());
    }
    o.put("churnPerHour", p.churnPerHour());
    o.put("lingerSeconds", p.lingerSeconds());
    o.put("lingeringSeries", p.lingeringSeries());
    o.put("seriesThatFit", p.seriesThatFit());
    return o;
  }

  // ------------------------------------------------------------------ check

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Whether a configuration change fits: worst-case series per scrape job (targets × "
              + "sample_limit) in the old and new file, the change, and the verdict against the head's series "
              + "limit and the memory budget. Exit 0 fits, 1 does not, 2 bad input.")
  public static final class Check implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--old",
        required = true,
        description = "The configuration in use (prometheus.yml).")
    Path oldFile;

    @Option(names = "--new", required = true, description = "The changed configuration.")
    Path newFile;

    @Option(
        names = "--url",
        description =
            "A running server: its head series, its series limit, and its bytes " + "per series.")
    String url;

    @Option(names = "--head-series", description = "Series in the head now (without --url).")
    Long headSeries;

    @Option(
        names = "--max-series",
        description =
            "--storage.tsdb.head.max-series of the server (0: no limit). "
                + "With --url, overrides the server's.")
    Long maxSeries;

    @Option(
        names = "--memory",
        description = "Memory budget to check against as well (8GiB, bytes).")
    String memory;

    @Option(
        names = "--bytes-per-series",
        description =
            "Bytes per series measured earlier (capacity plan); "
                + "without it a calibration run or the server measures them.")
    Double bytesPerSeries;

    @Option(
        names = "--rules",
        arity = "1..*",
        paramLabel = "RULE-FILE",
        description =
            "Rule files the change loads: the series their recording rules would create (what"
                + " their expressions return now, less what already exists) count as added."
                + " Needs --url.")
    List<Path> rules;

    @Option(names = "--output", defaultValue = "text", description = "text or json.")
    String output;

    @Mixin ProfileOptions profile;

    @Mixin ReserveOptions reserves;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        if (!output.equals("text") && !output.equals("json")) {
          throw new BadInputException("--output must be text or json");
        }
        ServerState server = null;
        long head;
        long max;
        if (url != null) {
          server = ServerState.read(new ServerClient(url));
          head = headSeries != null ? headSeries : server.headSeries();
          max = maxSeries != null ? maxSeries : server.maxSeries();
        } else {
          if (headSeries == null || maxSeries == null) {
            throw new BadInputException("give --url, or both --head-series and --max-series");
          }
          head = headSeries;
          max = maxSeries;
        }
        if (head < 0 || max < 0) {
          throw new BadInputException("--head-series and --max-series must not be negative");
        }
        Map<String, ConfigCheck.Job> before = ConfigCheck.jobs(oldFile);
        Map<String, ConfigCheck.Job> after = ConfigCheck.jobs(newFile);
        List<ConfigCheck.JobDelta> jobs =
            new java.util.ArrayList<>(ConfigCheck.compare(before, after));
        if (rules != null && !rules.isEmpty()) {
          if (url == null) {
            throw new BadInputException(
                "--rules needs --url: the rules' series are counted on the server");
          }
          jobs.addAll(RuleSeries.deltas(url, rules));
        }
        MemoryModel.Plan plan = null;
        PerSeries ps = null;
        if (memory != null) {
          long budget = ByteSize.parse(memory);
          MemoryModel model = reserves.model();
          if (bytesPerSeries != null) {
            if (!(bytesPerSeries > 0)) {
              throw new BadInputException("--bytes-per-series must be positive");
            }
            ps = new PerSeries(bytesPerSeries, 0, 0, "--bytes-per-series", null, null);
          } else if (server != null) {
            ps = fromServer(server);
          } else {
            ps = fromCalibration(profile.calibrate());
          }
          plan =
              plan(
                  model,
                  budget,
                  false,
                  ps.total(),
                  ps.fixed(),
                  profile.churnPerHour,
                  profile.lingerSeconds());
        }
        Verdict v = verdict(jobs, head, max, plan, ps);
        if (output.equals("json")) {
          out.println(Json.MAPPER.writeValueAsString(checkJson(v)));
        } else {
          out.print(checkText(v));
        }
        out.flush();
        return v.fits() ? 0 : 1;
      } catch (BadInputException e) {
        return badInput(err, e.getMessage());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return badInput(err, e.getMessage());
      }
    }
  }

  /** The outcome of a check. */
  record Verdict(
      List<ConfigCheck.JobDelta> jobs,
      long headSeries,
      long maxSeries,
      long added,
      long projected,
      MemoryModel.Plan plan,
      PerSeries perSeries,
      boolean fitsSeriesLimit,
      boolean fitsMemory,
      List<String> reasons) {
    boolean fits() {
      return reasons.isEmpty();
    }
  }

  static Verdict verdict(
      List<ConfigCheck.JobDelta> jobs, long head, long max, MemoryModel.Plan plan, PerSeries ps) {
    long added = 0;
    List<String> reasons = new java.util.ArrayList<>();
    for (ConfigCheck.JobDelta j : jobs) {
      added += Math.max(0, j.delta());
      if (j.unboundedChange()) {
        reasons.add(
            "job \""
                + j.name()
                + "\" has no sample_limit and gains targets: its series are unbounded "
                + "(set sample_limit)");
      }
    }
    long projected = head + added;
    boolean fitsLimit = max == 0 || projected <= max;
    if (!fitsLimit) {
      reasons.add(
          "worst case "
              + num(projected)
              + " series exceeds --storage.tsdb.head.max-series "
              + num(max)
              + " by "
              + num(projected - max));
    }
    boolean fitsMemory = true;
    if (plan != null) {
      fitsMemory = projected <= plan.seriesThatFit();
      if (!fitsMemory) {
        reasons.add(
            "worst case "
                + num(projected)
                + " series exceeds the "
                + num(plan.seriesThatFit())
                + " that fit in "
                + ByteSize.format(plan.budgetBytes()));
      }
    }
    return new Verdict(jobs, head, max, added, projected, plan, ps, fitsLimit, fitsMemory, reasons);
  }

  private static String worst(ConfigCheck.Job j) {
    if (j == null) {
      return "-";
    }
    return j.unbounded() ? "unbounded" : num(j.worstCase());
  }

  private static String arrow(
      ConfigCheck.Job b,
      ConfigCheck.Job a,
      java.util.function.ToLongFunction<ConfigCheck.Job> f,
      boolean limit) {
    String x = b == null ? "-" : limit && f.applyAsLong(b) == 0 ? "none" : num(f.applyAsLong(b));
    String y = a == null ? "-" : limit && f.applyAsLong(a) == 0 ? "none" : num(f.applyAsLong(a));
    return x.equals(y) ? x : x + " -> " + y;
  }

  static String checkText(Verdict v) {
    GoFormat.TabWriter tw = new GoFormat.TabWriter(0, 2);
    tw.row("JOB", "TARGETS", "SAMPLE_LIMIT", "WORST CASE OLD", "WORST CASE NEW", "CHANGE");
    for (ConfigCheck.JobDelta j : v.jobs()) {
      String change =
          j.unboundedChange() ? "unbounded" : (j.delta() > 0 ? "+" : "") + num(j.delta());
      tw.row(
          j.name(),
          arrow(j.before(), j.after(), ConfigCheck.Job::targets, false),
          arrow(j.before(), j.after(), ConfigCheck.Job::sampleLimit, true),
          worst(j.before()),
          worst(j.after()),
          change);
    }
    StringBuilder sb = new StringBuilder(tw.flush());
    for (ConfigCheck.JobDelta j : v.jobs()) {
      ConfigCheck.Job n = j.after() != null ? j.after() : j.before();
      for (String note : n.notes()) {
        sb.append("note: job \"").append(j.name()).append("\": ").append(note).append('\n');
      }
    }
    sb.append('\n');
    sb.append(
        String.format(
            Locale.ROOT,
            "Worst case per target: sample_limit + %d synthetic series (up, scrape_*).%n",
            ConfigCheck.SYNTHETIC_PER_TARGET));
    sb.append(String.format(Locale.ROOT, "Head series now:             %s%n", num(v.headSeries())));
    sb.append(String.format(Locale.ROOT, "Added at worst:              +%s%n", num(v.added())));
    sb.append(String.format(Locale.ROOT, "Head series at worst:        %s%n", num(v.projected())));
    boolean unbounded = v.jobs().stream().anyMatch(ConfigCheck.JobDelta::unboundedChange);
    if (v.maxSeries() == 0) {
      sb.append("Series limit:                none (--storage.tsdb.head.max-series=0)\n");
    } else if (unbounded) {
      // An unbounded job has no worst case: saying "fits" above a "DOES NOT FIT" contradicted it.
      sb.append(
          String.format(
              Locale.ROOT,
              "Series limit:                %s: CANNOT TELL, a job is unbounded (below)%n",
              num(v.maxSeries())));
    } else {
      sb.append(
          String.format(
              Locale.ROOT,
              "Series limit:                %s: %s%n",
              num(v.maxSeries()),
              v.fitsSeriesLimit()
                  ? "fits, " + num(v.maxSeries() - v.projected()) + " to spare"
                  : "DOES NOT FIT, " + num(v.projected() - v.maxSeries()) + " over"));
    }
    if (v.plan() != null) {
      MemoryModel.Plan p = v.plan();
      sb.append(
          String.format(
              Locale.ROOT,
              "Memory:                      %s fit in %s at %.0f bytes/series: %s%n",
              num(p.seriesThatFit()),
              ByteSize.format(p.budgetBytes()),
              p.bytesPerSeries(),
              v.fitsMemory() ? "fits" : "DOES NOT FIT"));
      sb.append("  ").append(v.perSeries().source()).append('\n');
    }
    sb.append(v.fits() ? "FITS\n" : "DOES NOT FIT\n");
    for (String r : v.reasons()) {
      sb.append("  ").append(r).append('\n');
    }
    return sb.toString();
  }

  static ObjectNode checkJson(Verdict v) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("fits", v.fits());
    ArrayNode jobs = o.putArray("jobs");
    for (ConfigCheck.JobDelta j : v.jobs()) {
      ObjectNode jn = jobs.addObject();
      jn.put("job", j.name());
      job(jn.putObject("old"), j.before());
      job(jn.putObject("new"), j.after());
      jn.put("change", j.delta());
      jn.put("unboundedChange", j.unboundedChange());
    }
    o.put("syntheticSeriesPerTarget", ConfigCheck.SYNTHETIC_PER_TARGET);
    o.put("headSeries", v.headSeries());
    o.put("added", v.added());
    o.put("projectedSeries", v.projected());
    o.put("maxSeries", v.maxSeries());
    o.put("fitsSeriesLimit", v.fitsSeriesLimit());
    if (v.plan() != null) {
      o.put("memoryBytes", v.plan().budgetBytes());
      o.put("bytesPerSeries", Math.round(v.plan().bytesPerSeries() * 10) / 10.0);
      o.put("seriesThatFitInMemory", v.plan().seriesThatFit());
      o.put("fitsMemory", v.fitsMemory());
      o.put("measurement", v.perSeries().source());
    }
    ArrayNode reasons = o.putArray("reasons");
    v.reasons().forEach(reasons::add);
    return o;
  }

  private static void job(ObjectNode n, ConfigCheck.Job j) {
    if (j == null) {
      n.put("present", false);
      return;
    }
    n.put("present", true);
    n.put("targets", j.targets());
    n.put("sampleLimit", j.sampleLimit());
    if (j.unbounded()) {
      n.putNull("worstCase");
    } else {
      n.put("worstCase", j.worstCase());
    }
    ArrayNode notes = n.putArray("notes");
    j.notes().forEach(notes::add);
  }

  // ------------------------------------------------------------------ calibrate

  @Command(
      name = "calibrate",
      mixinStandardHelpOptions = true,
      description =
          "Measure bytes per series of the engine for several label profiles (the tables of "
              + "docs/capacity.md).")
  public static final class Calibrate implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--labels",
        split = ",",
        defaultValue = "5,10,20",
        description = "Labels per series.")
    List<Integer> labels;

    @Option(
        names = "--value-length",
        split = ",",
        defaultValue = "10,40",
        description = "Characters per value.")
    List<Integer> valueLengths;

    @Option(
        names = "--samples-per-series",
        split = ",",
        defaultValue = "120,480",
        description = "Samples per series.")
    List<Integer> samples;

    @Option(
        names = "--unique-labels",
        split = ",",
        defaultValue = "0",
        description = "Labels whose value is " + "unique to each series.")
    List<Integer> unique;

    @Option(
        names = "--series",
        defaultValue = "50000",
        description = "Series per calibration head.")
    long series;

    @Option(
        names = "--standard",
        description = "Also measure the engine's standard 10-label profile.")
    boolean standard;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (series < 1000 || series > 10_000_000) {
        return badInput(spec.commandLine().getErr(), "--series must be between 1000 and 10000000");
      }
      List<SeriesProfile> profiles = new java.util.ArrayList<>();
      if (standard) {
        profiles.add(SeriesProfile.STANDARD);
      }
      for (int l : labels) {
        for (int v : valueLengths) {
          for (int u : unique) {
            if (l < 2 || v < 1 || u < 0 || u > l - 2) {
              return badInput(
                  spec.commandLine().getErr(),
                  "labels must be at least 2, value lengths at least 1, "
                      + "unique labels between 0 and labels - 2");
            }
            profiles.add(new SeriesProfile(l, v, 250, u));
          }
        }
      }
      out.println(
          "| labels | value length | unique labels | samples | heap B/series | chunk B/series | "
              + "total B/series | fixed head cost |");
      out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
      out.flush();
      for (SeriesProfile p : profiles) {
        for (int s : samples) {
          Calibration.Result r = Calibration.run(p, series, s, 15_000);
          out.println(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %d | %d | %.0f | %.0f | %.0f | %s |",
                  p.isStandard() ? "10 (standard)" : Integer.toString(p.labels()),
                  p.isStandard() ? "k8s-like" : Integer.toString(p.valueLength()),
                  p.uniqueLabels(),
                  s,
                  r.heapBytesPerSeries(),
                  r.chunkBytesPerSeries(),
                  r.bytesPerSeries(),
                  ByteSize.format(r.fixedHeapBytes())));
          out.flush();
        }
      }
      return 0;
    }
  }
}
