package io.cardinal.config;

import com.google.re2j.Matcher;
import io.cardinal.tsdb.labels.Labels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Applies relabel_configs to a label set with Prometheus's semantics. Each step sees the labels as
 * the previous steps left them; a keep/drop that rejects the set ends processing with null.
 */
public final class Relabeler {
  private Relabeler() {}

  /** The relabelled set, or null when a step dropped it. An empty result is returned as is. */
  public static Labels process(Labels in, List<RelabelConfig> configs) {
    if (configs.isEmpty()) {
      return in;
    }
    Labels.Builder b = in.toBuilder();
    Labels cur = in;
    for (RelabelConfig c : configs) {
      if (!apply(cur, b, c)) {
        return null;
      }
      cur = b.build();
      b.reset(cur);
    }
    return cur;
  }

  private static boolean apply(Labels cur, Labels.Builder b, RelabelConfig c) {
    String val = join(cur, c);
    switch (c.action) {
      case DROP:
        return !c.pattern.matches(val);
      case KEEP:
        return c.pattern.matches(val);
      case DROPEQUAL:
        return !val.equals(valueOf(cur, c.targetLabel));
      case KEEPEQUAL:
        return val.equals(valueOf(cur, c.targetLabel));
      case REPLACE:
        {
          Matcher m = c.pattern.matcher(val);
          if (!m.matches()) {
            return true;
          }
          String target = expand(c.targetLabel, m);
          if (!isValidLabelName(target)) {
            return true;
          }
          String res = expand(c.replacement, m);
          if (res.isEmpty()) {
            b.delete(target);
          } else {
            b.set(target, res);
          }
          return true;
        }
      case LOWERCASE:
        b.set(c.targetLabel, val.toLowerCase(Locale.ROOT));
        return true;
      case UPPERCASE:
        b.set(c.targetLabel, val.toUpperCase(Locale.ROOT));
        return true;
      case HASHMOD:
        b.set(
            c.targetLabel, Long.toUnsignedString(Long.remainderUnsigned(md5Low64(val), c.modulus)));
        return true;
      case LABELMAP:
        for (int i = 0; i < cur.size(); i++) {
          Matcher m = c.pattern.matcher(cur.name(i));
          if (m.matches()) {
            b.set(expand(c.replacement, m), cur.value(i));
          }
        }
        return true;
      case LABELDROP:
        for (int i = 0; i < cur.size(); i++) {
          if (c.pattern.matches(cur.name(i))) {
            b.delete(cur.name(i));
          }
        }
        return true;
      case LABELKEEP:
        for (int i = 0; i < cur.size(); i++) {
          if (!c.pattern.matches(cur.name(i))) {
            b.delete(cur.name(i));
          }
        }
        return true;
      default:
        throw new IllegalStateException("unknown relabel action " + c.action);
    }
  }

  private static String valueOf(Labels l, String name) {
    String v = l.get(name);
    return v == null ? "" : v;
  }

  private static String join(Labels l, RelabelConfig c) {
    if (c.sourceLabels.size() == 1) {
      return valueOf(l, c.sourceLabels.get(0));
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < c.sourceLabels.size(); i++) {
      if (i > 0) {
        sb.append(c.separator);
      }
      sb.append(valueOf(l, c.sourceLabels.get(i)));
    }
    return sb.toString();
  }

  /** The last 8 bytes of the MD5 of {@code s}, big-endian: Prometheus's hashmod input. */
  static long md5Low64(String s) {
    byte[] d;
    try {
      d = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long h = 0;
    for (int i = 8; i < 16; i++) {
      h = (h << 8) | (d[i] & 0xff);
    }
    return h;
  }

  /**
   * Expands {@code $1}, {@code ${1}}, {@code $name}, {@code ${name}} and {@code $$} in {@code
   * template} the way Go's {@code Regexp.Expand} does: {@code $} takes the longest run of letters,
   * digits and underscores as the group name, so {@code $1x} names group "1x"; unknown groups
   * expand to "".
   */
  public static String expand(String template, Matcher m) {
    if (template.indexOf('$') < 0) {
      return template;
    }
    StringBuilder sb = new StringBuilder();
    int i = 0;
    int n = template.length();
    while (i < n) {
      char ch = template.charAt(i);
      if (ch != '$' || i + 1 >= n) {
        sb.append(ch);
        i++;
        continue;
      }
      char next = template.charAt(i + 1);
      if (next == '$') {
        sb.append('$');
        i += 2;
        continue;
      }
      String name;
      int end;
      if (next == '{') {
        int close = template.indexOf('}', i + 2);
        if (close < 0) {
          sb.append(ch);
          i++;
          continue;
        }
        name = template.substring(i + 2, close);
        end = close + 1;
      } else {
        int j = i + 1;
        while (j < n && isWordChar(template.charAt(j))) {
          j++;
        }
        name = template.substring(i + 1, j);
        end = j;
      }
      if (name.isEmpty() || !allWordChars(name)) {
        // Go leaves a malformed reference as a literal '$'.
        sb.append(ch);
        i++;
        continue;
      }
      sb.append(group(m, name));
      i = end;
    }
    return sb.toString();
  }

  private static String group(Matcher m, String name) {
    boolean digits = true;
    for (int k = 0; k < name.length(); k++) {
      if (!Character.isDigit(name.charAt(k))) {
        digits = false;
        break;
      }
    }
    try {
      String g;
      if (digits) {
        int idx;
        try {
          idx = Integer.parseInt(name);
        } catch (NumberFormatException e) {
          return "";
        }
        if (idx > m.groupCount()) {
          return "";
        }
        g = m.group(idx);
      } else {
        g = m.group(name);
      }
      return g == null ? "" : g;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return "";
    }
  }

  private static boolean isWordChar(char c) {
    return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean allWordChars(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isWordChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Prometheus's classic label name rule: {@code [a-zA-Z_][a-zA-Z0-9_]*}. */
  public static boolean isValidLabelName(String s) {
    return Labels.isValidLabelName(s);
  }

  /** Labels as a list of names (helper for callers that iterate and mutate). */
  static List<String> names(Labels l) {
    List<String> out = new ArrayList<>(l.size());
    for (int i = 0; i < l.size(); i++) {
      out.add(l.name(i));
    }
    return out;
  }
}
