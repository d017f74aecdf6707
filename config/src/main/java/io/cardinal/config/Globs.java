package io.cardinal.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * File name patterns as Prometheus takes them in {@code rule_files} (Go's {@code filepath.Glob}):
 * {@code *} any run of characters but {@code /}, {@code ?} one such character, {@code [a-z]} and
 * {@code [^a-z]} classes, {@code \} escaping. Unlike Java's glob syntax there are no braces and no
 * {@code **}; a pattern that would mean something else in Java keeps Go's meaning here.
 */
public final class Globs {
  private Globs() {}

  /** Whether {@code pattern} is well formed (Go's {@code filepath.ErrBadPattern} otherwise). */
  public static boolean valid(String pattern) {
    try {
      for (String part : pattern.split("/", -1)) {
        toRegex(part);
      }
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The existing files matching {@code pattern}, relative patterns resolved against {@code base},
   * sorted by name within each directory as Go returns them. A pattern without metacharacters
   * returns the file if it exists.
   */
  public static List<Path> expand(Path base, String pattern) throws IOException {
    Path p = Path.of(pattern);
    Path root = p.isAbsolute() ? p.getRoot() : base;
    List<Path> current = List.of(root);
    int n = p.getNameCount();
    for (int i = 0; i < n; i++) {
      String part = p.getName(i).toString();
      List<Path> next = new ArrayList<>();
      if (!hasMeta(part)) {
        for (Path c : current) {
          Path child = c.resolve(unescape(part));
          if (Files.exists(child)) {
            next.add(child);
          }
        }
      } else {
        Pattern re = toRegex(part);
        for (Path c : current) {
          if (!Files.isDirectory(c)) {
            continue;
          }
          List<Path> matched = new ArrayList<>();
          try (DirectoryStream<Path> ds = Files.newDirectoryStream(c)) {
            for (Path child : ds) {
              if (re.matcher(child.getFileName().toString()).matches()) {
                matched.add(child);
              }
            }
          }
          matched.sort(null);
          next.addAll(matched);
        }
      }
      current = next;
    }
    return current.equals(List.of(root)) ? List.of() : current;
  }

  static boolean hasMeta(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '\\') {
        return true;
      }
    }
    return false;
  }

  private static String unescape(String s) {
    return s.replace("\\", "");
  }

  static Pattern toRegex(String part) {
    StringBuilder re = new StringBuilder();
    int i = 0;
    while (i < part.length()) {
      char c = part.charAt(i);
      switch (c) {
        case '*' -> re.append("[^/]*");
        case '?' -> re.append("[^/]");
        case '\\' -> {
          if (i + 1 >= part.length()) {
            throw new IllegalArgumentException("trailing backslash");
          }
          re.append(Pattern.quote(String.valueOf(part.charAt(++i))));
        }
        case '[' -> {
          int end = i + 1;
          StringBuilder cls = new StringBuilder("[");
          if (end < part.length() && part.charAt(end) == '^') {
            cls.append('^');
            end++;
          }
          boolean any = false;
          while (end < part.length() && (part.charAt(end) != ']' || !any)) {
            char k = part.charAt(end);
            if (k == '\\') {
              if (end + 1 >= part.length()) {
                throw new IllegalArgumentException("trailing backslash in class");
              }
              k = part.charAt(++end);
            }
            if (k == '[' || k == ']' || k == '\\' || k == '^' || k == '&') {
              cls.append('\\');
            }
            cls.append(k);
            any = true;
            end++;
          }
          if (end >= part.length()) {
            throw new IllegalArgumentException("unclosed character class");
          }
          re.append(cls).append(']');
          i = end;
        }
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
      i++;
    }
    return Pattern.compile(re.toString());
  }
}
