package io.cardinal.storage.head;

import java.util.List;

/**
 * What opening a {@link DurableHead} restored, for the log and for benchmarks.
 *
 * @param series series restored from the WAL (checkpoint included)
 * @param samples samples restored into the head from the WAL
 * @param samplesInMappedChunks WAL samples skipped because a chunk on disk already holds them
 * @param samplesDropped WAL samples not restored: unknown series, below the truncation time, or
 *     rejected as the head rejected them when they were first committed
 * @param mappedChunks chunks on disk re-attached to their series
 * @param mappedChunksUnused chunks on disk of series the WAL no longer knows, or older than the
 *     truncation time (their files are deleted by a later truncation)
 * @param checkpoint index of the checkpoint read, or -1
 * @param segments WAL segments read after the checkpoint
 * @param durationNanos wall time of the whole open
 * @param warnings one line per repair, naming file and offset
 */
public record ReplayStats(
    long series,
    long samples,
    long samplesInMappedChunks,
    long samplesDropped,
    long mappedChunks,
    long mappedChunksUnused,
    int checkpoint,
    int segments,
    long durationNanos,
    List<String> warnings) {

  @Override
  public String toString() {
    return String.format(
        "replayed %d series, %d samples (%d already in %d mapped chunks, %d dropped) from "
            + "checkpoint %d and %d segment(s) in %.1f ms%s",
        series,
        samples,
        samplesInMappedChunks,
        mappedChunks,
        samplesDropped,
        checkpoint,
        segments,
        durationNanos / 1e6,
        warnings.isEmpty()
            ? ""
            : "; " + warnings.size() + " repair(s): " + String.join("; ", warnings));
  }
}
