package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.joblib4j.Backends;
import org.joblib4j.ParallelConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Installation and configuration errors say what to do. */
@Timeout(120)
class DaskInstallationTest {

  @Test
  void theBackendIsInstalledByAddingTheJar() {
    assertThat(Backends.available()).contains("dask");
  }

  @Test
  void aPythonWithoutDaskSaysWhichPackageToInstall() throws Exception {
    // Debian's interpreter without its site packages: no dask.distributed
    Path dir = DaskTestSupport.testDir("nodask");
    Path python = dir.resolve("python-without-dask");
    Files.writeString(python, "#!/bin/sh\nexec " + DaskTestSupport.PYTHON + " -S \"$@\"\n");
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));
    assertThatThrownBy(
            () ->
                dask(Map.of("python", python.toString()))
                    .build()
                    .run(List.of(delayed(DaskTestSupport::inc, 1))))
        .isInstanceOf(DaskUnavailableException.class)
        .hasMessageStartingWith(
            "Please install dask.distributed to use the 'dask' backend: " + python)
        .hasMessageContaining("No module named")
        .hasMessageContaining("sudo apt-get install python3-distributed")
        .hasMessageContaining("joblib4j.backend.dask.python");
  }

  @Test
  void aMissingInterpreterSaysWhatToInstall() {
    assertThatThrownBy(
            () ->
                dask(Map.of("python", "/nonexistent/python3"))
                    .build()
                    .run(List.of(delayed(DaskTestSupport::inc, 1))))
        .isInstanceOf(DaskUnavailableException.class)
        .hasMessageContaining("'/nonexistent/python3' cannot be started")
        .hasMessageContaining("sudo apt-get install python3-distributed");
  }

  @Test
  void badOptionsFailFastNamingTheKey() {
    assertThatThrownBy(() -> dask(Map.of("shceduler", "tcp://127.0.0.1:1")).build())
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessageContaining("Invalid option 'shceduler' for backend 'dask'")
        .hasMessageContaining("scheduler");
    assertThatThrownBy(() -> dask(Map.of("scheduler", "local:x")).build())
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessageContaining("joblib4j.backend.dask.scheduler");
    assertThatThrownBy(() -> dask(Map.of("scheduler", "/no/such/scheduler.json")).build())
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessageContaining("no such file");
    assertThatThrownBy(
            () -> dask(Map.of("tls-cert", "/etc/hostname", "tls-key", "/etc/hostname")).build())
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessageContaining("tls-ca-file");
    assertThatThrownBy(() -> dask(Map.of("classpath-mode", "copy")).build())
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessageContaining("must be ship or shared");
    assertThatThrownBy(() -> dask(Map.of("result-filter", "maxdepth=x")).build())
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessageContaining("joblib4j.backend.dask.result-filter");
  }

  @Test
  void anUnreachableSchedulerFailsWithinTheConnectTimeout() {
    DaskTestSupport.requireDask();
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                dask(Map.of("scheduler", "tcp://127.0.0.1:9", "connect-timeout", "2s"))
                    .build()
                    .run(List.of(delayed(DaskTestSupport::inc, 1))))
        .isInstanceOf(DaskException.class)
        .hasMessageContaining("Could not connect to the Dask scheduler at tcp://127.0.0.1:9");
    DaskTestSupport.assertWithin(java.time.Duration.ofSeconds(30), t0);
  }
}
