package org.joblib4j.core.retry;

import java.util.Iterator;
import org.joblib4j.DelayedCall;
import org.joblib4j.RetryPolicy;
import org.joblib4j.Task;
import org.joblib4j.TaskBiFunction;
import org.joblib4j.TaskFunction;
import org.joblib4j.TaskTriFunction;
import org.joblib4j.internal.DelayedCalls;

/**
 * {@code Parallel.Builder.retry}: a call's input, each task wrapped to run again on the failures
 * the policy names. The engine knows this input by its type: its results may be {@link Attempted}.
 */
public final class RetriedInput implements Iterator<Task<?>> {
  private final Iterator<? extends Task<?>> tasks;
  private final RetryPolicy policy;

  /**
   * Wraps a call's input.
   *
   * @param tasks the input, read lazily
   * @param policy the retry policy
   */
  public RetriedInput(Iterator<? extends Task<?>> tasks, RetryPolicy policy) {
    this.tasks = tasks;
    this.policy = policy;
  }

  /**
   * The call's retry policy: the engine also applies it to batches whose worker died.
   *
   * @return the policy
   */
  public RetryPolicy policy() {
    return policy;
  }

  @Override
  public boolean hasNext() {
    return tasks.hasNext();
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Task<?> next() {
    Task<?> task = tasks.next();
    if (task == null || policy.maxAttempts() == 1) {
      return task;
    }
    if (!(task instanceof DelayedCall)) {
      return new RetryingFunctions.Retrying0(task, policy);
    }
    DelayedCall<?> call = (DelayedCall<?>) task;
    Object f = call.function();
    Object[] args = call.args().toArray();
    switch (call.arity()) {
      case 0:
        return new RetryingFunctions.Retrying0((Task) f, policy);
      case 1:
        return DelayedCalls.of(new RetryingFunctions.Retrying1((TaskFunction) f, policy), args);
      case 2:
        return DelayedCalls.of(new RetryingFunctions.Retrying2((TaskBiFunction) f, policy), args);
      default:
        return DelayedCalls.of(new RetryingFunctions.Retrying3((TaskTriFunction) f, policy), args);
    }
  }
}
