package io.cardinal.capacity;

import io.cardinal.tsdb.chunk.ChunkMapper;
import io.cardinal.tsdb.chunk.ChunkMapperContract;

class CountingChunkMapperContractTest extends ChunkMapperContract {
  @Override
  protected ChunkMapper create() {
    return new CountingChunkMapper();
  }

  /** It keeps chunks in the in-memory mapper's default 4 MiB pages. */
  @Override
  protected int unitBytes() {
    return 4 << 20;
  }

  /**
   * It reports what head chunk files would take for everything written: truncation never lowers
   * that.
   */
  @Override
  protected boolean bytesUsedFallsOnTruncation() {
    return false;
  }
}
