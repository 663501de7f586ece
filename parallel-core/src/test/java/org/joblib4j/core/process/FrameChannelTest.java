package org.joblib4j.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

class FrameChannelTest {
  @Test
  void aFrameLongerThanTheLimitIsRefusedBeforeItIsRead() throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
          SocketChannel accepted = server.accept()) {
        client.write(ByteBuffer.allocate(4).putInt(0, Integer.MAX_VALUE - 16));
        FrameChannel channel = new FrameChannel(accepted);
        assertThatThrownBy(() -> channel.receive(WorkerPool.HANDSHAKE_MAX_FRAME))
            .isInstanceOf(IOException.class)
            .hasMessage("corrupt frame: length 2147483631 exceeds the limit of 4096 bytes");
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
        Frame f = new FrameChannel(accepted).receive(WorkerPool.HANDSHAKE_MAX_FRAME);
        assertThat(f.type()).isEqualTo(Frame.HELLO);
        assertThat(f.id()).isEqualTo(7);
        assertThat(f.payload()).containsExactly(1, 2);
      }
    }
  }
}
