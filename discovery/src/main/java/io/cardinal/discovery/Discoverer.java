package io.cardinal.discovery;

import java.util.List;

/** A source of target groups for one scrape pool: file, HTTP or DNS discovery. */
public interface Discoverer extends AutoCloseable {
  /**
   * Brings the groups up to date as far as this source can without blocking (a file is read, a
   * finished network refresh applied, a due one started); true when the groups may have changed.
   */
  boolean poll(long nowMs);

  /** The groups last discovered successfully. */
  List<TargetGroup> groups();

  /** Stops watching (a Kubernetes discovery's informers); nothing to do for the others. */
  @Override
  default void close() {}
}
