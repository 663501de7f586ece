package org.joblib4j.benchmarks;

import static org.joblib4j.Parallel.delayed;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Task;

/**
 * How the cluster backends' dispatch cost grows with the cluster and the task count, on a machine
 * with few cores: many single-thread workers (a private local Dask cluster of {@code local:N}, or
 * the embedded Ray head declaring N CPUs) run tasks that only sleep, so the cores are left to the
 * dispatch path (scheduler, sidecar or driver, workers, executor JVMs). For each task count it
 * prints the wall time against the ideal (tasks x sleep / workers), the tasks per second, the
 * dispatch overhead per task, and the CPU time every process spent per task, with auto batching and
 * with {@code batch_size=1} (one cluster task per task).
 *
 * <pre>
 * java -cp benchmarks/target/joblib4j-benchmarks.jar org.joblib4j.benchmarks.ScalingBenchmark dask 32
 * java -cp benchmarks/target/joblib4j-benchmarks.jar:$RAY_DIST_JAR org.joblib4j.benchmarks.ScalingBenchmark ray 32
 * </pre>
 *
 * Arguments: backend, workers, then optionally the sleep in ms (default 20) and the task counts
 * (default 320,1280,5120).
 */
public final class ScalingBenchmark {
  private ScalingBenchmark() {}

  /** One task: sleeps (its whole work), so a worker is busy without using a core. */
  static int sleep(int millis, int i) throws InterruptedException {
    Thread.sleep(millis);
    return i;
  }

  public static void main(String[] args) {
    if (args.length < 2
        || !(args[0].equals("dask") || args[0].equals("ray"))
        || !args[1].matches("[1-9][0-9]*")
        || args.length > 2 && !args[2].matches("[1-9][0-9]*")
        || args.length > 3 && !args[3].matches("[1-9][0-9]*(,[1-9][0-9]*)*")) {
      System.err.println(
          "usage: ScalingBenchmark dask|ray WORKERS [SLEEP_MS [TASKS,TASKS,...]]"
              + "  (positive whole numbers; for example: ScalingBenchmark dask 32 20 320,1280)");
      System.exit(2);
    }
    String backend = args[0];
    int workers = Integer.parseInt(args[1]);
    int sleepMs = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int[] counts =
        args.length > 3
            ? Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray()
            : new int[] {320, 1280, 5120};
    Map<String, Object> options =
        backend.equals("dask")
            ? Map.of("scheduler", "local:" + workers)
            : Map.of("head-cpus", Integer.toString(workers));
    System.out.printf(
        Locale.ROOT,
        "%s, %d single-thread workers, tasks sleep %d ms; %d CPUs, JDK %s%n",
        backend,
        workers,
        sleepMs,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    System.out.println(
        "| batching | tasks | wall | ideal | tasks/s | overhead per task | CPU per task: caller"
            + " | CPU per task: cluster | of which |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for (Integer batch : new Integer[] {null, 1}) {
      Parallel.Builder b = Parallel.builder().backend(backend, options).nJobs(-1);
      if (batch != null) {
        b.batchSize(batch);
      }
      try (Parallel p = b.build()) {
        warmUp(p, workers);
        for (int n : counts) {
          row(p, batch == null ? "auto" : "1", sleepMs, workers, n);
        }
      }
    }
    System.exit(0);
  }

  /** One warm-up task: holds its worker a while and says which process it ran in. */
  static long hold(int millis) throws InterruptedException {
    Thread.sleep(millis);
    return ProcessHandle.current().pid();
  }

  /**
   * Runs calls until every worker's JVM has run a task: Ray starts its Java workers a few at a time
   * (at most as many at once as the node has real cores), so with 32 declared CPUs on 2 cores the
   * first calls would measure worker start-up, not dispatch.
   */
  private static void warmUp(Parallel p, int workers) {
    java.util.Set<Long> seen = new java.util.HashSet<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (seen.size() < workers && System.nanoTime() < deadline) {
      seen.addAll(
          p.run(
              IntStream.range(0, 2 * workers)
                  .mapToObj(i -> delayed(ScalingBenchmark::hold, 200))
                  .collect(java.util.stream.Collectors.toList())));
    }
    System.out.printf(Locale.ROOT, "(warm: %d worker processes ran tasks)%n", seen.size());
  }

  private static List<Task<Integer>> tasks(int sleepMs, int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> delayed(ScalingBenchmark::sleep, sleepMs, i))
        .collect(java.util.stream.Collectors.toList());
  }

