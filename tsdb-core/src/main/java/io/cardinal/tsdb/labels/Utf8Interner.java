package io.cardinal.tsdb.labels;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns UTF-8 byte runs into canonical {@link String}s without creating a String for a run it has
 * seen before. Decoders of label-heavy input (WAL series records, index symbol tables, remote
 * write) meet the same few thousand names and values millions of times; decoding each into a fresh
 * String made a replay of a million series allocate a gigabyte of strings only to intern and drop
 * them.
 *
 * <p>Open addressing on a hash of the bytes. A candidate is confirmed by comparing its characters
 * with the bytes when the run is ASCII (the common case, no allocation); other runs are decoded and
 * compared with {@link String#equals}. The table grows without bound until {@link #clear()}:
 * callers either own it for a bounded job (a replay) or clear it when {@link #size()} passes their
 * budget. Not thread-safe.
 */
public final class Utf8Interner {
  private String[] strings;
  private int[] hashes;

  /**
   * {@link Labels#stringHash} of each string, so label sets can be hashed from their strings'
   * slots.
   */
  private long[] labelHashes;

  private long lastLabelHash;
  private int size;
  private int mask;

  public Utf8Interner() {
    this(1 << 12);
  }

  /**
   * @param expected strings expected before the first resize
   */
  public Utf8Interner(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    strings = new String[cap];
    hashes = new int[cap];
    labelHashes = new long[cap];
    mask = cap - 1;
  }

  /**
   * {@link Labels#stringHash} of the string the last {@code intern} call returned from the table
   * (not when {@code intern(..., hint)} answered with its hint: the caller knows that one).
   */
  public long lastLabelHash() {
    return lastLabelHash;
  }

  /** Distinct strings held. */
  public int size() {
    return size;
  }

  public void clear() {
    java.util.Arrays.fill(strings, null);
    size = 0;
  }

  /** The canonical string for {@code len} UTF-8 bytes of {@code a} at {@code off}. */
  public String intern(byte[] a, int off, int len) {
    int h = 0x9E3779B9;
    int ascii = 0;
    for (int i = 0; i < len; i++) {
      int c = a[off + i];
      ascii |= c;
      h = (h ^ c) * 0x01000193;
    }
    h = mix(h, len);
    for (int slot = h & mask; ; slot = (slot + 1) & mask) {
      String s = strings[slot];
      if (s == null) {
        return insert(
            slot,
            h,
            new String(
                a, off, len, ascii >= 0 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
      }
      if (hashes[slot] == h
          && (ascii >= 0
              ? asciiEquals(s, a, off, len)
              : s.equals(new String(a, off, len, StandardCharsets.UTF_8)))) {
        lastLabelHash = labelHashes[slot];
        return s;
      }
    }
  }

  /**
   * Like {@link #intern(ByteBuffer, int, int)}, trying {@code hint} first: decoders pass the string
   * found at the same place in the previous item (the same label of the previous series), which is
   * usually equal and already in cache, so the hash and the table probe (a cache miss in a big
   * table) are skipped.
   */
  public String intern(ByteBuffer b, int pos, int len, String hint) {
    if (hint != null && hint.length() == len && equals(hint, b, pos, len, true)) {
      return hint;
    }
    return intern(b, pos, len);
  }

  /**
   * The canonical string for {@code len} UTF-8 bytes of {@code b} at absolute index {@code pos}.
   */
  public String intern(ByteBuffer b, int pos, int len) {
    if (b.hasArray()) {
      return intern(b.array(), b.arrayOffset() + pos, len);
    }
    int h = 0x9E3779B9;
    int ascii = 0;
    for (int i = 0; i < len; i++) {
      int c = b.get(pos + i);
      ascii |= c;
      h = (h ^ c) * 0x01000193;
    }
    h = mix(h, len);
    for (int slot = h & mask; ; slot = (slot + 1) & mask) {
      String s = strings[slot];
      if (s == null) {
        byte[] tmp = new byte[len];
        b.get(pos, tmp, 0, len);
        return insert(
            slot,
            h,
            new String(tmp, ascii >= 0 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
      }
      if (hashes[slot] == h && equals(s, b, pos, len, ascii >= 0)) {
        lastLabelHash = labelHashes[slot];
        return s;
      }
    }
  }

  /** The canonical instance equal to {@code s} (which becomes canonical if new). */
  public String intern(String s) {
    byte[] u = s.getBytes(StandardCharsets.UTF_8);
    return intern(u, 0, u.length);
  }

  private static int mix(int h, int len) {
    h ^= len;
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    return h;
  }

  private String insert(int slot, int h, String s) {
    strings[slot] = s;
    hashes[slot] = h;
    lastLabelHash = labelHashes[slot] = Labels.stringHash(s);
    if (++size * 2 > strings.length) {
      grow();
    }
    return s;
  }

  private void grow() {
    String[] os = strings;
    int[] oh = hashes;
    long[] ol = labelHashes;
    int cap = os.length * 2;
    strings = new String[cap];
    hashes = new int[cap];
    labelHashes = new long[cap];
    mask = cap - 1;
    for (int i = 0; i < os.length; i++) {
      if (os[i] != null) {
        int slot = oh[i] & mask;
        while (strings[slot] != null) {
          slot = (slot + 1) & mask;
        }
        strings[slot] = os[i];
        hashes[slot] = oh[i];
        labelHashes[slot] = ol[i];
      }
    }
  }

  private static boolean asciiEquals(String s, byte[] a, int off, int len) {
    if (s.length() != len) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (s.charAt(i) != a[off + i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean equals(String s, ByteBuffer b, int pos, int len, boolean ascii) {
    if (!ascii) {
      byte[] tmp = new byte[len];
      b.get(pos, tmp, 0, len);
      return s.equals(new String(tmp, StandardCharsets.UTF_8));
    }
    if (s.length() != len) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (s.charAt(i) != b.get(pos + i)) {
        return false;
      }
    }
    return true;
  }
}
