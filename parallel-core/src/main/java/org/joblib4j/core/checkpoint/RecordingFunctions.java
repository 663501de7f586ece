package org.joblib4j.core.checkpoint;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.joblib4j.Task;
import org.joblib4j.TaskBiFunction;
import org.joblib4j.TaskFunction;
import org.joblib4j.TaskTriFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's function wrapped so that, wherever the task runs (a thread, a worker JVM, a cluster
 * worker that sees the folder), it returns the recorded result if there is one, else runs and
 * records what it returns. A task that throws records nothing, so it runs again next time. One
 * wrapper per arity keeps a {@code delayed} call's arguments visible to the backends (sharing and
 * memory-mapping of large arguments work as without a checkpoint).
 */
final class RecordingFunctions {
  private static final Logger LOG = LoggerFactory.getLogger(RecordingFunctions.class);

  private RecordingFunctions() {}

  static <R> R recorded(CheckpointFolder folder, String key, Callable<R> body) throws Exception {
    Optional<CheckpointFolder.Recorded> done = folder.read(key);
    if (done.isPresent()) {
      @SuppressWarnings("unchecked")
      R value = (R) done.get().value();
      return value;
    }
    R value = body.call();
    try {
      folder.write(key, value);
    } catch (IOException | RuntimeException e) {
      // the result is still good: only a rerun pays for the missing record
      LOG.warn(
          "A task's result was not recorded in the checkpoint folder {} ({}): it will run again next time",
          folder.folder(),
          e.toString());
    }
    return value;
  }

  /** A task without arguments, or any {@link Task} that is not a {@code delayed} call. */
  record Recorded0<R>(Task<R> task, CheckpointFolder folder, String key) implements Task<R> {
    @Override
    public R call() throws Exception {
      return recorded(folder, key, task::call);
    }
  }

  record Recorded1<A, R>(TaskFunction<A, R> f, CheckpointFolder folder, String key)
      implements TaskFunction<A, R> {
    @Override
    public R apply(A a) throws Exception {
      return recorded(folder, key, () -> f.apply(a));
    }
  }

  record Recorded2<A, B, R>(TaskBiFunction<A, B, R> f, CheckpointFolder folder, String key)
      implements TaskBiFunction<A, B, R> {
    @Override
    public R apply(A a, B b) throws Exception {
      return recorded(folder, key, () -> f.apply(a, b));
    }
  }

  record Recorded3<A, B, C, R>(TaskTriFunction<A, B, C, R> f, CheckpointFolder folder, String key)
      implements TaskTriFunction<A, B, C, R> {
    @Override
    public R apply(A a, B b, C c) throws Exception {
      return recorded(folder, key, () -> f.apply(a, b, c));
    }
  }
}
