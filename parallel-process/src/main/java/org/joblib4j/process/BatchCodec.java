package org.joblib4j.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.SerializedLambda;
import java.util.ArrayList;
import java.util.List;
import org.joblib4j.DelayedCall;
import org.joblib4j.Task;
import org.joblib4j.internal.DelayedCalls;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.NestedBackend;

/**
 * The compact wire form of the usual batch, written and read without Java serialization: {@code
 * delayed(f, x...)} tasks of one function that captures nothing, with {@link CompactValues}
 * arguments, a nested backend chosen by name and no caller context to carry. A small batch then
 * costs microseconds to write and read instead of a Java stream's class descriptors. The function
 * travels in its serialized form, rebuilt once per worker JVM ({@link StatelessFunction}). Any
 * other batch is Java-serialized (a payload starting with the stream magic {@code 0xACED}).
 *
 * <p>Layout: {@code [2][long firstIndex][nested: 0 | 1 name nJobs level][boolean collect][long
 * taskTimeoutNanos][int formLength][form][byte arity][int tasks][arguments]}.
 */
final class BatchCodec {
  private static final byte COMPACT = 2;
  private static final byte CAPTURED = 3;

  private BatchCodec() {}

  /**
   * The compact form of a batch.
   *
   * @param batch the batch
   * @return its bytes, or {@code null} when it needs Java serialization
   */
  static byte[] encode(Batch batch) {
    NestedBackend nested = batch.nested();
    List<Task<?>> tasks = batch.tasks();
    if (batch.options().context() != null
        || nested != null && nested.backend() != null
        || tasks.isEmpty()) {
      return null;
    }
    try {
      if (!(tasks.get(0) instanceof DelayedCall)) {
        return encodeCaptured(batch, tasks);
      }
      byte[] delayed = encodeDelayed(batch);
      // delayed(() -> f(i)): the lambda is the task, written as a captured lambda is
      List<Task<?>> lambdas = delayed == null ? nullaryLambdas(tasks) : null;
      return lambdas == null ? delayed : encodeCaptured(batch, lambdas);
    } catch (UncheckedIOException e) {
      // too large for a frame: Java serialization finds and names the task that makes it so
      return null;
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
  }

  /** {@code delayed(f, x...)} tasks of one function that captures nothing. */
  private static byte[] encodeDelayed(Batch batch) throws IOException {
    List<Task<?>> tasks = batch.tasks();
    DelayedCall<?> first = (DelayedCall<?>) tasks.get(0);
    byte[] form = StatelessFunction.formOf(first.function());
    if (form == null) {
      return null;
    }
    int arity = first.arity();
    ByteSink out = new ByteSink(64 + form.length + tasks.size() * (1 + 9 * arity));
    writeHeader(out, COMPACT, batch);
    out.writeInt(form.length);
    out.write(form);
    out.writeByte(arity);
    out.writeInt(tasks.size());
    for (Task<?> t : tasks) {
      if (!(t instanceof DelayedCall)
          || ((DelayedCall<?>) t).function() != first.function()
          || ((DelayedCall<?>) t).arity() != arity) {
        return null;
      }
      DelayedCall<?> call = (DelayedCall<?>) t;
      for (int i = 0; i < arity; i++) {
        Object arg = call.arg(i);
        if (!CompactValues.isCompact(arg)) {
          return null;
        }
        CompactValues.write(out, arg);
      }
    }
    return out.toByteArray();
  }

  /**
   * The functions of {@code delayed(task)} calls (no argument) when every call is one, else {@code
   * null}: the worker runs the function itself, as the call would.
   */
  private static List<Task<?>> nullaryLambdas(List<Task<?>> tasks) {
    List<Task<?>> functions = new ArrayList<>(tasks.size());
    for (Task<?> t : tasks) {
      if (!(t instanceof DelayedCall)
          || ((DelayedCall<?>) t).arity() != 0
          || !(((DelayedCall<?>) t).function() instanceof Task)) {
        return null;
      }
      functions.add((Task<?>) ((DelayedCall<?>) t).function());
    }
    return functions;
  }

  /** Lambdas of one class ({@code () -> f(i)}) whose captured values are all compact. */
  private static byte[] encodeCaptured(Batch batch, List<Task<?>> tasks) throws IOException {
    Class<?> type = tasks.get(0).getClass();
    CapturedLambda.Shape shape = CapturedLambda.shapeOf(type);
    if (shape == null) {
      return null;
    }
    SerializedLambda first = shape.serializedForm(tasks.get(0));
    if (first == null || !CapturedLambda.rebuildable(first, type.getClassLoader())) {
      return null;
    }
    ByteSink out = new ByteSink(256 + tasks.size() * (1 + 9 * first.getCapturedArgCount()));
    writeHeader(out, CAPTURED, batch);
    CapturedLambda.writeShape(out, first);
    out.writeInt(tasks.size());
    for (Task<?> t : tasks) {
      SerializedLambda form =
          t == tasks.get(0) ? first : t.getClass() == type ? shape.serializedForm(t) : null;
      if (form == null || form != first && !CapturedLambda.sameShape(first, form)) {
        return null;
      }
      for (int i = 0; i < form.getCapturedArgCount(); i++) {
        Object arg = form.getCapturedArg(i);
        if (!CompactValues.isCompact(arg)) {
          return null;
        }
        CompactValues.write(out, arg);
      }
    }
    return out.toByteArray();
  }

  /**
   * What both compact forms start with: the tag, the first index, the nested backend, the options.
   */
  private static void writeHeader(ByteSink out, byte tag, Batch batch) throws IOException {
    NestedBackend nested = batch.nested();
    out.writeByte(tag);
    out.writeLong(batch.firstIndex());
    if (nested == null) {
      out.writeByte(0);
    } else {
      out.writeByte(1);
      out.writeShort(nested.backendName().length());
      out.writeChars(nested.backendName());
      CompactValues.write(out, nested.nJobs());
      out.writeInt(nested.nestingLevel());
    }
    out.writeBoolean(batch.options().collect());
    out.writeLong(batch.options().taskTimeoutNanos());
  }

  /**
   * Reads a batch: the compact form, or a Java-serialized one.
   *
   * @param payload the bytes
   * @param serializer reads Java-serialized batches and functions
   * @return the batch
   * @throws IOException if the bytes are corrupt
   * @throws ClassNotFoundException if a class is missing
   */
  static Batch decode(byte[] payload, TaskSerializer serializer)
      throws IOException, ClassNotFoundException {
    if (payload.length == 0 || payload[0] != COMPACT && payload[0] != CAPTURED) {
      return (Batch) serializer.deserialize(payload);
    }
    ByteSource in = new ByteSource(payload, 1);
    long firstIndex = in.readLong();
    NestedBackend nested = null;
    if (in.readByte() != 0) {
      char[] name = new char[in.readUnsignedShort()];
      for (int i = 0; i < name.length; i++) {
        name[i] = in.readChar();
      }
      Integer nJobs = (Integer) CompactValues.read(in);
      nested = NestedBackend.named(new String(name), nJobs, in.readInt());
    }
    boolean collect = in.readBoolean();
    long timeout = in.readLong();
    Batch.Options options =
        collect || timeout != 0 ? new Batch.Options(null, collect, timeout) : Batch.Options.DEFAULT;
    if (payload[0] == CAPTURED) {
      return new Batch(firstIndex, readCaptured(in, serializer), nested, options);
    }
    byte[] form = new byte[in.readInt()];
    in.readFully(form);
    Object function = StatelessFunction.resolve(form, serializer::deserialize);
    int arity = in.readByte();
    int n = in.readInt();
    List<Task<?>> tasks = new ArrayList<>(n);
    Object[] args = new Object[arity];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < arity; a++) {
        args[a] = CompactValues.read(in);
      }
      tasks.add(DelayedCalls.of(function, args));
    }
    return new Batch(firstIndex, tasks, nested, options);
  }

  private static List<Task<?>> readCaptured(ByteSource in, TaskSerializer serializer)
      throws IOException, ClassNotFoundException {
    ClassLoader loader =
        serializer instanceof JavaTaskSerializer
            ? ((JavaTaskSerializer) serializer).loader()
            : null;
    CapturedLambda.Reader shape = new CapturedLambda.Reader(in, loader);
    int n = in.readInt();
    List<Task<?>> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Object[] captured = new Object[shape.capturedCount()];
      for (int a = 0; a < captured.length; a++) {
        captured[a] = CompactValues.read(in);
      }
      tasks.add((Task<?>) shape.rebuild(captured));
    }
    return tasks;
  }
}
