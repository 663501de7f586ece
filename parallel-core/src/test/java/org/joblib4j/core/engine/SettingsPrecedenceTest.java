package org.joblib4j.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.joblib4j.ConfigKeys;
import org.joblib4j.MmapMode;
import org.joblib4j.ParallelConfig;
import org.joblib4j.core.registry.BackendRegistry;
import org.joblib4j.internal.ParallelSettings;
import org.joblib4j.internal.SettingValues;
import org.joblib4j.internal.Settings;
import org.joblib4j.spi.support.LayeredConfigSource;
import org.junit.jupiter.api.Test;

/** The table's precedence walk in the engine: builder, scope, configuration, default. */
class SettingsPrecedenceTest {
  private static final Map<String, String> CONFIG =
      Map.of(
          ConfigKeys.VERBOSE, "5",
          ConfigKeys.MAX_NBYTES, "2M",
          ConfigKeys.TEMP_FOLDER, "/from-config",
          ConfigKeys.MMAP_MODE, "r+",
          ConfigKeys.TIMEOUT, "20s");

  private final BackendRegistry registry = BackendRegistry.load(getClass().getClassLoader());

  private ResolvedParallel resolve(SettingValues builder, Map<String, String> sys) {
    return new SettingsResolver(registry, LayeredConfigSource.of(sys, Map.of(), Map.of()))
        .resolve(
            new ParallelSettings(null, Map.of(), null, builder.frozen()), ParallelConfig.current());
  }

  private static SettingValues builder() {
    return new SettingValues()
        .set(Settings.VERBOSE, 7)
        .set(Settings.MAX_NBYTES, "3M")
        .set(Settings.TEMP_FOLDER, Path.of("/from-builder"))
        .set(Settings.MMAP_MODE, MmapMode.WRITE)
        .set(Settings.TIMEOUT, Duration.ofSeconds(10));
  }

  @Test
  void theBuilderBeatsTheScopeWhichBeatsTheConfigurationWhichBeatsTheDefault() {
    try (ParallelConfig.Scope s =
        ParallelConfig.builder()
            .verbose(3)
            .maxNbytes("4M")
            .tempFolder(Path.of("/from-scope"))
            .mmapMode(MmapMode.COPY_ON_WRITE)
            .open()) {
      ResolvedParallel explicit = resolve(builder(), CONFIG);
      assertThat(explicit.verbose()).isEqualTo(7);
      assertThat(explicit.maxNbytes()).isEqualTo(3L << 20);
      assertThat(explicit.get(Settings.TEMP_FOLDER)).isEqualTo(Path.of("/from-builder"));
      assertThat(explicit.mmapMode()).isEqualTo(MmapMode.WRITE);

      ResolvedParallel scoped = resolve(new SettingValues(), CONFIG);
      assertThat(scoped.verbose()).isEqualTo(3);
      assertThat(scoped.maxNbytes()).isEqualTo(4L << 20);
      assertThat(scoped.get(Settings.TEMP_FOLDER)).isEqualTo(Path.of("/from-scope"));
      assertThat(scoped.mmapMode()).isEqualTo(MmapMode.COPY_ON_WRITE);
    }
    ResolvedParallel configured = resolve(new SettingValues(), CONFIG);
    assertThat(configured.verbose()).isEqualTo(5);
    assertThat(configured.maxNbytes()).isEqualTo(2L << 20);
    assertThat(configured.get(Settings.TEMP_FOLDER)).isEqualTo(Path.of("/from-config"));
    assertThat(configured.mmapMode()).isEqualTo(MmapMode.READ_WRITE);

    ResolvedParallel defaults = resolve(new SettingValues(), Map.of());
    assertThat(defaults.verbose()).isZero();
    assertThat(defaults.maxNbytes()).isEqualTo(1L << 20);
    assertThat(defaults.get(Settings.TEMP_FOLDER)).isNull();
    assertThat(defaults.mmapMode()).isEqualTo(MmapMode.READ_ONLY);
  }

  @Test
  void aScopeSettingNoneBeatsTheConfigurationAndASettingNoScopeHasFallsThroughToIt() {
    try (ParallelConfig.Scope s =
        ParallelConfig.builder().maxNbytes(null).mmapMode((MmapMode) null).open()) {
      ResolvedParallel r = resolve(new SettingValues(), CONFIG);
      assertThat(r.maxNbytes()).as("memmapping disabled by the scope").isNull();
      assertThat(r.mmapMode()).as("joblib's None").isNull();
      // a scope cannot set the timeout: the configuration gives it unless the builder does
      assertThat(r.get(Settings.TIMEOUT)).isEqualTo(Duration.ofSeconds(20));
      assertThat(resolve(builder(), CONFIG).get(Settings.TIMEOUT))
          .isEqualTo(Duration.ofSeconds(10));
    }
  }
}
