package io.cardinal.config;

/**
 * Prometheus's duration syntax: {@code 1y2w3d4h5m6s7ms} (units in that order, each optional), or
 * {@code 0}.
 */
public final class Durations {
  private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};
  private static final long[] MILLIS = {
    365L * 24 * 3600 * 1000,
    7L * 24 * 3600 * 1000,
    24L * 3600 * 1000,
    3600L * 1000,
    60L * 1000,
    1000L,
    1L
  };

  private Durations() {}

  /**
   * Milliseconds in {@code s}; throws IllegalArgumentException naming the input when it is not a
   * duration.
   */
  public static long parse(String s) {
    if (s == null || s.isEmpty()) {
      throw new IllegalArgumentException("empty duration string");
    }
    if (s.equals("0")) {
      return 0;
    }
    long total = 0;
    int i = 0;
    int nextUnit = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (start == i) {
        throw new IllegalArgumentException("not a valid duration string: \"" + s + "\"");
      }
      long n;
      try {
        n = Long.parseLong(s.substring(start, i));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a valid duration string: \"" + s + "\"");
      }
      int u = -1;
      for (int k = nextUnit; k < UNITS.length; k++) {
        String unit = UNITS[k];
        if (s.startsWith(unit, i)) {
          // "m" must not swallow the "m" of "ms".
          if (unit.equals("m") && s.startsWith("ms", i)) {
            continue;
          }
          u = k;
          break;
        }
      }
      if (u < 0) {
        throw new IllegalArgumentException("not a valid duration string: \"" + s + "\"");
      }
      i += UNITS[u].length();
      nextUnit = u + 1;
      total = Math.addExact(total, Math.multiplyExact(n, MILLIS[u]));
    }
    return total;
  }

  /** Formats as Prometheus does: largest units first, e.g. {@code 1m30s}, {@code 0s}. */
  public static String format(long ms) {
    if (ms == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long rest = ms;
    for (int k = 0; k < UNITS.length; k++) {
      // Prometheus prints weeks and years only when they divide exactly.
      if ((k == 0 || k == 1) && rest % MILLIS[k] != 0) {
        continue;
      }
      long n = rest / MILLIS[k];
      if (n > 0) {
        sb.append(n).append(UNITS[k]);
        rest -= n * MILLIS[k];
      }
    }
    return sb.toString();
  }
}
