package io.cardinal.compact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cardinal.compact.CompactionPlanner.BlockInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per planner rule, on Prometheus's default ranges (2h, 6h, 18h, ...). */
class CompactionPlannerTest {
  static final long H = BlockRanges.HOUR;
  final CompactionPlanner planner =
      new CompactionPlanner(BlockRanges.forRetention(2 * H, 15 * BlockRanges.DAY));

  static BlockInfo b(String id, long fromH, long toH) {
    return BlockInfo.of(id, fromH * H, toH * H);
  }

  @Test
  void rangesAreExponentialAndCappedByRetention() {
    // 15d retention caps blocks at 36h (retention / 10).
    assertArrayEquals(
        new long[] {2 * H, 6 * H, 18 * H}, BlockRanges.forRetention(2 * H, 15 * BlockRanges.DAY));
    // The 31-day cap: 486h fits, 1458h does not.
    assertArrayEquals(
        new long[] {2 * H, 6 * H, 18 * H, 54 * H, 162 * H, 486 * H},
        BlockRanges.forRetention(2 * H, 3650 * BlockRanges.DAY));
    assertEquals(2 * H, BlockRanges.forRetention(2 * H, H)[0]);
  }

  @Test
  void overlappingBlocksAreMergedFirst() {
    assertEquals(
        List.of("b", "c"),
        planner.plan(List.of(b("a", 0, 2), b("b", 2, 4), b("c", 3, 5), b("d", 6, 8))));
    // A block overlapping two others pulls them all in.
    assertEquals(
        List.of("a", "b", "c"), planner.plan(List.of(b("a", 0, 4), b("b", 1, 2), b("c", 3, 5))));
  }

  @Test
  void threeTwoHourBlocksFillingSixHoursAreMerged() {
    assertEquals(
        List.of("a", "b", "c"),
        planner.plan(List.of(b("a", 0, 2), b("b", 2, 4), b("c", 4, 6), b("d", 6, 8))));
  }

  @Test
  void theNewestBlockIsLeftAlone() {
    // Only the newest block would complete the 6h range: nothing to do yet.
    assertEquals(List.of(), planner.plan(List.of(b("a", 0, 2), b("b", 2, 4), b("c", 4, 6))));
  }

  @Test
  void incompleteRangeBeforeTheNewestBlockIsMerged() {
    // [0,6h) holds two blocks with a gap; a later block exists, so the range will not grow.
    assertEquals(
        List.of("a", "b"), planner.plan(List.of(b("a", 0, 2), b("b", 4, 6), b("c", 8, 10))));
  }

  @Test
  void largerRangesAreBuiltFromSmallerOnes() {
    assertEquals(
        List.of("a", "b", "c"),
        planner.plan(List.of(b("a", 0, 6), b("b", 6, 12), b("c", 12, 18), b("d", 18, 20))));
  }

  @Test
  void singleBlockWithManyTombstonesIsRewritten() {
    BlockInfo big = new BlockInfo("big", 0, 54 * H, 100, 10, false);
    BlockInfo newest = b("new", 54, 56);
    assertEquals(List.of("big"), planner.plan(List.of(big, newest)));
    BlockInfo fewTombstones = new BlockInfo("big", 0, 54 * H, 100, 2, false);
    assertEquals(List.of(), planner.plan(List.of(fewTombstones, newest)));
    BlockInfo small = new BlockInfo("small", 0, 2 * H, 100, 50, false);
    assertEquals(
        List.of(),
        planner.plan(List.of(small, b("n", 2, 4))),
        "small blocks wait to be merged instead");
  }

  @Test
  void failedBlocksAreNotPicked() {
    BlockInfo failed = new BlockInfo("b", 2 * H, 4 * H, 1, 0, true);
    assertEquals(
        List.of(), planner.plan(List.of(b("a", 0, 2), failed, b("c", 4, 6), b("d", 6, 8))));
  }

  @Test
  void splitByRangeGroupsAlignedBlocks() {
    var parts =
        CompactionPlanner.splitByRange(
            List.of(b("a", 0, 1), b("b", 1, 2), b("c", 5, 6), b("d", 9, 10)), 3 * H);
    assertEquals(3, parts.size());
    assertEquals(2, parts.get(0).size());
  }
}
