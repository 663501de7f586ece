package org.joblib4j.process;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * The one frame layout of joblib4j's channels: {@code [int length][byte type][long id][payload]},
 * where length counts type, id and payload. A worker JVM's socket carries it as is ({@link
 * #PLAIN}); a stream that other output could reach (the Dask bridge's pipes to Python) puts a
 * marker before each frame, so a stray write is reported as such instead of being read as a length.
 */
public final class FrameFormat {
  /** A frame longer than this is refused (a Java array cannot hold more). */
  public static final long MAX_FRAME = Integer.MAX_VALUE - 16;

  /** The bytes of a frame before its payload, after the length: type and id. */
  public static final int HEADER = 1 + 8;

  /** Frames without a marker, on a channel of their own. */
  public static final FrameFormat PLAIN = new FrameFormat(false, 0, "the worker channel");

  private final boolean marked;
  private final int marker;
  private final String channel;

  private FrameFormat(boolean marked, int marker, String channel) {
    this.marked = marked;
    this.marker = marker;
    this.channel = channel;
  }

  /**
   * Frames each preceded by a marker.
   *
   * @param marker the four bytes before each frame
   * @param channel the channel's name for errors ("the Dask bridge")
   * @return the format
   */
  public static FrameFormat marked(int marker, String channel) {
    return new FrameFormat(true, marker, channel);
  }

  /**
   * Writes one frame and flushes; the caller holds the stream's lock.
   *
   * @param out the stream
   * @param type the frame's type
   * @param id its id
   * @param parts its payload, in parts written one after the other
   * @throws IOException if the frame is larger than {@link #MAX_FRAME}, or the peer is gone
   */
  public void write(DataOutputStream out, byte type, long id, byte[]... parts) throws IOException {
    long length = HEADER;
    for (byte[] p : parts) {
      length += p.length;
    }
    if (length > MAX_FRAME) {
      throw new IOException("a frame of " + length + " bytes is too large for " + channel);
    }
    if (marked) {
      out.writeInt(marker);
    }
    out.writeInt((int) length);
    out.writeByte(type);
    out.writeLong(id);
    for (byte[] p : parts) {
      out.write(p);
    }
    out.flush();
  }

  /**
   * Waits for the next frame, refusing one longer than {@code maxLength} before allocating it (a
   * peer that is not ours, e.g. a garbage handshake, must not make the reader allocate 2 GiB).
   *
   * @param in the stream
   * @param maxLength the longest frame accepted, header included
   * @return the frame, or {@code null} when the peer closed the stream
   * @throws UnreadFrameException when this JVM has no memory for the frame (it was skipped)
   * @throws IOException on a broken stream, a missing marker or a frame longer than {@code
   *     maxLength}
   */
  public Frame read(DataInputStream in, long maxLength) throws IOException {
    int length;
    try {
      if (marked) {
        int m = in.readInt();
        if (m != marker) {
          throw new IOException(
              "corrupt frame on "
                  + channel
                  + ": expected the marker "
                  + Integer.toHexString(marker)
                  + ", got "
                  + String.format("%08x", m));
        }
      }
      length = in.readInt();
    } catch (EOFException e) {
      return null;
    }
    if (length < HEADER) {
      throw new IOException("corrupt frame on " + channel + ": length " + length);
    }
    if (length > maxLength) {
      throw new IOException(
          "corrupt frame on "
              + channel
              + ": length "
              + length
              + " exceeds the limit of "
              + maxLength
              + " bytes");
    }
    byte type = in.readByte();
    long id = in.readLong();
    byte[] payload;
    try {
      payload = new byte[length - HEADER];
    } catch (OutOfMemoryError e) {
      // a frame this heap cannot hold: skip it, so the stream and its reader live on
      in.skipNBytes(length - HEADER);
      throw new UnreadFrameException(type, id, length - HEADER, e);
    }
    in.readFully(payload);
    return new Frame(type, id, payload);
  }
}
