package io.cardinal.tsdb.labels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An immutable label set, sorted by label name, with {@code __name__} stored as an ordinary label.
 *
 * <p>Pairs live in one flat array ({@code name0, value0, name1, value1, ...}) so a series costs one
 * array and no per-label objects; the strings themselves are interned by the head's postings index
 * and shared between series. Labels with an empty value are dropped on construction, because
 * Prometheus treats an empty value as the label being absent.
 */
public final class Labels implements Comparable<Labels> {
  public static final String METRIC_NAME = "__name__";

  /** Prometheus's classic label name rule, {@code [a-zA-Z_][a-zA-Z0-9_]*}, without a regex. */
  public static boolean isValidLabelName(String s) {
    return isValidName(s, false);
  }

  /** Prometheus's classic metric name rule, {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, without a regex. */
  public static boolean isValidMetricName(String s) {
    return isValidName(s, true);
  }

  private static boolean isValidName(String s, boolean colon) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          c == '_'
              || (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (colon && c == ':')
              || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  public static final Labels EMPTY = new Labels(new String[0]);

  private final String[] pairs;

  private Labels(String[] pairs) {
    this.pairs = pairs;
  }

  /**
   * Like {@link #of}, but takes ownership of {@code namesAndValues} (sorted in place; the caller
   * must not touch it afterwards): saves a copy per series on bulk paths such as WAL replay.
   */
  public static Labels adopt(String[] namesAndValues) {
    if ((namesAndValues.length & 1) != 0) {
      throw new IllegalArgumentException("odd number of strings: names and values must alternate");
    }
    return fromUnsorted(namesAndValues, namesAndValues.length);
  }

  /**
   * {@link #adopt(String[])} for bulk decoding: when {@code namesAndValues} has exactly the name
   * instances of {@code shape} (a label set built before, typically the previous series), it is
   * sorted and its names are unique already, so only values are checked.
   */
  public static Labels adopt(String[] namesAndValues, Labels shape) {
    return isShapedLike(namesAndValues, shape) ? new Labels(namesAndValues) : adopt(namesAndValues);
  }

  /**
   * Whether {@link #adopt(String[], Labels)} keeps {@code namesAndValues} exactly as given (same
   * name instances as {@code shape}, in order, and no empty value), so positions are unchanged.
   */
  public static boolean isShapedLike(String[] namesAndValues, Labels shape) {
    if (shape == null || shape.pairs.length != namesAndValues.length) {
      return false;
    }
    String[] sp = shape.pairs;
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (namesAndValues[i] != sp[i]
          || namesAndValues[i + 1] == null
          || namesAndValues[i + 1].isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Builds a label set from alternating names and values, in any order. */
  public static Labels of(String... namesAndValues) {
    if ((namesAndValues.length & 1) != 0) {
      throw new IllegalArgumentException("odd number of strings: names and values must alternate");
    }
    return fromUnsorted(namesAndValues.clone(), namesAndValues.length);
  }

  public static Labels fromMap(Map<String, String> map) {
    String[] p = new String[map.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> e : map.entrySet()) {
      p[i++] = e.getKey();
      p[i++] = e.getValue();
    }
    return fromUnsorted(p, p.length);
  }

  /**
   * Takes ownership of {@code p}; sorts it in place by name, drops empty values, rejects
   * duplicates.
   */
  static Labels fromUnsorted(String[] p, int len) {
    // Insertion sort on pairs: label sets are small (typically under 20 labels).
    for (int i = 2; i < len; i += 2) {
      String n = p[i];
      String v = p[i + 1];
      int j = i - 2;
      while (j >= 0 && compareStrings(p[j], n) > 0) {
        p[j + 2] = p[j];
        p[j + 3] = p[j + 1];
        j -= 2;
      }
      p[j + 2] = n;
      p[j + 3] = v;
    }
    int out = 0;
    for (int i = 0; i < len; i += 2) {
      if (p[i] == null || p[i + 1] == null) {
        throw new IllegalArgumentException("null label name or value");
      }
      if (p[i + 1].isEmpty()) {
        continue;
      }
      if (out > 0 && p[out - 2].equals(p[i])) {
        throw new IllegalArgumentException("duplicate label name: " + p[i]);
      }
      p[out++] = p[i];
      p[out++] = p[i + 1];
    }
    return new Labels(out == p.length ? p : Arrays.copyOf(p, out));
  }

  /** Number of labels. */
  public int size() {
    return pairs.length >> 1;
  }

  public boolean isEmpty() {
    return pairs.length == 0;
  }

  public String name(int i) {
    return pairs[i << 1];
  }

  public String value(int i) {
    return pairs[(i << 1) + 1];
  }

  /** The value of label {@code name}, or "" if absent (Prometheus semantics). */
  public String get(String name) {
    int i = indexOf(name);
    return i < 0 ? "" : pairs[(i << 1) + 1];
  }

  public boolean has(String name) {
    return indexOf(name) >= 0;
  }

  /** Index of label {@code name}, or -1. Binary search: pairs are sorted by name. */
  public int indexOf(String name) {
    int lo = 0;
    int hi = size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compareStrings(pairs[mid << 1], name);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** The metric name, or "" when the set has none. */
  public String metricName() {
    return get(METRIC_NAME);
  }

  /** A 64-bit hash of names and values; the head's default series key. */
  public long hash64() {
    long h = HASH_SEED;
    for (String s : pairs) {
      h = foldHash(h, stringHash(s));
    }
    return mix64(h);
  }

  /**
   * {@link #hash64()} from the {@link #stringHash} of each of {@code n} strings, in label order:
   * bulk decoders that keep each distinct string's hash (WAL replay) hash a label set without
   * reading its characters again.
   */
  public static long hash64(long[] stringHashes, int n) {
    long h = HASH_SEED;
    for (int i = 0; i < n; i++) {
      h = foldHash(h, stringHashes[i]);
    }
    return mix64(h);
  }

  private static final long HASH_SEED = 0x9E3779B97F4A7C15L;

  private static long foldHash(long h, long stringHash) {
    return Long.rotateLeft((h ^ stringHash) * 0x9FB21C651E98DF25L, 27);
  }

  /** The per-string part of {@link #hash64()}: 64 bits over the UTF-16 units, length included. */
  public static long stringHash(String s) {
    long h = 0xC2B2AE3D27D4EB4FL;
    int n = s.length();
    int i = 0;
    // Four UTF-16 units per multiply; the rotation feeds high product bits back into the low ones.
    for (; i + 4 <= n; i += 4) {
      long w =
          s.charAt(i)
              | (long) s.charAt(i + 1) << 16
              | (long) s.charAt(i + 2) << 32
              | (long) s.charAt(i + 3) << 48;
      h = Long.rotateLeft((h ^ w) * 0x9FB21C651E98DF25L, 27);
    }
    for (; i < n; i++) {
      h = (h ^ s.charAt(i)) * 0x100000001B3L;
    }
    // The length keeps ("ab","c") apart from ("a","bc").
    return mix64(h ^ n);
  }

  static long mix64(long z) {
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }

  /**
   * Returns a label set whose strings are replaced by equal canonical instances (symbol interning).
   */
  public Labels intern(UnaryOperator<String> interner) {
    String[] p = new String[pairs.length];
    for (int i = 0; i < p.length; i++) {
      String s = interner.apply(pairs[i]);
      if (!s.equals(pairs[i])) {
        throw new IllegalStateException("interner changed a symbol: " + pairs[i] + " -> " + s);
      }
      p[i] = s;
    }
    return new Labels(p);
  }

  /**
   * Replaces label string {@code i} (name at 2i, value at 2i+1) with an equal instance: symbol
   * interning after the fact (bulk index build at start-up). The set's contents, order, hash and
   * equality are unchanged.
   *
   * @throws IllegalArgumentException if {@code canonical} is not equal to the string it replaces
   */
  public void replaceWithEqual(int index, String canonical) {
    if (pairs[index] == canonical) {
      return; // already canonical: no store, so no card mark on an old-generation array
    }
    if (!pairs[index].equals(canonical)) {
      throw new IllegalArgumentException(
          "not an equal string: " + pairs[index] + " vs " + canonical);
    }
    pairs[index] = canonical;
  }

  /**
   * The labels whose names are in {@code names}, in order: the grouping key of {@code by (…)}.
   * Returns this set when every label is kept; no sorting, since a subset of a sorted set is
   * sorted.
   */
  public Labels keep(java.util.Collection<String> names) {
    return subset(names::contains);
  }

  /**
   * The labels except those in {@code names} and {@code alsoDrop} (may be null): the grouping key
   * of {@code without (…)}. Returns this set when nothing is dropped.
   */
  public Labels drop(java.util.Collection<String> names, String alsoDrop) {
    return subset(n -> !names.contains(n) && !n.equals(alsoDrop));
  }

  private Labels subset(java.util.function.Predicate<String> keepName) {
    int k = 0;
    for (int i = 0; i < pairs.length; i += 2) {
      if (keepName.test(pairs[i])) {
        k++;
      }
    }
    if (2 * k == pairs.length) {
      return this;
    }
    if (k == 0) {
      return EMPTY;
    }
    String[] out = new String[2 * k];
    int w = 0;
    for (int i = 0; i < pairs.length; i += 2) {
      if (keepName.test(pairs[i])) {
        out[w++] = pairs[i];
        out[w++] = pairs[i + 1];
      }
    }
    return new Labels(out);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder() {
    return new Builder(EMPTY);
  }

  /** Approximate heap bytes of the strings in this set, for cardinality statistics. */
  public long stringBytes() {
    long n = 0;
    for (String s : pairs) {
      n += s.length();
    }
    return n;
  }

  /**
   * Compares strings in UTF-8 byte order (= code point order), which is Go's and so Prometheus's
   * order for label sets and index symbols. {@link String#compareTo} compares UTF-16 units and
   * disagrees for characters above U+FFFF against U+E000..U+FFFF.
   */
  public static int compareStrings(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (x >= 0xD800 && y >= 0xD800) {
          // Move surrogates above U+E000..U+FFFF so UTF-16 order becomes code point order.
          x = (char) (x >= 0xE000 ? x - 0x800 : x + 0x2000);
          y = (char) (y >= 0xE000 ? y - 0x800 : y + 0x2000);
        }
        return x - y;
      }
    }
    return a.length() - b.length();
  }

  @Override
  public int compareTo(Labels o) {
    int n = Math.min(pairs.length, o.pairs.length);
    for (int i = 0; i < n; i++) {
      int c = compareStrings(pairs[i], o.pairs[i]);
      if (c != 0) {
        return c;
      }
    }
    return pairs.length - o.pairs.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Labels && Arrays.equals(pairs, ((Labels) o).pairs);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(pairs);
  }

  /** Prometheus's rendering: {@code {__name__="up", job="node"}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(pairs.length * 12).append('{');
    for (int i = 0; i < pairs.length; i += 2) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(pairs[i]).append('=');
      quote(sb, pairs[i + 1]);
    }
    return sb.append('}').toString();
  }

  /** Go-style double-quoted string, as Prometheus prints label values. */
  public static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\r':
          sb.append("\\r");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  /** A mutable builder: set, delete, then build. Reusable after {@link #build()}. */
  public static final class Builder {
    private final List<String> p = new ArrayList<>();

    Builder(Labels base) {
      p.addAll(Arrays.asList(base.pairs));
    }

    public Builder reset(Labels base) {
      p.clear();
      p.addAll(Arrays.asList(base.pairs));
      return this;
    }

    /** Sets {@code name} to {@code value}; an empty value deletes the label. */
    public Builder set(String name, String value) {
      for (int i = 0; i < p.size(); i += 2) {
        if (p.get(i).equals(name)) {
          p.set(i + 1, value);
          return this;
        }
      }
      p.add(name);
      p.add(value);
      return this;
    }

    public Builder delete(String... names) {
      for (String name : names) {
        for (int i = 0; i < p.size(); i += 2) {
          if (p.get(i).equals(name)) {
            p.remove(i + 1);
            p.remove(i);
            break;
          }
        }
      }
      return this;
    }

    /** Keeps only the given names. */
    public Builder keep(java.util.Collection<String> names) {
      for (int i = p.size() - 2; i >= 0; i -= 2) {
        if (!names.contains(p.get(i))) {
          p.remove(i + 1);
          p.remove(i);
        }
      }
      return this;
    }

    public Labels build() {
      String[] arr = p.toArray(new String[0]);
      return fromUnsorted(arr, arr.length);
    }
  }
}
