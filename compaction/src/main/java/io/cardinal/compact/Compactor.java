package io.cardinal.compact;

import io.cardinal.storage.block.Block;
import io.cardinal.storage.block.BlockMeta;
import io.cardinal.storage.block.BlockWriter;
import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.query.ChunkSeries;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Merges blocks into one new block, streaming: series are read from each input one at a time in
 * label order, merged ({@link SeriesMerger}, which also drops samples deleted by tombstones) and
 * written out. The new block appears atomically (see {@link BlockWriter}); the inputs are left for
 * the caller to delete once the new block is in use.
 */
public final class Compactor {
  private Compactor() {}

  public static BlockMeta compact(Path dataDir, List<Block> blocks) throws IOException {
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("nothing to compact");
    }
    long mint = Long.MAX_VALUE;
    long maxt = Long.MIN_VALUE;
    int level = 0;
    LinkedHashSet<String> sources = new LinkedHashSet<>();
    List<String> parents = new ArrayList<>();
    List<Iterator<ChunkSeries>> inputs = new ArrayList<>();
    List<String[]> symbolTables = new ArrayList<>();
    for (Block b : blocks) {
      BlockMeta m = b.meta();
      mint = Math.min(mint, m.minTime);
      maxt = Math.max(maxt, m.maxTime);
      level = Math.max(level, m.level);
      sources.addAll(m.sources);
      parents.add(m.ulid);
      inputs.add(b.streamChunkSeries());
      symbolTables.add(b.index().symbols());
    }
    SeriesMerger merged =
        new SeriesMerger(
            inputs,
            (order, series) -> {
              Block b = blocks.get(order);
              if (b.tombstones().isEmpty()) {
                return null;
              }
              // Tombstones are keyed by series ID; look the series up by its labels in its own
              // block.
              try {
                var ids = b.index().postings(matchersFor(series.labels()));
                if (ids.isEmpty()) {
                  return null;
                }
                List<long[]> ivs = b.tombstones().intervals(ids.first());
                if (ivs.isEmpty()) {
                  return null;
                }
                return t -> {
                  for (long[] iv : ivs) {
                    if (t >= iv[0] && t <= iv[1]) {
                      return true;
                    }
                  }
                  return false;
                };
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    BlockWriter.Spec spec =
        new BlockWriter.Spec(mint, maxt, level + 1, new ArrayList<>(sources), parents);
    // Blocks of evicted stale series merged among themselves still overlap the head's range.
    if (blocks.stream().allMatch(b -> b.meta().hasHint(BlockMeta.HINT_STALE_SERIES))) {
      spec = spec.withHints(List.of(BlockMeta.HINT_OUT_OF_ORDER, BlockMeta.HINT_STALE_SERIES));
    }
    return BlockWriter.write(dataDir, () -> merged, () -> mergeSorted(symbolTables), spec);
  }

  private static io.cardinal.tsdb.labels.Matcher[] matchersFor(Labels l) {
    io.cardinal.tsdb.labels.Matcher[] ms = new io.cardinal.tsdb.labels.Matcher[l.size()];
    for (int i = 0; i < l.size(); i++) {
      ms[i] = io.cardinal.tsdb.labels.Matcher.equal(l.name(i), l.value(i));
    }
    return ms;
  }

  /** K-way merge of sorted, distinct symbol tables into one sorted, distinct sequence. */
  static Iterator<String> mergeSorted(List<String[]> tables) {
    PriorityQueue<int[]> pq =
        new PriorityQueue<>(
            (a, b) -> Labels.compareStrings(tables.get(a[0])[a[1]], tables.get(b[0])[b[1]]));
    for (int i = 0; i < tables.size(); i++) {
      if (tables.get(i).length > 0) {
        pq.add(new int[] {i, 0});
      }
    }
    return new Iterator<>() {
      String last;

      @Override
      public boolean hasNext() {
        while (!pq.isEmpty()) {
          int[] top = pq.peek();
          String s = tables.get(top[0])[top[1]];
          if (last == null || !s.equals(last)) {
            return true;
          }
          pop();
        }
        return false;
      }

      private String pop() {
        int[] top = pq.poll();
        String s = tables.get(top[0])[top[1]];
        if (top[1] + 1 < tables.get(top[0]).length) {
          pq.add(new int[] {top[0], top[1] + 1});
        }
        return s;
      }

      @Override
      public String next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        last = pop();
        return last;
      }
    };
  }
}
