package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FrameChannelTest {
  /** Reads a 64 MB frame in a JVM of 32 MB heap, then the frame after it; prints what it got. */
  public static final class SmallHeapReader {
    public static void main(String[] args) throws Exception {
      try (ServerSocketChannel server = ServerSocketChannel.open()) {
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept();
        Thread writer =
            new Thread(
                () -> {
                  try {
                    client.write(
                        ByteBuffer.allocate(13)
                            .putInt(FrameFormat.HEADER + (64 << 20))
                            .put(Frame.RESULT)
                            .putLong(42)
                            .flip());
                    ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
                    for (int i = 0; i < 64; i++) {
                      while (zeros.hasRemaining()) {
                        client.write(zeros);
                      }
                      zeros.clear();
                    }
                    new FrameChannel(client).send(new Frame(Frame.IDLE, 7, new byte[] {1}));
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
        writer.start();
        FrameChannel channel = new FrameChannel(accepted);
        try {
          channel.receive();
          System.out.println("read it");
        } catch (UnreadFrameException e) {
          System.out.println("unread " + e.type() + " " + e.id() + " " + e.size());
        }
        Frame next = channel.receive();
        System.out.println("then " + next.type() + " " + next.id());
      }
    }
  }

  @Test
  void aFrameThisHeapCannotHoldIsSkippedAndTheNextOneArrives() throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m",
                "-cp",
                System.getProperty("java.class.path"),
                SmallHeapReader.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).isEqualTo("unread 10 42 67108864\nthen 13 7\n");
    assertThat(p.exitValue()).isZero();
  }

  @Test
  void aFrameLongerThanTheLimitIsRefusedBeforeItIsRead() throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
          SocketChannel accepted = server.accept()) {
        client.write(ByteBuffer.allocate(4).putInt(0, Integer.MAX_VALUE - 16));
        FrameChannel channel = new FrameChannel(accepted);
        assertThatThrownBy(() -> channel.receive(PoolSocket.HANDSHAKE_MAX_FRAME))
            .isInstanceOf(IOException.class)
            .hasMessage(
                "corrupt frame on the worker channel: length 2147483631 exceeds the limit of 4096 bytes");
      }
    }
  }

  @Test
  void aFrameWithinTheLimitArrives() throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
          SocketChannel accepted = server.accept()) {
        new FrameChannel(client).send(new Frame(Frame.HELLO, 7, new byte[] {1, 2}));
        Frame f = new FrameChannel(accepted).receive(PoolSocket.HANDSHAKE_MAX_FRAME);
        assertThat(f.type()).isEqualTo(Frame.HELLO);
        assertThat(f.id()).isEqualTo(7);
        assertThat(f.payload()).containsExactly(1, 2);
      }
    }
  }
}
