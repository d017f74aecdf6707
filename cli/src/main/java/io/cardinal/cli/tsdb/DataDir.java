package io.cardinal.cli.tsdb;

import io.cardinal.storage.block.Block;
import io.cardinal.storage.block.BlockWriter;
import io.cardinal.storage.block.Ulid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The blocks of a data directory, opened read-only: unlike {@code Cardinal.open} nothing is
 * repaired, cleaned up or deleted, so the tools can inspect a directory a running server (ours or
 * Prometheus) is using. Blocks are sorted by minimum time, as promtool lists them.
 */
final class DataDir implements AutoCloseable {
  private final List<Block> blocks;

  private DataDir(List<Block> blocks) {
    this.blocks = blocks;
  }

  static DataDir open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "not a directory");
    }
    List<Block> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        String name = p.getFileName().toString();
        if (!Files.isDirectory(p)
            || name.endsWith(BlockWriter.TMP_SUFFIX)
            || !Ulid.isValid(name)
            || !Files.exists(p.resolve("meta.json"))) {
          continue;
        }
        try {
          out.add(Block.open(p));
        } catch (IOException | RuntimeException e) {
          for (Block b : out) {
            b.close();
          }
          throw new IOException("block " + name + ": " + e.getMessage(), e);
        }
      }
    }
    out.sort(
        Comparator.comparingLong((Block b) -> b.meta().minTime).thenComparing(b -> b.meta().ulid));
    return new DataDir(out);
  }

  List<Block> blocks() {
    return blocks;
  }

  @Override
  public void close() {
    for (Block b : blocks) {
      b.close();
    }
  }
}
