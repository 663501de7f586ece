package org.joblib4j.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.Prefer;
import org.joblib4j.ReturnAs;
import org.joblib4j.spi.support.ByteSizes;
import org.joblib4j.spi.support.LayeredConfigSource;
import org.junit.jupiter.api.Test;

class GlobalSettingsTest {

  private static GlobalSettings read(
      Map<String, String> sys, Map<String, String> env, Map<String, String> file) {
    return GlobalSettings.read(LayeredConfigSource.of(sys, env, file));
  }

  @Test
  void systemPropertiesBeatEnvironmentWhichBeatsTheFile() {
    Map<String, String> file =
        Map.of("joblib4j.backend", "from-file", "joblib4j.n-jobs", "2", "joblib4j.verbose", "5");
    Map<String, String> env = Map.of("JOBLIB4J_BACKEND", "from-env", "JOBLIB4J_N_JOBS", "3");
    Map<String, String> sys = Map.of("joblib4j.backend", "from-sys");
    GlobalSettings s = read(sys, env, file);
    assertThat(s.backend()).isEqualTo("from-sys");
    assertThat(s.nJobs()).isEqualTo(3);
    assertThat(s.verbose()).isEqualTo(5);
    assertThat(read(Map.of(), env, file).backend()).isEqualTo("from-env");
    assertThat(read(Map.of(), Map.of(), file).backend()).isEqualTo("from-file");
  }

