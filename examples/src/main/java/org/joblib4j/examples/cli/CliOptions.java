package org.joblib4j.examples.cli;

import java.util.ArrayList;
import java.util.List;
import org.joblib4j.examples.progress.ProgressMode;

/**
 * The demo's command line.
 *
 * @param backend {@code --backend NAME}, or {@code null}
 * @param nJobs {@code --n-jobs N}, or {@code null}
 * @param verbose {@code --verbose V}, or {@code null}
 * @param small {@code --small}
 * @param progress {@code --progress MODE} or {@code --no-progress}; {@link ProgressMode#AUTO} by
 *     default
 * @param baseline false with {@code --no-baseline}
 * @param help {@code --help} or {@code -h}
 */
public record CliOptions(
    String backend,
    Integer nJobs,
    Integer verbose,
    boolean small,
    ProgressMode progress,
    boolean baseline,
    boolean help) {

  /** The first line of {@link #usage()}. */
  public static final String SYNOPSIS =
      "usage: java -jar joblib4j-examples.jar [--backend NAME] [--n-jobs N] [--verbose V] [--small]"
          + " [--progress MODE] [--no-progress] [--no-baseline] [--help]";

  /**
   * Parses the arguments; a value may follow its option or be joined to it by {@code =}.
   *
   * @param args the command line
   * @return the options
   * @throws IllegalArgumentException for an unknown option or a bad or missing value
   */
  public static CliOptions parse(String... args) {
    String backend = null;
    Integer nJobs = null;
    Integer verbose = null;
    boolean small = false;
    ProgressMode progress = ProgressMode.AUTO;
    boolean baseline = true;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int eq = arg.indexOf('=');
      String option = eq > 0 ? arg.substring(0, eq) : arg;
      boolean takesValue =
          List.of("--backend", "--n-jobs", "--verbose", "--progress").contains(option);
      String value = null;
      if (takesValue) {
        if (eq < 0 && i + 1 >= args.length) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        value = eq > 0 ? arg.substring(eq + 1) : args[++i];
      } else if (eq > 0) {
        throw new IllegalArgumentException("unknown argument: " + arg);
      }
      switch (option) {
        case "--backend" -> backend = value;
        case "--n-jobs" -> nJobs = integer(option, value);
        case "--verbose" -> verbose = integer(option, value);
        case "--progress" -> progress = mode(value);
        case "--small" -> small = true;
        case "--no-progress" -> progress = ProgressMode.OFF;
        case "--no-baseline" -> baseline = false;
        case "--help", "-h" -> help = true;
        default -> throw new IllegalArgumentException("unknown argument: " + arg);
      }
    }
    return new CliOptions(backend, nJobs, verbose, small, progress, baseline, help);
  }

  /**
   * Returns the help text, listing the backends that run here and what the others need.
   *
   * @return the lines, joined by the line separator
   */
  public static String usage() {
    List<String> lines = new ArrayList<>();
    lines.add(SYNOPSIS);
    lines.add(
        "Runs the mission page's examples, then three workloads (CPU-bound, I/O-bound, a grid search),");
    lines.add(
        "each in parallel and then with n_jobs=1, and closes with a summary of the speed-ups.");
    lines.add(
        "  --backend NAME   joblib4j.backend for every Parallel that names none (default "
            + BackendStatus.defaultBackend()
            + ")");
    BackendStatus.lines().forEach(l -> lines.add("                   " + l));
    lines.addAll(
        List.of(
            "  --n-jobs N       n_jobs of the workloads' parallel runs (default -1, 8 for the I/O-bound one)",
            "                   and joblib4j.n-jobs where the code sets none",
            "  --verbose V      joblib's progress lines (stderr below 50)",
            "  --small          small workloads (well under a second in all)",
            "  --progress MODE  auto (default): a live bar on a terminal, plain lines otherwise;",
            "                   bar, plain or off",
            "  --no-progress    the same as --progress off",
            "  --no-baseline    skip the n_jobs=1 runs: twice as fast, but no speed-ups in the summary",
            "  --help, -h       this text"));
    return String.join(System.lineSeparator(), lines);
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs an integer, not '" + value + "'", e);
    }
  }

  private static ProgressMode mode(String value) {
    try {
      return ProgressMode.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--progress needs auto, bar, plain or off, not '" + value + "'", e);
    }
  }
}
