package org.joblib4j.backend.ray;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Ray errors Ray's Java runtime cannot read: the deaths among them are named. */
class RayErrorTypesTest {
  @Test
  void aLostNodeIsADeath() {
    // what Ray Java 2.58 throws for NODE_DIED (23, the text "23")
    var e = new RuntimeException(new IllegalArgumentException("Unrecognized metadata [50, 51]"));
    assertThat(RayErrorTypes.deathOf(e)).isEqualTo("NODE_DIED: the node running it was lost");
    assertThat(
            RayErrorTypes.deathOf(new IllegalArgumentException("Unrecognized metadata [50, 50]")))
        .isEqualTo("OUT_OF_MEMORY: Ray's memory monitor killed the worker");
    assertThat(
            RayErrorTypes.deathOf(new IllegalArgumentException("Unrecognized metadata [51, 51]")))
        .isEqualTo("WORKER_STARTUP_FAILED: the worker could not start");
  }

  @Test
  void otherErrorsAreNone() {
    // OBJECT_FREED (21): not a death
    assertThat(
            RayErrorTypes.deathOf(new IllegalArgumentException("Unrecognized metadata [50, 49]")))
        .isNull();
    assertThat(RayErrorTypes.deathOf(new IllegalArgumentException("Unrecognized metadata [1, 2]")))
        .isNull();
    assertThat(RayErrorTypes.deathOf(new IllegalStateException("Unrecognized metadata [50, 51]")))
        .isNull();
    assertThat(RayErrorTypes.deathOf(new IllegalArgumentException((String) null))).isNull();
  }
}
