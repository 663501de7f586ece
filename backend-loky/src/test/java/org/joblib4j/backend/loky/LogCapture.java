package org.joblib4j.backend.loky;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Captures what a logger (and its children) logs. */
final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(String name) {
    this.logger = (Logger) LoggerFactory.getLogger(name);
    appender.setName("loky-test-capture");
    appender.start();
    logger.addAppender(appender);
  }

  /** Captures {@code org.joblib4j.Parallel}, where joblib4j sends joblib's warnings. */
  static LogCapture parallelWarnings() {
    return new LogCapture("org.joblib4j.Parallel");
  }

  /** Captures one named logger. */
  static LogCapture of(String name) {
    return new LogCapture(name);
  }

  /** The formatted messages logged at WARN so far. */
  List<String> warnings() {
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(e -> e.getLevel() == Level.WARN)
          .map(ILoggingEvent::getFormattedMessage)
          .collect(Collectors.toList());
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
