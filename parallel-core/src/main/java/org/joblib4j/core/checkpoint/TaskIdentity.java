package org.joblib4j.core.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.joblib4j.DelayedCall;
import org.joblib4j.Task;

/**
 * A task's identity across runs: the SHA-256 of the code it runs (the implementing class and
 * method, and a hash of that class's bytecode, so a changed function does not reuse old results)
 * and of the Java serialization of its arguments and captured values.
 */
final class TaskIdentity {
  private static final Map<Class<?>, String> BYTECODE = new ConcurrentHashMap<>();

  private TaskIdentity() {}

  /**
   * The identity of a task.
   *
   * @param task the task
   * @param index its index in the call, for the message when it cannot be identified
   * @return a 64-character hex key
   * @throws IllegalArgumentException if the function or an argument is not serializable
   */
  static String of(Task<?> task, long index) {
    return of(task, index, new java.util.IdentityHashMap<>());
  }

  /**
   * The identity of a task, hashing each argument object once per call: a large array shared by
   * every task is serialized once, not once per task.
   *
   * @param task the task
   * @param index its index in the call
   * @param digests the digests of the argument objects seen so far in this call, by identity
   * @return a 64-character hex key
   */
  static String of(Task<?> task, long index, Map<Object, String> digests) {
    MessageDigest d = sha256();
    d.update("joblib4j-task-1\n".getBytes(StandardCharsets.UTF_8));
    Object function = task instanceof DelayedCall ? ((DelayedCall<?>) task).function() : task;
    List<Object> args = task instanceof DelayedCall ? ((DelayedCall<?>) task).args() : List.of();
    code(function, index, d);
    for (int i = 0; i < args.size(); i++) {
      Object arg = args.get(i);
      String what = "argument " + i;
      String digest = digests.get(arg);
      if (digest == null) {
        digest =
            HexFormat.of()
                .formatHex(
                    sha256()
                        .digest(
                            serialized(arg, index, what).getBytes(StandardCharsets.ISO_8859_1)));
        if (arg != null) {
          digests.put(arg, digest);
        }
      }
      text(d, digest);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static void code(Object function, long index, MessageDigest d) {
    SerializedLambda lambda = lambdaOf(function);
    if (lambda != null) {
      Class<?> impl =
          load(
              lambda.getImplClass().replace('/', '.'), function.getClass().getClassLoader(), index);
      text(
          d,
          impl.getName()
              + "#"
              + lambda.getImplMethodName()
              + lambda.getImplMethodSignature()
              + "@"
              + bytecode(impl));
      for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
        text(d, serialized(lambda.getCapturedArg(i), index, "captured value " + i));
      }
    } else {
      text(d, function.getClass().getName() + "@" + bytecode(function.getClass()));
      text(d, serialized(function, index, "function"));
    }
  }

  private static SerializedLambda lambdaOf(Object function) {
    if (!(function instanceof Serializable)) {
      return null;
    }
    try {
      Method writeReplace = function.getClass().getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      Object replaced = writeReplace.invoke(function);
      return replaced instanceof SerializedLambda ? (SerializedLambda) replaced : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Class<?> load(String name, ClassLoader loader, long index) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "The class " + name + " of task " + index + "'s function cannot be loaded", e);
    }
  }

  /** The SHA-256 of a class file, as its class loader serves it. */
  static String bytecode(Class<?> c) {
    return BYTECODE.computeIfAbsent(
        c,
        k -> {
          String resource = k.getName().replace('.', '/') + ".class";
          ClassLoader loader =
              k.getClassLoader() != null ? k.getClassLoader() : ClassLoader.getSystemClassLoader();
          try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
              return "no class file";
            }
            return HexFormat.of().formatHex(sha256().digest(in.readAllBytes()));
          } catch (IOException e) {
            return "unreadable class file";
          }
        });
  }

  private static String serialized(Object value, long index, String what) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (NotSerializableException e) {
      throw new IllegalArgumentException(
          "checkpoint(folder) identifies each task by its code and arguments, but the "
              + what
              + " of task "
              + index
              + " is not serializable ("
              + e.getMessage()
              + "): make it Serializable, or run without a checkpoint",
          e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "The " + what + " of task " + index + " cannot be serialized: " + e, e);
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  private static void text(MessageDigest d, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    d.update(java.nio.ByteBuffer.allocate(4).putInt(b.length).array());
    d.update(b);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
