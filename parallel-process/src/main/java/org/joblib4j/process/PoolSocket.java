package org.joblib4j.process;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool's private Unix socket and the workers' handshake: each connection is read on a thread of
 * its own, so a client that connects and sends nothing cannot keep other workers from joining; a
 * connection whose first frame is not a hello with a starting worker's token within the start
 * timeout is closed without a word.
 */
final class PoolSocket implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PoolSocket.class);

  /** A worker's hello carries only its token: anything longer is not a worker of this pool. */
  static final long HANDSHAKE_MAX_FRAME = 4096;

  /** What the pool does with a connection that greeted it. */
  interface Joiner {
    /**
     * Takes a connection whose hello carried a token.
     *
     * @param token the token
     * @param channel the connection
     * @return the worker it belongs to, now ready, or {@code null} to refuse it
     */
    PooledWorker join(String token, FrameChannel channel);

    /**
     * Serves a worker that joined, on its connection's thread, until its channel closes.
     *
     * @param worker the worker
     */
    void serve(PooledWorker worker);
  }

  private final Path path;
  private final Duration handshakeTimeout;
  private final Joiner joiner;
  private final ServerSocketChannel server;

  /**
   * Binds the socket and starts accepting.
   *
   * @param path where the socket goes (in a folder only this user can enter)
   * @param handshakeTimeout how long a connection may take to say hello
   * @param joiner the pool
   * @throws IOException if the socket cannot be bound
   */
  PoolSocket(Path path, Duration handshakeTimeout, Joiner joiner) throws IOException {
    this.path = path;
    this.handshakeTimeout = handshakeTimeout;
    this.joiner = joiner;
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    Thread acceptor = new Thread(this::accept, "joblib4j-pool-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The socket's path. */
  Path path() {
    return path;
  }

  private void accept() {
    while (true) {
      SocketChannel socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return; // closed
      } catch (RuntimeException | OutOfMemoryError e) {
        LOG.warn("The worker pool could not accept a connection: {}", e.toString());
        continue;
      }
      try {
        Thread t = new Thread(() -> handshake(socket), "joblib4j-pool-handshake");
        t.setDaemon(true);
        t.start();
      } catch (RuntimeException | OutOfMemoryError e) { // no thread for it: the worker is refused
        LOG.warn("The worker pool could not read a connection's handshake: {}", e.toString());
        close(socket);
      }
    }
  }

  /** Reads a connection's hello (closed if none comes in time), then serves its worker. */
  private void handshake(SocketChannel socket) {
    FrameChannel channel = new FrameChannel(socket);
    AtomicBoolean greeted = new AtomicBoolean();
    CompletableFuture.delayedExecutor(handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              if (greeted.compareAndSet(false, true)) {
                channel.close(); // silent: not a worker of this pool
              }
            });
    PooledWorker w;
    try {
      Frame hello = channel.receive(HANDSHAKE_MAX_FRAME);
      if (!greeted.compareAndSet(false, true) || hello == null || hello.type() != Frame.HELLO) {
        channel.close();
        return;
      }
      w = joiner.join(new String(hello.payload(), StandardCharsets.UTF_8), channel);
      if (w == null) {
        channel.close();
        return;
      }
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      LOG.debug("A worker's handshake failed", e); // not a worker of this pool: dropped
      channel.close();
      return;
    }
    Thread.currentThread().setName("joblib4j-worker-" + w.pid() + "-reader");
    joiner.serve(w);
  }

  private static void close(SocketChannel socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // refused anyway
    }
  }

  /** Stops accepting; connected workers keep their channels. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
