package io.cardinal.capacity;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The calculator's proof: bytes per series measured by a small calibration run predict the memory
 * of a head four times larger, ingested for real and measured the same way (heap after repeated
 * full GCs plus chunk bytes), within 10%.
 */
class PredictionTest {
  static void check(SeriesProfile profile, long calibration, long real, int samples) {
    Calibration.Result r = Calibration.run(profile, calibration, samples, 15_000);
    double predicted = r.predictBytes(real);
    Calibration.Measurement m = Calibration.measure(profile, real, samples, 15_000);
    double measured = m.heapBytes() + m.chunkBytes();
    double err = Math.abs(predicted - measured) / measured;
    String msg =
        String.format(
            "%s, %d samples: calibration %d series -> %.1f B/series (heap %.1f, chunks %.1f, "
                + "fixed %d B); predicted %.0f B for %d series, measured %.0f B (heap %d, chunks %d): error %.2f%%",
            profile,
            samples,
            calibration,
            r.bytesPerSeries(),
            r.heapBytesPerSeries(),
            r.chunkBytesPerSeries(),
            r.fixedHeapBytes(),
            predicted,
            real,
            measured,
            m.heapBytes(),
            m.chunkBytes(),
            err * 100);
    System.out.println("PredictionTest: " + msg);
    assertTrue(err < 0.10, msg);
  }

  @Test
  void standardProfileFiftyThousandPredictTwoHundredThousand() {
    check(SeriesProfile.STANDARD, 50_000, 200_000, 120);
  }

  @Test
  void longLabelsAndFullChunksPredictFourTimesTheCalibration() {
    check(new SeriesProfile(20, 40, 250), 20_000, 80_000, 480);
  }
}
