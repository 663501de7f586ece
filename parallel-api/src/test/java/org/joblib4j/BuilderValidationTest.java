package org.joblib4j;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the builders reject before any engine is involved (joblib's constructor checks). */
class BuilderValidationTest {

  @Test
  void batchSizeMustBeAutoOrPositive() {
    assertThatThrownBy(() -> Parallel.builder().batchSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize must be \"auto\" or a positive integer, got: 0");
    assertThatThrownBy(() -> Parallel.builder().batchSize(-1))
        .hasMessage("batchSize must be \"auto\" or a positive integer, got: -1");
    assertThatThrownBy(() -> Parallel.builder().batchSize("x"))
        .hasMessage("batchSize must be \"auto\" or a positive integer, got: x");
    assertThatThrownBy(() -> Parallel.builder().batchSize("1.42"))
        .hasMessage("batchSize must be \"auto\" or a positive integer, got: 1.42");
  }

  @Test
  void nJobsTextMustBeAnInteger() {
    assertThatThrownBy(() -> Parallel.builder().nJobs("2.3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nJobs could not be converted to int");
    assertThatThrownBy(() -> Parallel.builder().nJobs("invalid_str"))
        .hasMessage("nJobs could not be converted to int");
  }

  @Test
  void inconsistentHintsAreRejected() {
    assertThatThrownBy(
            () -> Parallel.builder().prefer(Prefer.PROCESSES).require(Require.SHAREDMEM).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "prefer == \"processes\" and require == \"sharedmem\" are inconsistent settings");
    assertThatThrownBy(
            () -> ParallelConfig.builder().prefer("processes").require("sharedmem").open())
        .hasMessage(
            "prefer == \"processes\" and require == \"sharedmem\" are inconsistent settings");
  }

  @Test
  void scopeParametersNeedABackendName() {
    assertThatThrownBy(() -> ParallelConfig.builder().innerMaxNumThreads(1).open())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only supported when backend is not null");
    assertThatThrownBy(() -> ParallelConfig.builder().backendParam("p", 1).open())
        .hasMessage(
            "innerMaxNumThreads and other constructor parameters backendParams are only supported"
                + " when backend is not null.");
  }

  @Test
  void settingsAreNamedAsTheBuildersMethods() {
    assertThatThrownBy(() -> Parallel.builder().maxNbytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxNbytes must be >= 0, got: -1");
    assertThatThrownBy(() -> ParallelConfig.builder().innerMaxNumThreads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("innerMaxNumThreads must be a positive integer, got: 0");
  }

  @Test
  void timeoutAndVerboseAreChecked() {
    assertThatThrownBy(() -> Parallel.builder().timeout(Duration.ZERO))
        .hasMessage("timeout must be positive, got: PT0S");
    assertThatThrownBy(() -> Parallel.builder().verbose(-1))
        .hasMessage("verbose must be >= 0, got: -1");
    assertThatThrownBy(() -> Parallel.builder().preDispatch(0))
        .hasMessage("preDispatch must be \"all\", a positive integer or an expression, got: 0");
  }
}
