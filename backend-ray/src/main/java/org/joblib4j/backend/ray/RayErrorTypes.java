package org.joblib4j.backend.ray;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ray errors that Ray's Java runtime cannot read. A failed object carries its {@code ErrorType}
 * number as metadata; Ray Java 2.58 knows only the older ones and throws {@code
 * IllegalArgumentException("Unrecognized metadata [50, 51]")} for the others: {@code [50, 51]} is
 * the text {@code "23"}, {@code NODE_DIED}, what a driver gets when the node running a task is
 * lost. The deaths among them are handled as a dead worker (retried with {@code max-retries}).
 */
final class RayErrorTypes {
  /** {@code ErrorType} numbers ({@code src/ray/protobuf/common.proto}) of a lost worker. */
  private static final Map<Integer, String> DEATHS =
      Map.of(
          22, "OUT_OF_MEMORY: Ray's memory monitor killed the worker",
          23, "NODE_DIED: the node running it was lost",
          33, "WORKER_STARTUP_FAILED: the worker could not start");

  private static final Pattern UNRECOGNIZED =
      Pattern.compile("Unrecognized metadata \\[([0-9, ]+)]");

  private RayErrorTypes() {}

  /**
   * Names the worker death a failure stands for, or returns null when it is none.
   *
   * @param e what {@code ObjectRef.get} threw
   * @return Ray's error type and what it means, or null
   */
  static String deathOf(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof IllegalArgumentException && c.getMessage() != null) {
        Matcher m = UNRECOGNIZED.matcher(c.getMessage());
        if (m.find()) {
          Integer type = errorType(m.group(1));
          if (type != null && DEATHS.containsKey(type)) {
            return DEATHS.get(type);
          }
        }
      }
    }
    return null;
  }

  /** The metadata bytes, such as {@code 50, 51}, read as the decimal number they spell. */
  private static Integer errorType(String bytes) {
    StringBuilder digits = new StringBuilder();
    for (String b : bytes.split(",")) {
      int v = Integer.parseInt(b.trim());
      if (v < '0' || v > '9') {
        return null;
      }
      digits.append((char) v);
    }
    return digits.length() <= 3 ? Integer.valueOf(digits.toString()) : null;
  }
}
