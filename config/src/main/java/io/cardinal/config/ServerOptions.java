package io.cardinal.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code cardinal server}'s flags set; {@link #flags} is shown as is by /api/v1/status/flags. */
public final class ServerOptions {
  public Path configFile;
  public Path storagePath = Path.of("data");
  public long retentionMs = 15L * 24 * 3600 * 1000;
  public long retentionSizeBytes;
  public String listenAddress = "0.0.0.0:9090";
  public boolean enableAdminApi;
  public boolean enableLifecycle;
  public boolean enableRemoteWriteReceiver;
  public Path webConfigFile;
  public long queryMaxSamples = 50_000_000;
  public long queryTimeoutMs = 120_000;
  public long lookbackDeltaMs = 300_000;
  public int queryMaxConcurrency = 20;
  public long maxSeries;
  /** Remote write: largest compressed request body (413 beyond). */
  public long remoteWriteMaxBytes = 32L << 20;
  /** Remote write: largest decoded (uncompressed) request (413 beyond). */
  public long remoteWriteMaxDecodedBytes = 128L << 20;
  /** How long closing a remote_write queue (shutdown, reload) may spend sending what it holds. */
  public long remoteWriteFlushDeadlineMs = 60_000;
  /** WAL segment size (0: storage's default, 128 MiB); tests use small segments. */
  public long walSegmentSize;
  /** Snappy-compress WAL records. */
  public boolean walCompression;
  /** Remote read: largest compressed request body. */
  public long remoteReadMaxBytes = 8L << 20;
  /** Remote read: most samples one response may carry (Prometheus's --storage.remote.read-sample-limit). */
  public long remoteReadSampleLimit = 50_000_000L;
  /** How often file_sd files are checked for changes. */
  public long filePollMs = 5_000;
  public int scrapeThreads = Math.max(4, Runtime.getRuntime().availableProcessors());
  /** Keep the database in memory even if a durable one is available (tests). */
  public boolean inMemory;
  public final Map<String, String> flags = new LinkedHashMap<>();
}
