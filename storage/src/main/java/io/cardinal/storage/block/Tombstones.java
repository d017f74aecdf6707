package io.cardinal.storage.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * A block's {@code tombstones} file: {@code magic 0x0130BA30 <4B> | version 1 <1B> | stones |
 * CRC32C(stones) <4B>}, each stone {@code series ID <uvarint64> | mint <varint64> | maxt <varint64>}.
 * Deleted intervals are inclusive on both ends.
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
    return bySeries.isEmpty() ? Collections.emptyList() : bySeries.getOrDefault(seriesId, Collections.emptyList());
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
    io.cardinal.storage.wal.record.Encbuf b = new io.cardinal.storage.wal.record.Encbuf(64);
    b.putBE32(MAGIC).putByte(1);
    for (Map.Entry<Long, List<long[]>> e : new TreeMap<>(stones).entrySet()) {
      for (long[] iv : e.getValue()) {
        b.putUvarint(e.getKey()).putVarint(iv[0]).putVarint(iv[1]);
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 5, b.length() - 5);
    b.putBE32((int) crc.getValue());
    Files.write(file, b.toByteArray());
  }

  public static Tombstones read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return empty();
    }
    byte[] all = Files.readAllBytes(file);
    if (all.length < 9) {
      throw BlockCorruptionException.at(file, all.length, "tombstones file of " + all.length + " bytes is shorter than header and checksum");
    }
    ByteBuffer bb = ByteBuffer.wrap(all);
    if (bb.getInt(0) != MAGIC) {
      throw BlockCorruptionException.at(file, 0, String.format("bad tombstones magic %08x, expected %08x", bb.getInt(0), MAGIC));
    }
    if (all[4] != 1) {
      throw BlockCorruptionException.at(file, 4, "unsupported tombstones version " + all[4]);
    }
    int end = all.length - 4;
    CRC32C crc = new CRC32C();
    crc.update(all, 5, end - 5);
    if (bb.getInt(end) != (int) crc.getValue()) {
      throw BlockCorruptionException.checksum(file, 5, "tombstones", bb.getInt(end), (int) crc.getValue());
    }
    Map<Long, List<long[]>> out = new TreeMap<>();
    int[] c = {5};
    while (c[0] < end) {
      long ref = uvarint(all, c, end, file);
      long mint = unzig(uvarint(all, c, end, file));
      long maxt = unzig(uvarint(all, c, end, file));
      out.computeIfAbsent(ref, k -> new ArrayList<>()).add(new long[] {mint, maxt});
    }
    for (List<long[]> l : out.values()) {
      l.sort((x, y) -> Long.compare(x[0], y[0]));
    }
    return new Tombstones(out);
  }

  private static long unzig(long u) {
    return (u >>> 1) ^ -(u & 1);
  }

  private static long uvarint(byte[] b, int[] c, int end, Path file) throws BlockCorruptionException {
    long x = 0;
    int s = 0;
    for (int i = 0; i < 10; i++) {
      if (c[0] >= end) {
        throw BlockCorruptionException.at(file, c[0], "truncated tombstone");
      }
      int v = b[c[0]++] & 0xFF;
      if (v < 0x80) {
        return x | ((long) v << s);
      }
      x |= (long) (v & 0x7F) << s;
      s += 7;
    }
    throw BlockCorruptionException.at(file, c[0], "invalid varint in tombstone");
  }
}
