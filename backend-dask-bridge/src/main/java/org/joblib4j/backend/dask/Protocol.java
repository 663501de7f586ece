package org.joblib4j.backend.dask;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.joblib4j.process.Frame;
import org.joblib4j.process.FrameFormat;

/**
 * The bridge's framing and message codes, shared with {@code jbridge_core.py}: {@code uint32 marker
 * | uint32 length | uint8 op | int64 id | payload}, big endian, where length counts op, id and
 * payload. The marker and the length cap turn bytes that are not a frame (something else wrote to
 * the channel) into a clear error instead of a read that waits forever for a garbage length.
 */
final class Protocol {
  // client protocol: Java -> Python
  static final int HELLO = 1;
  static final int SUBMIT = 2;
  static final int SCATTER = 3;
  static final int RELEASE = 4;
  static final int CANCEL = 5;
  static final int INFO = 6;
  static final int STATS = 7;
  static final int STATE = 8;
  static final int SECEDE = 9;
  static final int REJOIN = 10;
  static final int SHUTDOWN = 11;
  static final int PROBE = 12;
  // client protocol: Python -> Java
  static final int WELCOME = 32;
  static final int RESULT = 33;
  static final int TASK_ERROR = 34;
  static final int INFRA_ERROR = 35;
  static final int CANCELLED = 36;
  static final int REPLY = 38;
  static final int REPLY_ERROR = 39;
  static final int CLOSED = 40;
  static final int REJOINED = 41;
  // executor hop: Dask worker -> executor JVM
  static final int EXEC = 64;
  static final int PUT_BLOB = 65;
  static final int DROP_BLOB = 66;
  static final int CANCEL_EXEC = 67;
  static final int EXIT = 68;
  // executor hop: executor JVM -> Dask worker
  static final int READY = 80;
  static final int OK = 81;
  static final int ERR = 82;
  static final int CANCELLED_EXEC = 83;
  static final int IDLE = 84;

  /** Starts every frame: {@code "JB4J"}. */
  static final int MARKER = 0x4A42344A;

  /** The longest frame (op, id and payload): the largest byte array a JVM can allocate. */
  static final long MAX_LENGTH = FrameFormat.MAX_FRAME;

  private static final int HEADER = FrameFormat.HEADER;

  /** The toolkit's frames, each after the marker (the pipes to Python also carry its output). */
  private static final FrameFormat FORMAT = FrameFormat.marked(MARKER, "the Dask bridge");

  /**
   * Room in a {@code SUBMIT} frame for what precedes the batch: its blob references (at most 65535
   * of 32 bytes), its key and the Dask submit options.
   */
  private static final long SUBMIT_HEAD_ROOM = 4L << 20;

  /** The largest serialized batch: what a {@code SUBMIT} frame carries besides its head. */
  static final long MAX_BATCH = MAX_LENGTH - HEADER - SUBMIT_HEAD_ROOM;

  private Protocol() {}

  /**
   * Writes a frame; the caller holds the stream's lock.
   *
   * @param out the stream
   * @param op the code
   * @param id the id
   * @param parts the payload, in pieces
   * @throws IOException if the frame is too large or the peer is gone
   */
  static void write(DataOutputStream out, int op, long id, byte[]... parts) throws IOException {
    FORMAT.write(out, (byte) op, id, parts);
  }

  /**
   * Reads a frame.
   *
   * @param in the stream
   * @return the frame, or {@code null} at end of stream
   * @throws IOException on a broken stream
   */
  static Frame read(DataInputStream in) throws IOException {
    return FORMAT.read(in, MAX_LENGTH);
  }
}
