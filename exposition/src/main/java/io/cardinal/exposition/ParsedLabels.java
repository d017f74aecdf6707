package io.cardinal.exposition;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reusable flyweight over the labels of the current sample (or exemplar). The instance is owned by
 * the parser and overwritten by every call to {@link ExpositionParser#next()}; copy what you need
 * before advancing.
 *
 * <p>Label names are always ASCII and point into the body buffer. Label values are UTF-8 byte
 * ranges: values without escape sequences point straight into the body buffer, values with escapes
 * point into an internal scratch buffer holding the unescaped bytes. Use {@link #valueArray(int)},
 * {@link #valueOffset(int)} and {@link #valueLength(int)} to read them without allocating, or
 * {@link #value(int)} to get a String.
 */
public final class ParsedLabels {
  private byte[] body;
  private int count;
  private int[] nameOff = new int[8];
  private int[] nameLen = new int[8];
  private int[] valOff = new int[8];
  private int[] valLen = new int[8];
  private boolean[] valScratch = new boolean[8];
  private byte[] scratch = new byte[128];
  private int scratchLen;
  private int codePoints;

  ParsedLabels() {}

  void reset(byte[] body) {
    this.body = body;
    count = 0;
    scratchLen = 0;
    codePoints = 0;
  }

  /**
   * Adds a label name; the value must be set with one of the setValue methods before the next add.
   */
  int addName(int off, int len) {
    if (count == nameOff.length) {
      int n = count * 2;
      nameOff = Arrays.copyOf(nameOff, n);
      nameLen = Arrays.copyOf(nameLen, n);
      valOff = Arrays.copyOf(valOff, n);
      valLen = Arrays.copyOf(valLen, n);
      valScratch = Arrays.copyOf(valScratch, n);
    }
    nameOff[count] = off;
    nameLen[count] = len;
    valOff[count] = 0;
    valLen[count] = 0;
    valScratch[count] = false;
    codePoints += len;
    return count++;
  }

  void setBodyValue(int i, int off, int len) {
    valOff[i] = off;
    valLen[i] = len;
    valScratch[i] = false;
  }

  int scratchPosition() {
    return scratchLen;
  }

  void appendScratch(byte b) {
    if (scratchLen == scratch.length) {
      scratch = Arrays.copyOf(scratch, scratchLen * 2);
    }
    scratch[scratchLen++] = b;
  }

  void appendScratch(byte[] src, int off, int len) {
    if (scratchLen + len > scratch.length) {
      scratch = Arrays.copyOf(scratch, Math.max(scratch.length * 2, scratchLen + len));
    }
    System.arraycopy(src, off, scratch, scratchLen, len);
    scratchLen += len;
  }

  void setScratchValue(int i, int off, int len) {
    valOff[i] = off;
    valLen[i] = len;
    valScratch[i] = true;
  }

  void addCodePoints(int n) {
    codePoints += n;
  }

  /**
   * Sum of the code points of all label names and (unescaped) values; used for the exemplar size
   * limit.
   */
  int codePoints() {
    return codePoints;
  }

  /** Number of labels. */
  public int size() {
    return count;
  }

  /** Label name {@code i} as a String (allocates). */
  public String name(int i) {
    check(i);
    return new String(body, nameOff[i], nameLen[i], StandardCharsets.ISO_8859_1);
  }

  /** Unescaped label value {@code i} as a String (allocates). */
  public String value(int i) {
    check(i);
    return new String(valueArray(i), valOff[i], valLen[i], StandardCharsets.UTF_8);
  }

  /** Array holding the ASCII bytes of label name {@code i} (the body buffer). */
  public byte[] nameArray(int i) {
    check(i);
    return body;
  }

  public int nameOffset(int i) {
    check(i);
    return nameOff[i];
  }

  public int nameLength(int i) {
    check(i);
    return nameLen[i];
  }

  /**
   * Array holding the unescaped UTF-8 bytes of label value {@code i} (body buffer or scratch
   * buffer).
   */
  public byte[] valueArray(int i) {
    check(i);
    return valScratch[i] ? scratch : body;
  }

  public int valueOffset(int i) {
    check(i);
    return valOff[i];
  }

  public int valueLength(int i) {
    check(i);
    return valLen[i];
  }

  /** Whether label name {@code i} equals {@code name}, without allocating. */
  public boolean nameEquals(int i, String name) {
    check(i);
    return asciiEquals(body, nameOff[i], nameLen[i], name);
  }

  /**
   * Whether the unescaped value of label {@code i} equals {@code value} (allocation-free for ASCII
   * values).
   */
  public boolean valueEquals(int i, String value) {
    check(i);
    byte[] a = valueArray(i);
    int off = valOff[i];
    int len = valLen[i];
    boolean ascii = true;
    for (int k = 0; k < value.length(); k++) {
      if (value.charAt(k) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return asciiEquals(a, off, len, value);
    }
    return value(i).equals(value);
  }

  /** Index of the label called {@code name}, or -1. */
  public int indexOf(String name) {
    for (int i = 0; i < count; i++) {
      if (asciiEquals(body, nameOff[i], nameLen[i], name)) {
        return i;
      }
    }
    return -1;
  }

  /** Value of the label called {@code name}, or null (allocates). */
  public String get(String name) {
    int i = indexOf(name);
    return i < 0 ? null : value(i);
  }

  /** All labels in exposition order (allocates; convenient for tests and slow paths). */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      m.put(name(i), value(i));
    }
    return m;
  }

  @Override
  public String toString() {
    return toMap().toString();
  }

  static boolean asciiEquals(byte[] a, int off, int len, String s) {
    if (len != s.length()) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      if (a[off + k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private void check(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("label index " + i + " out of range [0, " + count + ")");
    }
  }
}
