package org.joblib4j.process;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.ArrayList;
import java.util.List;
import org.joblib4j.DelayedCall;
import org.joblib4j.Task;
import org.joblib4j.internal.DelayedCalls;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.NestedBackend;
import org.joblib4j.spi.TaskContext;

/**
 * The Java-serialized form of a {@link Batch} (a plain value), for batches that {@link BatchCodec}
 * cannot write compactly: {@link JavaTaskSerializer} writes a batch as this form, whose {@code
 * readResolve} gives the batch back in any object stream (a worker JVM's, a Dask executor's, a Ray
 * worker's). When every task is a {@link DelayedCall} of the same function with the same number of
 * arguments (the usual {@code delayed(f, x)} stream), the function is written once and then only
 * the arguments (boxed primitives and short strings in their {@link CompactValues} form); otherwise
 * the tasks are written as they are.
 */
final class BatchForm implements Externalizable {
  private static final long serialVersionUID = 1L;
  private Batch batch;

  /** For deserialization. */
  public BatchForm() {}

  BatchForm(Batch batch) {
    this.batch = batch;
  }

  @Override
  public void writeExternal(ObjectOutput out) throws IOException {
    out.writeLong(batch.firstIndex());
    out.writeObject(batch.nested());
    Batch.Options options = batch.options();
    out.writeObject(options.context());
    out.writeBoolean(options.collect());
    out.writeLong(options.taskTimeoutNanos());
    List<Task<?>> tasks = batch.tasks();
    out.writeInt(tasks.size());
    Object function = sharedFunction(tasks);
    if (function == null) {
      out.writeByte(0);
      for (Task<?> t : tasks) {
        out.writeObject(t);
      }
      return;
    }
    int arity = ((DelayedCall<?>) tasks.get(0)).arity();
    out.writeByte(1);
    out.writeObject(function);
    out.writeByte(arity);
    for (Task<?> t : tasks) {
      DelayedCall<?> call = (DelayedCall<?>) t;
      for (int i = 0; i < arity; i++) {
        CompactValues.writeValue(out, call.arg(i));
      }
    }
  }

  private static Object sharedFunction(List<Task<?>> tasks) {
    if (tasks.isEmpty() || !(tasks.get(0) instanceof DelayedCall)) {
      return null;
    }
    DelayedCall<?> first = (DelayedCall<?>) tasks.get(0);
    for (Task<?> t : tasks) {
      if (!(t instanceof DelayedCall)
          || ((DelayedCall<?>) t).function() != first.function()
          || ((DelayedCall<?>) t).arity() != first.arity()) {
        return null;
      }
    }
    return first.function();
  }

  @Override
  public void readExternal(ObjectInput in) throws IOException, ClassNotFoundException {
    long firstIndex = in.readLong();
    NestedBackend nested = (NestedBackend) in.readObject();
    TaskContext context = (TaskContext) in.readObject();
    boolean collect = in.readBoolean();
    long timeout = in.readLong();
    int n = in.readInt();
    List<Task<?>> tasks = new ArrayList<>(n);
    if (in.readByte() == 0) {
      for (int i = 0; i < n; i++) {
        tasks.add((Task<?>) in.readObject());
      }
    } else {
      Object function = in.readObject();
      int arity = in.readByte();
      Object[] args = new Object[arity];
      for (int i = 0; i < n; i++) {
        for (int a = 0; a < arity; a++) {
          args[a] = CompactValues.readValue(in);
        }
        tasks.add(DelayedCalls.of(function, args));
      }
    }
    batch = new Batch(firstIndex, tasks, nested, Batch.Options.of(context, collect, timeout));
  }

  private Object readResolve() {
    return batch;
  }
}
