package io.cardinal.cli.log;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * The JDK's System.Logger (which the storage engine logs through, to stay free of logging
 * dependencies) writing through {@link LogLine} in the command line, so its lines have the same
 * format as every other.
 */
public final class JdkLoggerFinder extends System.LoggerFinder {
  @Override
  public System.Logger getLogger(String name, Module module) {
    return new JdkLogger(name);
  }

  private static final class JdkLogger implements System.Logger {
    private final String name;
    private final String source;

    JdkLogger(String name) {
      this.name = name;
      this.source = name.substring(name.lastIndexOf('.') + 1);
    }

    private static LogLine.Level of(Level l) {
      return switch (l) {
        case ALL, TRACE, DEBUG -> LogLine.Level.DEBUG;
        case INFO -> LogLine.Level.INFO;
        case WARNING -> LogLine.Level.WARN;
        case ERROR, OFF -> LogLine.Level.ERROR;
      };
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean isLoggable(Level level) {
      return level != Level.OFF && LogLine.enabled(of(level));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      if (isLoggable(level)) {
        LogLine.write(of(level), source, msg, thrown);
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      if (isLoggable(level)) {
        String msg =
            params == null || params.length == 0 ? format : MessageFormat.format(format, params);
        LogLine.write(of(level), source, msg, null);
      }
    }

    @Override
    public void log(Level level, Supplier<String> msg) {
      if (isLoggable(level)) {
        LogLine.write(of(level), source, msg.get(), null);
      }
    }
  }
}
