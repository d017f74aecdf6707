package io.cardinal.promql.ast;

import java.util.Objects;

/**
 * The {@code @} modifier: a fixed timestamp (milliseconds since the epoch) or {@code start()} /
 * {@code end()}.
 */
public record AtModifier(Kind kind, long timestampMillis) {

  public enum Kind {
    TIMESTAMP,
    START,
    END
  }

  public AtModifier {
    Objects.requireNonNull(kind, "kind");
    if (kind != Kind.TIMESTAMP && timestampMillis != 0) {
      throw new IllegalArgumentException("start()/end() carry no timestamp");
    }
  }

  public static AtModifier at(long timestampMillis) {
    return new AtModifier(Kind.TIMESTAMP, timestampMillis);
  }

  public static final AtModifier START = new AtModifier(Kind.START, 0);
  public static final AtModifier END = new AtModifier(Kind.END, 0);

  @Override
  public String toString() {
    return switch (kind) {
      case START -> "@ start()";
      case END -> "@ end()";
      case TIMESTAMP -> "@ " + Printer.formatTimestamp(timestampMillis);
    };
  }
}
