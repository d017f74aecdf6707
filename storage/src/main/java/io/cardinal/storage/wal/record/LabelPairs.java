package io.cardinal.storage.wal.record;

/**
 * A series' labels as the WAL sees them: an ordered list of name/value pairs. The core's label set
 * adapts to this; the WAL does not check sorting or uniqueness.
 */
public interface LabelPairs {

  int size();

  String name(int i);

  String value(int i);

  /** Labels backed by an array {@code name0, value0, name1, value1, ...}. */
  static StringLabelPairs of(String... nameValues) {
    return new StringLabelPairs(nameValues);
  }
}
