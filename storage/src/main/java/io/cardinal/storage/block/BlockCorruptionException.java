package io.cardinal.storage.block;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A block file is not what its format says it must be. Always names the file and the byte offset
 * where the problem was found, and what was expected there.
 */
public final class BlockCorruptionException extends IOException {
  private final Path file;
  private final long offset;

  private BlockCorruptionException(Path file, long offset, String what) {
    super(what + " [file=" + file + ", offset=" + offset + "]");
    this.file = file;
    this.offset = offset;
  }

  public static BlockCorruptionException at(Path file, long offset, String what) {
    return new BlockCorruptionException(file, offset, what);
  }

  public static BlockCorruptionException checksum(
      Path file, long offset, String section, int expected, int actual) {
    return new BlockCorruptionException(
        file,
        offset,
        String.format(
            "%s checksum mismatch: stored %08x, computed %08x", section, expected, actual));
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }
}
