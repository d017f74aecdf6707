package io.cardinal.storage.wal.record;

/**
 * The record layer's single exception type: a record's bytes do not decode. Classified by {@link
 * #code()}; the message carries {@code [key=value]} context.
 */
public final class RecordFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What was wrong. */
  public enum Code {
    /** The record ends before a field it announces. */
    TRUNCATED,
    /** A varint is longer than 10 bytes or overflows 64 bits. */
    INVALID_VARINT,
    /** The record's type byte is not the one the decoder expects. */
    WRONG_TYPE,
    /** A count or length field is implausible for the bytes left. */
    INVALID_LENGTH,
    /** An encoder argument is out of range. */
    INVALID_ARGUMENT
  }

  private final Code code;
  private final int offset;

  private RecordFormatException(Code code, int offset, String message) {
    super(message);
    this.code = code;
    this.offset = offset;
  }

  public Code code() {
    return code;
  }

  /** Byte offset inside the record, -1 if not applicable. */
  public int offset() {
    return offset;
  }

  static RecordFormatException truncated(String field, int offset, int needed, int available) {
    return new RecordFormatException(
        Code.TRUNCATED,
        offset,
        "record truncated [field="
            + field
            + ", offset="
            + offset
            + ", needed="
            + needed
            + ", available="
            + available
            + "]");
  }

  static RecordFormatException invalidVarint(String field, int offset) {
    return new RecordFormatException(
        Code.INVALID_VARINT,
        offset,
        "invalid or overflowing varint [field=" + field + ", offset=" + offset + "]");
  }

  static RecordFormatException wrongType(RecordType expected, int actual) {
    return new RecordFormatException(
        Code.WRONG_TYPE,
        0,
        "unexpected record type [expected=" + expected + ", actual=" + actual + "]");
  }

  static RecordFormatException invalidLength(String field, int offset, long value, int available) {
    return new RecordFormatException(
        Code.INVALID_LENGTH,
        offset,
        "implausible length [field="
            + field
            + ", offset="
            + offset
            + ", value="
            + value
            + ", available="
            + available
            + "]");
  }

  static RecordFormatException invalidArgument(String what) {
    return new RecordFormatException(Code.INVALID_ARGUMENT, -1, "invalid argument [" + what + "]");
  }

  /** Adds record-level context (e.g. how many entries decoded before the error). */
  RecordFormatException withContext(RecordType type, int decoded) {
    RecordFormatException e =
        new RecordFormatException(
            code,
            offset,
            getMessage() + " [recordType=" + type + ", decodedEntries=" + decoded + "]");
    return e;
  }
}
