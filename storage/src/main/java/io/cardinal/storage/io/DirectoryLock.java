package io.cardinal.storage.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code lock} file of a data directory, held for as long as the directory is open, so that a
 * second server (or a second open in the same process) fails at once instead of writing the same
 * WAL and blocks: two writers on one directory lose one writer's data at the next restart.
 *
 * <p>The file has Prometheus's name and, like Prometheus's, is left in place on close (its presence
 * means nothing; only the lock on it does). It holds the holder's PID as text so the refusal can
 * name it. The lock is the operating system's advisory lock, released by the kernel when the
 * process dies, so a crash never leaves a directory locked. It excludes Cardinal processes;
 * Prometheus locks with {@code flock(2)}, which Linux keeps apart from the {@code fcntl(2)} locks
 * the JVM takes, so a Prometheus and a Cardinal on one directory do not see each other's lock.
 */
public final class DirectoryLock implements AutoCloseable {
  /** Prometheus's name for it. */
  public static final String FILE = "lock";

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code dir} (which must exist) or fails naming the directory and the holder.
   *
   * @throws IOException if another process, or another open in this one, holds it
   */
  public static DirectoryLock acquire(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      ch.close();
      throw new IOException(
          "data directory is already open in this process; close it first [dir=" + dir + "]");
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      String holder = holder(ch);
      ch.close();
      throw new IOException(
          "data directory is in use by another process"
              + (holder.isEmpty() ? "" : " (PID " + holder + ")")
              + "; stop it, or point this one at another directory [dir="
              + dir
              + ", lock file="
              + file
              + "]");
    }
    try {
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(pid), 0);
    } catch (IOException e) {
      lock.release();
      ch.close();
      throw new IOException("cannot write lock file " + file + ": " + e.getMessage(), e);
    }
    return new DirectoryLock(file, ch, lock);
  }

  private static String holder(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
      return s.chars().allMatch(Character::isDigit) ? s : "";
    } catch (IOException e) {
      return "";
    }
  }

  public Path file() {
    return file;
  }

  /** Releases the lock; the file stays, as Prometheus leaves its own. */
  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      channel.close();
    }
  }
}
