package io.cardinal.storage.wal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Listing, naming and deleting segment files; fsync helpers. */
public final class Segments {

  private Segments() {}

  /** Path of segment {@code index} in {@code dir}. */
  public static Path path(Path dir, int index) {
    return dir.resolve(WalFormat.segmentName(index));
  }

  /**
   * Indexes of all segment files in {@code dir}, ascending. Names that are not 8-or-so digits
   * (checkpoints, temporary files) are skipped.
   */
  public static int[] list(Path dir) throws IOException {
    int[] out = new int[16];
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        int idx = WalFormat.parseSegmentName(p.getFileName().toString());
        if (idx < 0 || !Files.isRegularFile(p)) {
          continue;
        }
        if (n == out.length) {
          out = Arrays.copyOf(out, n * 2);
        }
        out[n++] = idx;
      }
    }
    int[] res = Arrays.copyOf(out, n);
    Arrays.sort(res);
    return res;
  }

  /** Index of the newest segment, or -1 when there is none. */
  public static int last(Path dir) throws IOException {
    int[] all = list(dir);
    return all.length == 0 ? -1 : all[all.length - 1];
  }

  /**
   * Deletes every segment with an index below {@code index} (Prometheus {@code Truncate}), oldest
   * first so that a crash leaves a contiguous suffix. Returns how many were deleted.
   */
  public static int deleteBefore(Path dir, int index) throws IOException {
    int deleted = 0;
    for (int idx : list(dir)) {
      if (idx >= index) {
        break;
      }
      Files.deleteIfExists(path(dir, idx));
      deleted++;
    }
    return deleted;
  }
}
