package io.cardinal.storage.wal;

import io.cardinal.storage.io.FileOps;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Repairs a WAL after a {@link WalCorruptionException}, with Prometheus's policy:
 *
 * <ol>
 *   <li>every segment after the corrupt one is deleted, newest first;
 *   <li>the corrupt segment is rescanned and cut after the last record that ends at or before the
 *       corruption offset: those bytes are copied to {@code NNNNNNNN.repair}, zero-padded to a page
 *       boundary, fsynced and atomically renamed over the segment;
 *   <li>the directory is fsynced.
 * </ol>
 *
 * A torn tail (a record whose last fragment never reached the disk) is a corruption of kind {@link
 * WalCorruptionException.Kind#TORN_RECORD} and is cut the same way. Data after the cut is lost: the
 * caller must replay the WAL from the start after repairing. Kinds that are not {@linkplain
 * WalCorruptionException.Kind#repairable() repairable} are refused.
 */
public final class WalRepair {

  private static final System.Logger LOG = System.getLogger(WalRepair.class.getName());

  /**
   * What a repair did.
   *
   * @param segment the corrupt segment
   * @param corruptionOffset offset reported by the corruption
   * @param truncatedTo length of the good prefix kept (before page padding)
   * @param recordsKept complete records kept in the segment
   * @param deletedSegments indexes of the later segments deleted
   * @param message a one-line warning naming segment and offset, also logged
   */
  public record Result(
      int segment,
      long corruptionOffset,
      long truncatedTo,
      int recordsKept,
      List<Integer> deletedSegments,
      String message) {}

  private WalRepair() {}

  static void checkRepairable(Path dir, WalCorruptionException e) {
    if (!e.kind().repairable()) {
      throw new IllegalArgumentException(
          "corruption is not repairable by truncation [kind="
              + e.kind()
              + ", segment="
              + e.segment()
              + "]",
          e);
    }
    if (e.segment() < 0 || e.offset() < 0) {
      throw new IllegalArgumentException(
          "corruption does not name a position [segment="
              + e.segment()
              + ", offset="
              + e.offset()
              + "]",
          e);
    }
    Path parent = e.file().toAbsolutePath().getParent();
    if (parent == null || !parent.normalize().equals(dir.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException(
          "corruption is not in this WAL [dir=" + dir + ", file=" + e.file() + "]", e);
    }
  }

  /** Repairs the closed WAL in {@code dir}; see the class comment. */
  public static Result repair(Path dir, WalCorruptionException corruption) throws IOException {
    checkRepairable(dir, corruption);
    int seg = corruption.segment();
    Path file = Segments.path(dir, seg);
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "corrupt segment does not exist [segment=" + seg + ", file=" + file + "]");
    }
    LOG.log(
        Level.WARNING,
        "Starting WAL corruption repair [segment={0}, offset={1}, kind={2}]",
        String.valueOf(seg),
        String.valueOf(corruption.offset()),
        corruption.kind());

    List<Integer> deleted = new ArrayList<>();
    int[] all = Segments.list(dir);
    for (int i = all.length - 1; i >= 0 && all[i] > seg; i--) {
      Files.delete(Segments.path(dir, all[i]));
      deleted.add(0, all[i]);
    }

    long goodEnd = 0;
    int kept = 0;
    try (WalReader r = WalReader.openSegment(dir, seg)) {
      while (r.next() && r.recordEndOffset() <= corruption.offset()) {
        goodEnd = r.recordEndOffset();
        kept++;
      }
    } catch (WalCorruptionException expected) {
      // The corruption itself (or an earlier one): everything before it is goodEnd.
    }

    long size = Files.size(file);
    long padded = (goodEnd + WalFormat.PAGE_SIZE - 1) / WalFormat.PAGE_SIZE * WalFormat.PAGE_SIZE;
    Path tmp = dir.resolve(WalFormat.segmentName(seg) + ".repair");
    Files.deleteIfExists(tmp);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long copied = 0;
      while (copied < goodEnd) {
        copied += in.transferTo(copied, goodEnd - copied, out);
      }
      ByteBuffer zeros = ByteBuffer.allocate((int) (padded - goodEnd));
      while (zeros.hasRemaining()) {
        out.write(zeros, goodEnd + zeros.position());
      }
      out.force(true);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw new IOException(
          "repairing WAL segment " + file + " (writing " + tmp + ") failed: " + e.getMessage(), e);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    FileOps.fsyncDir(dir);

    String msg =
        "WAL repaired: segment "
            + seg
            + " ("
            + file
            + ") cut at offset "
            + goodEnd
            + " after corruption at offset "
            + corruption.offset()
            + " ("
            + corruption.kind()
            + "); kept "
            + kept
            + " records, dropped "
            + (size - goodEnd)
            + " bytes and "
            + deleted.size()
            + " later segment(s) "
            + deleted;
    LOG.log(Level.WARNING, msg);
    return new Result(seg, corruption.offset(), goodEnd, kept, List.copyOf(deleted), msg);
  }
}
