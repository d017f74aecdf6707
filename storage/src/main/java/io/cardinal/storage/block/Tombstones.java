package io.cardinal.storage.block;

import io.cardinal.storage.io.Crc32c;
import io.cardinal.storage.io.FileOps;
import io.cardinal.storage.io.Varints;
import io.cardinal.tsdb.chunk.Varint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A block's {@code tombstones} file: {@code magic 0x0130BA30 <4B> | version 1 <1B> | stones |
 * CRC32C(stones) <4B>}, each stone {@code series ID <uvarint64> | mint <varint64> | maxt
 * <varint64>}. Deleted intervals are inclusive on both ends.
 */
public final class Tombstones {
  public static final int MAGIC = 0x0130BA30;

  private final Map<Long, List<long[]>> bySeries;

  public Tombstones(Map<Long, List<long[]>> bySeries) {
    this.bySeries = bySeries;
  }

  public static Tombstones empty() {
    return new Tombstones(Map.of());
  }

  public boolean isEmpty() {
    return bySeries.isEmpty();
  }

  /** Deleted [mint, maxt] intervals of a series (by ID), sorted; empty if none. */
  public List<long[]> intervals(long seriesId) {
    // Most blocks have no tombstones: answer without boxing the ID, once per selected series.
    return bySeries.isEmpty()
        ? Collections.emptyList()
        : bySeries.getOrDefault(seriesId, Collections.emptyList());
  }

  /** A mutable copy: series ID to its deleted intervals. */
  public Map<Long, List<long[]>> copy() {
    Map<Long, List<long[]>> out = new TreeMap<>();
    bySeries.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
    return out;
  }

  public int seriesCount() {
    return bySeries.size();
  }

  public static void write(Path file, Map<Long, List<long[]>> stones) throws IOException {
    Files.write(file, encode(stones));
  }

  /**
   * Replaces the tombstones file of the block in {@code blockDir} with {@code stones}, atomically:
   * a crash leaves the old or the new deletions, and readers opening the block meanwhile see one of
   * them whole.
   */
  public static void rewrite(Path blockDir, Map<Long, List<long[]>> stones) throws IOException {
    FileOps.atomicReplace(blockDir.resolve("tombstones"), encode(stones));
  }

  /** The file's bytes for {@code stones}. */
  static byte[] encode(Map<Long, List<long[]>> stones) {
    io.cardinal.storage.wal.record.Encbuf b = new io.cardinal.storage.wal.record.Encbuf(64);
    b.putBE32(MAGIC).putByte(1);
    for (Map.Entry<Long, List<long[]>> e : new TreeMap<>(stones).entrySet()) {
      for (long[] iv : e.getValue()) {
        b.putUvarint(e.getKey()).putVarint(iv[0]).putVarint(iv[1]);
      }
    }
    b.putBE32(Crc32c.of(b.array(), 5, b.length() - 5));
    return b.toByteArray();
  }

  public static Tombstones read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return empty();
    }
    byte[] all = Files.readAllBytes(file);
    if (all.length < 9) {
      throw BlockCorruptionException.at(
          file,
          all.length,
          "tombstones file of " + all.length + " bytes is shorter than header and checksum");
    }
    ByteBuffer bb = ByteBuffer.wrap(all);
    if (bb.getInt(0) != MAGIC) {
      throw BlockCorruptionException.at(
          file, 0, String.format("bad tombstones magic %08x, expected %08x", bb.getInt(0), MAGIC));
    }
    if (all[4] != 1) {
      throw BlockCorruptionException.at(file, 4, "unsupported tombstones version " + all[4]);
    }
    int end = all.length - 4;
    int sum = Crc32c.of(all, 5, end - 5);
    if (bb.getInt(end) != sum) {
      throw BlockCorruptionException.checksum(file, 5, "tombstones", bb.getInt(end), sum);
    }
    Map<Long, List<long[]>> out = new TreeMap<>();
    int[] c = {5};
    while (c[0] < end) {
      long ref = uvarint(all, c, end, file);
      long mint = Varint.unzigzag(uvarint(all, c, end, file));
      long maxt = Varint.unzigzag(uvarint(all, c, end, file));
      out.computeIfAbsent(ref, k -> new ArrayList<>()).add(new long[] {mint, maxt});
    }
    for (List<long[]> l : out.values()) {
      l.sort((x, y) -> Long.compare(x[0], y[0]));
    }
    return new Tombstones(out);
  }

  private static long uvarint(byte[] b, int[] c, int end, Path file)
      throws BlockCorruptionException {
    try {
      return Varints.uvarint(b, c, end);
    } catch (Varints.VarintException e) {
      throw BlockCorruptionException.at(
          file, e.offset(), e.truncated() ? "truncated tombstone" : "invalid varint in tombstone");
    }
  }
}
