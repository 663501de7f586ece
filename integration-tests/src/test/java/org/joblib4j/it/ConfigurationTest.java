package org.joblib4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.joblib4j.it.scenario.Configured;
import org.joblib4j.it.support.Artifact;
import org.joblib4j.it.support.ChosenClasspathJvm;
import org.joblib4j.it.support.TestJars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration sources, highest first: system property, environment variable, {@code
 * joblib4j.properties} on the classpath, default.
 */
class ConfigurationTest {
  @TempDir Path dir;

  private ChosenClasspathJvm child() {
    return ChosenClasspathJvm.in(dir).with(Artifact.API, Artifact.CORE, Artifact.THREADING);
  }

  private ChosenClasspathJvm childWithPropertiesFile() throws Exception {
    Path config =
        TestJars.jar()
            .resource("joblib4j.properties", "joblib4j.backend=sequential\n")
            .writeTo(dir.resolve("config.jar"));
    return child().jar(config);
  }

  @Test
  void propertiesFileSelectsTheBackend() throws Exception {
    assertParallel(childWithPropertiesFile().run(Configured.class), "sequential", 1);
  }

  @Test
  void systemPropertyBeatsTheFile() throws Exception {
    ChosenClasspathJvm.Result r =
        childWithPropertiesFile()
            .systemProperty("joblib4j.backend", "threading")
            .run(Configured.class);

    assertParallel(r, "threading", 1);
  }

  @Test
  void environmentBeatsTheFile() throws Exception {
    ChosenClasspathJvm.Result r =
        childWithPropertiesFile().env("JOBLIB4J_BACKEND", "threading").run(Configured.class);

    assertParallel(r, "threading", 1);
  }

  @Test
  void systemPropertyBeatsTheEnvironment() throws Exception {
    ChosenClasspathJvm.Result r =
        childWithPropertiesFile()
            .env("JOBLIB4J_BACKEND", "threading")
            .systemProperty("joblib4j.backend", "sequential")
            .run(Configured.class);

    assertParallel(r, "sequential", 1);
  }

  @Test
  void environmentSetsNJobs() throws Exception {
    ChosenClasspathJvm.Result r = child().env("JOBLIB4J_N_JOBS", "3").run(Configured.class);

    assertParallel(r, "threading", 3);
  }

  @Test
  void badNJobsFailsNamingKeyValueAndWhatIsAllowed() throws Exception {
    ChosenClasspathJvm.Result r =
        child().systemProperty("joblib4j.n-jobs", "abc").run(Configured.class);

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.lines()).as(r.describe()).hasSize(1);
    System.out.println("joblib4j.n-jobs=abc -> " + r.lines().get(0));
    String prefix = "parallel: threw org.joblib4j.ParallelConfigurationException: ";
    assertThat(r.lines().get(0))
        .as(r.describe())
        .startsWith(prefix)
        .contains("joblib4j.n-jobs")
        .contains("abc")
        .containsIgnoringCase("integer");
    assertThat(r.stderr()).as(r.describe()).isEmpty();
  }

  private static void assertParallel(ChosenClasspathJvm.Result r, String backend, int nJobs) {
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.lines())
        .as(r.describe())
        .containsExactly("parallel: backend=" + backend + " nJobs=" + nJobs + " results=[10, 20]");
    assertThat(r.stderr()).as(r.describe()).isEmpty();
  }
}
