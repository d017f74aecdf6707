package io.cardinal.storage.block;

import io.cardinal.storage.io.FileOps;
import io.cardinal.tsdb.query.ChunkIterator;
import io.cardinal.tsdb.query.ChunkSeries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a Prometheus block directory from series given as chunks, in label order: {@code
 * <ULID>/chunks/000001.., index, tombstones, meta.json}. The block is written under {@code
 * <ULID>.tmp-for-creation} and renamed into place only when complete and synced, so a crash never
 * leaves a half-written block that looks valid.
 */
public final class BlockWriter {
  public static final String TMP_SUFFIX = ".tmp-for-creation";

  private BlockWriter() {}

  /**
   * What to write: the range [minTime, maxTime), the block's lineage and its {@code
   * compaction.hints}.
   */
  public record Spec(
      long minTime,
      long maxTime,
      int level,
      List<String> sources,
      List<String> parents,
      List<String> hints) {
    public Spec(long minTime, long maxTime, int level, List<String> sources, List<String> parents) {
      this(minTime, maxTime, level, sources, parents, List.of());
    }

    public static Spec fresh(long minTime, long maxTime) {
      return new Spec(minTime, maxTime, 1, List.of(), List.of());
    }

    /** This spec with {@code hints} as the block's {@code compaction.hints}. */
    public Spec withHints(List<String> hints) {
      return new Spec(minTime, maxTime, level, sources, parents, hints);
    }
  }

  /**
   * Writes the block and returns its metadata, or null when no series had data (no block is
   * written, as Prometheus does for an empty head range).
   */
  public static BlockMeta write(
      Path dataDir, Iterable<? extends ChunkSeries> series, Iterable<String> symbols, Spec spec)
      throws IOException {
    return write(dataDir, series, symbols, spec, ChunkSegmentWriter.DEFAULT_SEGMENT_SIZE);
  }

  public static BlockMeta write(
      Path dataDir,
      Iterable<? extends ChunkSeries> series,
      Iterable<String> symbols,
      Spec spec,
      long segmentSize)
      throws IOException {
    String ulid = Ulid.next(System.currentTimeMillis());
    Path tmp = dataDir.resolve(ulid + TMP_SUFFIX);
    Files.createDirectories(tmp);
    long numSeries = 0;
    long numChunks = 0;
    long numSamples = 0;
    try {
      IndexWriter.ChunkMetas metas = new IndexWriter.ChunkMetas();
      ChunkIterator it = null;
      try (ChunkSegmentWriter cw = new ChunkSegmentWriter(tmp.resolve("chunks"), segmentSize);
          IndexWriter iw = new IndexWriter(tmp.resolve("index"), symbols)) {
        for (ChunkSeries s : series) {
          metas.clear();
          it = s.chunks(it);
          while (it.next()) {
            byte[] b = it.bytes();
            int off = it.offset();
            int len = it.length();
            long ref = cw.write(it.encoding(), b, off, len);
            metas.add(it.minTime(), it.maxTime(), ref);
            numSamples += ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
          }
          if (it.error() != null) {
            throw new IOException("reading chunks of " + s.labels() + ": " + it.error());
          }
          if (metas.size() == 0) {
            continue;
          }
          iw.addSeries(s.labels(), metas);
          numSeries++;
          numChunks += metas.size();
        }
      }
      if (numSeries == 0) {
        FileOps.deleteRecursively(tmp);
        return null;
      }
      Tombstones.write(tmp.resolve("tombstones"), Map.of());
      List<String> sources = spec.sources().isEmpty() ? List.of(ulid) : spec.sources();
      BlockMeta meta =
          new BlockMeta(
              ulid,
              spec.minTime(),
              spec.maxTime(),
              numSamples,
              numSeries,
              numChunks,
              0,
              spec.level(),
              sources,
              spec.parents());
      if (!spec.hints().isEmpty()) {
        meta = meta.withHints(spec.hints());
      }
      meta.write(tmp);
      FileOps.commitDir(tmp, dataDir.resolve(ulid));
      return meta;
    } catch (IOException e) {
      FileOps.deleteRecursively(tmp);
      // A full disk's message names no file: say which block was being written, and that
      // nothing of it is left behind.
      throw new IOException(
          "writing block " + tmp + " failed (removed, nothing kept): " + e.getMessage(), e);
    } catch (RuntimeException e) {
      FileOps.deleteRecursively(tmp);
      throw e;
    }
  }

  /**
   * Removes leftovers of interrupted block writes ({@code *.tmp-for-creation}); returns how many.
   */
  public static int cleanupTemporary(Path dataDir) throws IOException {
    int n = 0;
    if (!Files.isDirectory(dataDir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dataDir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.getFileName().toString().endsWith(TMP_SUFFIX)) {
          FileOps.deleteRecursively(p);
          n++;
        }
      }
    }
    return n;
  }
}
