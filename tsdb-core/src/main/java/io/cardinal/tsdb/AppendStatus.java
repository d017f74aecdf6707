package io.cardinal.tsdb;

/**
 * What happened to one sample offered to an {@link Appender}. Every status except {@link #APPENDED}
 * means the sample was not stored; the batch goes on regardless.
 */
public enum AppendStatus {
  /** Stored (buffered by {@code append}, written by {@code commit}). */
  APPENDED("appended"),
  /** Would have created a series while the head holds the global series limit. */
  SKIPPED_SERIES_LIMIT("skipped: head series limit reached"),
  /** Would have created a series after the batch's sample_limit was reached. */
  SKIPPED_SAMPLE_LIMIT("skipped: sample_limit reached"),
  /** Older than the series' newest sample. Prometheus: "out of order sample". */
  OUT_OF_ORDER("out of order sample"),
  /**
   * Same timestamp as the newest sample, different value. Prometheus: "duplicate sample for
   * timestamp".
   */
  DUPLICATE("duplicate sample for timestamp"),
  /** Older than the head accepts. Prometheus: "out of bounds". */
  OUT_OF_BOUNDS("out of bounds"),
  /** More labels than label_limit. */
  DROPPED_LABEL_LIMIT("label_limit exceeded"),
  /** A label name longer than label_name_length_limit. */
  DROPPED_LABEL_NAME_LENGTH("label_name_length_limit exceeded"),
  /** A label value longer than label_value_length_limit. */
  DROPPED_LABEL_VALUE_LENGTH("label_value_length_limit exceeded"),
  /** Empty label set, or a reference to a series that no longer exists given without labels. */
  INVALID_SERIES("invalid series: empty label set or unknown reference"),
  /**
   * Later than the clock plus the head's future window (10 minutes by default), including
   * timestamps that overflowed.
   */
  TOO_FAR_IN_FUTURE("too far in the future");

  private static final AppendStatus[] VALUES = values();
  private final String message;

  AppendStatus(String message) {
    this.message = message;
  }

  public String message() {
    return message;
  }

  /** The negative code {@link Appender#append} returns for this status. */
  public long code() {
    return -1L - ordinal();
  }

  /** Decodes {@link Appender#append}'s return value: a positive reference means APPENDED. */
  public static AppendStatus of(long appendResult) {
    return appendResult > 0 ? APPENDED : VALUES[(int) (-1L - appendResult)];
  }

  public static int count() {
    return VALUES.length;
  }
}
