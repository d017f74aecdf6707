package io.cardinal.tsdb.chunk;

class InMemoryChunkMapperContractTest extends ChunkMapperContract {
  private static final int PAGE = 16 * 1024;

  @Override
  protected ChunkMapper create() {
    return new InMemoryChunkMapper(PAGE);
  }

  @Override
  protected int unitBytes() {
    return PAGE;
  }
}
