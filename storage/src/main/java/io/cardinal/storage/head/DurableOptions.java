package io.cardinal.storage.head;

import io.cardinal.storage.wal.WalFormat;

/**
 * How a {@link DurableHead} writes its WAL and chunk files.
 *
 * @param syncPolicy when the WAL is fsynced
 * @param syncIntervalMs fsync interval for {@link SyncPolicy#PERIODIC}
 * @param walSegmentSize WAL segment size, a multiple of 32 KiB (128 MiB by default)
 * @param walCompression whether WAL records are snappy-compressed
 * @param chunkFileSize size at which a head chunk file is cut (128 MiB by default)
 */
public record DurableOptions(
    SyncPolicy syncPolicy,
    long syncIntervalMs,
    long walSegmentSize,
    boolean walCompression,
    long chunkFileSize) {

  /** One second between fsyncs under {@link SyncPolicy#PERIODIC}. */
  public static final long DEFAULT_SYNC_INTERVAL_MS = 1000;

  /** {@link SyncPolicy#PERIODIC} every second, Prometheus's sizes, no compression. */
  public static final DurableOptions DEFAULT =
      new DurableOptions(
          SyncPolicy.PERIODIC,
          DEFAULT_SYNC_INTERVAL_MS,
          WalFormat.DEFAULT_SEGMENT_SIZE,
          false,
          MappedChunkFiles.DEFAULT_MAX_FILE_SIZE);

  public DurableOptions {
    if (syncPolicy == null) {
      throw new IllegalArgumentException("sync policy is null");
    }
    if (syncIntervalMs <= 0) {
      throw new IllegalArgumentException(
          "sync interval must be positive [syncIntervalMs=" + syncIntervalMs + "]");
    }
    if (walSegmentSize <= 0 || walSegmentSize % WalFormat.PAGE_SIZE != 0) {
      throw new IllegalArgumentException(
          "WAL segment size must be a positive multiple of "
              + WalFormat.PAGE_SIZE
              + " [walSegmentSize="
              + walSegmentSize
              + "]");
    }
    if (chunkFileSize < 1024 || chunkFileSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "chunk file size out of range [chunkFileSize=" + chunkFileSize + "]");
    }
  }

  public static DurableOptions of(SyncPolicy policy) {
    return DEFAULT.withSyncPolicy(policy);
  }

  public DurableOptions withSyncPolicy(SyncPolicy p) {
    return new DurableOptions(p, syncIntervalMs, walSegmentSize, walCompression, chunkFileSize);
  }

  public DurableOptions withSyncIntervalMs(long ms) {
    return new DurableOptions(syncPolicy, ms, walSegmentSize, walCompression, chunkFileSize);
  }

  public DurableOptions withWalSegmentSize(long bytes) {
    return new DurableOptions(syncPolicy, syncIntervalMs, bytes, walCompression, chunkFileSize);
  }

  public DurableOptions withWalCompression(boolean on) {
    return new DurableOptions(syncPolicy, syncIntervalMs, walSegmentSize, on, chunkFileSize);
  }

  public DurableOptions withChunkFileSize(long bytes) {
    return new DurableOptions(syncPolicy, syncIntervalMs, walSegmentSize, walCompression, bytes);
  }
}
