package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.loky.LokyTestSupport.loky;

import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.joblib4j.ConfigKeys;
import org.joblib4j.TaskSerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What real worker JVMs send back is read through the shared deserialization filter, and a worker
 * cannot make the caller map a file of its choice.
 */
class LokyResultFilterTest {
  @BeforeAll
  static void warmPool() {
    LokyTestSupport.warm(2);
  }

  @AfterEach
  void clear() {
    System.clearProperty(ConfigKeys.DESERIALIZATION_FILTER);
  }

  static AtomicLong counter(int x) {
    return new AtomicLong(x);
  }

  /** What a compromised worker could send: a memory-mapped array reference to a file it names. */
  static Object forgedReference(String file) throws Exception {
    Constructor<?> c =
        Class.forName("org.joblib4j.process.SpilledArray")
            .getDeclaredConstructor(Path.class, char.class, int.class, int[].class, boolean.class);
    c.setAccessible(true);
    return c.newInstance(Path.of(file), 'B', 4, null, false);
  }

  @Test
  void aResultOfADeniedClassFailsNamingTheClassAndTheKey() {
    assertThat(
            loky(2)
                .build()
                .<AtomicLong>run(List.of(delayed(LokyResultFilterTest::counter, 3)))
                .get(0)
                .get())
        .isEqualTo(3);
    System.setProperty(
        ConfigKeys.DESERIALIZATION_FILTER, "!java.util.concurrent.atomic.AtomicLong");
    Throwable e =
        catchThrowable(
            () -> loky(2).build().run(List.of(delayed(LokyResultFilterTest::counter, 3))));
    assertThat(e)
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageMatching(
            "A result has failed to un-serialize\\. Please ensure that the objects returned by the function are"
                + " always serializable \\(failed with java\\.io\\.InvalidClassException:"
                + " java\\.util\\.concurrent\\.atomic\\.AtomicLong; A result or exception from worker JVM \\d+ was"
                + " refused by joblib4j\\.deserialization-filter = !java\\.util\\.concurrent\\.atomic\\.AtomicLong:"
                + " class java\\.util\\.concurrent\\.atomic\\.AtomicLong is not accepted\\)\\.");
  }

  @Test
  void aForgedMemoryMappedReferenceFromAWorkerIsRefused() {
    Throwable e =
        catchThrowable(
            () ->
                loky(2)
                    .build()
                    .run(List.of(delayed(LokyResultFilterTest::forgedReference, "/etc/hostname"))));
    assertThat(e)
        .isInstanceOf(TaskSerializationException.class)
        .hasMessage(
            "A result has failed to un-serialize. Please ensure that the objects returned by the function are"
                + " always serializable (failed with java.io.InvalidObjectException: A memory-mapped array"
                + " reference (/etc/hostname) was refused: results and exceptions never travel as memory-mapped"
                + " files.).");
  }
}
