package io.cardinal.storage.wal;

import java.nio.file.Path;

/**
 * Segments {@code first..last} (both inclusive) of the WAL in {@code dir}; a negative bound is
 * open: {@code new SegmentRange(dir, -1, -1)} is every segment.
 */
record SegmentRange(Path dir, int first, int last) {

  public SegmentRange {
    if (dir == null) {
      throw new IllegalArgumentException("dir is null");
    }
    if (first >= 0 && last >= 0 && last < first) {
      throw new IllegalArgumentException(
          "empty segment range [first=" + first + ", last=" + last + "]");
    }
  }

  /** Every segment in {@code dir}. */
  public static SegmentRange all(Path dir) {
    return new SegmentRange(dir, -1, -1);
  }

  /** Whether {@code index} falls in this range. */
  public boolean contains(int index) {
    return (first < 0 || index >= first) && (last < 0 || index <= last);
  }
}
