package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.joblib4j.ParallelTimeoutException;
import org.joblib4j.Task;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.TaskFailure;
import org.junit.jupiter.api.Test;

/** What every worker sends back when the plain answer cannot go. */
class WorkerRepliesTest {
  private final JavaTaskSerializer serializer = new JavaTaskSerializer();

  /** An exception that cannot travel: it holds a thread. */
  static final class Unsendable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final Object held = new Thread();

    Unsendable(String message) {
      super(message);
    }
  }

  private static Batch batchOf(long first, int size) {
    List<Task<?>> tasks = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      tasks.add((Task<Integer>) () -> 0);
    }
    return new Batch(first, tasks, null);
  }

  @Test
  void aSerializableFailureTravelsAsItIs() throws Exception {
    BatchTaskException failure = new BatchTaskException(3, new IllegalStateException("boom"));
    Object back = serializer.deserialize(WorkerReplies.failure(failure, serializer));
    assertThat(back).isInstanceOf(BatchTaskException.class);
    assertThat(((BatchTaskException) back).taskIndex()).isEqualTo(3);
    assertThat(((BatchTaskException) back).getCause()).hasMessage("boom");
    assertThat(WorkerReplies.sendable(failure, serializer)).isSameAs(failure);
  }

  @Test
  void aFailureThatCannotTravelIsReplacedByItsStandInWithTheSameTaskIndex() throws Exception {
    BatchTaskException failure = new BatchTaskException(5, new Unsendable("held a thread"));
    Object back = serializer.deserialize(WorkerReplies.failure(failure, serializer));
    assertThat(back).isInstanceOf(BatchTaskException.class);
    assertThat(((BatchTaskException) back).taskIndex()).isEqualTo(5);
    assertThat(((BatchTaskException) back).getCause())
        .isInstanceOf(RemoteTaskException.class)
        .hasMessageContaining(Unsendable.class.getName())
        .hasMessageContaining("held a thread");
    assertThat(WorkerReplies.sendable(new Unsendable("alone"), serializer))
        .isInstanceOf(RemoteTaskException.class);
  }

  @Test
  void resultsThatCannotTravelAreTheFailureOfTheTaskWhoseResultCannot() {
    Batch batch = batchOf(10, 3);
    List<Object> results = Arrays.asList(1, new Thread(), 3);
    Throwable why = new NotSerializableException("java.lang.Thread");
    BatchTaskException e = WorkerReplies.unsendable(batch, results, why, serializer);
    assertThat(e.taskIndex()).isEqualTo(11);
    assertThat(e.getCause()).isSameAs(why);
  }

  @Test
  void aTaskPastItsTimeoutIsItsOutcomeAndTheOthersHaveNone() {
    Batch batch = batchOf(20, 3);
    ParallelTimeoutException timeout = new ParallelTimeoutException("too slow");
    List<Object> outcome = WorkerReplies.timedOut(batch, 21, timeout);
    assertThat(outcome).hasSize(3);
    assertThat(outcome.get(0)).isNull();
    assertThat(outcome.get(1)).isInstanceOf(TaskFailure.class);
    assertThat(outcome.get(2)).isNull();
  }
}
