package io.cardinal.config;

import java.util.Locale;

/**
 * Byte sizes as prometheus.yml writes them ({@code body_size_limit: 10MB}); units are powers of
 * 1024.
 */
public final class ByteSizes {
  private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};

  private ByteSizes() {}

  public static long parse(String s) {
    String t = s.trim().toUpperCase(Locale.ROOT).replace("IB", "B");
    int i = 0;
    while (i < t.length() && Character.isDigit(t.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException("not a valid byte size: \"" + s + "\"");
    }
    long n = Long.parseLong(t.substring(0, i));
    String unit = t.substring(i).trim();
    if (unit.isEmpty()) {
      return n;
    }
    for (int k = 0; k < UNITS.length; k++) {
      if (UNITS[k].equals(unit)) {
        return Math.multiplyExact(n, 1L << (10 * k));
      }
    }
    throw new IllegalArgumentException("not a valid byte size: \"" + s + "\"");
  }

  /** The largest unit that divides exactly, e.g. {@code 10MB}; {@code 0} stays {@code 0}. */
  public static String format(long n) {
    if (n == 0) {
      return "0";
    }
    for (int k = UNITS.length - 1; k > 0; k--) {
      long u = 1L << (10 * k);
      if (n % u == 0) {
        return (n / u) + UNITS[k];
      }
    }
    return n + "B";
  }
}
