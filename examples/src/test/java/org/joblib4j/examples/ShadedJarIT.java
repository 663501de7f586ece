package org.joblib4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The fat jar merges every backend jar's {@code META-INF/services} (shade's
 * ServicesResourceTransformer): without it the files overwrite each other and backends vanish.
 */
class ShadedJarIT {
  private static final Path JAR = Path.of("target", "joblib4j-examples.jar");

  @Test
  void theServicesFileListsEveryBackend() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      String services =
          new String(
              jar.getInputStream(jar.getEntry("META-INF/services/org.joblib4j.spi.BackendProvider"))
                  .readAllBytes(),
              StandardCharsets.UTF_8);
      assertThat(
              services
                  .lines()
                  .map(String::trim)
                  .filter(l -> !l.isEmpty())
                  .collect(Collectors.toList()))
          .containsExactlyInAnyOrder(
              "org.joblib4j.core.sequential.SequentialBackendProvider",
              "org.joblib4j.backend.threading.ThreadingBackendProvider",
              "org.joblib4j.backend.threading.VerifyingBackendProvider",
              "org.joblib4j.backend.loky.LokyBackendProvider",
              "org.joblib4j.backend.multiprocessing.MultiprocessingBackendProvider",
              "org.joblib4j.backend.dask.DaskBackendProvider",
              "org.joblib4j.backend.ray.RayBackendProvider");
    }
  }

  @Test
  void theFatJarDiscoversEveryBackendAndRunsOnLoky() throws Exception {
    String out = runJar("-Djoblib4j.backend=loky", "-jar", JAR.toString(), "--small");
    assertThat(out)
        .contains(
            "Backends.available() = [dask, loky, multiprocessing, ray, sequential, threading, verify]");
    List<String> lines = out.lines().collect(Collectors.toList());
    String allCpus = " \\(backend=loky, n_jobs=-1, [0-9]+ workers?\\); n_jobs=1 agrees: true";
    assertThat(lines)
        .contains(
            "16 responses, 12632 bytes (backend=loky, n_jobs=8, 8 workers); n_jobs=1 agrees: true")
        .anyMatch(l -> l.matches("17984 primes" + allCpus))
        .anyMatch(l -> l.matches("best alpha=100, mean CV MSE=70\\.3513" + allCpus));
  }

  private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

  @Test
  void onJdk25WorkerJvmsStartFromAnAheadOfTimeCacheBuiltInTheBackground(
      @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    assertThat(JDK25).as("this machine's JDK 25").isExecutable();
    String[] run = {
      JDK25.toString(),
      "-Djava.io.tmpdir=" + tmp,
      "-jar",
      JAR.toString(),
      "--backend",
      "loky",
      "--small",
      "--no-baseline",
      "--no-progress"
    };
    assertThat(runCommand(run)).contains("== summary");
    Path caches = tmp.resolve("joblib4j-cds-" + System.getProperty("user.name"));
    // the training JVM writes training-*.aot after the first run has ended, then a shell
    // renames it to the cache's own name: wait for that rename, not for the training file
    org.awaitility.Awaitility.await("the worker AOT cache")
        .atMost(java.time.Duration.ofSeconds(120))
        .until(
            () ->
                aotCaches(caches).size() == 1
                    && !aotCaches(caches).get(0).getFileName().toString().startsWith("training-"));

    String second = runCommand(run);

    assertThat(second).contains("== summary").doesNotContain("[aot]").doesNotContain("[cds]");
    assertThat(aotCaches(caches)).hasSize(1);
  }

  private static List<Path> aotCaches(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (java.util.stream.Stream<Path> files = Files.list(folder)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".aot"))
          .collect(Collectors.toList());
    }
  }

  @Test
  void offATerminalProgressIsPlainLinesAndTheRunEndsWithTheSummary() throws Exception {
    // stdout is a pipe here, so --progress auto (the default) prints whole lines
    String out = runJar("-jar", JAR.toString(), "--small");
    assertThat(out).doesNotContain("\r");
    List<String> lines = out.lines().collect(Collectors.toList());
    String done = " \\| [0-9.]+ tasks/s \\| 0:[0-9]{2}\\.[0-9] \\| done";
    assertThat(lines)
        .anyMatch(l -> l.matches("n_jobs=-1 16/16 100%" + done))
        .anyMatch(l -> l.matches("n_jobs=1  16/16 100%" + done))
        .anyMatch(l -> l.matches("n_jobs=8 16/16 100%" + done))
        .anyMatch(l -> l.matches("n_jobs=-1 12/12 100%" + done))
        // n_jobs=1 completes the tasks one by one: a line at each quarter
        .anyMatch(
            l ->
                l.matches(
                    "n_jobs=1   3/12  25% \\| [0-9.]+ tasks/s \\| 0:[0-9.]+ \\| ETA 0:[0-9.]+"));
    List<String> summary = lines.subList(lines.indexOf("== summary"), lines.size());
    String times = " +[0-9]+\\.[0-9]{2} s +[0-9]+\\.[0-9]{2} s +[0-9]+\\.[0-9]{2}x";
    assertThat(summary).hasSize(7);
    assertThat(summary.get(1))
        .isEqualTo("workload     tasks  n_jobs  wall time  sequential  speed-up");
    assertThat(summary.get(2)).matches("primes          16      -1" + times);
    assertThat(summary.get(3)).matches("requests        16       8" + times);
    assertThat(summary.get(4)).matches("grid search     12      -1" + times);
    assertThat(summary.get(5)).matches("total           44        " + times);
    assertThat(summary.get(6)).matches("done in [0-9]+\\.[0-9] s");
  }

  @Test
  void helpListsTheBackendsThatRunHereAndWhatTheOthersNeed() throws Exception {
    // a user without Ray's runtime jar (scripts/test exports RAY_DIST_JAR for the other tests)
    ProcessBuilder withoutRay = new ProcessBuilder(java(), "-jar", JAR.toString(), "--help");
    withoutRay.environment().remove("RAY_DIST_JAR");
    String out = run(withoutRay, 0);
    assertThat(out)
        .startsWith(
            "usage: java -jar joblib4j-examples.jar [--backend NAME] [--n-jobs N] [--verbose V]"
                + " [--small] [--progress MODE] [--no-progress] [--no-baseline] [--help]")
        .contains(
            "  --progress MODE  auto (default): a live bar on a terminal, plain lines otherwise;")
        .contains("  --no-baseline    skip the n_jobs=1 runs")
        .contains(
            "  --backend NAME   joblib4j.backend for every Parallel that names none (default threading)")
        // Dask is provisioned here (scripts/test); Ray's runtime jar is not on this class path
        .contains(
            "                   installed: sequential, threading, loky, multiprocessing, dask, verify"
                + NL)
        .contains("                   missing: ray - needs Ray's runtime jar: RAY_DIST_JAR=");
  }

  @Test
  void theGridSearchRunsFromTheFatJarByItsMainClass() throws Exception {
    String out =
        runJar(
            "-cp",
            JAR.toString(),
            GRID_SEARCH,
            "--backend",
            "loky",
            "--small",
            "--progress",
            "off");
    assertThat(out.lines())
        .contains(
            "best_params_={'max_depth': None, 'max_features': 0.3, 'n_estimators': 8},"
                + " best_score_=0.9508 (backend=loky, n_jobs=-1, 2 workers); n_jobs=1 agrees: true",
            "== speed-up over n_jobs=1");
  }

  @Test
  void withRayDistJarTheFatJarRunsTheGridSearchOnRayWithTheSameScores() throws Exception {
    assertThat(RAY_DIST).as("Ray's runtime jar in the ray venv (scripts/test)").isRegularFile();
    ProcessBuilder help = new ProcessBuilder(java(), "-jar", JAR.toString(), "--help");
    help.environment().put("RAY_DIST_JAR", RAY_DIST.toString());
    assertThat(run(help, 0))
        .contains(
            "installed: sequential, threading, loky, multiprocessing, dask, ray, verify" + NL);

    ProcessBuilder search =
        new ProcessBuilder(
            java(),
            "-cp",
            JAR.toString(),
            GRID_SEARCH,
            "--backend",
            "ray",
            "--small",
            "--progress",
            "off");
    search.environment().put("RAY_DIST_JAR", RAY_DIST.toString());
    assertThat(run(search, 0).lines())
        .contains(
            "best_params_={'max_depth': None, 'max_features': 0.3, 'n_estimators': 8},"
                + " best_score_=0.9508 (backend=ray, n_jobs=-1, 2 workers); n_jobs=1 agrees: true");
  }

  @Test
  void aRayDistJarThatNamesNoFileIsOneLineAndExitStatusTwo() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(java(), "-jar", JAR.toString(), "--backend", "ray");
    pb.environment().put("RAY_DIST_JAR", "/nonexistent/ray_dist.jar");
    assertThat(run(pb, 2))
        .isEqualTo("Main: RAY_DIST_JAR names no file: /nonexistent/ray_dist.jar" + NL);
  }

  private static final String NL = System.lineSeparator();
  private static final String GRID_SEARCH = "org.joblib4j.examples.gridsearchcv.GridSearchCvMain";
  private static final Path RAY_DIST =
      Path.of(
          System.getenv()
              .getOrDefault(
                  "RAY_VENV", System.getProperty("user.home") + "/.cache/joblib4j-ray-venv"),
          "lib/python3.11/site-packages/ray/jars/ray_dist.jar");

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Runs the process; fails unless it exits with this status within two minutes. */
  private static String run(ProcessBuilder pb, int status) throws Exception {
    assertThat(Files.exists(JAR)).isTrue();
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(status);
    return out;
  }

  /** Runs the JVM with these arguments; fails unless it exits with 0 within two minutes. */
  private static String runJar(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(args));
    return runCommand(command.toArray(new String[0]));
  }

  private static String runCommand(String... command) throws Exception {
    assertThat(Files.exists(JAR)).isTrue();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
