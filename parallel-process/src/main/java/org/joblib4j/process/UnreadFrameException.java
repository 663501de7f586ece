package org.joblib4j.process;

import java.io.IOException;

/**
 * A frame this JVM had no memory for: its payload was skipped, so the channel stays in step and the
 * frames after it can still be read; the reader fails only what the frame answered.
 */
public final class UnreadFrameException extends IOException {
  private static final long serialVersionUID = 1L;

  private final byte type;
  private final long id;
  private final long size;

  UnreadFrameException(byte type, long id, long size, OutOfMemoryError cause) {
    super("no memory for a frame of " + size + " bytes: " + cause, cause);
    this.type = type;
    this.id = id;
    this.size = size;
  }

  /**
   * The frame's type.
   *
   * @return the type
   */
  public byte type() {
    return type;
  }

  /**
   * The frame's id.
   *
   * @return the id
   */
  public long id() {
    return id;
  }

  /**
   * The payload's size.
   *
   * @return the size in bytes
   */
  public long size() {
    return size;
  }
}
