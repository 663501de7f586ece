package org.joblib4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ParsingTest {

  @Test
  void returnAsAcceptsJoblibSpellings() {
    assertThat(ReturnAs.parse("list")).isEqualTo(ReturnAs.LIST);
    assertThat(ReturnAs.parse("generator")).isEqualTo(ReturnAs.GENERATOR);
    assertThat(ReturnAs.parse("generator_unordered")).isEqualTo(ReturnAs.GENERATOR_UNORDERED);
    assertThat(ReturnAs.parse("Generator-Unordered")).isEqualTo(ReturnAs.GENERATOR_UNORDERED);
    assertThat(ReturnAs.GENERATOR_UNORDERED.joblibName()).isEqualTo("generator_unordered");
  }

  @Test
  void returnAsRejectsOthersWithJoblibsMessage() {
    assertThatThrownBy(() -> ReturnAs.parse("foo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Expected `returnAs` parameter to be a string equal to \"list\", \"generator\" or"
                + " \"generator_unordered\", but got foo instead.");
  }

  @Test
  void preferAndRequireRejectOthersWithJoblibsMessages() {
    assertThat(Prefer.parse("threads")).isEqualTo(Prefer.THREADS);
    assertThat(Prefer.parse("processes")).isEqualTo(Prefer.PROCESSES);
    assertThat(Require.parse("sharedmem")).isEqualTo(Require.SHAREDMEM);
    assertThatThrownBy(() -> Prefer.parse("wrong"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "prefer=wrong is not a valid backend hint, expected one of \"processes\", \"threads\" or null");
    assertThatThrownBy(() -> Require.parse("wrong"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "require=wrong is not a valid backend constraint, expected one of \"sharedmem\" or null");
  }

  @Test
  void mmapModeAcceptsJoblibsAndNumpysSpellings() {
    assertThat(MmapMode.parse("r")).isEqualTo(MmapMode.READ_ONLY);
    assertThat(MmapMode.parse("r+")).isEqualTo(MmapMode.READ_WRITE);
    assertThat(MmapMode.parse("w+")).isEqualTo(MmapMode.WRITE);
    assertThat(MmapMode.parse("c")).isEqualTo(MmapMode.COPY_ON_WRITE);
    assertThat(MmapMode.parse(" ReadOnly ")).isEqualTo(MmapMode.READ_ONLY);
    assertThat(MmapMode.parse("readwrite")).isEqualTo(MmapMode.READ_WRITE);
    assertThat(MmapMode.parse("write")).isEqualTo(MmapMode.WRITE);
    assertThat(MmapMode.parse("copyonwrite")).isEqualTo(MmapMode.COPY_ON_WRITE);
    // joblib's None
    assertThat(MmapMode.parse(null)).isNull();
    assertThat(MmapMode.parse("none")).isNull();
    assertThat(MmapMode.WRITE.joblibName()).isEqualTo("w+");
    // joblib's rule: mapping a w+ array again must not zero it
    assertThat(MmapMode.WRITE.whereMappedAgain()).isEqualTo(MmapMode.READ_WRITE);
    assertThat(MmapMode.COPY_ON_WRITE.whereMappedAgain()).isEqualTo(MmapMode.COPY_ON_WRITE);
  }

  @Test
  void mmapModeRejectsOthersWithNumpysMessage() {
    for (String bad : new String[] {"x", "", "rw", "w"}) {
      assertThatThrownBy(() -> MmapMode.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "mmapMode must be one of \"r\", \"c\", \"r+\", \"w+\", \"readonly\","
                  + " \"copyonwrite\", \"readwrite\", \"write\" or null, got: "
                  + bad);
    }
    assertThatThrownBy(() -> Parallel.builder().mmapMode("w"))
        .hasMessageStartingWith("mmapMode must be one of");
    assertThatThrownBy(() -> ParallelConfig.builder().mmapMode("rw"))
        .hasMessageEndingWith("or null, got: rw");
  }

  @Test
  void envNamesFollowTheKeys() {
    assertThat(ConfigKeys.envName(ConfigKeys.N_JOBS)).isEqualTo("JOBLIB4J_N_JOBS");
    assertThat(ConfigKeys.envName("joblib4j.backend.dask.scheduler"))
        .isEqualTo("JOBLIB4J_BACKEND_DASK_SCHEDULER");
  }
}
