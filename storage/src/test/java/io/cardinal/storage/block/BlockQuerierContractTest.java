package io.cardinal.storage.block;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cardinal.tsdb.head.Head;
import io.cardinal.tsdb.query.Querier;
import io.cardinal.tsdb.query.QuerierContract;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persisted block's querier: the fixture is written from a head into a block and read from disk.
 */
class BlockQuerierContractTest extends QuerierContract {
  private static final long BLOCK = 2 * 3_600_000L;

  @TempDir Path dir;

  private int blocks;

  @Override
  protected Querier open(List<TestSeries> data, long mint, long maxt) throws Exception {
    Head head = headOf(data);
    Path blockDir = dir.resolve("b" + blocks++);
    BlockMeta meta =
        BlockWriter.write(
            blockDir,
            head.chunkSeries(0, BLOCK - 1),
            head.symbols(),
            BlockWriter.Spec.fresh(0, BLOCK));
    assumeTrue(
        meta != null, "a head without samples writes no block, so there is nothing to query");
    Block b = closeLater(Block.open(blockDir.resolve(meta.ulid)));
    return b.querier(mint, maxt);
  }
}
