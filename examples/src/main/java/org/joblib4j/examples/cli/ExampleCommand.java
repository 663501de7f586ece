package org.joblib4j.examples.cli;

import java.io.PrintStream;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.joblib4j.Parallel;

/**
 * What every example's main class does with its command line: parse it, print the help, set the
 * backend as an application would (system properties, so that the example names no backend in
 * code), and resolve and start that backend before anything runs, so that a missing jar or runtime
 * is one line, never a stack trace.
 */
public final class ExampleCommand {
  /** What an example does once its backend runs. */
  @FunctionalInterface
  public interface Body {
    /**
     * Runs the example.
     *
     * @param out where it prints
     * @param options the command line
     * @param backend the configured backend's name
     */
    void run(PrintStream out, CliOptions options, String backend);
  }

  /** An example's {@code execute}: arguments and streams in, exit status out. */
  @FunctionalInterface
  public interface Execution {
    /**
     * Runs the example.
     *
     * @param args the command line
     * @param out where it prints
     * @param err where errors go
     * @return the exit status
     */
    int execute(String[] args, PrintStream out, PrintStream err);
  }

  private ExampleCommand() {}

  /**
   * A main method's body: runs the example (in a second JVM when {@code RAY_DIST_JAR} asks for one)
   * and exits with its status unless it is 0.
   *
   * @param main the example's main class
   * @param args its arguments
   * @param execution the example's {@code execute}
   */
  public static void main(Class<?> main, String[] args, Execution execution) {
    OptionalInt relaunched = RayDistJar.relaunch(main, args, System.err);
    int status =
        relaunched.isPresent()
            ? relaunched.getAsInt()
            : execution.execute(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Parses the arguments, prints the help or runs the example on the configured backend.
   *
   * @param args the command line (see {@link CliOptions#parse})
   * @param out where the example prints
   * @param err where errors go: one line each, never a stack trace
   * @param program the prefix of an error line
   * @param usage the help text
   * @param body what the example does
   * @return the exit status: 0, or 2 for a bad command line, configuration or backend
   */
  public static int execute(
      String[] args,
      PrintStream out,
      PrintStream err,
      String program,
      Supplier<String> usage,
      Body body) {
    CliOptions options;
    try {
      options = CliOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage() + System.lineSeparator() + usage.get());
      return 2;
    }
    if (options.help()) {
      out.println(usage.get());
      return 0;
    }
    String backend = resolve(options, program, err);
    if (backend == null) {
      return 2;
    }
    body.run(out, options, backend);
    return 0;
  }

  /**
   * Sets {@code joblib4j.backend}, {@code joblib4j.n-jobs} and {@code joblib4j.verbose} from the
   * options and resolves the backend; returns its name, or {@code null} when it cannot run here
   * (after printing one line).
   */
  private static String resolve(CliOptions options, String program, PrintStream err) {
    setProperty("joblib4j.backend", options.backend());
    setProperty("joblib4j.n-jobs", options.nJobs());
    setProperty("joblib4j.verbose", options.verbose());
    // n_jobs=-1 makes a cluster backend connect (dask starts its sidecar and local cluster here,
    // kept for the run), so missing Python packages show now. Every failure here is the
    // environment's or the configuration's: an unknown name, Ray's jar, Dask's packages, a
    // scheduler that cannot be reached
    try (Parallel p = Parallel.builder().nJobs(-1).build()) {
      p.effectiveNJobs();
      return p.backendName();
    } catch (RuntimeException e) {
      err.println(program + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      return null;
    }
  }

  private static void setProperty(String key, Object value) {
    if (value != null) {
      System.setProperty(key, value.toString());
    }
  }
}
