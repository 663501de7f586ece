package org.joblib4j.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;

/**
 * A lambda or method reference that captures nothing, as it travels: its serialized form, made once
 * per class in the sender and turned back into an instance once per worker JVM. Such a function has
 * no state, so every instance of its class behaves alike; sending it this way spares each batch the
 * reflective serialization of the lambda and, in the worker, its resolution through {@code
 * $deserializeLambda$}, the largest fixed cost of a small batch.
 */
final class StatelessFunction implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Per class: whether it is stateless, and its serialized form once made. */
  private static final ClassValue<Form> FORMS =
      new ClassValue<>() {
        @Override
        protected Form computeValue(Class<?> type) {
          return new Form(isStateless(type));
        }
      };

  private static final class Form {
    final boolean stateless;
    volatile byte[] bytes;

    Form(boolean stateless) {
      this.stateless = stateless;
    }
  }

  /**
   * Instances already rebuilt in this JVM, by serialized form (bounded, least recently used first
   * out).
   */
  private static final int CACHE_SIZE = 256;

  private static final Map<Key, Object> REBUILT = new LruMap<>(CACHE_SIZE);

  private final byte[] form;

  private StatelessFunction(byte[] form) {
    this.form = form;
  }

  /**
   * The travelling form of an object, if it is a function that captures nothing.
   *
   * @param obj any object being serialized
   * @return the replacement, or {@code null} to serialize the object as it is
   */
  static StatelessFunction of(Object obj) {
    byte[] bytes = formOf(obj);
    return bytes == null ? null : new StatelessFunction(bytes);
  }

  /**
   * The serialized form of a function that captures nothing, made once per class.
   *
   * @param obj any object
   * @return the form, or {@code null} when the object is not such a function
   */
  static byte[] formOf(Object obj) {
    Form form = FORMS.get(obj.getClass());
    if (!form.stateless) {
      return null;
    }
    byte[] bytes = form.bytes;
    if (bytes == null) {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
          objects.writeObject(obj);
        }
        bytes = out.toByteArray();
      } catch (IOException e) {
        return null; // not serializable after all: the normal path reports it
      }
      form.bytes = bytes;
    }
    return bytes;
  }

  /** A serializable lambda class (synthetic) without fields: it captured nothing. */
  static boolean isStateless(Class<?> type) {
    if (!type.isSynthetic()
        || !Serializable.class.isAssignableFrom(type)
        || type.getSuperclass() != Object.class) {
      return false;
    }
    for (Field f : type.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The instance this form stands for, rebuilt once per JVM.
   *
   * @param deserializer reads the form (with the receiving stream's class resolution)
   * @return the function
   * @throws IOException if the form cannot be read
   */
  Object resolve(Deserializer deserializer) throws IOException, ClassNotFoundException {
    return resolve(form, deserializer);
  }

  /**
   * The function a serialized form stands for, rebuilt once per JVM.
   *
   * @param form the form
   * @param deserializer reads the form (with the receiving side's class resolution)
   * @return the function
   * @throws IOException if the form cannot be read
   * @throws ClassNotFoundException if the function's class is missing
   */
  static Object resolve(byte[] form, Deserializer deserializer)
      throws IOException, ClassNotFoundException {
    Key key = new Key(form);
    synchronized (REBUILT) {
      Object known = REBUILT.get(key);
      if (known != null) {
        return known;
      }
    }
    Object rebuilt = deserializer.deserialize(form);
    synchronized (REBUILT) {
      REBUILT.putIfAbsent(key, rebuilt);
    }
    return rebuilt;
  }

  /** Reads a serialized form. */
  @FunctionalInterface
  interface Deserializer {
    Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException;
  }

  /** A byte array compared by content. */
  private static final class Key {
    private final byte[] bytes;
    private final int hash;

    Key(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key && hash == ((Key) o).hash && Arrays.equals(bytes, ((Key) o).bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
