package org.joblib4j.backend.dask;

import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serializable;

/**
 * Stands for a scattered object inside a serialized task: only its SHA-256 travels with the task;
 * on the worker it is replaced by the object itself, deserialized once per executor JVM from the
 * blob Dask delivered with the task.
 */
final class ScatterRef implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String sha;

  ScatterRef(String sha) {
    this.sha = sha;
  }

  String sha() {
    return sha;
  }

  private Object readResolve() throws ObjectStreamException {
    Object value = ExecutorMain.resolveBlob(sha);
    if (value == null) {
      throw new InvalidObjectException(
          "The scattered object "
              + sha.substring(0, 16)
              + " is not available in this JVM (scattered objects are"
              + " resolved only in the dask backend's executor JVMs).");
    }
    return value == ExecutorMain.NULL ? null : value;
  }

  @Override
  public String toString() {
    return "Scattered[" + sha.substring(0, 16) + "]";
  }
}
