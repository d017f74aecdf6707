package io.cardinal.storage.block;

import java.security.SecureRandom;

/**
 * ULIDs name block directories as in Prometheus: 26 Crockford base32 characters, a 48-bit
 * millisecond timestamp followed by 80 random bits, so names sort by creation time.
 */
public final class Ulid {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ulid() {}

  public static String next(long timeMs) {
    byte[] rnd = new byte[10];
    RANDOM.nextBytes(rnd);
    return encode(timeMs, rnd);
  }

  static String encode(long timeMs, byte[] random80) {
    char[] out = new char[26];
    // 10 characters of timestamp (50 bits, top 2 zero).
    long t = timeMs;
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (t & 31)];
      t >>>= 5;
    }
    // 16 characters of randomness: 80 bits, 5 at a time.
    long hi = 0;
    for (int i = 0; i < 5; i++) {
      hi = (hi << 8) | (random80[i] & 0xFF);
    }
    long lo = 0;
    for (int i = 5; i < 10; i++) {
      lo = (lo << 8) | (random80[i] & 0xFF);
    }
    for (int i = 7; i >= 0; i--) {
      out[10 + i] = ALPHABET[(int) (hi & 31)];
      hi >>>= 5;
      out[18 + i] = ALPHABET[(int) (lo & 31)];
      lo >>>= 5;
    }
    return new String(out);
  }

  /** Whether {@code s} looks like a ULID (a block directory name). */
  public static boolean isValid(String s) {
    if (s.length() != 26 || s.charAt(0) > '7') {
      return false;
    }
    for (int i = 0; i < 26; i++) {
      if (new String(ALPHABET).indexOf(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The timestamp part of a ULID, in milliseconds. */
  public static long timeMs(String ulid) {
    long t = 0;
    for (int i = 0; i < 10; i++) {
      t = (t << 5) | new String(ALPHABET).indexOf(ulid.charAt(i));
    }
    return t;
  }
}
