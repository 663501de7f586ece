package org.joblib4j.process;

import java.util.Map;

/**
 * How worker JVMs end and how their ends are told: loky's {@code _format_exitcodes} (a signal death
 * as {@code SIGKILL(-9)}, an exit as {@code EXIT(1)}), and the halt a worker uses to leave.
 */
public final class ExitCodes {
  private static final Map<Integer, String> SIGNALS =
      Map.ofEntries(
          Map.entry(1, "SIGHUP"),
          Map.entry(2, "SIGINT"),
          Map.entry(3, "SIGQUIT"),
          Map.entry(4, "SIGILL"),
          Map.entry(6, "SIGABRT"),
          Map.entry(7, "SIGBUS"),
          Map.entry(8, "SIGFPE"),
          Map.entry(9, "SIGKILL"),
          Map.entry(11, "SIGSEGV"),
          Map.entry(13, "SIGPIPE"),
          Map.entry(14, "SIGALRM"),
          Map.entry(15, "SIGTERM"));

  private ExitCodes() {}

  /**
   * Formats a process exit status as Java reports it (128 + n for death by signal n).
   *
   * @param status the exit value
   * @return for example {@code SIGKILL(-9)} or {@code EXIT(3)}
   */
  static String format(int status) {
    if (status > 128 && status < 128 + 32) {
      int signal = status - 128;
      return SIGNALS.getOrDefault(signal, "SIG" + signal) + "(-" + signal + ")";
    }
    return "EXIT(" + status + ")";
  }

  /**
   * Ends this JVM at once with a status, its output flushed: a worker or executor JVM whose channel
   * is gone has nothing to clean up and must not wait for shutdown hooks or tasks.
   *
   * @param status the exit status
   */
  public static void halt(int status) {
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(status);
  }
}
