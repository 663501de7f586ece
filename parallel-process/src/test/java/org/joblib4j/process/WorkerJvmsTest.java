package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.joblib4j.ParallelConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** joblib's {@code JOBLIB_MULTIPROCESSING} rule and the JVM's own "no worker JVMs here" cases. */
class WorkerJvmsTest {
  private static final String JAVA = WorkerLauncher.javaExecutable();

  @ParameterizedTest
  @ValueSource(strings = {"1", "true", " TRUE "})
  void onByDefaultAndWhenSwitchedOn(String on) {
    assertThat(
            WorkerJvms.staticReason(
                Map.<String, String>of()::get, Map.<String, String>of()::get, JAVA))
        .isEmpty();
    assertThat(
            WorkerJvms.staticReason(
                Map.of(WorkerJvms.PROPERTY, on)::get, Map.<String, String>of()::get, JAVA))
        .isEmpty();
    assertThat(
            WorkerJvms.staticReason(
                Map.<String, String>of()::get, Map.of(WorkerJvms.VARIABLE, on)::get, JAVA))
        .isEmpty();
  }

  @Test
  void theSwitchTurnsThemOff() {
    assertThat(
            WorkerJvms.staticReason(
                Map.<String, String>of()::get, Map.of("JOBLIB4J_MULTIPROCESSING", "0")::get, JAVA))
        .contains("they are disabled by the environment variable JOBLIB4J_MULTIPROCESSING=0");
    assertThat(
            WorkerJvms.staticReason(
                Map.of("joblib4j.multiprocessing", "false")::get,
                Map.<String, String>of()::get,
                JAVA))
        .contains("they are disabled by the system property joblib4j.multiprocessing=false");
  }

  @Test
  void aBadSwitchValueIsAnErrorNamingIt() {
    assertThatThrownBy(
            () ->
                WorkerJvms.staticReason(
                    Map.<String, String>of()::get,
                    Map.of("JOBLIB4J_MULTIPROCESSING", "no")::get,
                    JAVA))
        .isExactlyInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid value 'no' for JOBLIB4J_MULTIPROCESSING: must be 0 or false (worker JVMs are never started: loky and"
                + " multiprocessing fall back to threading), or 1 or true (the default)");
  }

  @Test
  void aNativeImageAndAMissingLauncherAreReported() {
    assertThat(
            WorkerJvms.staticReason(
                Map.of("org.graalvm.nativeimage.imagecode", "runtime")::get,
                Map.<String, String>of()::get,
                JAVA))
        .contains(
            "this is a GraalVM native image (org.graalvm.nativeimage.imagecode=runtime), which cannot start JVMs");
    assertThat(
            WorkerJvms.staticReason(
                Map.<String, String>of()::get,
                Map.<String, String>of()::get,
                "/nonexistent/bin/java"))
        .contains(
            "there is no java launcher at /nonexistent/bin/java (a jlink image without bin/java?)");
  }

  @Test
  void thisJvmCanStartProcesses() {
    assertThat(WorkerJvms.startRefused(JAVA)).isEmpty();
    assertThat(WorkerJvms.startRefused("/nonexistent/bin/java").orElseThrow())
        .startsWith(
            "this JVM may not start processes (java.io.IOException: Cannot run program \"/nonexistent/bin/java\"");
  }
}
