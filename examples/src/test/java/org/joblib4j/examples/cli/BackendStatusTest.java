package org.joblib4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackendStatusTest {

  @Test
  void daskIsMissingWhereItsInterpreterCannotImportDistributed() {
    try {
      System.setProperty("joblib4j.backend.dask.python", "/nonexistent/python3");

      assertThat(BackendStatus.missing("dask"))
          .hasValue(
              "needs Debian's python3-distributed and python3-cryptography for /nonexistent/python3:"
                  + " sudo apt-get install python3-distributed python3-cryptography");
      assertThat(BackendStatus.lines())
          .startsWith("installed: sequential, threading, loky, multiprocessing, verify")
          .contains(
              "missing: dask - needs Debian's python3-distributed and python3-cryptography for"
                  + " /nonexistent/python3: sudo apt-get install python3-distributed python3-cryptography");
    } finally {
      System.clearProperty("joblib4j.backend.dask.python");
    }
  }

  @Test
  void daskRunsWhereDebiansPythonHasItsPackages() {
    // provisioned by scripts/test: python3-distributed and python3-cryptography
    assertThat(BackendStatus.python()).isEqualTo("/usr/bin/python3");
    assertThat(BackendStatus.missing("dask")).isEmpty();
  }

  @Test
  void rayIsMissingWithoutItsRuntimeJarAndSaysHowToAddIt() {
    assertThat(RayDistJar.rayOnClassPath()).isFalse();
    assertThat(BackendStatus.missing("ray"))
        .hasValue(
            "needs Ray's runtime jar: RAY_DIST_JAR=<venv>/lib/python3.11/site-packages/ray/jars/ray_dist.jar"
                + " (from pip install ray==2.58.0), or that jar on the class path");
  }

  @Test
  void aBackendWhoseJarIsAbsentIsMissingToo() {
    assertThat(BackendStatus.missing("nosuch")).hasValue("its jar is not on the class path");
  }
}
