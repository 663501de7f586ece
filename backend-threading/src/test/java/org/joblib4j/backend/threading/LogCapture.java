package org.joblib4j.backend.threading;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Captures what is logged on {@code org.joblib4j.Parallel}, where joblib4j sends joblib's warnings. */
final class LogCapture implements AutoCloseable {
  static final String PARALLEL_LOGGER = "org.joblib4j.Parallel";

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(String name) {
    this.logger = (Logger) LoggerFactory.getLogger(name);
    appender.setName("test-capture");
    appender.start();
    logger.addAppender(appender);
  }

  /** Starts capturing the {@code org.joblib4j.Parallel} logger. */
  static LogCapture parallelWarnings() {
    return new LogCapture(PARALLEL_LOGGER);
  }

  /** Starts capturing every joblib4j logger ({@code org.joblib4j} and below). */
  static LogCapture allJoblib4j() {
    return new LogCapture("org.joblib4j");
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
