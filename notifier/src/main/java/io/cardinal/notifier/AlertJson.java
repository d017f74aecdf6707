package io.cardinal.notifier;

import io.cardinal.tsdb.labels.Labels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The request body of Alertmanager's {@code POST /api/v2/alerts}: a JSON array of postable alerts,
 * each with {@code labels}, {@code annotations}, {@code startsAt} and {@code endsAt} (RFC 3339 in
 * UTC with milliseconds, left out when 0) and {@code generatorURL} (left out when empty).
 *
 * <p>Strings are escaped as JSON requires (quote, backslash, every control character); U+2028 and
 * U+2029 are escaped too, and a lone UTF-16 surrogate, which has no UTF-8 encoding, becomes U+FFFD.
 * Everything else is written as UTF-8.
 */
final class AlertJson {
  private static final DateTimeFormatter RFC3339_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private AlertJson() {}

  static byte[] encode(List<Alert> alerts) {
    StringBuilder sb = new StringBuilder(64 + alerts.size() * 256);
    sb.append('[');
    for (int i = 0; i < alerts.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      Alert a = alerts.get(i);
      sb.append("{\"labels\":");
      object(sb, a.labels());
      sb.append(",\"annotations\":");
      object(sb, a.annotations());
      if (a.startsAtMs() != 0) {
        sb.append(",\"startsAt\":\"").append(timestamp(a.startsAtMs())).append('"');
      }
      if (a.endsAtMs() != 0) {
        sb.append(",\"endsAt\":\"").append(timestamp(a.endsAtMs())).append('"');
      }
      if (a.generatorUrl() != null && !a.generatorUrl().isEmpty()) {
        sb.append(",\"generatorURL\":");
        string(sb, a.generatorUrl());
      }
      sb.append('}');
    }
    sb.append(']');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** RFC 3339 in UTC with milliseconds: {@code 2024-01-02T03:04:05.678Z}. */
  static String timestamp(long ms) {
    return RFC3339_MILLIS.format(Instant.ofEpochMilli(ms));
  }

  private static void object(StringBuilder sb, Labels labels) {
    sb.append('{');
    for (int i = 0; i < labels.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      string(sb, labels.name(i));
      sb.append(':');
      string(sb, labels.value(i));
    }
    sb.append('}');
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
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\u2028', '\u2029' -> hex(sb, c);
        default -> {
          if (c < 0x20) {
            hex(sb, c);
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            sb.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            sb.append('\uFFFD');
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static void hex(StringBuilder sb, char c) {
    sb.append("\\u");
    String h = Integer.toHexString(c);
    for (int k = h.length(); k < 4; k++) {
      sb.append('0');
    }
    sb.append(h);
  }
}