  @Test
  void everyKeyIsParsed() {
    GlobalSettings s =
        read(
            Map.of(
                "joblib4j.timeout", "30s",
                "joblib4j.batch-size", "7",
                "joblib4j.pre-dispatch", "3*n_jobs",
                "joblib4j.return-as", "generator_unordered",
                "joblib4j.prefer", "threads",
                "joblib4j.max-nbytes", "2M",
                "joblib4j.inner-max-num-threads", "2"),
            Map.of(),
            Map.of());
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.batchSize()).isEqualTo(7);
    assertThat(s.preDispatch()).isEqualTo("3*n_jobs");
    assertThat(s.returnAs()).isEqualTo(ReturnAs.GENERATOR_UNORDERED);
    assertThat(s.prefer()).isEqualTo(Prefer.THREADS);
    assertThat(s.maxNbytes()).isEqualTo("2M");
    assertThat(s.innerMaxNumThreads()).isEqualTo(2);
    assertThat(read(Map.of("joblib4j.batch-size", "auto"), Map.of(), Map.of()).batchSize())
        .isNull();
  }

  @Test
  void badValuesNameTheKeyTheirOriginTheValueAndWhatIsAllowed() {
    assertThatThrownBy(() -> read(Map.of(), Map.of("JOBLIB4J_N_JOBS", "abc"), Map.of()))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid value 'abc' for joblib4j.n-jobs (from environment variable JOBLIB4J_N_JOBS):"
                + " must be a non-zero integer such as 4 or -1 (-1 = all CPUs).");
    assertThatThrownBy(() -> read(Map.of("joblib4j.n-jobs", "0"), Map.of(), Map.of()))
        .hasMessage(
            "Invalid value '0' for joblib4j.n-jobs (from system property joblib4j.n-jobs):"
                + " must be a non-zero integer such as 4 or -1 (-1 = all CPUs).");
    assertThatThrownBy(() -> read(Map.of(), Map.of(), Map.of("joblib4j.batch-size", "-3")))
        .hasMessageStartingWith(
            "Invalid value '-3' for joblib4j.batch-size (from joblib4j.properties")
        .hasMessageEndingWith(": must be \"auto\" or a positive integer.");
    assertThatThrownBy(() -> read(Map.of("joblib4j.timeout", "soon"), Map.of(), Map.of()))
        .hasMessage(
            "Invalid value 'soon' for joblib4j.timeout (from system property joblib4j.timeout):"
                + " must be a positive duration such as 30s, 500ms, 2m, PT30S or a number of seconds.");
    assertThatThrownBy(() -> read(Map.of("joblib4j.prefer", "gpu"), Map.of(), Map.of()))
        .hasMessage(
            "Invalid value 'gpu' for joblib4j.prefer (from system property joblib4j.prefer):"
                + " must be \"threads\" or \"processes\".");
    assertThatThrownBy(() -> read(Map.of("joblib4j.pre-dispatch", "import os"), Map.of(), Map.of()))
        .hasMessageContaining("'import os' for joblib4j.pre-dispatch");
    assertThatThrownBy(() -> read(Map.of("joblib4j.max-nbytes", "lots"), Map.of(), Map.of()))
        .hasMessageContaining("must be a size such as 1M, 500K, 2G, a number of bytes, or none.");
  }

  @Test
  void backendParametersComeFromEveryLayer() {
    LayeredConfigSource source =
        LayeredConfigSource.of(
            Map.of("joblib4j.backend.dask.scheduler", "tcp://sys:8786"),
            Map.of(
                "JOBLIB4J_BACKEND_DASK_SCHEDULER",
                "tcp://env:8786",
                "JOBLIB4J_BACKEND_DASK_WAIT_TIMEOUT",
                "5s"),
            Map.of(
                "joblib4j.backend.dask.python",
                "/usr/bin/python3",
                "joblib4j.backend.other.x",
                "1"));
    assertThat(source.backendParameters("dask"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "scheduler", "tcp://sys:8786", "wait-timeout", "5s", "python", "/usr/bin/python3"));
  }

  @Test
  void byteSizesArePowersOf1024() {
    assertThat(ByteSizes.parse("1M")).isEqualTo(1_048_576L);
    assertThat(ByteSizes.parse("500K")).isEqualTo(512_000L);
    assertThat(ByteSizes.parse("2G")).isEqualTo(2_147_483_648L);
    assertThat(ByteSizes.parse("123")).isEqualTo(123L);
    assertThat(ByteSizes.parse("none")).isNull();
    assertThatThrownBy(() -> ByteSizes.parse("1X"))
        .hasMessage(
            "Invalid literal for size give: 1X (type String) should be alike '10G', '500M', '50K'.");
  }

  @Test
  void maxCpuCountMustBePositive() {
    assertThat(
            GlobalSettings.maxCpuCount(
                LayeredConfigSource.of(Map.of(), Map.of("JOBLIB4J_MAX_CPU_COUNT", "1"), Map.of())))
        .isEqualTo(1);
    assertThatThrownBy(
            () ->
                GlobalSettings.maxCpuCount(
                    LayeredConfigSource.of(
                        Map.of("joblib4j.max-cpu-count", "0"), Map.of(), Map.of())))
        .hasMessage(
            "Invalid value '0' for joblib4j.max-cpu-count (from system property joblib4j.max-cpu-count):"
                + " must be a positive integer.");
  }

  @Test
  void theCpuBudgetIsOffUnlessSharedIsAskedForInAnyCase() {
    assertThat(read(Map.of(), Map.of(), Map.of()).sharedCpuBudget()).isFalse();
    assertThat(read(Map.of("joblib4j.cpu-budget", "off"), Map.of(), Map.of()).sharedCpuBudget())
        .isFalse();
    assertThat(read(Map.of(), Map.of("JOBLIB4J_CPU_BUDGET", "Shared"), Map.of()).sharedCpuBudget())
        .isTrue();
    assertThat(
            read(Map.of(), Map.of(), Map.of("joblib4j.cpu-budget", " shared ")).sharedCpuBudget())
        .isTrue();
    assertThat(
            read(
                    Map.of("joblib4j.cpu-budget", "off"),
                    Map.of("JOBLIB4J_CPU_BUDGET", "shared"),
                    Map.of())
                .sharedCpuBudget())
        .as("a system property beats the environment")
        .isFalse();
  }

  @Test
  void aBadCpuBudgetNamesTheKeyTheValueAndTheAcceptedValues() {
    assertThatThrownBy(() -> read(Map.of(), Map.of("JOBLIB4J_CPU_BUDGET", "on"), Map.of()))
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "Invalid value 'on' for joblib4j.cpu-budget (from environment variable"
                + " JOBLIB4J_CPU_BUDGET): must be \"off\" (the default) or \"shared\" (one CPU"
                + " budget for every call of the JVM).");
    assertThatThrownBy(() -> read(Map.of("joblib4j.cpu-budget", ""), Map.of(), Map.of()))
        .hasMessageStartingWith("Invalid value '' for joblib4j.cpu-budget");
  }
}
