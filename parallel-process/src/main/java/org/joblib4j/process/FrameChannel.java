package org.joblib4j.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Length-prefixed frames over a socket (a Unix domain socket between a parent and its worker). Task
 * output never travels here: workers' stdout and stderr are separate pipes. Sending is thread-safe;
 * receiving is done by one reader thread.
 */
public final class FrameChannel implements Closeable {
  /** A frame longer than this is refused (a Java array cannot hold more). */
  static final long MAX_FRAME = FrameFormat.MAX_FRAME;

  /** The longest payload a frame carries. */
  static final long MAX_PAYLOAD = MAX_FRAME - FrameFormat.HEADER;

  private final SocketChannel socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  /**
   * Wraps a connected socket.
   *
   * @param socket the socket
   */
  public FrameChannel(SocketChannel socket) {
    this.socket = socket;
    // not Channels.newInputStream/newOutputStream: those lock the channel's blocking lock, so a
    // pending read would block every write
    this.in =
        new DataInputStream(
            new BufferedInputStream(
                new InputStream() {
                  @Override
                  public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                  }

                  @Override
                  public int read(byte[] b, int off, int len) throws IOException {
                    return socket.read(ByteBuffer.wrap(b, off, len));
                  }
                },
                1 << 16));
    this.out =
        new DataOutputStream(
            new BufferedOutputStream(
                new OutputStream() {
                  @Override
                  public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                  }

                  @Override
                  public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                    while (buf.hasRemaining()) {
                      socket.write(buf);
                    }
                  }
                },
                1 << 16));
  }

  /**
   * Sends a frame.
   *
   * @param frame the frame
   * @throws IOException if the peer is gone
   */
  public void send(Frame frame) throws IOException {
    synchronized (out) {
      FrameFormat.PLAIN.write(out, frame.type(), frame.id(), frame.payload());
    }
  }

  /**
   * Waits for the next frame.
   *
   * @return the frame, or {@code null} when the peer closed the channel
   * @throws IOException on a broken stream
   */
  public Frame receive() throws IOException {
    return receive(MAX_FRAME);
  }

  /**
   * Waits for the next frame, refusing one longer than {@code maxLength} before allocating it (see
   * {@link FrameFormat#read}).
   *
   * @param maxLength the longest frame accepted, header included
   * @return the frame, or {@code null} when the peer closed the channel
   * @throws UnreadFrameException when this JVM has no memory for the frame (it was skipped)
   * @throws IOException on a broken stream or a frame longer than {@code maxLength}
   */
  public Frame receive(long maxLength) throws IOException {
    return FrameFormat.PLAIN.read(in, maxLength);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing on the way out: nothing left to tell the peer
    }
  }
}
