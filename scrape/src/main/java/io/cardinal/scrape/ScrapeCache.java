package io.cardinal.scrape;

import io.cardinal.tsdb.labels.Labels;
import java.util.Arrays;

/**
 * Per-target map from a sample's series as exposed (for the text format the series' bytes straight
 * from the body, {@code name{labels}}; for OpenMetrics a {@link
 * io.cardinal.exposition.RawSeriesKey}) to the series after target labels and
 * metric_relabel_configs, with its storage reference. A hit costs one hash and one byte comparison,
 * so a steady-state scrape neither builds Labels nor relabels, and appends by reference. Open
 * addressing on the 64-bit hash; entries with equal hashes chain.
 */
final class ScrapeCache {
  static final class Entry {
    final byte[] key;
    final long hash;

    /**
     * Final labels, or null when metric_relabel_configs dropped the series. Replaced by the head's
     * own instance once the series is stored, so the cache shares the head's interned strings
     * instead of keeping a second copy of every label of every series.
     */
    Labels labels;

    long ref;

    /** Iteration (scrape number) this series was last exposed in. */
    long lastSeen = -1;

    /** Whether staleness is tracked: not for samples that carry their own timestamp. */
    boolean tracked;

    Entry next;

    Entry(byte[] key, long hash, Labels labels) {
      this.key = key;
      this.hash = hash;
      this.labels = labels;
    }
  }

  private Entry[] table = new Entry[64];
  private int size;

  int size() {
    return size;
  }

  Entry get(long hash, byte[] key, int off, int len) {
    Entry[] t = table;
    int i = slot(hash, t.length);
    for (Entry e = t[i]; e != null; e = e.next) {
      if (e.hash == hash
          && e.key.length == len
          && Arrays.equals(e.key, 0, len, key, off, off + len)) {
        return e;
      }
    }
    return null;
  }

  Entry put(long hash, byte[] key, int off, int len, Labels labels) {
    if (size * 2 >= table.length) {
      resize(table.length * 2);
    }
    Entry e = new Entry(Arrays.copyOfRange(key, off, off + len), hash, labels);
    int i = slot(hash, table.length);
    e.next = table[i];
    table[i] = e;
    size++;
    return e;
  }

  /** Drops entries last seen before {@code minIteration}. */
  void evictBefore(long minIteration) {
    for (int i = 0; i < table.length; i++) {
      Entry prev = null;
      for (Entry e = table[i]; e != null; e = e.next) {
        if (e.lastSeen < minIteration) {
          if (prev == null) {
            table[i] = e.next;
          } else {
            prev.next = e.next;
          }
          size--;
        } else {
          prev = e;
        }
      }
    }
  }

  void clear() {
    Arrays.fill(table, null);
    size = 0;
  }

  private void resize(int n) {
    Entry[] old = table;
    table = new Entry[n];
    for (Entry head : old) {
      for (Entry e = head; e != null; ) {
        Entry next = e.next;
        int i = slot(e.hash, n);
        e.next = table[i];
        table[i] = e;
        e = next;
      }
    }
  }

  private static int slot(long hash, int len) {
    return (int) (hash ^ (hash >>> 32)) & (len - 1);
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * A 64-bit hash of the raw series bytes, eight bytes per step (multiply and xor-shift), then a
   * final avalanche. Every scraped sample is hashed, so a byte-at-a-time hash cost ~8 % of
   * ingestion CPU; a hit is still confirmed by comparing the bytes.
   */
  static long hash(byte[] b, int off, int len) {
    long h = 0xcbf29ce484222325L ^ len;
    int i = off;
    int end = off + len;
    for (; i + 8 <= end; i += 8) {
      h = (h ^ (long) LONGS.get(b, i)) * 0x9E3779B97F4A7C15L;
      h ^= h >>> 29;
    }
    long tail = 0;
    for (int shift = 0; i < end; i++, shift += 8) {
      tail |= (b[i] & 0xFFL) << shift;
    }
    h = (h ^ tail) * 0x9E3779B97F4A7C15L;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
