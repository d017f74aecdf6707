package io.cardinal.cli.tsdb;

import io.cardinal.storage.head.ReadOnlyReplay;
import io.cardinal.tsdb.head.Head;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The head of a data directory rebuilt from its write-ahead log, read-only, as promtool's dump
 * does: the last checkpoint, then the segments after it, into an in-memory head. Nothing on disk is
 * changed: a torn or corrupt tail ends the replay with a warning instead of a repair. Samples older
 * than the newest block's end are left out (they are in the blocks), as Prometheus's head does.
 * Deletions recorded in the WAL (tombstones) are not applied.
 */
final class WalHead {
  private WalHead() {}

  /** The replayed head, or null when {@code dir} has no WAL. */
  static Head replay(Path dir, long minValidTime, Consumer<String> warn) throws IOException {
    return ReadOnlyReplay.replay(dir.resolve("wal"), minValidTime, warn);
  }
}
