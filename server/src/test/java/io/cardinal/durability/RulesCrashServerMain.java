package io.cardinal.durability;

import io.cardinal.config.ServerOptions;
import io.cardinal.server.CardinalServer;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The server with a rule file as a child process for {@link AlertStateCrashTest}: args data dir,
 * port, config file. The grace period is one second so a restored alert is not held back.
 */
public final class RulesCrashServerMain {
  private RulesCrashServerMain() {}

  public static void main(String[] args) throws Exception {
    CardinalServer server =
        CardinalServer.start(
            ServerOptions.DEFAULTS
                .withConfigFile(Path.of(args[2]))
                .withStoragePath(Path.of(args[0]))
                .withListenAddress("127.0.0.1:" + args[1])
                .withEnableRemoteWriteReceiver(true)
                .withForGracePeriod(Duration.ofSeconds(1))
                .withScrapeThreads(1));
    server.awaitQuit();
  }
}
