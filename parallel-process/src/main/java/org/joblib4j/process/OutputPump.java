package org.joblib4j.process;

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

  /** The banner of a JVM crash, which HotSpot prints to stdout whatever its flags say. */
  private static final byte[] CRASH_BANNER =
      "A fatal error has been detected by the Java Runtime Environment"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final InputStream in;
  private Supplier<PrintStream> out;
  private final Supplier<PrintStream> crashOut;
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final StringBuilder line = new StringBuilder();

  OutputPump(InputStream in, Supplier<PrintStream> out, Supplier<PrintStream> crashOut) {
    this.in = in;
    this.out = out;
    this.crashOut = crashOut;
  }

  static OutputPump start(InputStream in, Supplier<PrintStream> out, String threadName) {
    return start(in, out, out, threadName);
  }

  /**
   * Starts a pump whose output switches to {@code crashOut} from a JVM crash banner on (a crash
   * report belongs with the worker's stderr).
   */
  static OutputPump start(
      InputStream in,
      Supplier<PrintStream> out,
      Supplier<PrintStream> crashOut,
      String threadName) {
    OutputPump pump = new OutputPump(in, out, crashOut);
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
        if (out != crashOut && contains(buf, n, CRASH_BANNER)) {
          out = crashOut;
        }
        PrintStream target = out.get();
        target.write(buf, 0, n);
        target.flush();
        remember(buf, n);
      }
    } catch (IOException e) {
      // the worker is gone
    }
  }

  private static boolean contains(byte[] buf, int n, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= n; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (buf[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
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
