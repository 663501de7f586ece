package org.joblib4j.backend.dask;

import static org.joblib4j.Parallel.delayed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;

/**
 * The dask backend against pure-Python Dask, side by side in one run, each on its own local cluster
 * of two single-thread workers (one after the other, never both at once):
 *
 * <ul>
 *   <li>1,000 trivial tasks: Java with auto batching vs Python {@code client.map} + {@code gather};
 *   <li>a single task's round trip: a one-task {@code Parallel} call vs {@code
 *       submit(...).result()};
 *   <li>the first result on a fresh local cluster, cluster start included: from the {@code
 *       Parallel} call (sidecar start, cluster start, plugin, executor JVMs) vs from {@code
 *       LocalCluster(...)}.
 * </ul>
 *
 * <pre>
 * mvn -q -pl backend-dask-bridge -am install -DskipTests
 * mvn -q -pl backend-dask-bridge test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt
 * cd backend-dask-bridge
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) org.joblib4j.backend.dask.DaskBenchmark 3
 * </pre>
 *
 * Arguments: {@code [rounds]} (default 3). Prints a markdown table of medians.
 */
public final class DaskBenchmark {
  private static final Map<String, Object> DEFAULT = Map.of("scheduler", "local:2");

  /**
   * Executor JVMs with the C1 compiler only: less JIT work for short tasks (see
   * docs/performance.md).
   */
  private static final Map<String, Object> C1 =
      Map.of(
          "scheduler",
          "local:2",
          "worker-jvm-options",
          "-XX:+UseSerialGC -Xshare:auto -XX:TieredStopAtLevel=1");

  private DaskBenchmark() {}

  static Object noop(int x) {
    return null;
  }

