package io.cardinal.cli;

/**
 * Configures slf4j-simple before the first logger exists: one line per event on stderr with an
 * ISO-8601 timestamp and the level, messages in Prometheus's key=value style. {@code --log.level}
 * sets the level.
 */
final class Logging {
  private Logging() {}

  static void configure(String[] args) {
    String level = "info";
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--log.level=")) {
        level = args[i].substring("--log.level=".length());
      } else if (args[i].equals("--log.level") && i + 1 < args.length) {
        level = args[i + 1];
      }
    }
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", level);
    setDefault("org.slf4j.simpleLogger.showDateTime", "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setDefault("org.slf4j.simpleLogger.showThreadName", "false");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    setDefault("org.slf4j.simpleLogger.levelInBrackets", "false");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
