package io.cardinal.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Prometheus 3's server flags that Cardinal does not act on, each accepted or refused with its
 * reason, so an existing systemd unit or Helm chart starts Cardinal unchanged and nothing it asks
 * for is silently ignored. A flag that changes nothing Cardinal stores, scrapes, serves or alerts
 * (a Go runtime knob, a page of Prometheus's own UI, an agent-mode setting in server mode, a
 * performance knob with no counterpart) is accepted and logged when given; one that asks for
 * behaviour Cardinal lacks is refused unless its value asks for nothing (Prometheus's default, or
 * off). The flags Cardinal implements are {@link ServerCommand}'s own options.
 * docs/configuration.md lists both; {@code PrometheusFlagsTest} checks every flag of Prometheus's
 * documentation is one or the other.
 */
final class PrometheusFlags {
  enum Kind {
    /** Accepted whatever its value; logged when given. */
    NO_EFFECT,
    /** Accepted with its neutral value; any other value is refused. */
    NEUTRAL_ONLY,
    /** Refused whenever given. */
    REFUSED
  }

  /**
   * One flag: {@code neutral} is the value that asks for nothing ("false" for a switch), {@code
   * why} what Cardinal does instead.
   */
  record Flag(String name, boolean isSwitch, String neutral, Kind kind, String why) {}

  static final List<Flag> FLAGS =
      List.of(
          noEffect(
              "--auto-gomaxprocs", true, "a Go runtime setting; the JVM sizes its own threads"),
          noEffect("--auto-gomemlimit", true, "a Go runtime setting; the JVM heap is set by -Xmx"),
          noEffect("--auto-gomemlimit.ratio", false, "a Go runtime setting; see -Xmx"),
          noEffect("--auto-gomemlimit.refresh-interval", false, "a Go runtime setting; see -Xmx"),
          noEffect(
              "--web.max-notifications-subscribers",
              false,
              "Cardinal's web UI reads the API and takes no live notifications"),
          neutral(
              "--web.user-assets",
              false,
              "",
              "static assets under /user of Prometheus's web UI; Cardinal's UI has no user assets"),
          neutral(
              "--web.remote-write-receiver.accepted-protobuf-messages",
              false,
              "prometheus.WriteRequest",
              "the remote write receiver accepts remote write 1.0 (prometheus.WriteRequest) only"),
          neutral(
              "--web.enable-otlp-receiver",
              true,
              "false",
              "Cardinal has no OTLP receiver yet; send OpenTelemetry metrics through the Collector's"
                  + " Prometheus remote write exporter"),
          noEffect(
              "--web.console.templates",
              false,
              "Prometheus's console templates (/consoles) are not served by Cardinal's web UI"),
          noEffect(
              "--web.console.libraries",
              false,
              "console libraries belong to Prometheus's console templates, which are not served"),
          noEffect(
              "--storage.tsdb.head-chunks-write-queue-size",
              false,
              "Cardinal writes full head chunks to their memory-mapped files without a queue"),
          neutral(
              "--storage.tsdb.delay-compact-file.path",
              false,
              "",
              "Cardinal does not delay compaction for a block uploader's meta file"),
          noEffect("--storage.agent.path", false, "an agent-mode setting, unused in server mode"),
          noEffect(
              "--storage.agent.wal-compression",
              true,
              "an agent-mode setting, unused in server mode"),
          noEffect(
              "--storage.agent.retention.min-time",
              false,
              "an agent-mode setting, unused in server mode"),
          noEffect(
              "--storage.agent.retention.max-time",
              false,
              "an agent-mode setting, unused in server mode"),
          noEffect(
              "--storage.agent.checkpoint-from-in-memory-series",
              true,
              "an agent-mode setting, unused in server mode"),
          noEffect(
              "--storage.agent.checkpoint-batch-size",
              false,
              "an agent-mode setting, unused in server mode"),
          noEffect(
              "--storage.agent.no-lockfile", true, "an agent-mode setting, unused in server mode"),
          neutral(
              "--storage.remote.read-concurrent-limit",
              false,
              "10",
              "remote read requests share the query concurrency limit (--query.max-concurrency)"),
          neutral(
              "--storage.remote.read-max-bytes-in-frame",
              false,
              "1048576",
              "streamed remote read frames are not configurable yet"),
          noEffect(
              "--web.search.max-limit",
              false,
              "the experimental search API (--enable-feature=search-api) is not served"),
          noEffect(
              "--rules.max-concurrent-evals",
              false,
              "Cardinal evaluates the rules of a group one after the other, as Prometheus does"
                  + " without --enable-feature=concurrent-rule-eval"),
          new Flag(
              "--agent",
              true,
              "false",
              Kind.REFUSED,
              "agent mode is not supported: run Cardinal as a server, or Prometheus --agent"));

