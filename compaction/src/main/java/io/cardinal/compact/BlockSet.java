package io.cardinal.compact;

import io.cardinal.storage.block.Block;
import io.cardinal.storage.block.BlockFiles;
import io.cardinal.storage.block.BlockWriter;
import io.cardinal.storage.block.Ulid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The database's blocks, oldest first, with reference counts: a query holds the blocks it reads,
 * and a block that compaction or retention removed is closed and deleted from disk only when the
 * last query holding it lets go.
 */
public final class BlockSet {
  private final Path dir;
  private final Consumer<String> warn;
  private volatile List<Handle> blocks = List.of();
  private final List<String> setAside = new ArrayList<>();

  /** A block with its reference count. */
  public static final class Handle {
    public final Block block;
    private final AtomicInteger refs = new AtomicInteger(1); // the set's own reference
    private volatile boolean removed;

    Handle(Block block) {
      this.block = block;
    }

    public boolean acquire() {
      while (true) {
        int r = refs.get();
        if (r == 0) {
          return false;
        }
        if (refs.compareAndSet(r, r + 1)) {
          return true;
        }
      }
    }

    /** Drops one reference; the last one closes the block and deletes it if it was removed. */
    public void release() {
      if (refs.decrementAndGet() == 0) {
        block.close();
        if (removed) {
          try {
            BlockFiles.delete(block.dir());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException("deleting block " + block.dir(), e);
          }
        }
      }
    }

    public boolean isDeleted() {
      return refs.get() == 0 && removed;
    }
  }

  private BlockSet(Path dir, Consumer<String> warn) {
    this.dir = dir;
    this.warn = warn;
  }

  /**
   * Loads every block directory under {@code dir}. Leftovers of interrupted writes are deleted; a
   * block that fails to open (corrupt or truncated) is set aside, reported through {@code warn} and
   * {@link #setAside()}, and everything else stays queryable. Blocks that a completed compaction
   * replaced (their ULID is a parent of another block) are deleted.
   */
  public static BlockSet open(Path dir, Consumer<String> warn) throws IOException {
    BlockSet s = new BlockSet(dir, warn);
    Files.createDirectories(dir);
    int tmp = BlockWriter.cleanupTemporary(dir);
    if (tmp > 0) {
      warn.accept(
          "removed "
              + tmp
              + " incomplete block director"
              + (tmp == 1 ? "y" : "ies")
              + " left by an interrupted write");
    }
    List<Handle> loaded = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files.sorted()::iterator) {
        String name = p.getFileName().toString();
        if (!Files.isDirectory(p) || !Ulid.isValid(name)) {
          continue;
        }
        try {
          loaded.add(new Handle(Block.open(p)));
        } catch (IOException | RuntimeException e) {
          s.setAside.add(name + ": " + e.getMessage());
          warn.accept("block " + name + " set aside, not queryable: " + e.getMessage());
        }
      }
    }
    // A crash after a compaction wrote its block but before it deleted the inputs leaves both:
    // the inputs are named as parents by the new block and are deleted now.
    java.util.Set<String> parents = new java.util.HashSet<>();
    for (Handle h : loaded) {
      parents.addAll(h.block.meta().parents);
    }
    List<Handle> live = new ArrayList<>();
    for (Handle h : loaded) {
      if (parents.contains(h.block.meta().ulid)) {
        h.removed = true;
        h.release();
        warn.accept(
            "deleted block " + h.block.meta().ulid + ": already compacted into a newer block");
      } else {
        live.add(h);
      }
    }
    live.sort(Comparator.comparingLong(h -> h.block.meta().minTime));
    s.blocks = List.copyOf(live);
    return s;
  }

  /** The current blocks, oldest first (a snapshot; not acquired). */
  public List<Handle> all() {
    return blocks;
  }

  /** Acquires the blocks overlapping [mint, maxt]; release each when done. */
  public List<Handle> acquire(long mint, long maxt) {
    List<Handle> out = new ArrayList<>();
    for (Handle h : blocks) {
      if (h.block.meta().maxTime > mint && h.block.meta().minTime <= maxt && h.acquire()) {
        out.add(h);
      }
    }
    return out;
  }

  public synchronized void add(Block b) {
    List<Handle> next = new ArrayList<>(blocks);
    next.add(new Handle(b));
    next.sort(Comparator.comparingLong(h -> h.block.meta().minTime));
    blocks = List.copyOf(next);
  }

  /**
   * Swaps in a reopened version of a block (same ULID and directory, e.g. new tombstones); the old
   * handle is closed once no query holds it, and its directory is kept.
   */
  public synchronized void replace(Block reopened) {
    List<Handle> next = new ArrayList<>();
    Handle old = null;
    for (Handle h : blocks) {
      if (h.block.meta().ulid.equals(reopened.meta().ulid)) {
        old = h;
        next.add(new Handle(reopened));
      } else {
        next.add(h);
      }
    }
    blocks = List.copyOf(next);
    if (old != null) {
      old.release();
    }
  }

  /** Removes blocks by ULID; each is deleted once no query holds it. */
  public synchronized void remove(Collection<String> ulids) {
    List<Handle> next = new ArrayList<>();
    List<Handle> gone = new ArrayList<>();
    for (Handle h : blocks) {
      (ulids.contains(h.block.meta().ulid) ? gone : next).add(h);
    }
    blocks = List.copyOf(next);
    for (Handle h : gone) {
      h.removed = true;
      h.release();
    }
  }

  /** Blocks that failed to open, with the reason. */
  public List<String> setAside() {
    return List.copyOf(setAside);
  }

  /** Bytes of all live blocks on disk. */
  public long bytes() {
    long n = 0;
    for (Handle h : blocks) {
      n += dirSize(h.block.dir());
    }
    return n;
  }

  public static long dirSize(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException e) {
      return 0;
    }
  }

  public synchronized void close() {
    for (Handle h : blocks) {
      h.release();
    }
    blocks = List.of();
  }
}
