package org.joblib4j.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.ConfigKeys;
import org.joblib4j.MemmapDoubleArray;
import org.joblib4j.MemmapIntArray;
import org.joblib4j.MemmapLongArray;
import org.joblib4j.MmapMode;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfigurationException;
import org.joblib4j.Task;
import org.joblib4j.TaskSerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * joblib's pattern of tasks writing their results into one shared memory-mapped array, and numpy's
 * memmap modes, on a backend whose tasks see the caller's files (threads, worker JVMs of the
 * caller's host). A backend's test extends it and names its backend, as {@link
 * BackendCompatibilityKit}:
 *
 * <pre>{@code
 * class LokyMemmapArrayTest extends MemmapCompatibilityKit {
 *   protected String backendName() { return "loky"; }
 *   protected boolean shipsTasks() { return true; }
 * }
 * }</pre>
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class MemmapCompatibilityKit {
  /** The tasks of a call. */
  protected static final int N = 60;

  /** Where the tests' arrays live. */
  @TempDir protected Path dir;

  /**
   * The backend under test.
   *
   * @return its registered name
   */
  protected abstract String backendName();

  /**
   * Whether tasks are serialized to run elsewhere (a worker JVM, {@code verify}'s round trip): then
   * each task maps the file again, else it uses the caller's own array object.
   *
   * @return false by default (threads)
   */
  protected boolean shipsTasks() {
    return false;
  }

  /**
   * Whether tasks run in worker JVMs, other processes than the caller's.
   *
   * @return false by default (threads, {@code verify})
   */
  protected boolean runsInWorkerJvms() {
    return false;
  }

  /**
   * Parameters for the backend.
   *
   * @return none by default
   */
  protected Map<String, Object> backendParameters() {
    return Map.of();
  }

  /**
   * A builder for the backend under test, two jobs, one task a batch (so that many batches, and
   * every worker, map the array).
   *
   * @return the builder
   */
  protected Parallel.Builder parallel() {
    return Parallel.builder().backend(backendName(), backendParameters()).nJobs(2).batchSize(1);
  }

  /** The value task {@code i} writes. */
  static double valueOf(int i) {
    return i * 0.5 + 1;
  }

  static double[] doublesIn(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.nativeOrder());
    double[] values = new double[b.remaining() / Double.BYTES];
    b.asDoubleBuffer().get(values);
    return values;
  }

  static double[] expected(int n) {
    return IntStream.range(0, n).mapToDouble(MemmapCompatibilityKit::valueOf).toArray();
  }

  /** What the temp folder holds of joblib4j's own memmapping folders. */
  static List<String> memmappingFolders(Path base) throws IOException {
    try (Stream<Path> entries = Files.list(base)) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("joblib4j_memmapping_folder_"))
          .collect(Collectors.toList());
    }
  }

  /** A file of {@link #N} doubles, {@link #expected}. */
  Path filled(String name) throws IOException {
    Path file = dir.resolve(name);
    try (MemmapDoubleArray init = MemmapDoubleArray.create(file, N)) {
      init.copyFrom(expected(N), 0, 0, N);
    }
    return file;
  }

  /** Runs {@code n} tasks made by {@code task} on {@code builder}'s Parallel. */
  static <T> List<T> runEach(Parallel.Builder builder, int n, IntFunction<Task<T>> task) {
    return builder.build().run(IntStream.range(0, n).mapToObj(task));
  }

  /** joblib's documented pattern: tasks write their results into one preallocated array. */
  @Test
  void tasksWriteTheirResultsIntoOneSharedOutputArray(@TempDir Path base) throws IOException {
    Path file = dir.resolve("out.bin");
    long caller = ProcessHandle.current().pid();
    try (MemmapDoubleArray out = MemmapDoubleArray.create(file, N);
        MemmapLongArray who = MemmapLongArray.create(dir.resolve("who.bin"), N)) {
      List<Object> results =
          runEach(
              parallel().tempFolder(base),
              N,
              i ->
                  delayed(
                      () -> {
                        out.set(i, valueOf(i));
                        who.set(i, ProcessHandle.current().pid());
                        return null;
                      }));
      assertThat(results).hasSize(N).containsOnlyNulls();
      // every worker's writes are in the caller's own mapping
      assertThat(out.toArray()).containsExactly(expected(N));
      long[] pids = who.toArray();
      if (runsInWorkerJvms()) {
        assertThat(pids).doesNotContain(caller, 0L);
      } else {
        assertThat(pids).containsOnly(caller);
      }
    }
    assertThat(doublesIn(file)).containsExactly(expected(N));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    // the array travelled as a reference to its file: nothing was written for the call
    assertThat(memmappingFolders(base)).isEmpty();
  }

  @Test
  void aReadWriteArrayOpenedOnAnExistingFileIsSharedToo() throws IOException {
    try (MemmapDoubleArray data = MemmapDoubleArray.open(filled("data.bin"), MmapMode.READ_WRITE)) {
      runEach(
          parallel(),
          N,
          i ->
              delayed(
                  () -> {
                    data.set(i, data.get(i) * 2);
                    return null;
                  }));
      for (int i = 0; i < N; i++) {
        assertThat(data.get(i)).isEqualTo(valueOf(i) * 2);
      }
    }
  }

  @Test
  void aReadOnlyArrayIsReadByEveryTaskAndRefusesAWrite() throws IOException {
    Path file = filled("in.bin");
    try (MemmapDoubleArray in = MemmapDoubleArray.open(file, MmapMode.READ_ONLY)) {
      List<Double> read = runEach(parallel(), N, i -> delayed(() -> in.get(i)));
      assertThat(read)
          .containsExactly(IntStream.range(0, N).mapToObj(i -> valueOf(i)).toArray(Double[]::new));
      assertThatThrownBy(
              () ->
                  runEach(
                      parallel(),
                      2,
                      i ->
                          delayed(
                              () -> {
                                in.set(i, 42);
                                return null;
                              })))
          .isExactlyInstanceOf(UnsupportedOperationException.class)
          .hasMessage(
              "assignment destination is read-only: MemmapDoubleArray["
                  + in.file()
                  + ", mode \"r\", "
                  + N
                  + " values] is mapped in mode \"r\" (open it in mode \"r+\" for writes that"
                  + " every process sees, or \"c\" for writes that stay in each mapping)");
    }
    assertThat(doublesIn(file)).containsExactly(expected(N));
  }

  @Test
  void copyOnWriteKeepsTheTasksWritesOutOfTheFile() throws IOException {
    Path file = filled("in.bin");
    try (MemmapDoubleArray mine = MemmapDoubleArray.open(file, MmapMode.COPY_ON_WRITE)) {
      List<Double> seen =
          runEach(
              parallel(),
              N,
              i ->
                  delayed(
                      () -> {
                        mine.set(i, -1);
                        return mine.get(i);
                      }));
      // a task sees its own write
      assertThat(seen).containsOnly(-1.0);
      if (shipsTasks()) {
        // each worker's mapping is private: the caller's does not see them
        assertThat(mine.toArray()).containsExactly(expected(N));
      } else {
        // threads share the caller's own (private) mapping
        assertThat(mine.toArray()).containsOnly(-1);
      }
    }
    // never the file
    assertThat(doublesIn(file)).containsExactly(expected(N));
  }

  /** An array keeps its own mode, whatever the call's {@code mmapMode}: joblib's rule. */
  @Test
  void anArrayKeepsItsOwnModeWhateverTheCallsMmapMode() throws IOException {
    // the default, and the modes that would change the array if they applied to it
    MmapMode[] calls = {MmapMode.READ_ONLY, MmapMode.COPY_ON_WRITE, null};
    try (MemmapIntArray out = MemmapIntArray.create(dir.resolve("out.bin"), calls.length)) {
      for (int c = 0; c < calls.length; c++) {
        int slot = c;
        List<MmapMode> modes =
            runEach(
                parallel().mmapMode(calls[c]),
                4,
                i ->
                    delayed(
                        () -> {
                          out.set(slot, slot + 1);
                          return out.mode();
                        }));
        // joblib: w+ becomes r+ where the array is mapped again, so it is not zeroed
        assertThat(modes).containsOnly(shipsTasks() ? MmapMode.READ_WRITE : MmapMode.WRITE);
      }
      assertThat(out.toArray()).containsExactly(1, 2, 3);
    }
  }

  /** A task's argument holding arrays. */
  record Job(MemmapDoubleArray out, List<MemmapIntArray> counts, int row) implements Serializable {}

  static Integer fill(Job job) {
    job.out().set(job.row(), valueOf(job.row()));
    for (MemmapIntArray c : job.counts()) {
      c.set(job.row(), c.get(job.row()) + 1);
    }
    return job.row();
  }

  @Test
  void arraysInsideRecordsAndListsReachTheTasks() throws IOException {
    try (MemmapDoubleArray out = MemmapDoubleArray.create(dir.resolve("out.bin"), N);
        MemmapIntArray a = MemmapIntArray.create(dir.resolve("a.bin"), N);
        MemmapIntArray b = MemmapIntArray.create(dir.resolve("b.bin"), N)) {
      List<Integer> rows =
          parallel()
              .build()
              .run(
                  IntStream.range(0, N)
                      .mapToObj(
                          i ->
                              delayed(
                                  MemmapCompatibilityKit::fill, new Job(out, List.of(a, b), i))));
      assertThat(rows).containsExactlyElementsOf(IntStream.range(0, N).boxed().toList());
      assertThat(out.toArray()).containsExactly(expected(N));
      assertThat(a.toArray()).containsOnly(1);
      assertThat(b.toArray()).containsOnly(1);
    }
  }

  @Test
  void anArrayWhoseFileIsGoneFailsTheCallSayingWhy() throws IOException {
    Path file = dir.resolve("out.bin");
    try (MemmapDoubleArray out = MemmapDoubleArray.create(file, N)) {
      Files.delete(file);
      Task<Object> write =
          delayed(
              () -> {
                out.set(0, 1);
                return null;
              });
      if (shipsTasks()) {
        assertThatThrownBy(() -> parallel().build().run(List.of(write, write)))
            .isInstanceOf(TaskSerializationException.class)
            .hasMessageContaining(
                "java.io.InvalidObjectException: The memory-mapped array file "
                    + out.file()
                    + " is not on this machine, or was deleted: a MemmapArray travels as a"
                    + " reference to its file, so it works only where the workers see the caller's"
                    + " files (worker JVMs on the caller's host).");
      } else {
        // the caller's own mapping outlives the file's name, as numpy's does
        assertThat(parallel().build().run(List.of(write, write))).containsOnlyNulls();
        assertThat(out.get(0)).isEqualTo(1);
      }
    }
  }

  @Test
  void aResultIsNeverAMemoryMappedArray() throws IOException {
    try (MemmapDoubleArray out = MemmapDoubleArray.create(dir.resolve("out.bin"), 1)) {
      Task<MemmapDoubleArray> giveBack = delayed(() -> out);
      if (shipsTasks()) {
        assertThatThrownBy(() -> parallel().build().run(List.of(giveBack, giveBack)))
            .isInstanceOf(TaskSerializationException.class)
            .hasMessageContaining(
                "was refused by joblib4j's rule that results and task exceptions never travel as"
                    + " memory-mapped arrays (a task writes into the MemmapArray it was given and"
                    + " returns something else): class org.joblib4j.MemmapReference is not"
                    + " accepted");
      } else {
        assertThat(parallel().build().run(List.of(giveBack, giveBack))).containsOnly(out);
      }
    }
  }

  @Test
  void aBadMmapModeFailsBeforeAnyTaskRuns() {
    assertThatThrownBy(() -> parallel().mmapMode("rw"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "mmapMode must be one of \"r\", \"c\", \"r+\", \"w+\", \"readonly\", \"copyonwrite\","
                + " \"readwrite\", \"write\" or null, got: rw");
    System.setProperty(ConfigKeys.MMAP_MODE, "x");
    try {
      assertThatThrownBy(() -> parallel().build())
          .isExactlyInstanceOf(ParallelConfigurationException.class)
          .hasMessage(
              "Invalid value 'x' for joblib4j.mmap-mode (from system property joblib4j.mmap-mode):"
                  + " must be one of \"r\", \"r+\", \"w+\", \"c\" or \"none\".");
    } finally {
      System.clearProperty(ConfigKeys.MMAP_MODE);
    }
  }
}
