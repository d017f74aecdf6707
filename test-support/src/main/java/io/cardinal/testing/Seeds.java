package io.cardinal.testing;

import java.util.Random;

/**
 * The one seed property of every randomized test: {@code -Dcardinal.seed=N} replays a run. Each
 * test prints the seed it used, so a failure in CI can be replayed locally.
 */
public final class Seeds {
  /** The system property that fixes the seed. */
  public static final String PROPERTY = "cardinal.seed";

  private Seeds() {}

  /**
   * The seed for {@code test}: {@code -Dcardinal.seed} if set, else a fresh one; printed either
   * way.
   */
  public static long seed(String test) {
    Long fixed = Long.getLong(PROPERTY);
    long seed =
        fixed != null
            ? fixed
            : System.nanoTime() ^ Thread.currentThread().getId() * 0x9E3779B97F4A7C15L;
    System.out.println(test + " seed=" + seed + " (rerun with -D" + PROPERTY + "=" + seed + ")");
    return seed;
  }

  /** A {@link Random} seeded by {@link #seed(String)}. */
  public static Random random(String test) {
    return new Random(seed(test));
  }

  /** " [seed=N]", to end assertion messages with. */
  public static String at(long seed) {
    return " [seed=" + seed + ", rerun with -D" + PROPERTY + "=" + seed + "]";
  }
}
