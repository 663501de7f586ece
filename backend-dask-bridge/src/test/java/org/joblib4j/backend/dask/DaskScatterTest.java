package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;
import static org.joblib4j.backend.dask.DaskTestSupport.local;
import static org.joblib4j.backend.dask.DaskTestSupport.with;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Explicit and automatic scatter. */
@SuppressWarnings("try") // scopes held open for their effect
@Timeout(120)
class DaskScatterTest {
  static final Map<String, Object> LOCAL = local();

  @BeforeAll
  static void cluster() {
    DaskTestSupport.requireDask();
  }

  /** Counts how often the test JVM serializes it. */
  static final class Counted implements Serializable {
    private static final long serialVersionUID = 1L;
    static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();
    final String name;
    final int value;

    Counted(String name, int value) {
      this.name = name;
      this.value = value;
    }

    int count() {
      return COUNTS.computeIfAbsent(name, k -> new AtomicInteger()).get();
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      COUNTS.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      out.defaultWriteObject();
    }
  }

  static int add3(Counted a, Counted b, Counted c) {
    return a.value + b.value + c.value;
  }

  /** The distinct scattered blobs the scheduler has seen so far. */
  static Set<String> blobKeys() {
    @SuppressWarnings("unchecked")
    List<String> keys = (List<String>) DaskClient.connect(LOCAL).schedulerState().get("log_keys");
    return keys.stream().filter(k -> k.startsWith("jblob-")).collect(Collectors.toSet());
  }

  // joblib: test_dask.py::test_manual_scatter
  @Test
  void scatteredObjectsAreSerializedOnce() {
    String id = UUID.randomUUID().toString();
    Counted w = new Counted("w" + id, 1);
    Counted x = new Counted("x" + id, 10);
    Counted y = new Counted("y" + id, 100);
    Counted z = new Counted("z" + id, 1000);
    List<Task<Integer>> tasks = new ArrayList<>();
    Counted[][] args = {
      {w, x, y}, {x, y, z}, {y, z, w}, {z, w, x}, {w, w, w}, {x, x, x}, {y, y, y}, {w, x, z},
      {x, z, y}, {z, y, w}, {w, y, x}, {y, x, w}, {x, w, y}
    };
    List<Integer> expected = new ArrayList<>();
    for (Counted[] a : args) {
      tasks.add(delayed(DaskScatterTest::add3, a[0], a[1], a[2]));
      expected.add(a[0].value + a[1].value + a[2].value);
    }
    try (ParallelConfig.Scope s =
        ParallelConfig.builder().backend("dask", with(LOCAL, "scatter", List.of(w, x, y))).open()) {
      assertThat(Parallel.builder().batchSize(1).build().run(tasks)).isEqualTo(expected);
    }
    // once each, at scatter time (as client.scatter(obj, broadcast=True) then submit)
    assertThat(w.count()).isEqualTo(1);
    assertThat(x.count()).isEqualTo(1);
    assertThat(y.count()).isEqualTo(1);
    // z travels with the tasks, yet no more often than once per task
    assertThat(z.count()).isBetween(1, 13);
  }

