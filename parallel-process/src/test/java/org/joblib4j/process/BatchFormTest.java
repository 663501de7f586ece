package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Task;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.NestedBackend;
import org.joblib4j.spi.TaskContext;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * A batch is a plain value; the toolkit's serializer writes it as its {@link BatchForm}, which any
 * object stream (a Dask executor's, a Ray worker's) reads back as the batch.
 */
class BatchFormTest {
  private final JavaTaskSerializer serializer = new JavaTaskSerializer();

  private static Object readPlain(byte[] bytes) throws Exception {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    }
  }

  @Test
  void aBatchOfOneFunctionComesBackWithItsOptionsAndNestedBackend() throws Exception {
    int offset = 100; // captured: the compact codec leaves this batch to Java serialization
    org.joblib4j.TaskFunction<Integer, Integer> add = x -> x + offset;
    Batch batch =
        new Batch(
            7,
            List.of(delayed(add, 1), delayed(add, 2), delayed(add, 3)),
            NestedBackend.named("threading", 2, 1),
            Batch.Options.of(null, true, 30_000_000_000L));

    Batch back = (Batch) readPlain(serializer.serialize(batch));

    assertThat(back.firstIndex()).isEqualTo(7);
    assertThat(back.nested().backendName()).isEqualTo("threading");
    assertThat(back.nested().nJobs()).isEqualTo(2);
    assertThat(back.nested().nestingLevel()).isEqualTo(1);
    assertThat(back.options().collect()).isTrue();
    assertThat(back.options().taskTimeoutNanos()).isEqualTo(30_000_000_000L);
    assertThat(back.call()).containsExactly(101, 102, 103);
  }

  @Test
  void mixedTasksAndTheCallersContextTravelAsTheyAre() throws Exception {
    MDC.put("request", "r-42");
    TaskContext context;
    try {
      context = TaskContext.capture();
    } finally {
      MDC.remove("request");
    }
    List<Task<?>> tasks = new ArrayList<>();
    tasks.add(delayed((Integer x) -> x * 2, 4));
    tasks.add((Task<String>) () -> MDC.get("request"));
    Batch batch = new Batch(0, tasks, null, Batch.Options.of(context, false, 0));

    Batch back = (Batch) readPlain(serializer.serialize(batch));

    assertThat(back.nested()).isNull();
    assertThat(back.options().context()).isNotNull();
    assertThat(back.call()).containsExactly(8, "r-42");
  }

  @Test
  void defaultOptionsComeBackAsTheSharedDefault() throws Exception {
    Batch back =
        (Batch)
            readPlain(
                serializer.serialize(
                    new Batch(0, List.of((Task<Integer>) () -> 1), null, Batch.Options.DEFAULT)));
    assertThat(back.options()).isSameAs(Batch.Options.DEFAULT);
  }

  @Test
  void theNestedBackendIsInForceWhileTheTasksRun() throws Exception {
    Batch batch =
        new Batch(
            0,
            List.of((Task<String>) () -> ParallelConfig.current().backendName()),
            NestedBackend.named("sequential", 1, 1));
    Batch back = (Batch) readPlain(serializer.serialize(batch));
    assertThat(back.call()).containsExactly("sequential");
    assertThat(ParallelConfig.current().backendName()).isNull();
  }

  @Test
  void aPlainObjectStreamCannotWriteABatch() {
    Batch batch = new Batch(0, List.of((Task<Integer>) () -> 1), null);
    assertThatThrownBy(
            () -> {
              try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
                out.writeObject(batch);
              }
            })
        .isInstanceOf(NotSerializableException.class)
        .hasMessage("org.joblib4j.spi.Batch");
  }
}
