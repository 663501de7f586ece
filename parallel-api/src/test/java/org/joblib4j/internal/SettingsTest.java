package org.joblib4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.joblib4j.ConfigKeys;
import org.joblib4j.ErrorPolicy;
import org.joblib4j.MmapMode;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.Prefer;
import org.joblib4j.ReturnAs;
import org.joblib4j.spi.support.LayeredConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The table of settings: one entry per key, the keys' messages, the precedence walk. */
class SettingsTest {

  /** Every setting key of {@link ConfigKeys} (not the prefix of backend keys, not the file). */
  private static List<String> configKeys() throws IllegalAccessException {
    List<String> keys = new ArrayList<>();
    for (Field f : ConfigKeys.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers())
          && f.getType() == String.class
          && !f.getName().equals("BACKEND_PARAM_PREFIX")
          && !f.getName().equals("PROPERTIES_RESOURCE")) {
        keys.add((String) f.get(null));
      }
    }
    return keys;
  }

  @Test
  void everyConfigKeyIsTheKeyOfExactlyOneEntryAndEveryEntryKeyIsAConfigKey()
      throws IllegalAccessException {
    List<String> keys = configKeys();
    List<String> tableKeys =
        Settings.all().stream()
            .map(Setting::key)
            .filter(k -> k != null)
            .collect(Collectors.toList());
    assertThat(keys).hasSize(16);
    assertThat(tableKeys).containsExactlyInAnyOrderElementsOf(keys).doesNotHaveDuplicates();
  }

  @Test
  void namesAreUniqueAndEachEntryIsAConstantOfTheTable() throws IllegalAccessException {
    assertThat(Settings.all()).extracting(Setting::javaName).doesNotHaveDuplicates();
    assertThat(Settings.all()).extracting(Setting::joblibName).doesNotHaveDuplicates();
    List<Object> constants = new ArrayList<>();
    for (Field f : Settings.class.getFields()) {
      if (f.getType() == Setting.class) {
        constants.add(f.get(null));
      }
    }
    assertThat(constants).containsExactlyInAnyOrderElementsOf(Settings.all());
    assertThat(Settings.MAX_NBYTES.javaName()).isEqualTo("maxNbytes");
    assertThat(Settings.MAX_NBYTES.joblibName()).isEqualTo("max_nbytes");
    assertThat(Settings.MAX_NBYTES.key()).isEqualTo(ConfigKeys.MAX_NBYTES);
  }

  @Test
  void onlyTheCpuCountCapAndTheDeserializationFilterAreReadWhereTheyAreUsed() {
    assertThat(Settings.all())
        .filteredOn(s -> s.key() != null && !s.readForEveryParallel())
        .containsExactly(Settings.MAX_CPU_COUNT, Settings.DESERIALIZATION_FILTER);
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(
            ConfigKeys.BACKEND,
            "",
            "Invalid value '' for joblib4j.backend (from system property"
                + " joblib4j.backend): must be a backend name such as threading."),
        Arguments.of(
            ConfigKeys.N_JOBS,
            "abc",
            "Invalid value 'abc' for joblib4j.n-jobs (from system property joblib4j.n-jobs): must"
                + " be a non-zero integer such as 4 or -1 (-1 = all CPUs)."),
        Arguments.of(
            ConfigKeys.N_JOBS,
            "0",
            "Invalid value '0' for joblib4j.n-jobs (from system property joblib4j.n-jobs): must"
                + " be a non-zero integer such as 4 or -1 (-1 = all CPUs)."),
        Arguments.of(
            ConfigKeys.VERBOSE,
            "loud",
            "Invalid value 'loud' for joblib4j.verbose (from system property joblib4j.verbose):"
                + " must be an integer >= 0."),
        Arguments.of(
            ConfigKeys.VERBOSE,
            "-05",
            "Invalid value '-5' for joblib4j.verbose (from system property joblib4j.verbose):"
                + " must be an integer >= 0."),
        Arguments.of(
            ConfigKeys.TIMEOUT,
            "-5s",
            "Invalid value '-5s' for joblib4j.timeout (from system property joblib4j.timeout):"
                + " must be a positive duration such as 30s, 500ms, 2m, PT30S or a number of"
                + " seconds."),
        Arguments.of(
            ConfigKeys.BATCH_SIZE,
            "+0",
            "Invalid value '+0' for joblib4j.batch-size (from system property"
                + " joblib4j.batch-size): must be \"auto\" or a positive integer."),
        Arguments.of(
            ConfigKeys.PRE_DISPATCH,
            "import os",
            "Invalid value 'import os' for joblib4j.pre-dispatch (from system property"
                + " joblib4j.pre-dispatch): must be \"all\", a positive integer or an arithmetic"
                + " expression of n_jobs such as \"2*n_jobs\"."),
        Arguments.of(
            ConfigKeys.RETURN_AS,
            "array",
            "Invalid value 'array' for joblib4j.return-as (from system property"
                + " joblib4j.return-as): must be one of \"list\", \"generator\" or"
                + " \"generator_unordered\"."),
        Arguments.of(
            ConfigKeys.PREFER,
            "gpu",
            "Invalid value 'gpu' for joblib4j.prefer (from system property joblib4j.prefer): must"
                + " be \"threads\" or \"processes\"."),
        Arguments.of(
            ConfigKeys.REQUIRE,
            "gpu",
            "Invalid value 'gpu' for joblib4j.require (from system property joblib4j.require):"
                + " must be \"sharedmem\"."),
        Arguments.of(
            ConfigKeys.MAX_NBYTES,
            "lots",
            "Invalid value 'lots' for joblib4j.max-nbytes (from system property"
                + " joblib4j.max-nbytes): must be a size such as 1M, 500K, 2G, a number of bytes,"
                + " or none."),
        Arguments.of(
            ConfigKeys.MMAP_MODE,
            "rw",
            "Invalid value 'rw' for joblib4j.mmap-mode (from system property joblib4j.mmap-mode):"
                + " must be one of \"r\", \"r+\", \"w+\", \"c\" or \"none\"."),
        Arguments.of(
            ConfigKeys.INNER_MAX_NUM_THREADS,
            "0",
            "Invalid value '0' for joblib4j.inner-max-num-threads (from system property"
                + " joblib4j.inner-max-num-threads): must be a positive integer."),
        Arguments.of(
            ConfigKeys.CPU_BUDGET,
            "on",
            "Invalid value 'on' for joblib4j.cpu-budget (from system property"
                + " joblib4j.cpu-budget): must be \"off\" (the default) or \"shared\" (one CPU"
                + " budget for every call of the JVM)."),
        Arguments.of(
            ConfigKeys.MAX_CPU_COUNT,
            "-1",
            "Invalid value '-1' for joblib4j.max-cpu-count (from system property"
                + " joblib4j.max-cpu-count): must be a positive integer."));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badValues")
  void aBadValueNamesTheKeyItsOriginTheValueAndWhatIsAllowed(
      String key, String value, String message) {
    Setting<?> setting =
        Settings.all().stream().filter(s -> key.equals(s.key())).findFirst().orElseThrow();
    assertThatThrownBy(
            () -> setting.read(LayeredConfigSource.of(Map.of(key, value), Map.of(), Map.of())))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(message);
  }

  @Test
  void goodValuesAreParsedFromTrimmedText() {
    LayeredConfigSource source =
        LayeredConfigSource.of(
            Map.of(
                ConfigKeys.TIMEOUT, " 30s ",
                ConfigKeys.BATCH_SIZE, "auto",
                ConfigKeys.MMAP_MODE, "none",
                ConfigKeys.TEMP_FOLDER, "",
                ConfigKeys.CPU_BUDGET, "Shared"),
            Map.of("JOBLIB4J_N_JOBS", "-1"),
            Map.of(ConfigKeys.MAX_NBYTES, "2M"));
    SettingValues values = new SettingValues();
    for (Setting<?> s : Settings.all()) {
      if (s.key() != null) {
        s.readInto(source, values);
      }
    }
    assertThat(values.get(Settings.TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
    assertThat(values.get(Settings.N_JOBS)).isEqualTo(-1);
    assertThat(values.get(Settings.MAX_NBYTES)).isEqualTo("2M");
    assertThat(values.get(Settings.CPU_BUDGET)).isTrue();
    // present with no value: auto, joblib's None, the default folder
    assertThat(values.isSet(Settings.BATCH_SIZE)).isTrue();
    assertThat(values.get(Settings.BATCH_SIZE)).isNull();
    assertThat(values.isSet(Settings.MMAP_MODE)).isTrue();
    assertThat(values.get(Settings.MMAP_MODE)).isNull();
    assertThat(values.get(Settings.TEMP_FOLDER)).isNull();
    assertThat(values.isSet(Settings.VERBOSE)).isFalse();
  }

  @Test
  void buildersGetTheirMessageFromTheEntry() {
    assertThatThrownBy(() -> Settings.VERBOSE.checked(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("verbose must be >= 0, got: -1");
    assertThatThrownBy(() -> Settings.TIMEOUT.checked(Duration.ZERO))
        .hasMessage("timeout must be positive, got: PT0S");
    assertThatThrownBy(() -> Settings.INNER_MAX_NUM_THREADS.checked(0))
        .hasMessage("innerMaxNumThreads must be a positive integer, got: 0");
    assertThat(Settings.PRE_DISPATCH.invalidArgument(0))
        .hasMessage("preDispatch must be \"all\", a positive integer or an expression, got: 0");
    assertThat(Settings.TIMEOUT.checked(null)).isNull();
  }

  @Test
  void theFirstLayerThatSetsAValueWinsEvenWithNullElseTheDefault() {
    SettingValues builder = new SettingValues().set(Settings.VERBOSE, 7);
    SettingValues scope =
        new SettingValues()
            .set(Settings.VERBOSE, 3)
            .set(Settings.MMAP_MODE, null)
            .set(Settings.TEMP_FOLDER, Path.of("/scoped"));
    SettingValues config =
        new SettingValues()
            .set(Settings.VERBOSE, 5)
            .set(Settings.MMAP_MODE, MmapMode.READ_WRITE)
            .set(Settings.PREFER, Prefer.THREADS);
    SettingValues none = new SettingValues();

    assertThat(SettingValues.first(Settings.VERBOSE, builder, scope, config)).isEqualTo(7);
    assertThat(SettingValues.first(Settings.VERBOSE, none, scope, config)).isEqualTo(3);
    assertThat(SettingValues.first(Settings.VERBOSE, none, none, config)).isEqualTo(5);
    assertThat(SettingValues.first(Settings.VERBOSE, none, none, none)).isZero();
    // a scope's mmapMode(null) is joblib's None, not "unset"
    assertThat(SettingValues.first(Settings.MMAP_MODE, builder, scope, config)).isNull();
    assertThat(SettingValues.first(Settings.MMAP_MODE, none, none, none))
        .isEqualTo(MmapMode.READ_ONLY);

    SettingValues resolved = SettingValues.resolve(builder, scope, config);
    assertThat(resolved.get(Settings.VERBOSE)).isEqualTo(7);
    assertThat(resolved.get(Settings.TEMP_FOLDER)).isEqualTo(Path.of("/scoped"));
    assertThat(resolved.get(Settings.PREFER)).isEqualTo(Prefer.THREADS);
    assertThat(resolved.get(Settings.RETURN_AS)).isEqualTo(ReturnAs.LIST);
    assertThat(resolved.get(Settings.PRE_DISPATCH)).isEqualTo("2*n_jobs");
    assertThat(resolved.get(Settings.MAX_NBYTES)).isEqualTo("1M");
    assertThat(resolved.get(Settings.ERROR_POLICY)).isEqualTo(ErrorPolicy.FAIL_FAST);
    assertThat(resolved.get(Settings.CPU_BUDGET)).isFalse();
    assertThat(resolved.isSet(Settings.N_JOBS)).isTrue();
    assertThat(resolved.get(Settings.N_JOBS)).isNull();
    assertThatThrownBy(() -> resolved.set(Settings.VERBOSE, 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
