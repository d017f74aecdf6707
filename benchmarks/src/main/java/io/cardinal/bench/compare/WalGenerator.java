package io.cardinal.bench.compare;

import io.cardinal.Cardinal;
import io.cardinal.CardinalOptions;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.workload.LabelProfile;
import io.cardinal.tsdb.workload.ValueModel;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Builds an un-compacted head on disk (WAL and head chunks, Prometheus's formats) from the
 * realistic workload, for the restart comparison: both Cardinal and Prometheus then replay the same
 * bytes.
 *
 * <p>Usage: {@code WalGenerator DIR SERIES SAMPLES_PER_SERIES}
 */
public final class WalGenerator {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int series = Integer.parseInt(args[1]);
    int samples = Integer.parseInt(args[2]);
    long start = System.currentTimeMillis() / 7_200_000L * 7_200_000L;
    try (Cardinal db =
        Cardinal.open(
            dir, CardinalOptions.defaults().withCompactionInterval(java.time.Duration.ZERO))) {
      Appender app = db.appender();
      long[] refs = new long[series];
      double[] vals = new double[series];
      SplittableRandom r = new SplittableRandom(1);
      for (int k = 0; k < samples; k++) {
        long t = start + k * 15_000L;
        for (int i = 0; i < series; i++) {
          ValueModel m = ValueModel.forSeries(i);
          vals[i] = k == 0 ? m.initial(r) : m.next(vals[i], r);
          refs[i] = app.append(refs[i], k == 0 ? LabelProfile.DEFAULT.labels(i) : null, t, vals[i]);
          if (i % 5000 == 4999) {
            app.commit();
          }
        }
        app.commit();
      }
      db.sync();
    }
    System.out.println("wrote " + series + " series x " + samples + " samples to " + dir);
  }
}
