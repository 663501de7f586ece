package org.joblib4j.examples.progress;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;
import org.joblib4j.ProgressListener;

/** How the CLI shows a call's progress: {@code --progress auto|bar|plain|off}. */
public enum ProgressMode {
  /** {@link #BAR} on a terminal, {@link #PLAIN} otherwise. */
  AUTO,
  /** A {@link TerminalProgressBar}. */
  BAR,
  /** {@link PlainProgressLines}. */
  PLAIN,
  /** Nothing. */
  OFF;

  /**
   * Parses an option value.
   *
   * @param value {@code auto}, {@code bar}, {@code plain} or {@code off}, in any case
   * @return the mode
   * @throws IllegalArgumentException for any other value
   */
  public static ProgressMode parse(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /**
   * Resolves {@link #AUTO} for this JVM's standard output.
   *
   * @return {@link #BAR} or {@link #PLAIN} for {@link #AUTO}, else this
   */
  public ProgressMode resolve() {
    return this != AUTO ? this : onTerminal() ? BAR : PLAIN;
  }

  /**
   * Creates the listener for one call.
   *
   * @param out where progress goes
   * @param label what the call is
   * @param expectedTotal its number of tasks, or -1 when unknown
   * @return the listener; one that shows nothing for {@link #OFF}
   */
  public ProgressListener listener(PrintStream out, String label, long expectedTotal) {
    switch (resolve()) {
      case BAR:
        return new TerminalProgressBar(out, label, expectedTotal);
      case PLAIN:
        return new PlainProgressLines(out, label, expectedTotal);
      default:
        return new ProgressListener() {};
    }
  }

  /**
   * Whether standard input and output are a terminal. Java 22 and later give a {@link Console} even
   * when they are not and say so with {@code Console.isTerminal()}, called reflectively because
   * this code targets Java 17.
   */
  private static boolean onTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true; // before Java 22 a console exists only on a terminal
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
