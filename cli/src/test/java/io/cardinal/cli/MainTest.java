package io.cardinal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.config.ServerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  private static int run(StringWriter err, String... args) {
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    return cl.execute(args);
  }

  @Test
  void unknownSubcommandPrintsUsageAndExits2() {
    StringWriter err = new StringWriter();
    assertEquals(2, run(err, "frobnicate"));
    assertTrue(err.toString().contains("Usage: cardinal"), err.toString());
  }

  @Test
  void namingASubcommandBuildsOnlyThatOneAndAnythingElseBuildsAll() {
    assertEquals(
        java.util.Set.of("help", "server"), Main.commandLine("server").getSubcommands().keySet());
    assertEquals(
        java.util.Set.of("help", "tsdb"), Main.commandLine("tsdb").getSubcommands().keySet());
    assertEquals(
        java.util.Set.of("help", "server", "tsdb", "capacity", "check", "test", "rules"),
        Main.commandLine("frobnicate").getSubcommands().keySet());
    assertEquals(
        Main.commandLine(null).getSubcommands().keySet(),
        Main.commandLine("--help").getSubcommands().keySet());
  }

  @Test
  void unknownServerFlagExits2() {
    StringWriter err = new StringWriter();
    assertEquals(2, run(err, "server", "--storage.tsdb.nope=1"));
    assertTrue(err.toString().contains("--storage.tsdb.nope"), err.toString());
  }

  @Test
  void serverFlagsUsePrometheusNamesAndDefaults() {
    ServerCommand cmd = new ServerCommand();
    new CommandLine(cmd)
        .parseArgs(
            "--storage.tsdb.retention.time=30d",
            "--storage.tsdb.head.max-series=1000",
            "--web.enable-lifecycle",
            "--query.lookback-delta=1m");
    ServerOptions o = cmd.options();
    assertEquals(java.time.Duration.ofDays(30), o.retention());
    assertEquals(1000, o.maxSeries());
    assertTrue(o.enableLifecycle());
    assertEquals(java.time.Duration.ofMinutes(1), o.lookbackDelta());
    assertEquals("0.0.0.0:9090", o.listenAddress());
    assertEquals("data", o.storagePath().toString());
    assertEquals("30d", o.flags().get("storage.tsdb.retention.time"));
    assertEquals("1000", o.flags().get("storage.tsdb.head.max-series"));
    assertEquals("2m", o.flags().get("query.timeout"));
  }

  @Test
  void lockfileFlagsOfPrometheusAndOfDebiansPackage() {
    ServerCommand on = new ServerCommand();
    new CommandLine(on).parseArgs();
    assertTrue(on.options().lockfile(), "the directory is locked by default");
    ServerCommand off = new ServerCommand();
    new CommandLine(off).parseArgs("--storage.tsdb.no-lockfile");
    assertEquals(false, off.options().lockfile());
    assertEquals("true", off.options().flags().get("storage.tsdb.no-lockfile"));
    ServerCommand debian = new ServerCommand();
    new CommandLine(debian).parseArgs("--storage.tsdb.use-lockfile");
    assertTrue(debian.options().lockfile());
    ServerCommand both = new ServerCommand();
    new CommandLine(both).parseArgs("--storage.tsdb.no-lockfile", "--storage.tsdb.use-lockfile");
    assertEquals(2, exitCode(both), "contradicting flags are refused");
  }

  @Test
  void booleanFlagsTakeKingpinsForms() {
    java.util.function.Function<String[], ServerOptions> parse =
        args -> {
          ServerCommand c = new ServerCommand();
          new CommandLine(c).parseArgs(args);
          return c.options();
        };
    assertEquals(false, parse.apply(new String[0]).rulesStreaming());
    assertTrue(parse.apply(new String[] {"--rules.streaming"}).rulesStreaming());
    assertEquals(false, parse.apply(new String[] {"--rules.streaming=false"}).rulesStreaming());
    assertEquals(false, parse.apply(new String[] {"--no-rules.streaming"}).rulesStreaming());
    assertTrue(parse.apply(new String[0]).drainNotificationQueue());
    assertEquals(
        false,
        parse
            .apply(new String[] {"--no-alertmanager.drain-notification-queue-on-shutdown"})
            .drainNotificationQueue());
    ServerOptions o =
        parse.apply(
            new String[] {
              "--alertmanager.notification-batch-size=64",
              "--rules.alert.resend-delay=30s",
              "--web.external-url=http://prom.example/"
            });
    assertEquals(64, o.notificationBatchSize());
    assertEquals(java.time.Duration.ofSeconds(30), o.resendDelay());
    assertEquals("http://prom.example/", o.externalUrl());
    assertEquals(
        "false", parse.apply(new String[] {"--no-rules.streaming"}).flags().get("rules.streaming"));
  }

  private static int exitCode(ServerCommand c) {
    try {
      return c.call();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
