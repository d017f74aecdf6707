package io.cardinal.storage.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The file-system steps Cardinal's on-disk formats rely on for crash safety: fsync of files and
 * directories, replace-by-rename, recursive delete and hard-linked copies of immutable trees. Every
 * module that changes Cardinal's files goes through here, so a crash leaves either the old or the
 * new version of a file and never half of one.
 */
public final class FileOps {
  private FileOps() {}

  /** What {@link #linkTree} does with one file of the source tree. */
  public enum LinkAction {
    LINK,
    COPY,
    SKIP
  }

  /** Chooses the {@link LinkAction} of a file by its path relative to the source tree. */
  @FunctionalInterface
  public interface LinkPolicy {
    LinkAction action(Path relative);
  }

  /** Writes the content of a file being created. */
  @FunctionalInterface
  public interface Content {
    void writeTo(Path file) throws IOException;
  }

  private static boolean windows() {
    return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
  }

  /** Flushes a file's content and metadata to the device. */
  public static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** fsync a directory so that creations, renames and deletions in it are durable. */
  public static void fsyncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms (Windows) cannot open directories; the rename itself is still atomic there.
      if (windows()) {
        return;
      }
      throw e instanceof IOException ? (IOException) e : new IOException(e);
    }
  }

  /**
   * Replaces {@code target} with what {@code content} writes: into {@code target.tmp} first, which
   * is fsynced and renamed over the target, then the directory is fsynced. Readers see the old file
   * or the new one, before and after a crash.
   */
  public static void atomicReplace(Path target, Content content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      content.writeTo(tmp);
      fsync(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Path dir = target.toAbsolutePath().getParent();
    if (dir != null) {
      fsyncDir(dir);
    }
  }

  /** {@link #atomicReplace(Path, Content)} with fixed bytes. */
  public static void atomicReplace(Path target, byte[] bytes) throws IOException {
    atomicReplace(
        target,
        tmp -> Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  /**
   * Renames a fully written directory {@code tmp} to {@code dst}: fsyncs {@code tmp} first so its
   * entries are durable before the name appears, and the parent after.
   */
  public static void commitDir(Path tmp, Path dst) throws IOException {
    fsyncDir(tmp);
    Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
    Path parent = dst.toAbsolutePath().getParent();
    if (parent != null) {
      fsyncDir(parent);
    }
  }

  /** Deletes a file or a directory with everything below it; nothing if it does not exist. */
  public static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> s = Files.walk(p)) {
      all = s.sorted(Comparator.reverseOrder()).toList();
    } catch (NoSuchFileException e) {
      return; // deleted concurrently
    }
    for (Path q : all) {
      Files.deleteIfExists(q);
    }
  }

  /**
   * Recreates the tree {@code src} under {@code dst}, hard-linking files (cheap for immutable data)
   * or copying or skipping them as {@code policy} says. Where the file system cannot link, the file
   * is copied. A source file that disappears meanwhile fails with {@link NoSuchFileException}.
   */
  public static void linkTree(Path src, Path dst, LinkPolicy policy) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(src)) {
      files = s.toList();
    }
    for (Path p : files) {
      Path rel = src.relativize(p);
      Path to = dst.resolve(rel.toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(to);
        continue;
      }
      switch (policy.action(rel)) {
        case LINK:
          try {
            Files.createLink(to, p);
          } catch (NoSuchFileException | FileAlreadyExistsException e) {
            throw e;
          } catch (UnsupportedOperationException | IOException e) {
            Files.copy(p, to);
          }
          break;
        case COPY:
          Files.copy(p, to);
          break;
        case SKIP:
        default:
          break;
      }
    }
  }
}
