package io.cardinal.web.query;

import io.cardinal.tsdb.labels.Labels;
import io.cardinal.web.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Query results written as UTF-8 JSON bytes straight into one growing array, without a String per
 * number or label set: the response body is this array. Strings are escaped exactly as {@link Json}
 * does (Go's encoding/json rules: {@code <}, {@code >}, {@code &} as {@code \u003c}…); strings that
 * are not plain ASCII take {@link Json}'s path, so the bytes are always the same as before.
 */
final class JsonBytes {
  private byte[] buf;
  private int len;

  JsonBytes(int initial) {
    buf = new byte[Math.max(64, initial)];
  }

  byte[] array() {
    return buf;
  }

  int length() {
    return len;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  JsonBytes ch(char c) {
    ensure(1);
    buf[len++] = (byte) c;
    return this;
  }

  /** ASCII text as is (JSON syntax and names known to need no escaping). */
  JsonBytes raw(String ascii) {
    int n = ascii.length();
    ensure(n);
    byte[] b = buf;
    int p = len;
    for (int i = 0; i < n; i++) {
      b[p++] = (byte) ascii.charAt(i);
    }
    len = p;
    return this;
  }

  /** Any String as is, UTF-8 encoded (JSON already serialised elsewhere). */
  JsonBytes rawUtf8(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    return this;
  }

  /** A JSON string. */
  JsonBytes string(String s) {
    int n = s.length();
    ensure(n + 2);
    byte[] b = buf;
    int p = len;
    b[p++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&') {
        return rawUtf8(new Json().value(s).toString());
      }
      b[p++] = (byte) c;
    }
    b[p++] = '"';
    len = p;
    return this;
  }

  /** A label set as an object, in label order. */
  JsonBytes labels(Labels l) {
    ch('{');
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        ch(',');
      }
      string(l.name(i));
      ch(':');
      string(l.value(i));
    }
    return ch('}');
  }

  /** {@code [<sample time>,"<sample value>"]}. */
  JsonBytes point(long ms, double v) {
    ensure(2 * GoFloats.MAX_LENGTH);
    byte[] b = buf;
    int p = len;
    b[p++] = '[';
    p = GoFloats.appendSampleTime(b, p, ms);
    b[p++] = ',';
    b[p++] = '"';
    p = GoFloats.appendSampleValue(b, p, v);
    b[p++] = '"';
    b[p++] = ']';
    len = p;
    return this;
  }

  JsonBytes scalarValue(double v) {
    ensure(GoFloats.MAX_LENGTH);
    len = GoFloats.appendScalarValue(buf, len, v);
    return this;
  }

  JsonBytes jsonNumber(double v) {
    ensure(GoFloats.MAX_LENGTH);
    len = GoFloats.appendJsonNumber(buf, len, v);
    return this;
  }

  @Override
  public String toString() {
    return new String(buf, 0, len, StandardCharsets.UTF_8);
  }
}
