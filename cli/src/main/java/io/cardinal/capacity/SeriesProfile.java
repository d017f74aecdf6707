package io.cardinal.capacity;

import io.cardinal.tsdb.labels.Labels;
import io.cardinal.tsdb.workload.LabelProfile;

/**
 * The label profile a calibration run builds: {@code labels} labels per series (the metric name
 * included), every value about {@code valueLength} characters.
 *
 * <p>Shaped like a scrape: targets expose {@code seriesPerTarget} series each. The metric name
 * takes one of {@code seriesPerTarget} values shared by all targets, {@code instance} is unique to
 * the target, and further labels are low-cardinality target properties ({@code label_2} has 3
 * values, {@code label_3} 5, ...), so a series is told apart by (name, instance) and most strings
 * are shared between series, as in a real head. Values are padded with {@code _} to the length
 * asked for; a value that needs more characters to stay distinct keeps them.
 *
 * <p>{@link #STANDARD} is the engine's standard {@link LabelProfile} (10 labels, Kubernetes-like
 * values), the one docs/benchmarks.md measures.
 */
final class SeriesProfile {
  /** The standard profile of the engine benchmarks. */
  public static final SeriesProfile STANDARD = new SeriesProfile(10, -1, 250);

  private final int labels;
  private final int valueLength;
  private final int seriesPerTarget;
  private final int uniqueLabels;

  /**
   * @param labels labels per series including {@code __name__}, at least 2
   * @param valueLength characters per label value, or -1 for {@link LabelProfile#DEFAULT}'s values
   * @param seriesPerTarget series each target exposes
   */
  public SeriesProfile(int labels, int valueLength, int seriesPerTarget) {
    this(labels, valueLength, seriesPerTarget, 0);
  }

  /**
   * As above, with the last {@code uniqueLabels} labels taking a value of their own in every series
   * (request IDs, user IDs, full URLs: the strings of a cardinality explosion, shared by nobody).
   */
  public SeriesProfile(int labels, int valueLength, int seriesPerTarget, int uniqueLabels) {
    if (uniqueLabels < 0 || uniqueLabels > Math.max(0, labels - 2)) {
      throw new IllegalArgumentException("unique labels must be between 0 and labels - 2");
    }
    this.uniqueLabels = uniqueLabels;
    if (labels < 2 && valueLength >= 0) {
      throw new IllegalArgumentException("a series needs at least 2 labels (name and instance)");
    }
    if (seriesPerTarget < 1) {
      throw new IllegalArgumentException("series per target must be positive");
    }
    this.labels = labels;
    this.valueLength = valueLength;
    this.seriesPerTarget = seriesPerTarget;
  }

  public int labels() {
    return labels;
  }

  public int valueLength() {
    return valueLength;
  }

  public int seriesPerTarget() {
    return seriesPerTarget;
  }

  public int uniqueLabels() {
    return uniqueLabels;
  }

  public boolean isStandard() {
    return valueLength < 0;
  }

  public Labels labels(long i) {
    if (valueLength < 0) {
      return LabelProfile.DEFAULT.labels(i);
    }
    long target = i / seriesPerTarget;
    int metric = (int) (i % seriesPerTarget);
    String[] p = new String[labels * 2];
    p[0] = Labels.METRIC_NAME;
    p[1] = pad("metric_" + metric);
    p[2] = "instance";
    p[3] = pad("t" + target);
    for (int k = 2; k < labels; k++) {
      p[2 * k] = "label_" + k;
      p[2 * k + 1] =
          k >= labels - uniqueLabels
              ? pad("u" + k + "-" + i)
              : pad("v" + ((target + k) % (2L * k - 1)));
    }
    return Labels.of(p);
  }

  private String pad(String s) {
    if (s.length() >= valueLength) {
      return s;
    }
    StringBuilder sb = new StringBuilder(valueLength).append(s);
    while (sb.length() < valueLength) {
      sb.append('_');
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return valueLength < 0
        ? "standard (10 labels, Kubernetes-like values)"
        : labels
            + " labels, values of "
            + valueLength
            + " characters"
            + (uniqueLabels > 0 ? ", " + uniqueLabels + " unique per series" : "");
  }
}
