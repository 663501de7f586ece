package org.joblib4j.core.retry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.joblib4j.RetryPolicy;
import org.joblib4j.Task;
import org.joblib4j.TaskAttemptException;
import org.joblib4j.TaskBiFunction;
import org.joblib4j.TaskFunction;
import org.joblib4j.TaskTriFunction;

/**
 * A task's function wrapped to run again where it runs (a thread, a worker JVM, a cluster worker)
 * when it throws what the policy retries. One wrapper per arity keeps a {@code delayed} call's
 * arguments visible to the backends.
 */
final class RetryingFunctions {
  private RetryingFunctions() {}

  static Object retried(RetryPolicy policy, Callable<?> body) throws Exception {
    List<Throwable> failed = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      try {
        Object value = body.call();
        return failed.isEmpty() ? value : new Attempted(value, attempt);
      } catch (Exception | Error e) {
        if (attempt >= policy.maxAttempts()
            || !policy.retries(e)
            || !waitBefore(policy, attempt + 1)) {
          for (int i = 0; i < failed.size(); i++) {
            e.addSuppressed(new TaskAttemptException(i + 1, policy.maxAttempts(), failed.get(i)));
          }
          throw e;
        }
        failed.add(e);
      }
    }
  }

  /** Waits before the next attempt; false when interrupted (the call is being cancelled). */
  private static boolean waitBefore(RetryPolicy policy, int attempt) {
    long nanos = policy.delayBefore(attempt).toNanos();
    if (Thread.currentThread().isInterrupted()) {
      return false;
    }
    if (nanos > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(nanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** A task without arguments, or any {@link Task} that is not a {@code delayed} call. */
  record Retrying0(Task<?> task, RetryPolicy policy) implements Task<Object> {
    @Override
    public Object call() throws Exception {
      return retried(policy, task::call);
    }
  }

  record Retrying1(TaskFunction<Object, ?> f, RetryPolicy policy)
      implements TaskFunction<Object, Object> {
    @Override
    public Object apply(Object a) throws Exception {
      return retried(policy, () -> f.apply(a));
    }
  }

  record Retrying2(TaskBiFunction<Object, Object, ?> f, RetryPolicy policy)
      implements TaskBiFunction<Object, Object, Object> {
    @Override
    public Object apply(Object a, Object b) throws Exception {
      return retried(policy, () -> f.apply(a, b));
    }
  }

  record Retrying3(TaskTriFunction<Object, Object, Object, ?> f, RetryPolicy policy)
      implements TaskTriFunction<Object, Object, Object, Object> {
    @Override
    public Object apply(Object a, Object b, Object c) throws Exception {
      return retried(policy, () -> f.apply(a, b, c));
    }
  }
}
