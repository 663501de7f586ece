package org.joblib4j;

import java.util.Locale;

/**
 * joblib's {@code mmap_mode}, numpy's memmap modes: how a memory-mapped array may be used where it
 * is mapped. A {@link MemmapArray} has its own mode; a call's {@code mmapMode} ({@link
 * Parallel.Builder#mmapMode(MmapMode)}) is the mode of the large arrays it memory-maps itself.
 * {@code null} is joblib's {@code None}.
 */
public enum MmapMode {
  /** {@code "r"}: read only; a write fails ("assignment destination is read-only"). */
  READ_ONLY("r"),
  /** {@code "r+"}: read and write, shared: every process that maps the file sees the writes. */
  READ_WRITE("r+"),
  /**
   * {@code "w+"}: create or overwrite the file, then as {@link #READ_WRITE}. Where the array is
   * mapped again (a worker JVM) it becomes {@link #READ_WRITE}, so its data is not zeroed.
   */
  WRITE("w+"),
  /** {@code "c"}: copy-on-write: writes stay in the mapping that made them, never in the file. */
  COPY_ON_WRITE("c");

  private static final String ACCEPTED =
      "\"r\", \"c\", \"r+\", \"w+\", \"readonly\", \"copyonwrite\", \"readwrite\", \"write\" or null";

  private final String joblibName;

  MmapMode(String joblibName) {
    this.joblibName = joblibName;
  }

  /**
   * Returns joblib's (numpy's) spelling.
   *
   * @return {@code "r"}, {@code "r+"}, {@code "w+"} or {@code "c"}
   */
  public String joblibName() {
    return joblibName;
  }

  /**
   * The mode a worker maps an array of this mode with: {@link #WRITE} becomes {@link #READ_WRITE}
   * (joblib's rule: mapping it again must not zero it), the others stay.
   *
   * @return the mode where the array is mapped again
   */
  public MmapMode whereMappedAgain() {
    return this == WRITE ? READ_WRITE : this;
  }

  /**
   * Parses joblib's spelling ({@code "r"}, {@code "r+"}, {@code "w+"}, {@code "c"}) or numpy's long
   * one ({@code "readonly"}, {@code "readwrite"}, {@code "write"}, {@code "copyonwrite"}), case
   * ignored; {@code null} and {@code "none"} give {@code null} (joblib's {@code None}).
   *
   * @param value the text
   * @return the mode, or {@code null}
   * @throws IllegalArgumentException for anything else, with numpy's message in Java's words
   */
  public static MmapMode parse(String value) {
    if (value == null) {
      return null;
    }
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "none":
        return null;
      case "r":
      case "readonly":
        return READ_ONLY;
      case "r+":
      case "readwrite":
        return READ_WRITE;
      case "w+":
      case "write":
        return WRITE;
      case "c":
      case "copyonwrite":
        return COPY_ON_WRITE;
      default:
        throw new IllegalArgumentException(
            "mmapMode must be one of " + ACCEPTED + ", got: " + value);
    }
  }
}
