package org.joblib4j.tck.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Captures what a logger (and its children) logs, through logback, the binding every module's tests
 * use. Works in the test JVM and, from inside a task, in a worker JVM (same classpath).
 */
public final class LogCapture implements AutoCloseable {
  /** The logger joblib4j sends joblib's warnings to. */
  public static final String PARALLEL_LOGGER = "org.joblib4j.Parallel";

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(String name) {
    this.logger = (Logger) LoggerFactory.getLogger(name);
    appender.setName("test-capture");
    appender.start();
    logger.addAppender(appender);
  }

  /**
   * Starts capturing {@code org.joblib4j.Parallel}, where joblib4j sends joblib's warnings.
   *
   * @return the capture; close it to stop
   */
  public static LogCapture parallelWarnings() {
    return new LogCapture(PARALLEL_LOGGER);
  }

  /**
   * Starts capturing every joblib4j logger ({@code org.joblib4j} and below).
   *
   * @return the capture; close it to stop
   */
  public static LogCapture allJoblib4j() {
    return new LogCapture("org.joblib4j");
  }

  /**
   * Starts capturing one named logger and its children.
   *
   * @param name the logger's name
   * @return the capture; close it to stop
   */
  public static LogCapture of(String name) {
    return new LogCapture(name);
  }

  /**
   * Returns the formatted messages logged at WARN so far.
   *
   * @return the messages, in an {@link ArrayList} so that a task can return them from a worker JVM
   */
  public ArrayList<String> warnings() {
    return at(Level.WARN);
  }

  /**
   * Returns the formatted messages logged at INFO so far.
   *
   * @return the messages
   */
  public ArrayList<String> infos() {
    return at(Level.INFO);
  }

  private ArrayList<String> at(Level level) {
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(e -> e.getLevel() == level)
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
