package org.joblib4j.core.checkpoint;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import org.joblib4j.DelayedCall;
import org.joblib4j.Task;
import org.joblib4j.TaskBiFunction;
import org.joblib4j.TaskFunction;
import org.joblib4j.TaskTriFunction;
import org.joblib4j.internal.DelayedCalls;

/**
 * {@code Parallel.Builder.checkpoint}: a call's input, each task wrapped so that a finished task's
 * result is recorded under the task's identity and a rerun of the same call returns it instead of
 * running the task again. The identities are computed here, in the caller, as the input is read.
 */
public final class Checkpoints {
  private Checkpoints() {}

  /**
   * Wraps a call's input.
   *
   * @param tasks the input, read lazily
   * @param folder the checkpoint folder (created at the first record)
   * @return the wrapped input
   */
  public static Iterator<Task<?>> wrap(Iterator<? extends Task<?>> tasks, Path folder) {
    CheckpointFolder records = new CheckpointFolder(folder.toAbsolutePath().toString());
    Map<Object, String> digests = new IdentityHashMap<>();
    return new Iterator<>() {
      private long index;

      @Override
      public boolean hasNext() {
        return tasks.hasNext();
      }

      @Override
      public Task<?> next() {
        Task<?> task = tasks.next();
        if (task == null) {
          // the engine names a null task
          index++;
          return null;
        }
        String key = TaskIdentity.of(task, index++, digests);
        return wrapped(task, records, key);
      }
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Task<?> wrapped(Task<?> task, CheckpointFolder records, String key) {
    if (!(task instanceof DelayedCall)) {
      return new RecordingFunctions.Recorded0<>(task, records, key);
    }
    DelayedCall<?> call = (DelayedCall<?>) task;
    Object f = call.function();
    Object[] args = call.args().toArray();
    switch (call.arity()) {
      case 0:
        return new RecordingFunctions.Recorded0<>((Task) f, records, key);
      case 1:
        return DelayedCalls.of(
            new RecordingFunctions.Recorded1<>((TaskFunction) f, records, key), args);
      case 2:
        return DelayedCalls.of(
            new RecordingFunctions.Recorded2<>((TaskBiFunction) f, records, key), args);
      default:
        return DelayedCalls.of(
            new RecordingFunctions.Recorded3<>((TaskTriFunction) f, records, key), args);
    }
  }
}
