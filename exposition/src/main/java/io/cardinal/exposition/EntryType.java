package io.cardinal.exposition;

/**
 * Kind of the entry the parser is currently positioned on; returned by {@link
 * ExpositionParser#next()}.
 */
public enum EntryType {
  /** A {@code # TYPE name type} line. */
  TYPE,
  /** A {@code # HELP name text} line. */
  HELP,
  /** A {@code # UNIT name unit} line (OpenMetrics only). */
  UNIT,
  /** A sample line. */
  SAMPLE,
  /** Any other comment line (Prometheus text format only). */
  COMMENT,
  /**
   * End of the exposition ({@code # EOF} in OpenMetrics, end of input in the text format). Sticky.
   */
  EOF
}
