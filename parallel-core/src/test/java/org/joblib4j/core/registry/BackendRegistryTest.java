package org.joblib4j.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.joblib4j.UnknownBackendException;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.BackendProvider;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.CallSettings;
import org.joblib4j.spi.ParallelBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery in-process, with a class loader that sees an extra services file. (The same scenarios
 * with real separate classpaths and jars run in the integration-tests module.)
 */
class BackendRegistryTest {

  public static final class Fake implements ParallelBackend {
    @Override
    public int configure(CallSettings settings) {
      return 1;
    }

    @Override
    public CompletableFuture<List<Object>> submit(Batch batch) {
      return CompletableFuture.completedFuture(batch.callUnchecked());
    }
  }

  public static final class DupA implements BackendProvider {
    @Override
    public String name() {
      return "dup";
    }

    @Override
    public ParallelBackend create(BackendContext context) {
      return new Fake();
    }
  }

  public static final class DupB implements BackendProvider {
    @Override
    public String name() {
      return "dup";
    }

    @Override
    public ParallelBackend create(BackendContext context) {
      return new Fake();
    }
  }

  public static final class Broken implements BackendProvider {
    public Broken() {
      throw new IllegalStateException("boom");
    }

    @Override
    public String name() {
      return "broken";
    }

    @Override
    public ParallelBackend create(BackendContext context) {
      return new Fake();
    }
  }

  public static final class FutureSpi implements BackendProvider {
    @Override
    public String name() {
      return "future";
    }

    @Override
    public int spiVersion() {
      return 2;
    }

    @Override
    public ParallelBackend create(BackendContext context) {
      return new Fake();
    }
  }

  private static BackendRegistry loadWith(Path dir, Class<?>... providers) throws IOException {
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    StringBuilder lines = new StringBuilder();
    for (Class<?> p : providers) {
      lines.append(p.getName()).append('\n');
    }
    Files.writeString(services.resolve(BackendProvider.class.getName()), lines.toString());
    ClassLoader loader =
        new URLClassLoader(
            new URL[] {dir.toUri().toURL()}, BackendRegistryTest.class.getClassLoader());
    return BackendRegistry.load(loader);
  }

  @Test
  void aDuplicateNameIsAnErrorNamingBothProviders(@TempDir Path dir) throws IOException {
    BackendRegistry r = loadWith(dir, DupA.class, DupB.class);
    assertThat(r.available()).contains("dup", "sequential");
    assertThatThrownBy(() -> r.create("dup", BackendContext.empty("dup")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Duplicate parallel backend name 'dup': provided by " + DupA.class.getName() + " (")
        .hasMessageContaining(") and " + DupB.class.getName() + " (")
        .hasMessageEndingWith("). Remove one of the jars from the classpath.");
    assertThat(r.create("sequential", BackendContext.empty("sequential"))).isNotNull();
  }

  @Test
  void aFailingProviderIsReportedAndTheOthersLoad(@TempDir Path dir) throws IOException {
    BackendRegistry r = loadWith(dir, Broken.class, DupA.class, FutureSpi.class);
    assertThat(r.available()).containsExactly("dup", "sequential");
    UnknownBackendException e = r.unknown("nope");
    assertThat(e)
        .hasMessage(
            "Invalid backend: nope, expected one of \"dup\" or \"sequential\". Backend providers that"
                + " failed to load: "
                + Broken.class.getName()
                + ": java.lang.IllegalStateException: boom; "
                + FutureSpi.class.getName()
                + ": targets SPI 2 but this parallel-core supports SPI 1");
    assertThat(e.backendName()).isEqualTo("nope");
    assertThat(e.available()).containsExactly("dup", "sequential");
  }

  @Test
  void runTimeRegistrationsHideJarsAndCanChangeTheDefault(@TempDir Path dir) throws IOException {
    BackendRegistry r = loadWith(dir, DupA.class);
    assertThat(r.defaultName()).isEqualTo("sequential"); // no threading jar here
    r.register("mine", c -> new Fake(), true);
    assertThat(r.defaultName()).isEqualTo("mine");
    assertThat(r.available()).containsExactly("dup", "mine", "sequential");
    assertThat(r.unregister("mine")).isTrue();
    assertThat(r.unregister("mine")).isFalse();
    assertThat(r.defaultName()).isEqualTo("sequential");
    assertThatThrownBy(() -> r.register(" ", c -> new Fake(), false))
        .hasMessage("A backend name must not be empty");
  }

  @Test
  void aWellKnownNameNamesItsArtifact(@TempDir Path dir) throws IOException {
    BackendRegistry r = loadWith(dir);
    assertThat(r.unknown("loky"))
        .hasMessage(
            "Invalid backend: loky, expected one of \"sequential\". The \"loky\" backend is provided by"
                + " the artifact org.joblib4j:backend-loky: add it to the classpath.");
    assertThat(r.unknown("multiprocessing"))
        .hasMessageContaining("org.joblib4j:backend-multiprocessing");
    assertThat(r.unknown("ray")).hasMessageContaining("org.joblib4j:backend-ray");
  }
}
