package io.cardinal.storage.head;

import io.cardinal.storage.wal.WalFormat;
import java.time.Duration;

/**
 * How a {@link DurableHead} writes its WAL and chunk files, and whether it locks its directory.
 *
 * @param syncPolicy when the WAL is fsynced
 * @param syncInterval fsync interval for {@link SyncPolicy#PERIODIC} (1s)
 * @param walSegmentSize WAL segment size, a multiple of 32 KiB (128 MiB by default)
 * @param walCompression whether WAL records are snappy-compressed
 * @param chunkFileSize size at which a head chunk file is cut (128 MiB by default)
 * @param lockfile whether opening takes the directory's {@code lock} file, so that a second process
 *     or a second open in this one fails instead of writing the same files (on by default;
 *     Prometheus's {@code --storage.tsdb.no-lockfile} turns it off)
 */
public record DurableOptions(
    SyncPolicy syncPolicy,
    Duration syncInterval,
    long walSegmentSize,
    boolean walCompression,
    long chunkFileSize,
    boolean lockfile) {

  /** {@link SyncPolicy#PERIODIC} every second, Prometheus's sizes, no compression, locked. */
  public static final DurableOptions DEFAULT =
      new DurableOptions(
          SyncPolicy.PERIODIC,
          Duration.ofSeconds(1),
          WalFormat.DEFAULT_SEGMENT_SIZE,
          false,
          MappedChunkFiles.DEFAULT_MAX_FILE_SIZE,
          true);

  public DurableOptions {
    if (syncPolicy == null) {
      throw new IllegalArgumentException("sync policy is null");
    }
    // Under a millisecond would round to a zero period for the fsync timer.
    if (syncInterval == null || syncInterval.toMillis() <= 0) {
      throw new IllegalArgumentException(
          "sync interval must be at least 1ms [syncInterval=" + syncInterval + "]");
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
    return with(c -> c.syncPolicy = p);
  }

  public DurableOptions withSyncInterval(Duration d) {
    return with(c -> c.syncInterval = d);
  }

  public DurableOptions withWalSegmentSize(long bytes) {
    return with(c -> c.walSegmentSize = bytes);
  }

  public DurableOptions withWalCompression(boolean on) {
    return with(c -> c.walCompression = on);
  }

  public DurableOptions withChunkFileSize(long bytes) {
    return with(c -> c.chunkFileSize = bytes);
  }

  public DurableOptions withLockfile(boolean on) {
    return with(c -> c.lockfile = on);
  }

  /** Every wither is one field changed on a copy; the constructor validates the result. */
  private DurableOptions with(java.util.function.Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  private static final class Copy {
    SyncPolicy syncPolicy;
    Duration syncInterval;
    long walSegmentSize;
    boolean walCompression;
    long chunkFileSize;
    boolean lockfile;

    Copy(DurableOptions o) {
      syncPolicy = o.syncPolicy;
      syncInterval = o.syncInterval;
      walSegmentSize = o.walSegmentSize;
      walCompression = o.walCompression;
      chunkFileSize = o.chunkFileSize;
      lockfile = o.lockfile;
    }

    DurableOptions build() {
      return new DurableOptions(
          syncPolicy, syncInterval, walSegmentSize, walCompression, chunkFileSize, lockfile);
    }
  }
}