  /** What {@code --enable-feature} does with each of Prometheus 3's feature names. */
  enum Feature {
    /** Cardinal has the feature; naming it switches it on. */
    HONOURED,
    /** Accepted, no effect on what is stored, scraped, served or alerted; logged. */
    NO_EFFECT,
    /** Refused: it would change what is stored, ingested or answered, and Cardinal lacks it. */
    REFUSED
  }

  record FeatureName(String name, Feature what, String why) {}

  static final List<FeatureName> FEATURES =
      List.of(
          new FeatureName(
              "promql-experimental-functions",
              Feature.HONOURED,
              "the experimental PromQL functions the engine has (sort_by_label, limitk, …) become"
                  + " reachable"),
          new FeatureName(
              "concurrent-rule-eval",
              Feature.NO_EFFECT,
              "a scheduling optimisation that does not change results"),
          new FeatureName(
              "delayed-compaction", Feature.NO_EFFECT, "a compaction timing optimisation"),
          new FeatureName(
              "memory-snapshot-on-shutdown",
              Feature.NO_EFFECT,
              "a restart optimisation; Cardinal replays its WAL in parallel instead"),
          new FeatureName("old-ui", Feature.NO_EFFECT, "Cardinal has one web UI, its own"),
          new FeatureName(
              "use-uncached-io", Feature.NO_EFFECT, "an I/O optimisation of Prometheus's WAL"),
          new FeatureName(
              "promql-per-step-stats",
              Feature.NO_EFFECT,
              "the stats=all query parameter is not answered with per-step statistics"),
          new FeatureName(
              "metadata-wal-records",
              Feature.NO_EFFECT,
              "metadata is served from the scrape cache, not logged to the WAL"),
          new FeatureName(
              "exemplar-storage", Feature.REFUSED, "Cardinal does not store exemplars yet"),
          new FeatureName(
              "created-timestamp-zero-ingestion",
              Feature.REFUSED,
              "Cardinal does not ingest created timestamps yet"),
          new FeatureName(
              "extra-scrape-metrics",
              Feature.REFUSED,
              "the extra per-scrape series (scrape_timeout_seconds, scrape_sample_limit, …) are not"
                  + " written yet"),
          new FeatureName(
              "histograms-st-encoding", Feature.REFUSED, "Cardinal has no native histograms yet"),
          new FeatureName(
              "native-histograms", Feature.REFUSED, "Cardinal has no native histograms yet"),
          new FeatureName(
              "otlp-deltatocumulative", Feature.REFUSED, "Cardinal has no OTLP receiver yet"),
          new FeatureName(
              "otlp-native-delta-ingestion", Feature.REFUSED, "Cardinal has no OTLP receiver yet"),
          new FeatureName(
              "promql-binop-fill-modifiers",
              Feature.REFUSED,
              "the engine does not parse fill modifiers of binary operators"),
          new FeatureName(
              "promql-delayed-name-removal",
              Feature.REFUSED,
              "the engine drops __name__ where Prometheus does without the feature"),
          new FeatureName(
              "promql-extended-range-selectors",
              Feature.REFUSED,
              "the engine has no anchored or smoothed range selectors"),
          new FeatureName("search-api", Feature.REFUSED, "the search API is not served"),
          new FeatureName(
              "st-storage", Feature.REFUSED, "Cardinal does not store start timestamps"),
          new FeatureName(
              "st-synthesis", Feature.REFUSED, "Cardinal does not store start timestamps"),
          new FeatureName(
              "use-start-timestamps", Feature.REFUSED, "Cardinal does not store start timestamps"),
          new FeatureName(
              "type-and-unit-labels",
              Feature.REFUSED,
              "Cardinal does not add __type__ and __unit__ labels"),
          new FeatureName(
              "xor2-encoding", Feature.REFUSED, "Cardinal writes Prometheus's xor chunks only"));

