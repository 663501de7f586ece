package org.joblib4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.joblib4j.backend.multiprocessing.MultiprocessingBackend;
import org.joblib4j.examples.cli.CliOptions;
import org.joblib4j.examples.workload.SummaryTable;
import org.joblib4j.examples.workload.WorkloadTiming;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void runsEveryExampleAndWorkloadAndClosesWithTheSummary() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    List<WorkloadTiming> timings =
        Main.run(
            new PrintStream(buffer, true, StandardCharsets.UTF_8),
            CliOptions.parse("--small", "--progress", "plain"),
            "threading");

    assertThat(timings)
        .extracting(WorkloadTiming::name)
        .containsExactly("primes", "requests", "grid search");
    assertThat(timings).extracting(WorkloadTiming::tasks).containsExactly(16, 16, 12);
    assertThat(timings).extracting(WorkloadTiming::nJobs).containsExactly(-1, 8, -1);
    assertThat(timings).allMatch(WorkloadTiming::hasBaseline);
    String out = buffer.toString(StandardCharsets.UTF_8);
    List<String> lines = out.lines().collect(Collectors.toList());
    assertThat(lines)
        .contains(
            "[-1, -2, -3, -4, -5]",
            "== CPU-bound: count the primes below 200000 in 16 chunks",
            "17984 primes (backend=threading, n_jobs=-1, 2 workers); n_jobs=1 agrees: true",
            "== I/O-bound: 16 simulated requests of 5-15 ms latency (prefer threads)",
            "16 responses, 12632 bytes (backend=threading, n_jobs=8, 8 workers); n_jobs=1 agrees: true",
            "best alpha=100, mean CV MSE=70.3513 (backend=threading, n_jobs=-1, 2 workers);"
                + " n_jobs=1 agrees: true",
            "== summary",
            "workload     tasks  n_jobs  wall time  sequential  speed-up")
        .anyMatch(l -> l.matches("n_jobs=-1 16/16 100% \\| .* \\| done"))
        .anyMatch(l -> l.matches("total           44 +[0-9.]+ s +[0-9.]+ s +[0-9.]+x"));
    assertThat(out).doesNotContain("\r");
  }

  @Test
  void aBackendThatIsNotInstalledIsOneLineAndExitStatusTwo() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      int status =
          Main.execute(
              new String[] {"--backend", "nosuch", "--small"},
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));

      assertThat(status).isEqualTo(2);
      assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
      assertThat(err.toString(StandardCharsets.UTF_8))
          .isEqualTo(
              "joblib4j-examples: Invalid backend: nosuch, expected one of \"dask\", \"loky\", \"multiprocessing\","
                  + " \"ray\", \"sequential\", \"threading\" or \"verify\""
                  + System.lineSeparator());
    } finally {
      System.clearProperty("joblib4j.backend");
    }
  }

  @Test
  void rayWithoutItsRuntimeIsOneLineThatSaysWhatToAdd() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      int status =
          Main.execute(
              new String[] {"--backend", "ray", "--small"},
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));

      assertThat(status).isEqualTo(2);
      assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
      assertThat(err.toString(StandardCharsets.UTF_8))
          .startsWith("joblib4j-examples: The Ray runtime (ray_dist.jar) is not on the classpath.")
          .contains("ray_dist.jar on the classpath")
          .endsWith(System.lineSeparator())
          .doesNotContain("\tat ");
    } finally {
      System.clearProperty("joblib4j.backend");
    }
  }

  @Test
  void daskWithoutItsPythonPackagesIsOneLineThatSaysWhatToInstall() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      // an interpreter that is not there: what a machine without python3-distributed gives too
      System.setProperty("joblib4j.backend.dask.python", "/nonexistent/python3");
      int status =
          Main.execute(
              new String[] {"--backend", "dask", "--small"},
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));

      assertThat(status).isEqualTo(2);
      assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
      assertThat(err.toString(StandardCharsets.UTF_8))
          .startsWith(
              "joblib4j-examples: Please install Python 3 with dask.distributed to use the 'dask'"
                  + " backend: the interpreter '/nonexistent/python3' cannot be started")
          .contains("sudo apt-get install python3-distributed python3-cryptography")
          .endsWith(System.lineSeparator())
          .hasLineCount(1);
    } finally {
      System.clearProperty("joblib4j.backend");
      System.clearProperty("joblib4j.backend.dask.python");
    }
  }

  @Test
  void onMultiprocessingTheFirstCallIsTimedApartAndNoSpareWorkerBoots() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      int status =
          Main.execute(
              new String[] {
                "--backend", "multiprocessing", "--small", "--no-progress", "--n-jobs", "2"
              },
              new PrintStream(out, true, StandardCharsets.UTF_8),
              System.err);

      assertThat(status).isZero();
      List<String> lines =
          out.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
      assertThat(lines)
          .contains(
              "17984 primes (backend=multiprocessing, n_jobs=2, 2 workers); n_jobs=1 agrees: true",
              "workload     tasks  n_jobs first call  wall time  sequential  speed-up",
              SummaryTable.FIRST_CALL_NOTE)
          .anyMatch(l -> l.matches("total           44 +[0-9.]+ s +[0-9.]+ s +[0-9.]+ s +[0-9.]+x"))
          .noneMatch(l -> l.contains("spare"));
      // nothing boots beside the timed runs: the warm run reuses the first run's workers
      assertThat(MultiprocessingBackend.spareWorkerPids()).isEmpty();
    } finally {
      System.clearProperty("joblib4j.backend");
      System.clearProperty("joblib4j.n-jobs");
    }
  }
}
