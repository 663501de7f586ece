package org.joblib4j.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.joblib4j.ParallelConfigurationException;

/**
 * Whether this JVM can start worker JVMs: joblib's {@code _multiprocessing_helpers} check. The
 * process backends report themselves unavailable (and joblib falls back to threading) when the
 * switch {@code joblib4j.multiprocessing=false} / {@code JOBLIB4J_MULTIPROCESSING=0} is set
 * (joblib's {@code JOBLIB_MULTIPROCESSING=0}), in a GraalVM native image, when there is no {@code
 * java} launcher (a jlink image without {@code bin/java}), or when starting a process is refused (a
 * sandbox). Checked once per JVM.
 */
public final class WorkerJvms {
  /** The system property switch. */
  public static final String PROPERTY = "joblib4j.multiprocessing";

  /** The environment variable switch. */
  public static final String VARIABLE = "JOBLIB4J_MULTIPROCESSING";

  /** Set by GraalVM in a native image ({@code runtime}, or {@code buildtime} while it is built). */
  static final String IMAGE_CODE = "org.graalvm.nativeimage.imagecode";

  private static volatile Optional<String> reason;

  private WorkerJvms() {}

  /**
   * Why worker JVMs cannot be started here.
   *
   * @return the reason, or empty when they can
   * @throws ParallelConfigurationException if the switch has a value other than 0/1/false/true
   */
  public static Optional<String> unavailableReason() {
    Optional<String> r = reason;
    if (r == null) {
      synchronized (WorkerJvms.class) {
        r = reason;
        if (r == null) {
          r = staticReason(System::getProperty, System::getenv, WorkerLauncher.javaExecutable());
          if (r.isEmpty()) {
            r = startRefused(WorkerLauncher.javaExecutable());
          }
          reason = r;
        }
      }
    }
    return r;
  }

  /**
   * The checks that start nothing: the switch, a native image, the launcher.
   *
   * @param properties system property lookup
   * @param environment environment variable lookup
   * @param java the launcher worker JVMs would be started with
   * @return the reason, or empty
   */
  static Optional<String> staticReason(
      UnaryOperator<String> properties, UnaryOperator<String> environment, String java) {
    String property = properties.apply(PROPERTY);
    if (property != null) {
      if (!enabled(property, PROPERTY)) {
        return Optional.of(
            "they are disabled by the system property " + PROPERTY + "=" + property.trim());
      }
    } else {
      String variable = environment.apply(VARIABLE);
      if (variable != null && !enabled(variable, VARIABLE)) {
        return Optional.of(
            "they are disabled by the environment variable " + VARIABLE + "=" + variable.trim());
      }
    }
    String imageCode = properties.apply(IMAGE_CODE);
    if (imageCode != null) {
      return Optional.of(
          "this is a GraalVM native image ("
              + IMAGE_CODE
              + "="
              + imageCode
              + "), which cannot start JVMs");
    }
    if (!Files.isExecutable(Path.of(java)) || Files.isDirectory(Path.of(java))) {
      return Optional.of(
          "there is no java launcher at " + java + " (a jlink image without bin/java?)");
    }
    return Optional.empty();
  }

  private static boolean enabled(String value, String key) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "0":
      case "false":
        return false;
      case "1":
      case "true":
        return true;
      default:
        throw new ParallelConfigurationException(
            "Invalid value '"
                + value
                + "' for "
                + key
                + ": must be 0 or false (worker JVMs are never started: loky and"
                + " multiprocessing fall back to threading), or 1 or true (the default)");
    }
  }

  /** A sandbox shows only when a process is started: start the launcher and kill it at once. */
  static Optional<String> startRefused(String java) {
    try {
      Process probe =
          new ProcessBuilder(java, "-version")
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      probe.destroyForcibly();
      return Optional.empty();
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return Optional.of("this JVM may not start processes (" + e + ")");
    }
  }
}
