package io.cardinal.storage.head;

import io.cardinal.tsdb.chunk.ChunkMapper;
import io.cardinal.tsdb.chunk.ChunkMapperContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class MappedChunkFilesContractTest extends ChunkMapperContract {
  private static final int FILE = 16 * 1024;

  @TempDir Path dir;

  private int opened;

  @Override
  protected ChunkMapper create() throws Exception {
    return MappedChunkFiles.open(dir.resolve("chunks_head" + opened++), FILE, 4096, null);
  }

  @Override
  protected int unitBytes() {
    return FILE;
  }
}
