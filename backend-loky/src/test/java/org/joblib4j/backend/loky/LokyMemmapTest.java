package org.joblib4j.backend.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.joblib4j.backend.loky.LokyTestSupport.loky;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.ParallelTimeoutException;
import org.joblib4j.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large arrays (joblib's auto-memmapping, B10/D25): written once per call to a private folder in
 * the temp folder, which is gone when the call ends, also after an error or a timeout kill.
 */
class LokyMemmapTest {
  static final String PREFIX = "joblib4j_memmapping_folder_";

  /** 10 MiB of doubles. */
  static final int LENGTH = 10 * 1024 * 1024 / Double.BYTES;

  @BeforeAll
  static void warmPool() {
    LokyTestSupport.warm(2);
  }

  static double[] bigArray() {
    double[] a = new double[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      a[i] = i * 0.5;
    }
    return a;
  }

  /** What a task saw of the temp folder, and what it read from the array. */
  record Seen(
      List<String> folders,
      List<String> permissions,
      List<Long> fileSizes,
      int length,
      double value)
      implements Serializable {}

  static Seen inspect(String base, double[] data, int i) {
    List<String> folders = new ArrayList<>();
    List<String> permissions = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of(base))) {
      for (Path f :
          entries
              .filter(p -> p.getFileName().toString().startsWith(PREFIX))
              .collect(Collectors.toList())) {
        folders.add(f.getFileName().toString());
        permissions.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        try (Stream<Path> files = Files.list(f)) {
          for (Path file : files.collect(Collectors.toList())) {
            sizes.add(Files.size(file));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Seen(
        folders, permissions, sizes, data.length, data[i * 1000] + data[data.length - 1 - i]);
  }

  static Seen inspectOrFail(String base, double[] data, int i) {
    Seen seen = inspect(base, data, i);
    if (i == 7) {
      throw new IllegalStateException("task 7 failed; it saw " + seen.folders());
    }
    return seen;
  }

  static Seen inspectThenSpin(String base, String markers, double[] data, int i) {
    Seen seen = inspect(base, data, i);
    LokyTestSupport.writePid(markers);
    try {
      Files.writeString(
          Path.of(markers, "seen-" + i), String.join(",", seen.folders()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LokyTestSupport.spinForever();
    return seen;
  }

  static double expected(int i) {
    return i * 1000 * 0.5 + (LENGTH - 1 - i) * 0.5;
  }

  static List<String> leftovers(Path base) throws IOException {
    try (Stream<Path> entries = Files.list(base)) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(PREFIX))
          .collect(Collectors.toList());
    }
  }

  @Test
  void aLargeCapturedArrayIsWrittenOnceToAPrivateFolderThatGoesWithTheCall(@TempDir Path base)
      throws IOException {
    double[] big = bigArray();
    String dir = base.toString();
    List<Task<Seen>> tasks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int index = i;
      tasks.add(() -> inspect(dir, big, index));
    }
    List<Seen> seen = loky(2).maxNbytes("1M").tempFolder(base).build().run(tasks);
    assertThat(seen).hasSize(20);
    for (int i = 0; i < 20; i++) {
      Seen s = seen.get(i);
      assertThat(s.length()).isEqualTo(LENGTH);
      assertThat(s.value()).isEqualTo(expected(i));
      // one folder for the call, mode 0700, holding the array once
      assertThat(s.folders()).hasSize(1);
      assertThat(s.permissions()).containsExactly("rwx------");
      assertThat(s.fileSizes()).containsExactly((long) LENGTH * Double.BYTES);
    }
    assertThat(seen.stream().map(Seen::folders).distinct()).hasSize(1);
    assertThat(leftovers(base)).isEmpty();
  }

  @Test
  void eachCallGetsItsOwnFolder(@TempDir Path base) throws IOException {
    double[] big = bigArray();
    String dir = base.toString();
    List<String> folders = new ArrayList<>();
    for (int call = 0; call < 2; call++) {
      List<Seen> seen =
          loky(2)
              .maxNbytes("1M")
              .tempFolder(base)
              .build()
              .run(IntStream.range(0, 4).mapToObj(i -> (Task<Seen>) () -> inspect(dir, big, i)));
      folders.addAll(seen.get(0).folders());
      assertThat(leftovers(base)).isEmpty();
    }
    assertThat(folders).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void theFolderIsRemovedAfterATaskError(@TempDir Path base) throws IOException {
    double[] big = bigArray();
    String dir = base.toString();
    Throwable e =
        catchThrowable(
            () ->
                loky(2)
                    .maxNbytes("1M")
                    .tempFolder(base)
                    .build()
                    .run(
                        IntStream.range(0, 20)
                            .mapToObj(i -> (Task<Seen>) () -> inspectOrFail(dir, big, i))));
    assertThat(e)
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessageContaining("task 7 failed; it saw [" + PREFIX);
    assertThat(leftovers(base)).isEmpty();
  }

  @Test
  void theFolderIsRemovedAfterATimeoutKill(@TempDir Path base, @TempDir Path markers)
      throws IOException {
    double[] big = bigArray();
    String dir = base.toString();
    String marks = markers.toString();
    Throwable e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                catchThrowable(
                    () ->
                        loky(2)
                            .batchSize(1)
                            .maxNbytes("1M")
                            .tempFolder(base)
                            .timeout(Duration.ofSeconds(5))
                            .build()
                            .run(
                                IntStream.range(0, 2)
                                    .mapToObj(
                                        i ->
                                            (Task<Seen>)
                                                () -> inspectThenSpin(dir, marks, big, i)))));
    assertThat(e).isInstanceOf(ParallelTimeoutException.class);
    assertThat(Files.readString(markers.resolve("seen-0"))).startsWith(PREFIX);
    assertThat(leftovers(base)).isEmpty();
    LokyTestSupport.awaitAllDead(LokyTestSupport.pidFiles(marks), Duration.ofSeconds(10));
  }

  @Test
  void withMaxNbytesNoneNothingIsWritten(@TempDir Path base) throws IOException {
    double[] big = bigArray();
    String dir = base.toString();
    List<Seen> seen =
        loky(2)
            .maxNbytes("none")
            .tempFolder(base)
            .build()
            .run(IntStream.range(0, 6).mapToObj(i -> (Task<Seen>) () -> inspect(dir, big, i)));
    for (int i = 0; i < 6; i++) {
      assertThat(seen.get(i).folders()).isEmpty();
      assertThat(seen.get(i).value()).isEqualTo(expected(i));
    }
    assertThat(leftovers(base)).isEmpty();
  }

  @Test
  void smallArraysAreNotWritten(@TempDir Path base) throws IOException {
    double[] small = new double[1000];
    String dir = base.toString();
    List<Seen> seen =
        loky(2)
            .maxNbytes("1M")
            .tempFolder(base)
            .build()
            .run(IntStream.range(0, 4).mapToObj(i -> (Task<Seen>) () -> inspect(dir, small, 0)));
    assertThat(seen).allSatisfy(s -> assertThat(s.folders()).isEmpty());
    assertThat(leftovers(base)).isEmpty();
  }

  /** A data set with nested arrays, as a model-fitting task would get it. */
  record Data(double[][] x, List<int[][]> ragged) implements Serializable {}

  static double[][] matrix() {
    double[][] x = new double[1600][480];
    for (int r = 0; r < x.length; r++) {
      for (int c = 0; c < x[r].length; c++) {
        x[r][c] = r * 0.25 + c;
      }
    }
    return x;
  }

  static int[][] ragged() {
    int[][] a = new int[700][];
    for (int r = 0; r < a.length; r++) {
      a[r] = new int[r + 1];
      a[r][r] = r;
    }
    return a;
  }

  record SeenNested(List<Long> fileSizes, double x, int ragged, int rows) implements Serializable {}

  static SeenNested inspectNested(String base, Data data, int i) {
    Seen seen = inspect(base, new double[1], 0);
    int[][] r = data.ragged().get(0);
    return new SeenNested(
        seen.fileSizes(),
        data.x()[i][i] + data.x()[1599][479],
        r[i][i] + r[699].length,
        data.x().length);
  }

  @Test
  void nestedArraysInsideRecordsAndListsAreWrittenOnceAndReadBackAsJavaArrays(@TempDir Path base)
      throws IOException {
    Data data = new Data(matrix(), java.util.Collections.singletonList(ragged()));
    String dir = base.toString();
    List<SeenNested> seen =
        loky(2)
            .maxNbytes("1M")
            .tempFolder(base)
            .build()
            .run(
                IntStream.range(0, 16)
                    .mapToObj(i -> (Task<SeenNested>) () -> inspectNested(dir, data, i)));
    long raggedBytes = 700L * 701 / 2 * Integer.BYTES;
    for (int i = 0; i < 16; i++) {
      SeenNested s = seen.get(i);
      assertThat(s.x()).isEqualTo(i * 0.25 + i + 1599 * 0.25 + 479);
      assertThat(s.ragged()).isEqualTo(i + 700);
      assertThat(s.rows()).isEqualTo(1600);
      // the 2-D matrix (6 MB) once; the ragged int[][] (0.98 MB) is under the threshold
      assertThat(s.fileSizes()).containsExactly(1600L * 480 * Double.BYTES);
    }
    assertThat(raggedBytes).isLessThan(1024 * 1024);
    assertThat(leftovers(base)).isEmpty();
  }

  @Test
  void aRaggedNestedArrayOverTheThresholdIsWrittenWithItsShape(@TempDir Path base)
      throws IOException {
    int[][] big = new int[1200][];
    for (int r = 0; r < big.length; r++) {
      big[r] = new int[r + 1];
      big[r][r] = r;
    }
    String dir = base.toString();
    List<Seen> seen =
        loky(2)
            .maxNbytes("1M")
            .tempFolder(base)
            .build()
            .run(
                IntStream.range(0, 6)
                    .mapToObj(
                        i ->
                            (Task<Seen>)
                                () -> inspect(dir, new double[] {big[i][i], big[1199].length}, 0)));
    for (int i = 0; i < 6; i++) {
      assertThat(seen.get(i).value()).isEqualTo(i + 1200);
      assertThat(seen.get(i).fileSizes()).containsExactly(1200L * 1201 / 2 * Integer.BYTES);
    }
    assertThat(leftovers(base)).isEmpty();
  }
}
