package org.joblib4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.joblib4j.it.fixture.FixtureBackend;
import org.joblib4j.it.fixture.ThrowingProvider;
import org.joblib4j.it.scenario.BrokenProvider;
import org.joblib4j.it.support.Artifact;
import org.joblib4j.it.support.ChosenClasspathJvm;
import org.joblib4j.it.support.TestJars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A provider whose constructor throws: one warning, the other backends still work. */
class BrokenProviderTest {
  @TempDir Path dir;

  @Test
  void otherBackendsLoadAndTheFailureIsReported() throws Exception {
    Path broken =
        TestJars.jar()
            .providers(ThrowingProvider.class)
            .classes(FixtureBackend.class)
            .writeTo(dir.resolve("broken.jar"));

    ChosenClasspathJvm.Result r =
        ChosenClasspathJvm.in(dir)
            .with(Artifact.API, Artifact.CORE, Artifact.THREADING)
            .jar(broken)
            .run(BrokenProvider.class);

    String provider = ThrowingProvider.class.getName();
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.lines())
        .as(r.describe())
        .hasSize(7)
        .satisfiesExactly(
            warning ->
                assertThat(warning)
                    .startsWith(
                        "WARN org.joblib4j.core.registry.BackendRegistry - Backend provider ")
                    .contains(provider)
                    .contains("boom"),
            line -> assertThat(line).isEqualTo("threading: threading [2, 3, 4]"),
            line -> assertThat(line).isEqualTo("sequential: sequential [2, 3, 4]"),
            line -> assertThat(line).isEqualTo("threading: threading [2, 3, 4]"),
            line -> assertThat(line).isEqualTo("sequential: sequential [2, 3, 4]"),
            line -> assertThat(line).isEqualTo("available=[sequential, threading, verify]"),
            line ->
                assertThat(line)
                    .isEqualTo(
                        "nope: threw org.joblib4j.UnknownBackendException: Invalid backend: nope,"
                            + " expected one of \"sequential\", \"threading\" or \"verify\". Backend providers"
                            + " that failed to load: "
                            + provider
                            + ": java.lang.IllegalStateException: boom"));
    assertThat(r.stderr()).as(r.describe()).isEmpty();
  }
}
