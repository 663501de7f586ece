package org.joblib4j.backend.multiprocessing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Captures the WARN messages of {@code org.joblib4j.Parallel}, where joblib4j logs joblib's
 * warnings. Works in the test JVM and, from inside a task, in a worker JVM (same classpath).
 */
final class LogCapture implements AutoCloseable {
  static final String PARALLEL_LOGGER = "org.joblib4j.Parallel";

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture() {
    this.logger = (Logger) LoggerFactory.getLogger(PARALLEL_LOGGER);
    appender.setName("test-capture");
    appender.start();
    logger.addAppender(appender);
  }

  static LogCapture parallelWarnings() {
    return new LogCapture();
  }

  /** The formatted WARN messages so far (a serializable list). */
  ArrayList<String> warnings() {
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(e -> e.getLevel() == Level.WARN)
          .map(ILoggingEvent::getFormattedMessage)
          .collect(Collectors.toCollection(ArrayList::new));
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
