package io.cardinal.tsdb.query;

import io.cardinal.tsdb.labels.Labels;

/** A series as encoded chunks, in time order: what block writing and compaction consume. */
public interface ChunkSeries {
  Labels labels();

  /** Iterates the series' chunks; pass a previous iterator to reuse its buffers. */
  ChunkIterator chunks(ChunkIterator reuse);
}
