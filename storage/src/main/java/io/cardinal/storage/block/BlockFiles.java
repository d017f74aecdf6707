package io.cardinal.storage.block;

import io.cardinal.storage.io.FileOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/** File-level operations on whole block directories, for callers outside storage. */
public final class BlockFiles {
  private BlockFiles() {}

  /**
   * Recreates the block in {@code src} as {@code dst} with hard links: blocks are immutable apart
   * from their tombstones file, which is only ever replaced by rename, so a link never sees a later
   * change. Files named in {@code copied} (relative paths) are copied instead, for callers that
   * rewrite them in the copy; leftover {@code *.tmp} files of an interrupted rewrite are left out.
   * Fails with {@link java.nio.file.NoSuchFileException} if the block is deleted meanwhile.
   */
  public static void hardLink(Path src, Path dst, Set<String> copied) throws IOException {
    FileOps.linkTree(
        src,
        dst,
        rel -> {
          String r = rel.toString().replace('\\', '/');
          if (copied.contains(r)) {
            return FileOps.LinkAction.COPY;
          }
          return r.endsWith(".tmp") ? FileOps.LinkAction.SKIP : FileOps.LinkAction.LINK;
        });
  }

  /** {@link #hardLink(Path, Path, Set)} linking every file. */
  public static void hardLink(Path src, Path dst) throws IOException {
    hardLink(src, dst, Set.of());
  }

  /** Deletes a block directory (or any leftover of one) with all it holds. */
  public static void delete(Path dir) throws IOException {
    FileOps.deleteRecursively(dir);
  }
}
