package io.cardinal.storage.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a WAL directory's state from the start: the newest checkpoint, then the segments after it.
 * This order is the WAL's contract (a checkpoint folds the segments up to its index), so it is
 * written once, here, for the head's replay, the remote-write sender and the tsdb tools. Following
 * the WAL while it is being written is {@link WalWatcher}'s job.
 *
 * <pre>{@code
 * WalReplay.Plan plan = WalReplay.plan(walDir);
 * WalReplay.readCheckpoint(plan, visitor);   // nothing if there is none
 * WalReplay.readSegments(walDir, plan, visitor);
 * }</pre>
 */
public final class WalReplay {

  private WalReplay() {}

  /** Receives each record; {@code rec} and {@code at} are valid only during the call. */
  @FunctionalInterface
  public interface RecordVisitor {
    /**
     * @param rec the record, position 0, limit its length
     * @param at the reader, for the record's segment and offsets
     */
    void record(ByteBuffer rec, WalReader at) throws IOException;
  }

  /**
   * What a replay reads.
   *
   * @param checkpoint the newest checkpoint, if any
   * @param firstSegment the first segment after it (0 without a checkpoint)
   * @param segments how many segments there are from {@code firstSegment} on
   */
  public record Plan(Optional<Checkpoint.Ref> checkpoint, int firstSegment, int segments) {}

  /** The checkpoint and segments {@code walDir} holds now; the directory must exist. */
  public static Plan plan(Path walDir) throws IOException {
    Optional<Checkpoint.Ref> cp = Checkpoint.last(walDir);
    int first = cp.map(r -> r.index() + 1).orElse(0);
    int n = 0;
    for (int s : Segments.list(walDir)) {
      if (s >= first) {
        n++;
      }
    }
    return new Plan(cp, first, n);
  }

  /** Reads every record of checkpoint {@code cp}. */
  public static void readCheckpoint(Checkpoint.Ref cp, RecordVisitor visitor) throws IOException {
    try (WalReader r = WalReader.open(SegmentRange.all(cp.dir()))) {
      readAll(r, visitor);
    }
  }

  /** Reads the plan's checkpoint, if it has one. */
  public static void readCheckpoint(Plan plan, RecordVisitor visitor) throws IOException {
    if (plan.checkpoint().isPresent()) {
      readCheckpoint(plan.checkpoint().get(), visitor);
    }
  }

  /**
   * Reads the segments of {@code walDir} from the plan's first segment to the newest one. A {@link
   * WalCorruptionException} stops the read; every record before it was delivered.
   */
  public static void readSegments(Path walDir, Plan plan, RecordVisitor visitor)
      throws IOException {
    if (plan.segments() == 0) {
      return;
    }
    try (WalReader r = WalReader.open(new SegmentRange(walDir, plan.firstSegment(), -1))) {
      readAll(r, visitor);
    }
  }

  /**
   * The checkpoint, then the segments after it: the whole state the WAL in {@code walDir} holds.
   */
  public static Plan replay(Path walDir, RecordVisitor visitor) throws IOException {
    Plan plan = plan(walDir);
    readCheckpoint(plan, visitor);
    readSegments(walDir, plan, visitor);
    return plan;
  }

  private static void readAll(WalReader r, RecordVisitor visitor) throws IOException {
    while (r.next()) {
      visitor.record(r.record(), r);
    }
  }
}