  /** The three measurements of one configuration. */
  private static final class Series {
    final List<Double> first = new ArrayList<>();
    final List<Double> single = new ArrayList<>();
    final List<Double> thousand = new ArrayList<>();
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Series java = new Series();
    Series javaC1 = new Series();
    Series py = new Series();
    Path script = Files.createTempFile("dask-baseline", ".py");
    Files.writeString(script, PYTHON_BASELINE, StandardCharsets.UTF_8);
    String versions = "";
    for (int r = 0; r < rounds; r++) {
      versions = measureJava(DEFAULT, java);
      measureJava(C1, javaC1);
      // Python: the same measurements, in a fresh interpreter, alone on the machine's cores
      Process p =
          new ProcessBuilder(DaskOptions.DEFAULT_PYTHON, script.toString())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException("the Python baseline failed: " + out);
      }
      Map<String, Object> m = Json.object(out.trim());
      py.first.add(((Number) m.get("first_ms")).doubleValue());
      for (Object v : (List<?>) m.get("single_ms")) {
        py.single.add(((Number) v).doubleValue());
      }
      for (Object v : (List<?>) m.get("map1000_ms")) {
        py.thousand.add(((Number) v).doubleValue());
      }
    }
    Files.deleteIfExists(script);
    System.out.println();
    System.out.println(
        "Machine: "
            + Runtime.getRuntime().availableProcessors()
            + " CPUs ("
            + cpuModel()
            + "), load average before/after: "
            + LOAD_BEFORE
            + " / "
            + load()
            + "; Java "
            + System.getProperty("java.version")
            + ", "
            + versions
            + ", Python "
            + pythonVersion());
    System.out.println(rounds + " rounds; medians (min–max, number of samples)");
    System.out.println();
    System.out.println(
        "| measurement | Java, dask backend (defaults) | Java, executors C1-only | Python, pure Dask | target |");
    System.out.println("|---|---|---|---|---|");
    System.out.println(
        "| 1,000 trivial tasks (Java: auto batching; Python: `client.map` + `gather`) | "
            + fmt(java.thousand, true)
            + " | "
            + fmt(javaC1.thousand, true)
            + " | "
            + fmt(py.thousand, true)
            + " | < 0.2 s |");
    System.out.println(
        "| single-task round trip | "
            + fmt(java.single, false)
            + " | "
            + fmt(javaC1.single, false)
            + " | "
            + fmt(py.single, false)
            + " | ≤ Python's |");
    System.out.println(
        "| first result on a fresh local cluster, cluster start included | "
            + fmt(java.first, true)
            + " | "
            + fmt(javaC1.first, true)
            + " | "
            + fmt(py.first, true)
            + " | < 3 s |");
  }

  /** One round on a fresh local cluster (sidecar and cluster started by the first call). */
  private static String measureJava(Map<String, Object> options, Series s) {
    DaskDistributedBackend.shutdown();
    long t0 = System.nanoTime();
    Parallel.builder()
        .backend("dask", options)
        .build()
        .run(List.of(delayed(DaskBenchmark::noop, 0)));
    s.first.add(ms(t0));
    for (int i = 0; i < 5; i++) {
      Parallel.builder()
          .backend("dask", options)
          .build()
          .run(IntStream.range(0, 1000).mapToObj(k -> delayed(DaskBenchmark::noop, k)));
    }
    for (int i = 0; i < 50; i++) {
      t0 = System.nanoTime();
      Parallel.builder()
          .backend("dask", options)
          .build()
          .run(List.of(delayed(DaskBenchmark::noop, i)));
      s.single.add(ms(t0));
    }
    for (int i = 0; i < 7; i++) {
      t0 = System.nanoTime();
      Parallel.builder()
          .backend("dask", options)
          .build()
          .run(IntStream.range(0, 1000).mapToObj(k -> delayed(DaskBenchmark::noop, k)));
      s.thousand.add(ms(t0));
    }
    String versions = "dask.distributed " + DaskClient.connect(options).daskVersion();
    DaskDistributedBackend.shutdown();
    return versions;
  }

  private static final String LOAD_BEFORE = load();

  private static double ms(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  private static String fmt(List<Double> v, boolean big) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    double med =
        s.size() % 2 == 1
            ? s.get(s.size() / 2)
            : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    String f = big ? "%.3f s" : "%.1f ms";
    double k = big ? 1000 : 1;
    return String.format(f, med / k)
        + " ("
        + String.format(f, s.get(0) / k)
        + "–"
        + String.format(f, s.get(s.size() - 1) / k)
        + ", n="
        + s.size()
        + ")";
  }

  private static String load() {
    try {
      String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return l[0] + " " + l[1] + " " + l[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  private static String pythonVersion() {
    try {
      Process p =
          new ProcessBuilder(DaskOptions.DEFAULT_PYTHON, "--version")
              .redirectErrorStream(true)
              .start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return v.replace("Python ", "");
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }

  /** The same measurements with the official client and nothing else. */
  private static final String PYTHON_BASELINE =
      String.join(
          "\n",
          "import json, time",
          "def noop(x): return None",
          "if __name__ == '__main__':",
          "    t0 = time.perf_counter()",
          "    import logging",
          "    from distributed import Client, LocalCluster",
          "    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host='127.0.0.1',",
          "                           dashboard_address='127.0.0.1:0', silence_logs=logging.ERROR)",
          "    client = Client(cluster, set_as_default=False)",
          "    client.submit(noop, 0, pure=False).result()",
          "    first = (time.perf_counter() - t0) * 1000",
          "    for i in range(5):",
          "        client.gather(client.map(noop, range(1000), pure=False))",
          "    single = []",
          "    for i in range(50):",
          "        t = time.perf_counter(); client.submit(noop, i, pure=False).result(); single.append((time.perf_counter() - t) * 1000)",
          "    map1000 = []",
          "    for i in range(7):",
          "        t = time.perf_counter(); client.gather(client.map(noop, range(1000), pure=False)); map1000.append((time.perf_counter() - t) * 1000)",
          "    print(json.dumps({'first_ms': first, 'single_ms': single, 'map1000_ms': map1000}), flush=True)",
          "    client.close(); cluster.close()",
          "");
}
