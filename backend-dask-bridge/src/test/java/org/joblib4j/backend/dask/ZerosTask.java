package org.joblib4j.backend.dask;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.joblib4j.Task;
import org.joblib4j.tck.SerializedZeros;

/**
 * A task whose serialized form carries {@code count} zero bytes that nobody keeps, and that leaves
 * a file {@code ran-<index>} in its folder when it runs: the batch limit's tests size batches with
 * it and see whether any of it ran.
 */
final class ZerosTask implements Task<Integer>, Serializable {
  private static final long serialVersionUID = 1L;
  private final String dir;
  private final int index;
  private final SerializedZeros payload;

  ZerosTask(String dir, int index, long count) {
    this.dir = dir;
    this.index = index;
    this.payload = new SerializedZeros(count);
  }

  @Override
  public Integer call() throws IOException {
    Files.createFile(Path.of(dir, "ran-" + index));
    return index;
  }
}
