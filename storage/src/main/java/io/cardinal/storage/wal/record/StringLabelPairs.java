package io.cardinal.storage.wal.record;

import java.util.Arrays;

/** {@link LabelPairs} over an array {@code name0, value0, name1, value1, ...}; value semantics. */
final class StringLabelPairs implements LabelPairs {

  private final String[] nv;

  public StringLabelPairs(String... nameValues) {
    if (nameValues.length % 2 != 0) {
      throw RecordFormatException.invalidArgument(
          "odd number of label strings [count=" + nameValues.length + "]");
    }
    for (String s : nameValues) {
      if (s == null) {
        throw RecordFormatException.invalidArgument("null label string");
      }
    }
    this.nv = nameValues.clone();
  }

  @Override
  public int size() {
    return nv.length / 2;
  }

  @Override
  public String name(int i) {
    return nv[2 * i];
  }

  @Override
  public String value(int i) {
    return nv[2 * i + 1];
  }

  /** A copy of the backing array. */
  public String[] toArray() {
    return nv.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StringLabelPairs && Arrays.equals(nv, ((StringLabelPairs) o).nv);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(nv);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(name(i)).append("=\"").append(value(i)).append('"');
    }
    return sb.append('}').toString();
  }
}
