package io.cardinal.cli.log;

import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The command line's SLF4J backend: every logger writes through {@link LogLine}, so SLF4J lines and
 * the storage engine's System.Logger lines share one format. Only the command line carries it; an
 * embedder keeps its own backend.
 */
public final class Slf4jProvider implements SLF4JServiceProvider {
  private final ILoggerFactory factory = new Factory();
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  private static final class Factory implements ILoggerFactory {
    private final ConcurrentHashMap<String, Logger> loggers = new ConcurrentHashMap<>();

    @Override
    public Logger getLogger(String name) {
      return loggers.computeIfAbsent(name, Slf4jLogger::new);
    }
  }

  private static final class Slf4jLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final String source;

    Slf4jLogger(String name) {
      this.name = name;
      this.source = name.substring(name.lastIndexOf('.') + 1);
    }

    private static LogLine.Level of(Level l) {
      return switch (l) {
        case TRACE, DEBUG -> LogLine.Level.DEBUG;
        case INFO -> LogLine.Level.INFO;
        case WARN -> LogLine.Level.WARN;
        case ERROR -> LogLine.Level.ERROR;
      };
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] args, Throwable thrown) {
      String message = MessageFormatter.basicArrayFormat(pattern, args);
      LogLine.write(of(level), source, message, thrown);
    }

    @Override
    public boolean isTraceEnabled() {
      return LogLine.enabled(LogLine.Level.DEBUG);
    }

    @Override
    public boolean isDebugEnabled() {
      return LogLine.enabled(LogLine.Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return LogLine.enabled(LogLine.Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return LogLine.enabled(LogLine.Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return LogLine.enabled(LogLine.Level.ERROR);
    }
  }
}
