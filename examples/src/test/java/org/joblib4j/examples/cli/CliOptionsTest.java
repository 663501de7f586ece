package org.joblib4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.joblib4j.examples.progress.ProgressMode;
import org.junit.jupiter.api.Test;

class CliOptionsTest {

  @Test
  void defaultsToAutoProgressWithABaseline() {
    assertThat(CliOptions.parse())
        .isEqualTo(new CliOptions(null, null, null, false, ProgressMode.AUTO, true, false));
  }

  @Test
  void takesValuesAfterTheOptionOrJoinedByAnEqualsSign() {
    assertThat(
            CliOptions.parse(
                "--backend",
                "loky",
                "--n-jobs=3",
                "--verbose",
                "5",
                "--small",
                "--progress=plain",
                "--no-baseline"))
        .isEqualTo(new CliOptions("loky", 3, 5, true, ProgressMode.PLAIN, false, false));
    assertThat(CliOptions.parse("--progress", "BAR", "--no-progress", "-h"))
        .isEqualTo(new CliOptions(null, null, null, false, ProgressMode.OFF, true, true));
  }

  @Test
  void rejectsWhatItDoesNotKnow() {
    assertThatThrownBy(() -> CliOptions.parse("--fast")).hasMessage("unknown argument: --fast");
    assertThatThrownBy(() -> CliOptions.parse("--small=yes"))
        .hasMessage("unknown argument: --small=yes");
    assertThatThrownBy(() -> CliOptions.parse("--n-jobs")).hasMessage("--n-jobs needs a value");
    assertThatThrownBy(() -> CliOptions.parse("--n-jobs", "all"))
        .hasMessage("--n-jobs needs an integer, not 'all'");
    assertThatThrownBy(() -> CliOptions.parse("--progress=fancy"))
        .hasMessage("--progress needs auto, bar, plain or off, not 'fancy'");
  }

  @Test
  void helpListsEveryOptionTheBackendsThatRunHereAndWhatTheOthersNeed() {
    String nl = System.lineSeparator();
    assertThat(CliOptions.usage())
        .isEqualTo(
            String.join(
                nl,
                "usage: java -jar joblib4j-examples.jar [--backend NAME] [--n-jobs N] [--verbose V]"
                    + " [--small] [--progress MODE] [--no-progress] [--no-baseline] [--help]",
                "Runs the mission page's examples, then three workloads (CPU-bound, I/O-bound, a grid search),",
                "each in parallel and then with n_jobs=1, and closes with a summary of the speed-ups.",
                "  --backend NAME   joblib4j.backend for every Parallel that names none (default threading)",
                // this test's class path has no Ray runtime; Dask is provisioned (scripts/test)
                "                   installed: sequential, threading, loky, multiprocessing, dask, verify",
                "                   missing: ray - needs Ray's runtime jar:"
                    + " RAY_DIST_JAR=<venv>/lib/python3.11/site-packages/ray/jars/ray_dist.jar"
                    + " (from pip install ray==2.58.0), or that jar on the class path",
                "  --n-jobs N       n_jobs of the workloads' parallel runs (default -1, 8 for the I/O-bound one)",
                "                   and joblib4j.n-jobs where the code sets none",
                "  --verbose V      joblib's progress lines (stderr below 50)",
                "  --small          small workloads (well under a second in all)",
                "  --progress MODE  auto (default): a live bar on a terminal, plain lines otherwise;",
                "                   bar, plain or off",
                "  --no-progress    the same as --progress off",
                "  --no-baseline    skip the n_jobs=1 runs: twice as fast, but no speed-ups in the summary",
                "  --help, -h       this text"));
  }
}
