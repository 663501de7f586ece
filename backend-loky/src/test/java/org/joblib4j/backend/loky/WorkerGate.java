package org.joblib4j.backend.loky;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A latch across JVMs: a task in a worker JVM {@link #pass passes} the gate by connecting to it
 * over loopback TCP, saying its pid and waiting until the test {@link #open opens} the gate. The
 * test waits for arrivals without polling.
 */
final class WorkerGate implements AutoCloseable {
  private final ServerSocket server;
  private final Semaphore arrived = new Semaphore(0);
  private final List<Long> pids = new ArrayList<>();
  private final List<Socket> waiting = new ArrayList<>();
  private boolean open;

  WorkerGate() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "worker-gate");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** In a worker JVM: arrives at the gate on {@code port} and returns once it is open. */
  static long pass(int port) {
    long pid = ProcessHandle.current().pid();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      new DataOutputStream(s.getOutputStream()).writeLong(pid);
      s.getOutputStream().flush();
      if (s.getInputStream().read() < 0) {
        throw new IllegalStateException("the gate closed without opening");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pid;
  }

  /**
   * Waits until {@code count} tasks in all have arrived; returns the pids of every arrival so far.
   */
  List<Long> awaitArrivals(int count, Duration atMost) throws InterruptedException {
    if (!arrived.tryAcquire(count, atMost.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          count + " tasks did not reach the gate within " + atMost + "; arrived: " + pids());
    }
    arrived.release(count);
    return pids();
  }

  synchronized List<Long> pids() {
    return new ArrayList<>(pids);
  }

  /** Lets every waiting task and every later one through. */
  void open() {
    List<Socket> release;
    synchronized (this) {
      open = true;
      release = new ArrayList<>(waiting);
      waiting.clear();
    }
    release.forEach(WorkerGate::letThrough);
  }

  @Override
  public void close() throws IOException {
    open();
    server.close();
  }

  private void accept() {
    while (true) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      long pid;
      try {
        pid = new DataInputStream(s.getInputStream()).readLong();
      } catch (IOException e) {
        letThrough(s); // not a task of this gate (or it died): close it, keep accepting
        continue;
      }
      boolean through;
      synchronized (this) {
        pids.add(pid);
        through = open;
        if (!through) {
          waiting.add(s);
        }
      }
      if (through) {
        letThrough(s);
      }
      arrived.release();
    }
  }

  private static void letThrough(Socket s) {
    try (s) {
      s.getOutputStream().write(1);
      s.getOutputStream().flush();
    } catch (IOException e) {
      // the task is gone (its worker was killed): nothing to release
    }
  }
}
