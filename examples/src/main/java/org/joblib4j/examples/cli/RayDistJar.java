package org.joblib4j.examples.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * {@code RAY_DIST_JAR}: Ray's Java runtime ({@code ray_dist.jar}, 34 MB in Ray 2.58.0) comes with
 * Ray's Python wheel and must be the cluster's version, so the fat jar cannot carry it. When the
 * variable names it and Ray is not on the class path, the example runs again in a JVM whose class
 * path has it (the same JVM options, arguments and standard streams).
 */
public final class RayDistJar {
  /** The environment variable. */
  public static final String VARIABLE = "RAY_DIST_JAR";

  /** What to do to get ray: one line. */
  static final String HOW =
      "needs Ray's runtime jar: RAY_DIST_JAR=<venv>/lib/python3.11/site-packages/ray/jars/ray_dist.jar"
          + " (from pip install ray==2.58.0), or that jar on the class path";

  /** Set in the second JVM, so that a jar that still does not load never starts a third. */
  private static final String RELAUNCHED = "joblib4j.examples.ray-dist-jar-added";

  private RayDistJar() {}

  /**
   * Whether Ray's runtime is on the class path.
   *
   * @return true if the ray backend can start
   */
  public static boolean rayOnClassPath() {
    try {
      Class.forName(
          "io.ray.runtime.DefaultRayRuntimeFactory", false, RayDistJar.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Runs {@code main} again with {@code RAY_DIST_JAR} on the class path, if the variable is set and
   * Ray is not on the class path yet.
   *
   * @param main the example's main class
   * @param args its arguments
   * @param err where a bad {@code RAY_DIST_JAR} is reported, in one line
   * @return the second JVM's exit status (2 for a {@code RAY_DIST_JAR} that names no file), or
   *     empty when this JVM should run the example itself
   */
  public static OptionalInt relaunch(Class<?> main, String[] args, PrintStream err) {
    String jar = System.getenv(VARIABLE);
    if (jar == null
        || jar.isBlank()
        || System.getProperty(RELAUNCHED) != null
        || rayOnClassPath()) {
      return OptionalInt.empty();
    }
    if (!Files.isRegularFile(Path.of(jar))) {
      err.println(main.getSimpleName() + ": " + VARIABLE + " names no file: " + jar);
      return OptionalInt.of(2);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-D" + RELAUNCHED + "=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path") + File.pathSeparator + jar);
    command.add(main.getName());
    command.addAll(List.of(args));
    try {
      Process child = new ProcessBuilder(command).inheritIO().start();
      // this JVM only waits: if it is stopped, the example stops with it
      Thread stop = new Thread(child::destroy, "ray-dist-jar-child");
      Runtime.getRuntime().addShutdownHook(stop);
      int status = child.waitFor();
      Runtime.getRuntime().removeShutdownHook(stop);
      return OptionalInt.of(status);
    } catch (IOException e) {
      err.println(
          main.getSimpleName() + ": cannot start a JVM with " + VARIABLE + ": " + e.getMessage());
      return OptionalInt.of(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.of(130);
    }
  }
}
