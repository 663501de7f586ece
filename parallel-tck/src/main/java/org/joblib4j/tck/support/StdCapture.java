package org.joblib4j.tck.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Swaps {@code System.out} and {@code System.err} for buffers; {@link #close()} restores them. */
public final class StdCapture implements AutoCloseable {
  private final PrintStream originalOut = System.out;
  private final PrintStream originalErr = System.err;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private StdCapture() {
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /**
   * Starts capturing.
   *
   * @return the capture; close it to restore the streams
   */
  public static StdCapture start() {
    return new StdCapture();
  }

  /**
   * Returns what was printed to {@code System.out} so far.
   *
   * @return the text
   */
  public String out() {
    System.out.flush();
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  /**
   * Returns what was printed to {@code System.err} so far.
   *
   * @return the text
   */
  public String err() {
    System.err.flush();
    synchronized (err) {
      return err.toString(StandardCharsets.UTF_8);
    }
  }

  /**
   * Splits captured text into its non-empty lines.
   *
   * @param text the text
   * @return the lines, without terminators
   */
  public static List<String> lines(String text) {
    return Arrays.stream(text.split("\\R")).filter(l -> !l.isEmpty()).collect(Collectors.toList());
  }

  @Override
  public void close() {
    System.setOut(originalOut);
    System.setErr(originalErr);
  }
}
