package org.joblib4j.process;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * Serializable lambdas that capture values ({@code () -> f(i)}), as they travel in a compact batch:
 * their shape (capturing class, interface, implementation method) is written once per batch, and
 * per task only the captured values in their {@link org.joblib4j.spi.CompactValues} form. The
 * receiver rebuilds each lambda through its capturing class's {@code $deserializeLambda$}, as Java
 * serialization does, without a serialization stream per task.
 *
 * <p>Only lambdas whose capturing class lets this package call {@code $deserializeLambda$} (the
 * class path's unnamed module, or an open package) take this form; the others are Java-serialized.
 */
final class CapturedLambda {
  private CapturedLambda() {}

  /**
   * Per class: how to take a lambda of it apart, or {@code null} when it cannot travel this way.
   */
  private static final ClassValue<Shape> SHAPES =
      new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
          return Shape.of(type);
        }
      };

  /** Capturing classes' {@code $deserializeLambda$}, by receiving loader and name (bounded). */
  private static final int CACHE_SIZE = 256;

  private static final Map<String, Known> DESERIALIZERS = new LruMap<>(CACHE_SIZE);

  /** A capturing class's {@code $deserializeLambda$}, found through one loader. */
  private static final class Known {
    final ClassLoader loader;
    final Method method;

    Known(ClassLoader loader, Method method) {
      this.loader = loader;
      this.method = method;
    }
  }

  /** A lambda class's way apart: its {@code writeReplace}. */
  static final class Shape {
    private final Method writeReplace;

    private Shape(Method writeReplace) {
      this.writeReplace = writeReplace;
    }

    static Shape of(Class<?> type) {
      if (!type.isSynthetic()
          || !Serializable.class.isAssignableFrom(type)
          || type.getSuperclass() != Object.class) {
        return null;
      }
      try {
        Method m = type.getDeclaredMethod("writeReplace");
        m.setAccessible(true);
        return new Shape(m);
      } catch (NoSuchMethodException | RuntimeException e) {
        return null; // not a serializable lambda, or its module is closed to us
      }
    }

    /** The lambda's serialized form, or {@code null} if it cannot be taken apart. */
    SerializedLambda serializedForm(Object lambda) {
      try {
        Object form = writeReplace.invoke(lambda);
        return form instanceof SerializedLambda ? (SerializedLambda) form : null;
      } catch (IllegalAccessException | InvocationTargetException e) {
        return null;
      }
    }
  }

  /**
   * How a task's class can travel in this form.
   *
   * @param type the task's class
   * @return its shape, or {@code null} when it must be Java-serialized
   */
  static Shape shapeOf(Class<?> type) {
    return SHAPES.get(type);
  }

  /**
   * Whether the receiver will be able to rebuild lambdas of this form: its capturing class's {@code
   * $deserializeLambda$} is accessible here (the receiver loads the same classes).
   *
   * @param form a lambda's serialized form
   * @param loader the lambda class's loader
   * @return true when it is
   */
  static boolean rebuildable(SerializedLambda form, ClassLoader loader) {
    try {
      deserializer(form.getCapturingClass(), loader);
      return true;
    } catch (ClassNotFoundException | InvalidClassException e) {
      return false;
    }
  }

  /**
   * Writes a lambda's shape (everything but the captured values).
   *
   * @param out where to
   * @param form the lambda's serialized form
   * @throws IOException if writing fails
   */
  static void writeShape(DataOutput out, SerializedLambda form) throws IOException {
    writeString(out, form.getCapturingClass());
    writeString(out, form.getFunctionalInterfaceClass());
    writeString(out, form.getFunctionalInterfaceMethodName());
    writeString(out, form.getFunctionalInterfaceMethodSignature());
    out.writeByte(form.getImplMethodKind());
    writeString(out, form.getImplClass());
    writeString(out, form.getImplMethodName());
    writeString(out, form.getImplMethodSignature());
    writeString(out, form.getInstantiatedMethodType());
    out.writeByte(form.getCapturedArgCount());
  }

  /**
   * Whether two lambdas of one class have the same shape (they always do; checked so a batch never
   * mixes shapes silently).
   */
  static boolean sameShape(SerializedLambda a, SerializedLambda b) {
    return a.getImplMethodName().equals(b.getImplMethodName())
        && a.getImplClass().equals(b.getImplClass())
        && a.getImplMethodSignature().equals(b.getImplMethodSignature())
        && a.getInstantiatedMethodType().equals(b.getInstantiatedMethodType())
        && a.getCapturedArgCount() == b.getCapturedArgCount();
  }

  /** A shape read back, ready to rebuild lambdas from captured values. */
  static final class Reader {
    private final Method deserializeLambda;
    private final Class<?> capturingClass;
    private final String[] parts;
    private final int implKind;
    private final int captured;

    Reader(DataInput in, ClassLoader loader) throws IOException, ClassNotFoundException {
      String capturing = readString(in);
      String fiClass = readString(in);
      String fiName = readString(in);
      String fiSig = readString(in);
      implKind = in.readUnsignedByte();
      String implClass = readString(in);
      String implName = readString(in);
      String implSig = readString(in);
      String instantiated = readString(in);
      captured = in.readUnsignedByte();
      deserializeLambda = deserializer(capturing, loader);
      capturingClass = deserializeLambda.getDeclaringClass();
      parts = new String[] {fiClass, fiName, fiSig, implClass, implName, implSig, instantiated};
    }

    int capturedCount() {
      return captured;
    }

    /**
     * Rebuilds one lambda.
     *
     * @param capturedArgs its captured values
     * @return the lambda
     * @throws InvalidClassException if the capturing class refuses the shape
     */
    Object rebuild(Object[] capturedArgs) throws InvalidClassException {
      SerializedLambda form =
          new SerializedLambda(
              capturingClass,
              parts[0],
              parts[1],
              parts[2],
              implKind,
              parts[3],
              parts[4],
              parts[5],
              parts[6],
              capturedArgs);
      try {
        return deserializeLambda.invoke(null, form);
      } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
        Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
        InvalidClassException error =
            new InvalidClassException(
                capturingClass.getName(), "cannot rebuild a lambda: " + cause);
        error.initCause(cause);
        throw error;
      }
    }
  }

  private static Method deserializer(String capturingClass, ClassLoader loader)
      throws ClassNotFoundException, InvalidClassException {
    String name = capturingClass.replace('/', '.');
    ClassLoader from = loader != null ? loader : CapturedLambda.class.getClassLoader();
    synchronized (DESERIALIZERS) {
      Known known = DESERIALIZERS.get(name);
      if (known != null && known.loader == from) {
        return known.method;
      }
    }
    Class<?> type = Class.forName(name, false, from);
    Method m;
    try {
      m = type.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
      m.setAccessible(true);
    } catch (NoSuchMethodException | RuntimeException e) {
      throw new InvalidClassException(name, "its lambdas cannot be rebuilt here: " + e);
    }
    synchronized (DESERIALIZERS) {
      DESERIALIZERS.put(name, new Known(from, m));
    }
    return m;
  }

  private static void writeString(DataOutput out, String s) throws IOException {
    out.writeShort(s.length());
    out.writeChars(s);
  }

  private static String readString(DataInput in) throws IOException {
    char[] chars = new char[in.readUnsignedShort()];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = in.readChar();
    }
    return new String(chars);
  }
}
