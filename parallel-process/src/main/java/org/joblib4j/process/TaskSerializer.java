package org.joblib4j.process;

import java.io.IOException;

/**
 * How tasks, batches and results are turned into bytes for a worker JVM. The default is Java
 * serialization ({@link JavaTaskSerializer}); a backend may plug another (Kryo, ...).
 */
public interface TaskSerializer {

  /**
   * Serializes an object graph.
   *
   * @param value the object
   * @return its bytes
   * @throws IOException if part of the graph cannot be serialized
   */
  byte[] serialize(Object value) throws IOException;

  /**
   * Rebuilds an object graph.
   *
   * @param bytes the bytes
   * @return the object
   * @throws IOException if the bytes are corrupt or a class's {@code readObject} fails
   * @throws ClassNotFoundException if a class is missing
   */
  Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException;
}
