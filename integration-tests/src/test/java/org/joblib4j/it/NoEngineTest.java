package org.joblib4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.nio.file.Path;
import org.joblib4j.it.scenario.NoEngine;
import org.joblib4j.it.support.Artifact;
import org.joblib4j.it.support.ChosenClasspathJvm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** parallel-api without parallel-core: one clear error naming the artifact to add. */
class NoEngineTest {
  private static String missing;

  @TempDir Path dir;

  @BeforeAll
  static void readMessage() throws Exception {
    // Engines is package-private in parallel-api; its message is the contract.
    Field f = Class.forName("org.joblib4j.Engines").getDeclaredField("MISSING");
    f.setAccessible(true);
    missing = (String) f.get(null);
    assertThat(missing).contains("org.joblib4j:parallel-core");
  }

  @Test
  void apiAloneFailsWithTheMissingEngineMessage() throws Exception {
    ChosenClasspathJvm.Result r = ChosenClasspathJvm.in(dir).with(Artifact.API).run(NoEngine.class);

    assertNoEngine(r);
  }

  @Test
  void aBackendJarWithoutCoreFailsTheSameWay() throws Exception {
    ChosenClasspathJvm.Result r =
        ChosenClasspathJvm.in(dir).with(Artifact.API, Artifact.THREADING).run(NoEngine.class);

    assertNoEngine(r);
  }

  private static void assertNoEngine(ChosenClasspathJvm.Result r) {
    String error = "threw java.lang.IllegalStateException: " + missing;
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.lines())
        .as(r.describe())
        .containsExactly("build: " + error, "build again: " + error, "available: " + error);
    assertThat(r.stderr()).as(r.describe()).isEmpty();
  }
}
