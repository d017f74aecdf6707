package io.cardinal.durability;

import io.cardinal.config.ServerOptions;
import io.cardinal.server.CardinalServer;
import java.nio.file.Files;
import java.nio.file.Path;

/** The server as a child process for {@link RemoteWriteCrashTest}: args data dir, port. */
public final class CrashServerMain {
  private CrashServerMain() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Path cfg = data.resolveSibling("prometheus.yml");
    Files.writeString(cfg, "scrape_configs: []\n");
    CardinalServer server =
        CardinalServer.start(
            ServerOptions.DEFAULTS
                .withConfigFile(cfg)
                .withStoragePath(data)
                .withListenAddress("127.0.0.1:" + args[1])
                .withEnableRemoteWriteReceiver(true)
                .withScrapeThreads(1));
    server.awaitQuit();
  }
}
