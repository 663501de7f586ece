package org.joblib4j;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** parallel-api's own tests run without parallel-core: the API must say which artifact to add. */
class MissingEngineTest {

  @Test
  void buildingWithoutCoreNamesTheArtifact() {
    assertThatThrownBy(() -> Parallel.builder().nJobs(2).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "joblib4j found no engine: the parallel-api jar holds only the API. Add the artifact"
                + " org.joblib4j:parallel-core (and a backend such as org.joblib4j:backend-threading)"
                + " to the classpath.");
    assertThatThrownBy(Parallel::cpuCount).hasMessage(Engines.MISSING);
    assertThatThrownBy(Backends::available).hasMessage(Engines.MISSING);
  }
}
