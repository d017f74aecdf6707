package io.cardinal.web;

import io.cardinal.tsdb.labels.Labels;

/** A minimal streaming JSON writer: the API's responses are small and their shapes fixed. */
public final class Json {
  private final StringBuilder sb = new StringBuilder(256);
  private boolean needComma;

  public Json beginObject() {
    comma();
    sb.append('{');
    needComma = false;
    return this;
  }

  public Json endObject() {
    sb.append('}');
    needComma = true;
    return this;
  }

  public Json beginArray() {
    comma();
    sb.append('[');
    needComma = false;
    return this;
  }

  public Json endArray() {
    sb.append(']');
    needComma = true;
    return this;
  }

  /** An object key; the next call writes its value. */
  public Json name(String name) {
    comma();
    string(sb, name);
    sb.append(':');
    needComma = false;
    return this;
  }

  public Json value(String s) {
    comma();
    if (s == null) {
      sb.append("null");
    } else {
      string(sb, s);
    }
    needComma = true;
    return this;
  }

  public Json value(long n) {
    comma();
    sb.append(n);
    needComma = true;
    return this;
  }

  public Json value(boolean b) {
    comma();
    sb.append(b);
    needComma = true;
    return this;
  }

  /**
   * A float as a JSON number (non-finite values as strings, as Prometheus does for sample values).
   */
  public Json value(double d) {
    comma();
    if (Double.isFinite(d)) {
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        sb.append((long) d);
      } else {
        // Go's encoding/json form (0.000664, 1e-07), not Java's (6.64E-4).
        sb.append(io.cardinal.web.query.GoFloats.jsonNumber(d));
      }
    } else {
      string(sb, Formats.formatFloat(d));
    }
    needComma = true;
    return this;
  }

  /** JSON already serialised (for data a {@link QueryService} renders itself). */
  public Json raw(String json) {
    comma();
    sb.append(json);
    needComma = true;
    return this;
  }

  /** A label set as an object. */
  public Json labels(Labels l) {
    beginObject();
    for (int i = 0; i < l.size(); i++) {
      name(l.name(i)).value(l.value(i));
    }
    return endObject();
  }

  private void comma() {
    if (needComma) {
      sb.append(',');
      needComma = false;
    }
  }

  @Override
  public String toString() {
    return sb.toString();
  }

  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '<' -> sb.append("\\u003c");
        case '>' -> sb.append("\\u003e");
        case '&' -> sb.append("\\u0026");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
