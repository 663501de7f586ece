package org.joblib4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.joblib4j.it.scenario.SequentialFallback;
import org.joblib4j.it.support.Artifact;
import org.joblib4j.it.support.ChosenClasspathJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** parallel-api and parallel-core without backend-threading: sequential, with one warning. */
class NoThreadingJarTest {
  static final String WARNING =
      "WARN org.joblib4j.core.registry.BackendRegistry - No 'threading' backend on the classpath:"
          + " Parallel runs tasks sequentially. Add the artifact org.joblib4j:backend-threading to"
          + " run them in parallel.";

  @TempDir Path dir;

  @Test
  void fallsBackToSequentialAndWarnsOnce() throws Exception {
    ChosenClasspathJvm.Result r =
        ChosenClasspathJvm.in(dir).with(Artifact.API, Artifact.CORE).run(SequentialFallback.class);

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.lines())
        .as(r.describe())
        .containsExactly(
            WARNING,
            "backend=sequential",
            "results=[1, 4, 9, 16]",
            "backend=sequential",
            "results=[1, 4, 9, 16]",
            "backend=sequential",
            "results=[1, 4, 9, 16]",
            "available=[sequential]",
            "default=sequential");
    assertThat(r.stderr()).as(r.describe()).isEmpty();
  }
}
