package io.cardinal.promql.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cardinal.testing.Seeds;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HistogramsSortTest {
  /**
   * The definition: a stable sort by upper bound, then buckets with equal bounds summed in that
   * order.
   */
  private static int reference(double[] ub, double[] cnt, int size) {
    Integer[] idx = new Integer[size];
    for (int i = 0; i < size; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(ub[a], ub[b]));
    double[] u2 = new double[size];
    double[] c2 = new double[size];
    for (int i = 0; i < size; i++) {
      u2[i] = ub[idx[i]];
      c2[i] = cnt[idx[i]];
    }
    int w = 0;
    for (int i = 0; i < size; i++) {
      if (w > 0 && u2[i] == ub[w - 1]) {
        cnt[w - 1] += c2[i];
      } else {
        ub[w] = u2[i];
        cnt[w] = c2[i];
        w++;
      }
    }
    return w;
  }

  @Test
  void sortAndCoalesceMatchesTheStableIndexSortBitForBit() {
    long seed = Seeds.seed("HistogramsSortTest");
    SplittableRandom r = new SplittableRandom(seed);
    double[] bounds = {
      0.005, 0.01, 0.1, 0.25, 1, 2.5, 10, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NaN, -1
    };
    for (int k = 0; k < 20_000; k++) {
      int size = r.nextInt(40);
      double[] ub = new double[size + r.nextInt(3)];
      double[] cnt = new double[ub.length];
      for (int i = 0; i < ub.length; i++) {
        ub[i] = r.nextInt(4) == 0 ? r.nextDouble() * 100 : bounds[r.nextInt(bounds.length)];
        cnt[i] = r.nextInt(3) == 0 ? r.nextDouble() * 1e6 : r.nextInt(1000);
      }
      double[] ub2 = ub.clone();
      double[] cnt2 = cnt.clone();
      int want = reference(ub, cnt, size);
      int got = Histograms.sortAndCoalesce(ub2, cnt2, size);
      assertEquals(want, got, Seeds.at(seed));
      assertArrayEquals(Arrays.copyOf(ub, want), Arrays.copyOf(ub2, got), Seeds.at(seed));
      assertArrayEquals(Arrays.copyOf(cnt, want), Arrays.copyOf(cnt2, got), Seeds.at(seed));
    }
  }
}
