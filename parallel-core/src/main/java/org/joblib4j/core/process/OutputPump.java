package org.joblib4j.core.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Copies a worker's stdout or stderr to this JVM's {@code System.out} or {@code System.err} (read
 * at each write, so a redirected stream is honoured), and remembers the last lines for error
 * messages.
 */
final class OutputPump implements Runnable {
  private static final int TAIL_LINES = 20;

  private final InputStream in;
  private final Supplier<PrintStream> out;
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final StringBuilder line = new StringBuilder();

  OutputPump(InputStream in, Supplier<PrintStream> out) {
    this.in = in;
    this.out = out;
  }

  static OutputPump start(InputStream in, Supplier<PrintStream> out, String threadName) {
    OutputPump pump = new OutputPump(in, out);
    Thread t = new Thread(pump, threadName);
    t.setDaemon(true);
    t.start();
    return pump;
  }

  @Override
  public void run() {
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) > 0; ) {
        PrintStream target = out.get();
        target.write(buf, 0, n);
        target.flush();
        remember(buf, n);
      }
    } catch (IOException e) {
      // the worker is gone
    }
  }

  private synchronized void remember(byte[] buf, int n) {
    for (int i = 0; i < n; i++) {
      char c = (char) (buf[i] & 0xff);
      if (c == '\n') {
        tail.addLast(line.toString());
        line.setLength(0);
        if (tail.size() > TAIL_LINES) {
          tail.removeFirst();
        }
      } else if (line.length() < 1000) {
        line.append(c);
      }
    }
  }

  /** The last lines seen, joined. */
  synchronized String tail() {
    StringBuilder s = new StringBuilder();
    tail.forEach(l -> s.append(l).append('\n'));
    if (line.length() > 0) {
      s.append(line).append('\n');
    }
    return s.toString();
  }
}
