package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;
import static org.joblib4j.backend.dask.DaskTestSupport.local;
import static org.joblib4j.backend.dask.DaskTestSupport.with;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.joblib4j.Parallel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the private local cluster every executor JVM runs on the caller's host as the caller's user,
 * so a primitive array above max_nbytes inside a scattered or shared value travels as its
 * memory-mapped file (as on loky), not through the sidecar and the Dask workers.
 */
@Timeout(120)
class DaskLocalArrayFilesTest {
  static final Map<String, Object> LOCAL = local();

  /** 500 x 400 doubles: 1.6 MB, above the default max_nbytes of 1M. */
  static final int ROWS = 500;

  static final int COLS = 400;

  @TempDir Path temp;

  @BeforeAll
  static void cluster() {
    DaskTestSupport.requireDask();
  }

  /** A data set as an ML library holds one: a matrix and a target inside a record. */
  record Data(double[][] x, double[] y) implements Serializable {}

  static double[][] matrix(int seed) {
    double[][] m = new double[ROWS][COLS];
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < COLS; j++) {
        m[i][j] = seed + i * 0.5 + j * 0.25;
      }
    }
    return m;
  }

  static double rowSum(double[][] m, int i) {
    double s = 0;
    for (double v : m[i]) {
      s += v;
    }
    return s;
  }

  /** The pid of the executor JVM and the identity of the matrix it sees. */
  static String seen(double[][] m, int i) {
    return ProcessHandle.current().pid() + ":" + System.identityHashCode(m) + ":" + rowSum(m, i);
  }

  static double dataRowSum(Data d, int i) {
    return rowSum(d.x(), i) + d.y()[i];
  }

  private List<Path> memmapFolders() {
    try (Stream<Path> s = Files.list(temp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("joblib4j_memmapping_folder_"))
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aScatteredMatrixTravelsAsItsFileOncePerExecutorJvmAndItsFolderGoesWithTheParallel() {
    double[][] m = matrix(1);
    DaskClient c = DaskClient.connect(LOCAL);
    long before = c.scatteredBytes();
    List<String> seen;
    try (Parallel p =
        dask(with(LOCAL, "scatter", List.of((Object) m)))
            .nJobs(2)
            .batchSize(1)
            .tempFolder(temp)
            .build()) {
      seen =
          p.run(IntStream.range(0, 12).mapToObj(i -> delayed(DaskLocalArrayFilesTest::seen, m, i)));
      // the reference went through Dask; the 1.6 MB stayed in the file
      assertThat(c.scatteredBytes() - before).isBetween(1L, 16_000L);
      assertThat(memmapFolders()).hasSize(1);
      // a second call of the same Parallel reuses the scattered file
      p.run(IntStream.range(0, 2).mapToObj(i -> delayed(DaskLocalArrayFilesTest::seen, m, i)));
      assertThat(c.scatteredBytes() - before).isLessThan(16_000L);
    }
    for (int i = 0; i < seen.size(); i++) {
      assertThat(seen.get(i)).endsWith(":" + rowSum(m, i));
    }
    // each executor JVM rebuilt the matrix once, for all of its tasks
    Map<String, List<String>> byPid =
        seen.stream().collect(Collectors.groupingBy(s -> s.substring(0, s.indexOf(':'))));
    byPid
        .values()
        .forEach(l -> assertThat(l.stream().map(s -> s.split(":")[1]).distinct()).hasSize(1));
    assertThat(memmapFolders()).isEmpty();
  }

  @Test
  void aSharedDataSetsMatrixTravelsAsItsFileAndItsFolderGoesWithTheCall() {
    Data d = new Data(matrix(2), new double[ROWS]);
    DaskClient c = DaskClient.connect(LOCAL);
    long before = c.scatteredBytes();
    try (Parallel p = dask(LOCAL).nJobs(2).batchSize(1).tempFolder(temp).build()) {
      List<Double> r =
          p.run(
              IntStream.range(0, 8)
                  .mapToObj(i -> delayed(DaskLocalArrayFilesTest::dataRowSum, d, i)));
      assertThat(r)
          .containsExactlyElementsOf(
              IntStream.range(0, 8).mapToObj(i -> rowSum(d.x(), i)).collect(Collectors.toList()));
      // the data set was shared automatically, its matrix as a file; the call took its folder
      assertThat(c.scatteredBytes() - before).isLessThan(16_000L);
      assertThat(memmapFolders()).isEmpty();
      // the next call of the same Parallel writes the file again, and takes it too
      d.x()[3][0] += 1;
      assertThat(p.run(List.of(delayed(DaskLocalArrayFilesTest::dataRowSum, d, 3))))
          .containsExactly(rowSum(d.x(), 3));
      assertThat(c.scatteredBytes() - before).isLessThan(32_000L);
      assertThat(memmapFolders()).isEmpty();
    }
  }

  @Test
  void withoutMaxNbytesTheMatrixTravelsAsBytes() {
    double[][] m = matrix(3);
    DaskClient c = DaskClient.connect(LOCAL);
    long before = c.scatteredBytes();
    try (Parallel p =
        dask(with(LOCAL, "scatter", List.of((Object) m)))
            .nJobs(2)
            .maxNbytes("none")
            .tempFolder(temp)
            .build()) {
      List<String> seen =
          p.run(IntStream.range(0, 4).mapToObj(i -> delayed(DaskLocalArrayFilesTest::seen, m, i)));
      assertThat(seen.get(3)).endsWith(":" + rowSum(m, 3));
    }
    assertThat(c.scatteredBytes() - before).isGreaterThan((long) ROWS * COLS * 8);
    assertThat(memmapFolders()).isEmpty();
  }
}
