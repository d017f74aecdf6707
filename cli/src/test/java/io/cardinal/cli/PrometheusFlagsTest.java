package io.cardinal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Shared;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every flag of Prometheus 3's server is accepted by {@code cardinal server}, implemented or
 * accepted with a logged reason or refused with one, never ignored in silence; and {@code
 * --enable-feature} treats each feature name as docs/configuration.md says.
 */
class PrometheusFlagsTest {
  /** Flag names in the command-line table of Prometheus's documentation. */
  static Set<String> prometheusFlags() throws Exception {
    Path doc = Shared.require("reference/prometheus-docs/prometheus.md");
    Set<String> out = new TreeSet<>();
    Matcher m =
        Pattern.compile(
                "^\\| <code class=\"text-nowrap\">(--[a-z0-9.-]+)</code>", Pattern.MULTILINE)
            .matcher(Files.readString(doc));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static CommandLine server() {
    return Main.commandLine("server").getSubcommands().get("server");
  }

  @Test
  void everyPrometheusFlagIsAnOptionOfTheServerAndListedInTheDocs() throws Exception {
    Set<String> flags = prometheusFlags();
    assertTrue(flags.size() > 50, "parsed the flag table: " + flags);
    CommandLine cl = server();
    String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
    List<String> missing = new ArrayList<>();
    List<String> undocumented = new ArrayList<>();
    for (String f : flags) {
      if (cl.getCommandSpec().findOption(f) == null) {
        missing.add(f);
      }
      if (!docs.contains("`" + f + "`")) {
        undocumented.add(f);
      }
    }
    assertEquals(List.of(), missing, "Prometheus flags cardinal server does not know");
    assertEquals(List.of(), undocumented, "flags missing from docs/configuration.md");
  }

  private static int run(StringWriter err, String... args) {
    CommandLine cl = Main.commandLine("server");
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    return cl.execute(args);
  }

  @Test
  void flagsAskingForWhatCardinalLacksAreRefusedWithTheReasonAndExitCode2() {
    String[][] refused = {
      {"--agent", "agent mode is not supported"},
      {"--log.format=xml", "unrecognized log format \"xml\": logfmt or json"},
      {"--web.enable-otlp-receiver", "no OTLP receiver"},
      {"--web.user-assets=/srv/assets", "has no user assets"},
      {"--enable-feature=exemplar-storage", "does not store exemplars"},
      {"--enable-feature=promql-experimental-functions,native-histograms", "native histograms"},
      {
        "--web.remote-write-receiver.accepted-protobuf-messages=io.prometheus.write.v2.Request",
        "remote write 1.0"
      },
    };
    for (String[] r : refused) {
      StringWriter err = new StringWriter();
      assertEquals(2, run(err, "server", "--storage.tsdb.path=/nonexistent/x", r[0]), r[0]);
      assertTrue(err.toString().contains(r[1]), r[0] + ": " + err);
    }
  }

  @Test
  void flagsWithoutEffectAreAcceptedAndLogged() {
    CommandLine.ParseResult pr =
        Main.commandLine("server")
            .parseArgs(
                "server",
                "--web.console.templates=/etc/prometheus/consoles",
                "--no-auto-gomaxprocs",
                "--log.format=logfmt",
                "--web.enable-otlp-receiver=false",
                "--storage.agent.retention.max-time=1h")
            .subcommand();
    List<String> notes = PrometheusFlags.check(pr);
    assertEquals(3, notes.size(), notes.toString());
    assertTrue(notes.get(0).startsWith("--auto-gomaxprocs=false has no effect"), notes.toString());
    assertTrue(notes.stream().anyMatch(n -> n.startsWith("--web.console.templates=/etc/prom")));
    assertTrue(notes.stream().anyMatch(n -> n.contains("agent-mode")));
  }

  @Test
  void enableFeatureHonoursLogsOrRefusesEachName() {
    CommandLine cl = server();
    List<String> notes = new ArrayList<>();
    Set<String> on =
        PrometheusFlags.features(
            cl, List.of("promql-experimental-functions,old-ui", "no-such-feature"), notes);
    assertEquals(Set.of("promql-experimental-functions"), on);
    assertEquals(
        List.of(
            "--enable-feature=old-ui has no effect in Cardinal: Cardinal has one web UI, its own",
            "Unknown option for --enable-feature: no-such-feature"),
        notes);
    CommandLine.ParameterException e =
        assertThrows(
            CommandLine.ParameterException.class,
            () -> PrometheusFlags.features(cl, List.of("xor2-encoding"), new ArrayList<>()));
    assertTrue(e.getMessage().contains("xor chunks only"), e.getMessage());
    ServerCommand c = new ServerCommand();
    new CommandLine(c).parseArgs("--config.auto-reload", "--config.auto-reload-interval=5s");
    c.enabledFeatures = on;
    assertTrue(c.options().promqlExperimentalFunctions());
    assertEquals(java.time.Duration.ofSeconds(5), c.options().configAutoReloadInterval());
    ServerCommand d = new ServerCommand();
    new CommandLine(d).parseArgs();
    assertEquals(java.time.Duration.ZERO, d.options().configAutoReloadInterval());
  }
}
