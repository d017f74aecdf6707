package io.cardinal.exposition;

import java.util.ArrayList;
import java.util.List;

/** Renders parsed entries to a compact canonical text for assertions. */
final class Render {
  private Render() {}

  static String labels(ParsedLabels l) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(l.name(i))
          .append("=\"")
          .append(l.value(i).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
          .append('"');
    }
    return sb.append('}').toString();
  }

  static String num(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  /** Current entry of {@code p} as one line. */
  static String entry(ExpositionParser p) {
    switch (p.entryType()) {
      case SAMPLE:
        {
          StringBuilder sb =
              new StringBuilder(p.name())
                  .append(labels(p.labels()))
                  .append(' ')
                  .append(num(p.value()));
          if (p.hasTimestamp()) {
            sb.append(" @").append(p.timestampMillis());
          }
          if (p.hasExemplar()) {
            sb.append(" # ")
                .append(labels(p.exemplarLabels()))
                .append(' ')
                .append(num(p.exemplarValue()));
            if (p.exemplarHasTimestamp()) {
              sb.append(" @").append(p.exemplarTimestampMillis());
            }
          }
          sb.append(" [").append(p.familyName()).append(' ').append(p.metricType()).append(']');
          return sb.toString();
        }
      case TYPE:
        return "TYPE " + p.name() + " " + p.metricType();
      case HELP:
        return "HELP " + p.name() + " " + p.help();
      case UNIT:
        return "UNIT " + p.name() + " " + p.unit();
      case COMMENT:
        return "COMMENT " + p.text();
      default:
        return String.valueOf(p.entryType());
    }
  }

  /** Parses everything and renders all entries except EOF. */
  static List<String> all(ExpositionParser p) throws ExpositionParseException {
    List<String> out = new ArrayList<>();
    int guard = 0;
    while (p.next() != EntryType.EOF) {
      out.add(entry(p));
      if (++guard > 10_000_000) {
        throw new AssertionError("parser does not make progress");
      }
    }
    return out;
  }
}
