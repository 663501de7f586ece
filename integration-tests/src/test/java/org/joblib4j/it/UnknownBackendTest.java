package org.joblib4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.joblib4j.it.scenario.SelectBackends;
import org.joblib4j.it.support.Artifact;
import org.joblib4j.it.support.ChosenClasspathJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backend name nothing provides: well-known names point at the artifact to add. */
class UnknownBackendTest {
  private static final String INVALID =
      "threw org.joblib4j.UnknownBackendException: Invalid backend: ";
  private static final String EXPECTED =
      ", expected one of \"sequential\", \"threading\" or \"verify\"";

  @TempDir Path dir;

  @Test
  void wellKnownNamesNameTheirArtifactOthersDoNot() throws Exception {
    ChosenClasspathJvm.Result r =
        ChosenClasspathJvm.in(dir)
            .with(Artifact.API, Artifact.CORE, Artifact.THREADING)
            .run(
                SelectBackends.class, "loky", "multiprocessing", "dask", "ray", "foo", "threading");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.lines())
        .as(r.describe())
        .containsExactly(
            wellKnown("loky", "backend-loky"),
            wellKnown("multiprocessing", "backend-multiprocessing"),
            wellKnown("dask", "backend-dask-bridge"),
            wellKnown("ray", "backend-ray"),
            "foo: " + INVALID + "foo" + EXPECTED,
            "threading: threading");
    assertThat(r.stderr()).as(r.describe()).isEmpty();
  }

  private static String wellKnown(String name, String artifact) {
    return name
        + ": "
        + INVALID
        + name
        + EXPECTED
        + ". The \""
        + name
        + "\" backend is provided by the artifact org.joblib4j:"
        + artifact
        + ": add it to the classpath.";
  }
}
