package io.cardinal.capacity;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Memory sizes on the command line: {@code 8589934592}, {@code 8GiB}, {@code 8G}, {@code 8GB},
 * {@code 1.5GiB}. Every unit is a power of 1024, as in the JVM's {@code -Xmx8g} and in
 * prometheus.yml's byte sizes.
 */
final class ByteSize {
  private static final String[] UNITS = {"", "K", "M", "G", "T", "P"};

  private ByteSize() {}

  public static long parse(String s) throws BadInputException {
    String t = s.trim().toUpperCase(Locale.ROOT).replace(" ", "");
    int i = 0;
    while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
      i++;
    }
    String unit = t.substring(i);
    if (unit.endsWith("IB")) {
      unit = unit.substring(0, unit.length() - 2);
    } else if (unit.endsWith("B")) {
      unit = unit.substring(0, unit.length() - 1);
    }
    int k = -1;
    for (int u = 0; u < UNITS.length; u++) {
      if (UNITS[u].equals(unit)) {
        k = u;
      }
    }
    if (i == 0 || k < 0) {
      throw new BadInputException(
          "not a memory size: \"" + s + "\" (use e.g. 8GiB, 512MiB or a number of bytes)");
    }
    BigDecimal n;
    try {
      n = new BigDecimal(t.substring(0, i)).multiply(BigDecimal.valueOf(1L << (10 * k)));
    } catch (NumberFormatException e) {
      throw new BadInputException("not a memory size: \"" + s + "\"");
    }
    if (n.signum() <= 0) {
      throw new BadInputException("memory size must be positive: \"" + s + "\"");
    }
    if (n.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new BadInputException("memory size too large: \"" + s + "\"");
    }
    return n.longValue();
  }

  /** {@code 7.5 GiB}, {@code 512.0 MiB}, {@code 900 B}. */
  public static String format(double bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    double v = bytes;
    while (Math.abs(v) >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0
        ? String.format(Locale.ROOT, "%.0f B", v)
        : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
