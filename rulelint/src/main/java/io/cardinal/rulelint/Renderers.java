package io.cardinal.rulelint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Findings as text (one per line) or as a JSON array. */
public final class Renderers {
  private Renderers() {}

  /**
   * One finding per line, {@code rules.yml:12: group "api", rule "HighLatency": series/missing:
   * ...}; a file-wide finding without the group and rule. Ends with a newline when not empty.
   */
  public static String text(List<Finding> findings) {
    StringBuilder sb = new StringBuilder();
    for (Finding f : findings) {
      sb.append(f.file());
      if (f.line() > 0) {
        sb.append(':').append(f.line());
      }
      sb.append(": ");
      if (!f.group().isEmpty()) {
        sb.append("group ");
        quote(sb, f.group());
        sb.append(", ");
      }
      if (!f.rule().isEmpty()) {
        sb.append("rule ");
        quote(sb, f.rule());
        sb.append(": ");
      }
      sb.append(f.check()).append(": ").append(f.message()).append('\n');
    }
    return sb.toString();
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
  }

  /**
   * A summary line: {@code 2 problems, 1 warning, 3 info} (or {@code no findings}), for the end of
   * text output.
   */
  public static String summary(List<Finding> findings) {
    int[] n = new int[Severity.values().length];
    for (Finding f : findings) {
      n[f.severity().ordinal()]++;
    }
    if (findings.isEmpty()) {
      return "no findings";
    }
    int p = n[Severity.PROBLEM.ordinal()];
    int w = n[Severity.WARNING.ordinal()];
    return p
        + (p == 1 ? " problem, " : " problems, ")
        + w
        + (w == 1 ? " warning, " : " warnings, ")
        + n[Severity.INFO.ordinal()]
        + " info";
  }

  /** A JSON array of objects with the fields of {@link Finding}, severity in lower case. */
  public static String json(List<Finding> findings) {
    List<Object> arr = new ArrayList<>();
    for (Finding f : findings) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("file", f.file());
      o.put("line", f.line());
      o.put("group", f.group());
      o.put("rule", f.rule());
      o.put("check", f.check());
      o.put("severity", f.severity().label());
      o.put("message", f.message());
      o.put("details", f.details());
      arr.add(o);
    }
    StringBuilder sb = new StringBuilder();
    Json.write(sb, arr, "", "  ");
    return sb.append('\n').toString();
  }
}