  @Test
  void scatterMustBeAList() {
    assertThatThrownBy(
            () ->
                ParallelConfig.builder().backend("dask", with(LOCAL, "scatter", 1)).open().close())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scatter must be a list/tuple, got `Integer`");
    assertThatThrownBy(() -> dask(with(LOCAL, "scatter", 1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scatter must be a list/tuple, got `Integer`");
  }

  static int noop(byte[] a, byte[] b, int i) {
    return a.length + b.length + i;
  }

  /** The scheduler's key for a blob of this content. */
  static String blobKey(Object value) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return "jblob-" + BatchEncoder.sha256(bytes.toByteArray()).substring(0, 32) + "-";
  }

  static boolean seen(Set<String> keys, String prefix) {
    return keys.stream().anyMatch(k -> k.startsWith(prefix));
  }

  // joblib: test_dask.py::test_auto_scatter, test_dask.py::test_no_undesired_distributed_cache_hit
  @Test
  void largeArgumentsAreScatteredOnceSmallOnesNot() throws IOException {
    Map<String, Object> opts = with(LOCAL, "auto-scatter-threshold", 1000);
    DaskClient c = DaskClient.connect(LOCAL);
    byte[] data1 = new byte[10_000];
    byte[] data2 = new byte[10_000];
    data2[0] = 1; // distinct content
    long before = c.scatterCount();
    List<Integer> r =
        dask(opts)
            .batchSize(1)
            .build()
            .run(
                IntStream.range(0, 6)
                    .mapToObj(
                        i ->
                            delayed(
                                DaskScatterTest::noop,
                                i % 2 == 0 ? data1 : data2,
                                i % 2 == 0 ? data1 : data2,
                                i)));
    assertThat(r).containsExactly(20_000, 20_001, 20_002, 20_003, 20_004, 20_005);
    // each array broadcast once for its three tasks, and the scheduler saw both
    assertThat(c.scatterCount() - before).isEqualTo(2);
    Set<String> keys = blobKeys();
    assertThat(seen(keys, blobKey(data1))).isTrue();
    assertThat(seen(keys, blobKey(data2))).isTrue();

    byte[] small = new byte[3];
    long mid = c.scatterCount();
    dask(opts)
        .batchSize(1)
        .build()
        .run(IntStream.range(0, 5).mapToObj(i -> delayed(DaskScatterTest::noop, small, small, i)));
    assertThat(c.scatterCount()).isEqualTo(mid);
    assertThat(seen(blobKeys(), blobKey(small))).isFalse();
  }

  static List<String> appendUuid(List<String> list, double[] big) {
    list.add(UUID.randomUUID().toString());
    return list;
  }

  @Test
  void noMutationLeaksBackAndNoUndesiredCacheHit() throws IOException {
    Map<String, Object> opts = with(LOCAL, "auto-scatter-threshold", 1000);
    List<List<String>> lists =
        IntStream.range(0, 100).mapToObj(i -> new ArrayList<String>()).collect(Collectors.toList());
    DaskClient c = DaskClient.connect(LOCAL);
    long before = c.scatterCount();
    List<List<String>> r =
        dask(opts)
            .build()
            .run(lists.stream().map(l -> delayed(DaskScatterTest::appendUuid, l, (double[]) null)));
    assertThat(r).allSatisfy(l -> assertThat(l).hasSize(1));
    assertThat(r.stream().map(l -> l.get(0)).distinct()).hasSize(100);
    assertThat(c.scatterCount()).isEqualTo(before);

    double[] big = new double[1_000_000];
    // as bytes, so the array is auto-scattered (on this local cluster it would otherwise travel as
    // its memory-mapped file: DaskLocalArrayFilesTest)
    r =
        dask(opts)
            .maxNbytes("none")
            .build()
            .run(lists.stream().map(l -> delayed(DaskScatterTest::appendUuid, l, big)));
    assertThat(r).allSatisfy(l -> assertThat(l).hasSize(1));
    assertThat(lists).allSatisfy(l -> assertThat(l).isEmpty());
    assertThat(c.scatterCount()).isGreaterThan(before);
    assertThat(seen(blobKeys(), blobKey(big))).isTrue();
  }

  static double sum(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s;
  }

  @Test
  void aCapturedLargeArrayIsScatteredAndReleasedAfterTheCall() {
    double[] big = new double[2_000_000];
    java.util.Arrays.fill(big, 1.0);
    DaskClient c = DaskClient.connect(LOCAL);
    List<Double> r =
        dask(LOCAL)
            .batchSize(1)
            .build()
            .run(IntStream.range(0, 8).mapToObj(i -> (Task<Double>) () -> sum(big) + i));
    assertThat(r)
        .containsExactly(2e6, 2e6 + 1, 2e6 + 2, 2e6 + 3, 2e6 + 4, 2e6 + 5, 2e6 + 6, 2e6 + 7);
    // released when the call ends
    assertThat(c.scatteredNow()).isZero();
  }

  /** A data set as an ML library holds one: a large matrix and a small vector. */
  record DataSet(double[][] x, double[] weights) implements Serializable {}

  static double rowSum(DataSet d, int row) {
    double s = 0;
    for (double v : d.x()[row]) {
      s += v * d.weights()[0];
    }
    return s;
  }

  // the mission page's grid search: scatter=[X, y], and every task takes a data-set object that
  // holds X; the object must travel as a small inline value that refers to the scattered X, not
  // as a second copy of X (found when a 6 MB object was broadcast again on every call)
  @Test
  void aScatteredMatrixInsideATaskArgumentTravelsOnlyAsTheScatteredValue() {
    double[][] x = new double[400][1000];
    for (int i = 0; i < x.length; i++) {
      java.util.Arrays.fill(x[i], i);
    }
    DataSet data = new DataSet(x, new double[] {2.0});
    DaskClient c = DaskClient.connect(LOCAL);
    for (int call = 0; call < 2; call++) {
      long before = c.scatterCount();
      try (Parallel p = dask(with(LOCAL, "scatter", List.of((Object) x))).batchSize(1).build()) {
        List<Double> r =
            p.run(IntStream.range(0, 8).mapToObj(i -> delayed(DaskScatterTest::rowSum, data, i)));
        assertThat(r)
            .containsExactly(0.0, 2000.0, 4000.0, 6000.0, 8000.0, 10000.0, 12000.0, 14000.0);
      }
      // x once, when the Parallel starts; the data set object is no blob of its own
      assertThat(c.scatterCount() - before).as("call %d", call).isEqualTo(1);
    }
    assertThat(c.scatteredNow()).isZero();
  }
}
