package org.joblib4j.backend.dask;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serializable;

/**
 * A task argument that was serialized on its own to measure it and turned out small: it travels
 * inline as those bytes (so it is serialized once per call, however many tasks share it) and is
 * rebuilt on the worker.
 */
final class InlineValue implements Serializable {
  private static final long serialVersionUID = 1L;

  private final byte[] bytes;

  InlineValue(byte[] bytes) {
    this.bytes = bytes;
  }

  private Object readResolve() throws ObjectStreamException {
    try {
      return ExecutorMain.readValue(bytes);
    } catch (IOException | ClassNotFoundException e) {
      InvalidObjectException x =
          new InvalidObjectException("could not rebuild a task argument: " + e);
      x.initCause(e);
      throw x;
    }
  }
}
