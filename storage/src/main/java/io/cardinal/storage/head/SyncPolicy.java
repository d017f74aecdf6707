package io.cardinal.storage.head;

/**
 * When WAL writes are fsynced, which decides what an acknowledged commit survives (see {@code
 * docs/durability.md}).
 */
public enum SyncPolicy {
  /**
   * Every commit is written and fsynced before {@code commit()} returns: an acknowledged sample
   * survives a process crash, a kernel panic and a power loss (given a disk that honours fsync).
   */
  PER_COMMIT,
  /**
   * Every commit is written to the OS (page cache) before {@code commit()} returns and a background
   * thread fsyncs every interval: an acknowledged sample survives a process crash; a power loss or
   * kernel panic loses at most the last interval. Prometheus's behaviour, except that Prometheus
   * fsyncs only when a segment is full.
   */
  PERIODIC,
  /** No WAL: nothing survives a restart. Full chunks still go to disk to save memory. */
  NONE
}
