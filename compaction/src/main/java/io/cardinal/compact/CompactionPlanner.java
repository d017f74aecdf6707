package io.cardinal.compact;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides which blocks to compact next, with Prometheus's leveled rules, in order:
 *
 * <ol>
 *   <li>overlapping blocks are merged first (vertical compaction);
 *   <li>otherwise, leaving out the newest block (so a freshly cut block stays untouched for a full
 *       block range, which lets users back up new data piecewise), the smallest range in which
 *       several blocks together fill an aligned range, or lie wholly before the newest block, is
 *       merged into one block of that range;
 *   <li>otherwise, a block at least half the largest range whose tombstones touch more than 5% of
 *       its series is rewritten on its own to drop the deleted data.
 * </ol>
 */
public final class CompactionPlanner {
  /** What the planner needs to know of a block. */
  public record BlockInfo(
      String id, long minTime, long maxTime, long numSeries, long numTombstones, boolean failed) {
    public static BlockInfo of(String id, long minTime, long maxTime) {
      return new BlockInfo(id, minTime, maxTime, 0, 0, false);
    }
  }

  private final long[] ranges;

  public CompactionPlanner(long[] ranges) {
    if (ranges.length == 0) {
      throw new IllegalArgumentException("at least one block range");
    }
    this.ranges = ranges.clone();
  }

  /** Block IDs to compact together, or an empty list when nothing should be compacted. */
  public List<String> plan(List<BlockInfo> blocks) {
    List<BlockInfo> ds = new ArrayList<>(blocks);
    ds.sort(Comparator.comparingLong(BlockInfo::minTime));
    List<String> overlapping = overlapping(ds);
    if (!overlapping.isEmpty()) {
      return overlapping;
    }
    if (ds.isEmpty()) {
      return List.of();
    }
    List<BlockInfo> older = ds.subList(0, ds.size() - 1);
    List<BlockInfo> sel = selectForRange(older);
    if (!sel.isEmpty()) {
      return sel.stream().map(BlockInfo::id).toList();
    }
    for (int i = older.size() - 1; i >= 0; i--) {
      BlockInfo b = older.get(i);
      if (b.maxTime() - b.minTime() < ranges[ranges.length / 2]) {
        break;
      }
      if ((double) b.numTombstones() / (b.numSeries() + 1) > 0.05) {
        return List.of(b.id());
      }
    }
    return List.of();
  }

  /** The first run of blocks whose ranges overlap, in min-time order. */
  static List<String> overlapping(List<BlockInfo> ds) {
    List<String> out = new ArrayList<>();
    if (ds.size() < 2) {
      return out;
    }
    long globalMax = ds.get(0).maxTime();
    for (int i = 1; i < ds.size(); i++) {
      BlockInfo d = ds.get(i);
      if (d.minTime() < globalMax) {
        if (out.isEmpty()) {
          out.add(ds.get(i - 1).id());
        }
        out.add(d.id());
      } else if (!out.isEmpty()) {
        break;
      }
      globalMax = Math.max(globalMax, d.maxTime());
    }
    return out;
  }

  private List<BlockInfo> selectForRange(List<BlockInfo> ds) {
    if (ranges.length < 2 || ds.isEmpty()) {
      return List.of();
    }
    long highTime = ds.get(ds.size() - 1).minTime();
    for (int r = 1; r < ranges.length; r++) {
      long iv = ranges[r];
      outer:
      for (List<BlockInfo> p : splitByRange(ds, iv)) {
        for (BlockInfo b : p) {
          if (b.failed()) {
            continue outer;
          }
        }
        long mint = p.get(0).minTime();
        long maxt = p.get(p.size() - 1).maxTime();
        if ((maxt - mint == iv || maxt <= highTime) && p.size() > 1) {
          return p;
        }
      }
    }
    return List.of();
  }

  /** Groups blocks by the aligned range of size {@code tr} that wholly contains them. */
  static List<List<BlockInfo>> splitByRange(List<BlockInfo> ds, long tr) {
    List<List<BlockInfo>> out = new ArrayList<>();
    int i = 0;
    while (i < ds.size()) {
      BlockInfo m = ds.get(i);
      long t0 = Math.floorDiv(m.minTime(), tr) * tr;
      if (m.maxTime() > t0 + tr) {
        i++;
        continue;
      }
      List<BlockInfo> group = new ArrayList<>();
      while (i < ds.size() && ds.get(i).maxTime() <= t0 + tr) {
        group.add(ds.get(i));
        i++;
      }
      if (!group.isEmpty()) {
        out.add(group);
      }
    }
    return out;
  }
}
