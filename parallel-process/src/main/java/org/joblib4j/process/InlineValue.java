package org.joblib4j.process;

import java.io.Serializable;

/**
 * A task argument that was serialized on its own to measure it and turned out small: it travels as
 * those bytes (so it is serialized once per call, however many tasks use it) and is rebuilt by the
 * worker's stream.
 */
final class InlineValue implements Serializable {
  private static final long serialVersionUID = 1L;

  private final byte[] bytes;

  InlineValue(byte[] bytes) {
    this.bytes = bytes;
  }

  byte[] bytes() {
    return bytes;
  }
}