  /**
   * The honoured features among {@code --enable-feature}'s comma-separated values; refused ones
   * throw, and {@code notes} gets a line for each accepted one without effect and for each unknown
   * name (Prometheus logs those too, and starts).
   */
  static java.util.Set<String> features(CommandLine cl, List<String> values, List<String> notes) {
    java.util.Set<String> on = new java.util.TreeSet<>();
    for (String v : values) {
      for (String raw : v.split(",")) {
        String name = raw.trim();
        if (name.isEmpty()) {
          continue;
        }
        FeatureName f =
            FEATURES.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
        if (f == null) {
          notes.add("Unknown option for --enable-feature: " + name);
        } else if (f.what() == Feature.REFUSED) {
          throw new CommandLine.ParameterException(
              cl, "--enable-feature=" + name + " is not supported: " + f.why());
        } else if (f.what() == Feature.NO_EFFECT) {
          notes.add("--enable-feature=" + name + " has no effect in Cardinal: " + f.why());
        } else {
          on.add(name);
        }
      }
    }
    return on;
  }

  private static Flag noEffect(String name, boolean isSwitch, String why) {
    return new Flag(name, isSwitch, isSwitch ? "false" : "", Kind.NO_EFFECT, why);
  }

  private static Flag neutral(String name, boolean isSwitch, String neutralValue, String why) {
    return new Flag(name, isSwitch, neutralValue, Kind.NEUTRAL_ONLY, why);
  }

  private PrometheusFlags() {}

  /** Adds every flag (and {@code --no-x} for a switch) to the server command. */
  static void register(CommandSpec spec) {
    for (Flag f : FLAGS) {
      String[] names =
          f.isSwitch()
              ? new String[] {f.name(), "--no-" + f.name().substring(2)}
              : new String[] {f.name()};
      OptionSpec.Builder b =
          OptionSpec.builder(names)
              .type(String.class)
              .arity(f.isSwitch() ? "0..1" : "1")
              .paramLabel(f.isSwitch() ? "<bool>" : "<value>")
              .description(
                  "Prometheus's flag; "
                      + (f.kind() == Kind.NO_EFFECT
                          ? "accepted, no effect: "
                          : f.kind() == Kind.REFUSED
                              ? "refused: "
                              : "accepted as '" + f.neutral() + "' only: ")
                      + f.why()
                      + ".");
      if (f.isSwitch()) {
        b.fallbackValue("true");
      }
      spec.addOption(b.build());
    }
  }

  /**
   * Checks the flags given: returns one log message per accepted flag with no effect, and throws
   * for a refused one, naming the flag and why.
   */
  static List<String> check(ParseResult pr) {
    List<String> notes = new ArrayList<>();
    for (Flag f : FLAGS) {
      OptionSpec o = pr.commandSpec().findOption(f.name());
      if (o == null || !pr.hasMatchedOption(o)) {
        continue;
      }
      String given = pr.matchedOptionValue(f.name(), "");
      String value = given;
      if (f.isSwitch()) {
        boolean negated =
            pr.originalArgs().stream().anyMatch(a -> a.startsWith("--no-" + f.name().substring(2)));
        boolean on = given.isEmpty() || Boolean.parseBoolean(given.toLowerCase(Locale.ROOT));
        value = String.valueOf(negated != on);
      }
      switch (f.kind()) {
        case NO_EFFECT ->
            notes.add(f.name() + "=" + value + " has no effect in Cardinal: " + f.why());
        case NEUTRAL_ONLY -> {
          if (!value.equals(f.neutral())) {
            throw new CommandLine.ParameterException(
                pr.commandSpec().commandLine(),
                f.name() + "=" + value + " is not supported: " + f.why());
          }
        }
        case REFUSED -> {
          if (!value.equals(f.neutral())) {
            throw new CommandLine.ParameterException(
                pr.commandSpec().commandLine(), f.name() + ": " + f.why());
          }
        }
      }
    }
    return notes;
  }
}
