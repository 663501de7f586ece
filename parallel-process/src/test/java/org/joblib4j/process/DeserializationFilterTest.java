package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InvalidClassException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.BadAttributeValueExpException;
import org.joblib4j.ConfigKeys;
import org.joblib4j.MemmapDoubleArray;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.spi.BatchTaskException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What comes back from workers is read through one filter: built-in deny-list, configured pattern.
 */
class DeserializationFilterTest {
  private final JavaTaskSerializer writer = new JavaTaskSerializer();

  @AfterEach
  void clear() {
    System.clearProperty(ConfigKeys.DESERIALIZATION_FILTER);
  }

  private Object readBack(Object value) throws Exception {
    return JavaTaskSerializer.forResults(null, "worker JVM 7").deserialize(writer.serialize(value));
  }

  @Test
  void theBuiltInDenyListRefusesAGadgetClass() {
    // the entry point of the CommonsCollections5 gadget chain
    Object gadget = new ArrayList<>(List.of(new BadAttributeValueExpException("x")));
    assertThatThrownBy(() -> readBack(gadget))
        .isInstanceOf(InvalidClassException.class)
        .hasMessage(
            "javax.management.BadAttributeValueExpException; A result or exception from worker JVM 7 was refused by"
                + " joblib4j's built-in deny-list of deserialization gadgets (add to it with"
                + " joblib4j.deserialization-filter): class javax.management.BadAttributeValueExpException is not"
                + " accepted");
  }

  @Test
  void aResultNeverTravelsAsAMemoryMappedArray(@TempDir Path dir) throws Exception {
    try (MemmapDoubleArray out = MemmapDoubleArray.create(dir.resolve("out.bin"), 2)) {
      // the task path reads it back (a batch); the results path refuses it before mapping anything
      assertThat(new JavaTaskSerializer().deserialize(writer.serialize(out)))
          .isInstanceOf(MemmapDoubleArray.class);
      assertThatThrownBy(() -> readBack(new ArrayList<>(List.of("x", out))))
          .isInstanceOf(InvalidClassException.class)
          .hasMessage(
              "org.joblib4j.MemmapReference; A result or exception from worker JVM 7 was refused"
                  + " by joblib4j's rule that results and task exceptions never travel as"
                  + " memory-mapped arrays (a task writes into the MemmapArray it was given and"
                  + " returns something else): class org.joblib4j.MemmapReference is not accepted");
    }
  }

  @Test
  void aConfiguredPatternRefusesAClassNamingItAndTheKey() throws Exception {
    List<Object> results = new ArrayList<>(List.of(new AtomicLong(3)));
    assertThat(readBack(results)).asList().hasSize(1);
    System.setProperty(
        ConfigKeys.DESERIALIZATION_FILTER, "!java.util.concurrent.atomic.AtomicLong");
    assertThatThrownBy(() -> readBack(results))
        .isInstanceOf(InvalidClassException.class)
        .hasMessage(
            "java.util.concurrent.atomic.AtomicLong; A result or exception from worker JVM 7 was refused by"
                + " joblib4j.deserialization-filter = !java.util.concurrent.atomic.AtomicLong: class"
                + " java.util.concurrent.atomic.AtomicLong is not accepted");
  }

  @Test
  void anAllowListLetsOnlyWhatItNamesThrough() throws Exception {
    System.setProperty(ConfigKeys.DESERIALIZATION_FILTER, "java.base/*;org.joblib4j.**;!*");
    List<Object> fine =
        new ArrayList<>(
            List.of(1, "two", new BatchTaskException(3, new IllegalStateException("x"))));
    assertThat(readBack(fine)).asList().hasSize(3);
    List<Object> other = new ArrayList<>(List.of(new BadAttributeValueExpException("x")));
    assertThatThrownBy(() -> readBack(other))
        .isInstanceOf(InvalidClassException.class)
        .hasMessageContaining("refused by");
    List<Object> notListed = new ArrayList<>(List.of(new java.sql.Timestamp(0)));
    assertThatThrownBy(() -> readBack(notListed))
        .hasMessage(
            "java.sql.Timestamp; A result or exception from worker JVM 7 was refused by"
                + " joblib4j.deserialization-filter = java.base/*;org.joblib4j.**;!*: class"
                + " java.sql.Timestamp is not accepted");
  }

  @Test
  void anInvalidPatternFailsNamingTheKey() {
    System.setProperty(ConfigKeys.DESERIALIZATION_FILTER, "maxdepth=x");
    assertThatThrownBy(DeserializationFilter::configured)
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessageStartingWith(
            "Invalid value 'maxdepth=x' for joblib4j.deserialization-filter (from system property"
                + " joblib4j.deserialization-filter): must be a jdk.serialFilter pattern such as"
                + " java.base/*;com.acme.**;org.joblib4j.**;!* (");
  }

  @Test
  void aFunctionInsideAResultIsFilteredToo() throws Exception {
    System.setProperty(
        ConfigKeys.DESERIALIZATION_FILTER, "!" + DeserializationFilterTest.class.getName() + "*");
    JavaTaskSerializer channel = new JavaTaskSerializer(null, null, true);
    org.joblib4j.TaskFunction<Integer, Integer> f = x -> x + 1;
    byte[] bytes = channel.serialize(new ArrayList<>(List.of(f)));
    assertThatThrownBy(() -> JavaTaskSerializer.forResults(null, "worker JVM 7").deserialize(bytes))
        .isInstanceOf(InvalidClassException.class)
        .hasMessageContaining("was refused by joblib4j.deserialization-filter");
  }
}
