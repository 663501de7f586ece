package org.joblib4j.examples.progress;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.joblib4j.ProgressEvent;

/** Progress events for tests, and a stream that collects what a display prints. */
final class Events {
  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  static ProgressEvent at(long millis, long done, long total) {
    return new ProgressEvent("threading", 2, done, done, total, 1, Duration.ofMillis(millis), null);
  }

  static ProgressEvent failedAt(long millis, long done, long total, Throwable error) {
    return new ProgressEvent(
        "threading", 2, done, done, total, 0, Duration.ofMillis(millis), error);
  }

  String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
