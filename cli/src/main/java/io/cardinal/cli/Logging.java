package io.cardinal.cli;

import io.cardinal.cli.log.LogLine;

/**
 * Configures the command line's log lines before the first logger exists: {@code --log.level}
 * (debug, info, warn, error) and {@code --log.format} (logfmt, json), as Prometheus's flags. The
 * lines themselves are {@link LogLine}'s, for SLF4J and System.Logger alike. A value neither knows
 * is left to the command's own option check, which refuses it.
 */
final class Logging {
  private Logging() {}

  static void configure(String[] args) {
    String level = flag(args, "--log.level", "info");
    String format = flag(args, "--log.format", "logfmt");
    try {
      LogLine.configure(level, format);
    } catch (IllegalArgumentException e) {
      // The command's options refuse it with the usage; until then, the defaults.
    }
  }

  private static String flag(String[] args, String name, String def) {
    String v = def;
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith(name + "=")) {
        v = args[i].substring(name.length() + 1);
      } else if (args[i].equals(name) && i + 1 < args.length) {
        v = args[i + 1];
      }
    }
    return v;
  }
}
