package io.cardinal.tsdb;

/**
 * Per-batch (per-scrape) limits, Prometheus's scrape_config fields with Cloudflare's patched
 * sample_limit semantics: once {@code sampleLimit} samples were offered, samples that would create
 * a new series are skipped while samples for existing series are still stored. A limit of 0 means
 * no limit.
 */
public final class BatchLimits {
  public static final BatchLimits NONE = new BatchLimits(0, 0, 0, 0);

  public final int sampleLimit;
  public final int labelLimit;
  public final int labelNameLengthLimit;
  public final int labelValueLengthLimit;

  public BatchLimits(
      int sampleLimit, int labelLimit, int labelNameLengthLimit, int labelValueLengthLimit) {
    if (sampleLimit < 0
        || labelLimit < 0
        || labelNameLengthLimit < 0
        || labelValueLengthLimit < 0) {
      throw new IllegalArgumentException("limits must be >= 0");
    }
    this.sampleLimit = sampleLimit;
    this.labelLimit = labelLimit;
    this.labelNameLengthLimit = labelNameLengthLimit;
    this.labelValueLengthLimit = labelValueLengthLimit;
  }

  public static BatchLimits sampleLimit(int n) {
    return new BatchLimits(n, 0, 0, 0);
  }

  @Override
  public String toString() {
    return "BatchLimits[sample_limit="
        + sampleLimit
        + ", label_limit="
        + labelLimit
        + ", label_name_length_limit="
        + labelNameLengthLimit
        + ", label_value_length_limit="
        + labelValueLengthLimit
        + "]";
  }
}
