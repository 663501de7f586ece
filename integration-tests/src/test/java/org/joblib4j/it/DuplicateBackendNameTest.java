package org.joblib4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import org.joblib4j.it.fixture.DupProviderA;
import org.joblib4j.it.fixture.DupProviderB;
import org.joblib4j.it.fixture.FixtureBackend;
import org.joblib4j.it.scenario.DuplicateName;
import org.joblib4j.it.support.Artifact;
import org.joblib4j.it.support.ChosenClasspathJvm;
import org.joblib4j.it.support.TestJars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two jars provide a backend named {@code dup}: selecting it fails naming both jars. */
class DuplicateBackendNameTest {
  @TempDir Path dir;

  @Test
  void namesBothJarsInClasspathOrder() throws Exception {
    Path a = jarWith(DupProviderA.class, "a.jar");
    Path b = jarWith(DupProviderB.class, "b.jar");

    ChosenClasspathJvm.Result r =
        ChosenClasspathJvm.in(dir)
            .with(Artifact.API, Artifact.CORE, Artifact.THREADING)
            .jar(a, b)
            .run(DuplicateName.class);

    assertDuplicate(r, DupProviderA.class, a, DupProviderB.class, b);
  }

  @Test
  void reversedClasspathReversesTheMessage() throws Exception {
    Path a = jarWith(DupProviderA.class, "a.jar");
    Path b = jarWith(DupProviderB.class, "b.jar");

    ChosenClasspathJvm.Result r =
        ChosenClasspathJvm.in(dir)
            .with(Artifact.API, Artifact.CORE, Artifact.THREADING)
            .jar(b, a)
            .run(DuplicateName.class);

    assertDuplicate(r, DupProviderB.class, b, DupProviderA.class, a);
  }

  private Path jarWith(Class<?> provider, String name) throws Exception {
    return TestJars.jar()
        .providers(provider)
        .classes(FixtureBackend.class)
        .writeTo(dir.resolve(name));
  }

  private static void assertDuplicate(
      ChosenClasspathJvm.Result r, Class<?> first, Path firstJar, Class<?> second, Path secondJar)
      throws Exception {
    String message =
        "Duplicate parallel backend name 'dup': provided by "
            + first.getName()
            + " ("
            + location(firstJar)
            + ") and "
            + second.getName()
            + " ("
            + location(secondJar)
            + "). Remove one of the jars from the classpath.";
    String error = "dup: threw java.lang.IllegalStateException: " + message;
    assertThat(r.exitCode()).as(r.describe()).isZero();
    // The registry also logs the duplicate once, when it loads the providers.
    assertThat(r.lines())
        .as(r.describe())
        .containsExactly(
            "ERROR org.joblib4j.core.registry.BackendRegistry - " + message,
            error,
            error,
            "threading: threading [2, 3, 4]",
            "sequential: sequential [2, 3, 4]");
    assertThat(r.stderr()).as(r.describe()).isEmpty();
  }

  /** The code-source location the application class loader gives a class loaded from a jar. */
  static String location(Path jar) throws Exception {
    return new File(jar.toRealPath().toString()).toURI().toURL().toString();
  }
}