  private static void row(Parallel p, String batching, int sleepMs, int workers, int n) {
    List<Task<Integer>> tasks = tasks(sleepMs, n);
    long[] walls = new long[3];
    long callerCpu = 0;
    Map<String, Long> byKind = new java.util.TreeMap<>();
    for (int r = 0; r < walls.length; r++) {
      long caller0 = callerCpuNanos();
      Map<String, Long> kinds0 = cpuByKind();
      long t0 = System.nanoTime();
      List<Integer> out = p.run(tasks);
      walls[r] = System.nanoTime() - t0;
      callerCpu += callerCpuNanos() - caller0;
      cpuByKind().forEach((k, v) -> byKind.merge(k, v - kinds0.getOrDefault(k, 0L), Long::sum));
      if (out.size() != n || out.get(n - 1) != n - 1) {
        throw new AssertionError("wrong results");
      }
    }
    long clusterCpu = byKind.values().stream().mapToLong(Long::longValue).sum();
    Arrays.sort(walls);
    double wall = walls[1] / 1e9;
    double ideal = Math.ceil((double) n / workers) * sleepMs / 1e3;
    System.out.printf(
        Locale.ROOT,
        "| %s | %,d | %.2f s | %.2f s | %,.0f | %.2f ms | %.2f ms | %.2f ms | %s |%n",
        batching,
        n,
        wall,
        ideal,
        n / wall,
        Math.max(0, wall - ideal) * 1e3 / n,
        callerCpu / 1e6 / walls.length / n,
        clusterCpu / 1e6 / walls.length / n,
        kinds(byKind, walls.length * (long) n));
  }

  /** The CPU time so far of this JVM's descendants, by what they are. */
  private static Map<String, Long> cpuByKind() {
    Map<String, Long> out = new java.util.HashMap<>();
    ProcessHandle.current()
        .descendants()
        .forEach(
            h ->
                h.info()
                    .totalCpuDuration()
                    .ifPresent(
                        d ->
                            out.merge(
                                kind(h.info().commandLine().orElse("")), d.toNanos(), Long::sum)));
    return out;
  }

  /** What a process of the cluster is, from its command line. */
  static String kind(String cmd) {
    // by the program first: the raylet's own command line names the Java worker's main class
    String program = cmd.split(" ", 2)[0];
    if (program.endsWith("/raylet")) {
      return "raylet";
    } else if (program.endsWith("/gcs_server")) {
      return "gcs";
    } else if (cmd.contains("joblib4j's Dask sidecar")) {
      return "sidecar + scheduler";
    } else if (cmd.contains("multiprocessing.spawn")) {
      return "dask workers";
    } else if (cmd.contains("ExecutorMain")) {
      return "executor JVMs";
    } else if (program.endsWith("java") && cmd.contains("io.ray.runtime")) {
      return "ray java workers";
    }
    return "other";
  }

  private static String kinds(Map<String, Long> byKind, long tasks) {
    StringBuilder s = new StringBuilder();
    byKind.forEach(
        (k, v) -> {
          if (v / 1e6 / tasks >= 0.01) {
            s.append(s.length() == 0 ? "" : ", ")
                .append(k)
                .append(String.format(Locale.ROOT, " %.2f", v / 1e6 / tasks));
          }
        });
    return s.toString();
  }

  /** This JVM's CPU time so far. */
  private static long callerCpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }
}
