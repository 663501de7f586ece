package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;

import java.util.List;
import org.joblib4j.Task;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.NestedBackend;
import org.joblib4j.spi.TaskContext;
import org.joblib4j.spi.TaskFailure;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class BatchCodecTest {
  private final JavaTaskSerializer worker =
      new JavaTaskSerializer(null, BatchCodecTest.class.getClassLoader());

  static String join(Integer a, String b) {
    return a + b;
  }

  @Test
  void theUsualBatchTravelsCompactlyAndComesBackWhole() throws Exception {
    org.joblib4j.TaskBiFunction<Integer, String, String> join = BatchCodecTest::join;
    List<Task<?>> tasks = List.of(delayed(join, 1, "a"), delayed(join, null, "b"));
    Batch batch =
        new Batch(
            40,
            tasks,
            NestedBackend.named("threading", 3, 1),
            new Batch.Options(null, true, 60_000_000_000L)); // 60 s: never reached
    byte[] bytes = BatchCodec.encode(batch);
    assertThat(bytes).isNotNull();
    assertThat(bytes[0]).isEqualTo((byte) 2);
    Batch back = BatchCodec.decode(bytes, worker);
    assertThat(back.firstIndex()).isEqualTo(40);
    assertThat(back.size()).isEqualTo(2);
    assertThat(back.nested().backendName()).isEqualTo("threading");
    assertThat(back.nested().nJobs()).isEqualTo(3);
    assertThat(back.nested().nestingLevel()).isEqualTo(1);
    assertThat(back.options().collect()).isTrue();
    assertThat(back.options().taskTimeoutNanos()).isEqualTo(60_000_000_000L);
    assertThat(back.call()).containsExactly("1a", "nullb");
  }

  @Test
  void delayedLambdasThatCaptureTheirInputTravelCompactlyAsTheLambdas() throws Exception {
    List<Task<?>> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int k = i;
      tasks.add(delayed(() -> k * 10));
    }
    Batch batch = new Batch(5, tasks, null);
    byte[] bytes = BatchCodec.encode(batch);
    assertThat(bytes).isNotNull();
    assertThat(bytes[0]).isEqualTo((byte) 3);
    Batch back = BatchCodec.decode(bytes, worker);
    assertThat(back.firstIndex()).isEqualTo(5);
    assertThat(back.call()).containsExactly(0, 10, 20);
  }

  @Test
  void delayedCallsMixedWithOtherTasksAreLeftToJavaSerialization() {
    int k = 1;
    List<Task<?>> tasks = List.of(delayed(() -> k), (Task<Integer>) () -> k + 1);
    assertThat(BatchCodec.encode(new Batch(0, tasks, null))).isNull();
  }

  @Test
  void withoutNestedBackendAndOptionsTheDefaultsComeBack() throws Exception {
    Batch batch = new Batch(0, List.of(delayed((Integer x) -> x + 1, 1)), null);
    Batch back = BatchCodec.decode(BatchCodec.encode(batch), worker);
    assertThat(back.nested()).isNull();
    assertThat(back.options()).isSameAs(Batch.Options.DEFAULT);
    assertThat(back.call()).containsExactly(2);
  }

  @Test
  void anyOtherBatchIsLeftToJavaSerialization() throws Exception {
    int captured = 7;
    NestedBackend named = NestedBackend.named("sequential", null, 1);
    List<Batch> others =
        List.of(
            new Batch(0, List.of(delayed((Integer x) -> x + captured, 1)), named),
            new Batch(
                0, List.of(delayed((Integer x) -> x, 1), delayed((Integer x) -> x, 2)), named),
            new Batch(0, List.of(delayed((Object x) -> x, new int[] {1})), named),
            new Batch(0, List.of(), named));
    for (Batch b : others) {
      assertThat(BatchCodec.encode(b)).as("%s", b).isNull();
    }
    MDC.put("request", "r-1");
    try {
      Batch withContext =
          new Batch(
              0,
              List.of(delayed((Integer x) -> x, 1)),
              named,
              new Batch.Options(TaskContext.capture(), false, 0));
      assertThat(BatchCodec.encode(withContext)).isNull();
      Batch back = BatchCodec.decode(new JavaTaskSerializer().serialize(withContext), worker);
      assertThat(back.options().context()).isNotNull();
    } finally {
      MDC.remove("request");
    }
  }

  @Test
  void collectedFailuresStillWork() throws Exception {
    org.joblib4j.TaskFunction<Integer, Integer> divide = x -> 10 / x;
    Batch batch =
        new Batch(
            3,
            List.of(delayed(divide, 0), delayed(divide, 5)),
            null,
            new Batch.Options(null, true, 0));
    List<Object> results = BatchCodec.decode(BatchCodec.encode(batch), worker).call();
    assertThat(results.get(0)).isInstanceOf(TaskFailure.class);
    assertThat(((TaskFailure) results.get(0)).taskIndex()).isEqualTo(3);
    assertThat(results.get(1)).isEqualTo(2);
  }

  static String describe(int i, String s) {
    return s + i;
  }

  @Test
  void lambdasThatCaptureCompactValuesTravelCompactly() throws Exception {
    String prefix = "task-";
    List<Task<?>> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int x = i;
      tasks.add((Task<String>) () -> describe(x, prefix));
    }
    Batch batch =
        new Batch(
            7, tasks, NestedBackend.named("threading", null, 1), new Batch.Options(null, true, 0));
    byte[] bytes = BatchCodec.encode(batch);
    assertThat(bytes).isNotNull();
    assertThat(bytes[0]).isEqualTo((byte) 3);
    Batch back = BatchCodec.decode(bytes, worker);
    assertThat(back.firstIndex()).isEqualTo(7);
    assertThat(back.nested().backendName()).isEqualTo("threading");
    assertThat(back.options().collect()).isTrue();
    assertThat(back.call()).containsExactly("task-0", "task-1", "task-2");
  }

  @Test
  void aBoundMethodReferenceOnAStringTravelsCompactly() throws Exception {
    List<Task<?>> tasks = new java.util.ArrayList<>();
    for (String word : List.of("hello", "hi")) {
      tasks.add((Task<Integer>) word::length); // one call site: one lambda class
    }
    Batch batch = new Batch(0, tasks, null);
    byte[] bytes = BatchCodec.encode(batch);
    assertThat(bytes).isNotNull();
    assertThat(BatchCodec.decode(bytes, worker).call()).containsExactly(5, 2);
  }

  @Test
  void aTaskLambdaThatCapturesNothingTravelsCompactly() throws Exception {
    Batch batch = new Batch(0, List.of((Task<Integer>) () -> 1), null);
    byte[] bytes = BatchCodec.encode(batch);
    assertThat(bytes).isNotNull();
    assertThat(bytes[0]).isEqualTo((byte) 3);
    assertThat(BatchCodec.decode(bytes, worker).call()).containsExactly(1);
  }

  @Test
  void lambdasCapturingOtherValuesOrOfSeveralClassesAreJavaSerialized() throws Exception {
    int[] array = {1, 2};
    List<Integer> list = List.of(1);
    int x = 1;
    List<Batch> others =
        List.of(
            new Batch(0, List.of((Task<Integer>) () -> array[0]), null),
            new Batch(0, List.of((Task<Integer>) () -> list.get(0)), null),
            new Batch(0, List.of((Task<Integer>) () -> x, (Task<Integer>) () -> x + 1), null),
            new Batch(0, List.of(new NamedTask()), null));
    for (Batch b : others) {
      assertThat(BatchCodec.encode(b)).as("%s", b).isNull();
      assertThat(BatchCodec.decode(new JavaTaskSerializer().serialize(b), worker).call())
          .hasSize(b.size());
    }
  }

  /** A task that is a class of its own, not a lambda. */
  static final class NamedTask implements Task<Integer> {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer call() {
      return 1;
    }
  }
}
