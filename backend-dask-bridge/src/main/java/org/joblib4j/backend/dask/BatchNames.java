package org.joblib4j.backend.dask;

import java.lang.invoke.SerializedLambda;
import java.util.List;
import java.util.UUID;
import org.joblib4j.DelayedCall;
import org.joblib4j.Task;
import org.joblib4j.process.SerializedLambdas;
import org.joblib4j.spi.Batch;

/**
 * joblib's batch reprs and keys: {@code batch_of_<f>_<n>_calls-<uuid>}, {@code mixed_} when
 * functions differ.
 */
final class BatchNames {
  private BatchNames() {}

  /**
   * joblib's {@code repr(Batch)}.
   *
   * @param batch the batch
   * @return {@code batch_of_inc_4_calls} or {@code mixed_batch_of_inc_4_calls}
   */
  static String repr(Batch batch) {
    List<Task<?>> tasks = batch.tasks();
    String first = tasks.isEmpty() ? "none" : functionName(tasks.get(0));
    Object firstFunction = tasks.isEmpty() ? null : function(tasks.get(0));
    boolean mixed = false;
    for (Task<?> t : tasks) {
      Object f = function(t);
      if (f != firstFunction
          && (f.getClass() != firstFunction.getClass() || !functionName(t).equals(first))) {
        mixed = true;
        break;
      }
    }
    return (mixed ? "mixed_" : "") + "batch_of_" + first + "_" + tasks.size() + "_calls";
  }

  /**
   * A Dask key for one submission: never reused, so Dask never takes two batches for the same
   * computation (functions are not assumed pure).
   *
   * @param batch the batch
   * @return {@code <repr>-<uuid hex>}
   */
  static String key(Batch batch) {
    return repr(batch) + "-" + UUID.randomUUID().toString().replace("-", "");
  }

  /**
   * The name of a task's function: the method a lambda or method reference calls, else the class.
   *
   * @param task the task
   * @return for example {@code inc}
   */
  private static Object function(Object task) {
    return task instanceof DelayedCall ? ((DelayedCall<?>) task).function() : task;
  }

  static String functionName(Object task) {
    Object f = function(task);
    SerializedLambda lambda = SerializedLambdas.of(f);
    String name;
    if (lambda != null) {
      name = lambda.getImplMethodName();
      if (name.startsWith("lambda$")) {
        // lambda$<enclosing method>$<n>
        String[] parts = name.split("\\$");
        name = parts.length > 1 ? parts[1] + "_lambda" : "lambda";
      }
    } else {
      name = f.getClass().getSimpleName();
      if (name.isEmpty()) {
        name = f.getClass().getName();
      }
    }
    return name.replaceAll("[^A-Za-z0-9_]", "_");
  }
}
