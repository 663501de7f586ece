package org.joblib4j.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.joblib4j.Backends;
import org.joblib4j.Parallel;

/**
 * The Java side of the comparison: raw {@code ExecutorService}, parallel streams, a plain loop and
 * every joblib4j backend installed here, each with {@code NoOpTasks.THREADS} workers. Holds the one
 * {@code Parallel} that a "reused" row keeps open; close it at the end.
 */
final class JavaContenders implements AutoCloseable {
  static final String EXECUTOR = "java-executor";
  static final String STREAM = "java-parallel-stream";
  static final String LOOP = "java-loop";
  static final String PY_LOOP = "python-sequential";

  private final List<JavaContender> contenders = new ArrayList<>();
  private final Map<String, String> notRun = new LinkedHashMap<>();
  private final List<AutoCloseable> open = new ArrayList<>();

  private JavaContenders() {}

  /**
   * Lists the implementations.
   *
   * @param o the settings (I/O-bound sizes)
   * @return them, the baseline first
   */
  static JavaContenders open(ComparisonOptions o) {
    JavaContenders c = new JavaContenders();
    int threads = NoOpTasks.THREADS;
    c.contenders.add(
        new JavaContender(
            EXECUTOR,
            "Java `Executors.newFixedThreadPool("
                + threads
                + ")`, fresh pool per call ("
                + o.ioJobs()
                + " threads for I/O)",
            n -> () -> NoOpTasks.executorFresh(n),
            cpu -> cpu::executorFresh,
            n -> () -> IoTasks.executorFresh(o.ioJobs(), n, o.ioMillis()),
            null,
            null));
    c.contenders.add(
        new JavaContender(
            STREAM,
            "Java parallel stream (common fork-join pool, parallelism "
                + ForkJoinPool.getCommonPoolParallelism()
                + " + the caller)",
            n -> () -> NoOpTasks.parallelStream(n),
            cpu -> cpu::parallelStream,
            null,
            null,
            "the common pool is sized for CPU work, not for blocking waits"));
    c.contenders.add(loop(LOOP));
    List<String> installed = Backends.available();
    c.joblib4j(installed, "sequential", "", 1, o, "runs the waits one after another");
    c.joblib4j(installed, "threading", "", threads, o, null);
    String processes =
        String.format(Locale.ROOT, "%d workers would be %d worker JVMs", o.ioJobs(), o.ioJobs());
    c.joblib4j(installed, "loky", "", threads, o, processes);
    c.joblib4j(installed, "multiprocessing", ", fresh `Parallel` per call", threads, o, processes);
    c.multiprocessingReused(installed, processes);
    String dask = daskMissing(installed);
    if (dask == null) {
      c.joblib4j(
          installed,
          "dask",
          " (private local cluster)",
          threads,
          o,
          "a local cluster's workers" + " are single-thread processes");
      c.daskReused();
    } else {
      c.notRun.put("dask", dask);
    }
    return c;
  }

  private void joblib4j(
      List<String> installed,
      String backend,
      String how,
      int nJobs,
      ComparisonOptions o,
      String ioSkipped) {
    if (!installed.contains(backend)) {
      notRun.put(backend, "not installed (not on the class path)");
      return;
    }
    contenders.add(fresh(backend, how, nJobs, o, ioSkipped));
  }

  private static JavaContender fresh(
      String backend, String how, int nJobs, ComparisonOptions o, String ioSkipped) {
    Parallel.Builder b = Parallel.builder().backend(backend).nJobs(nJobs);
    Parallel.Builder io = Parallel.builder().backend(backend).nJobs(o.ioJobs());
    return new JavaContender(
        id(backend),
        label(backend) + ", nJobs " + nJobs + how,
        n -> () -> NoOpTasks.joblib4jFresh(b, n),
        cpu -> () -> cpu.joblib4jFresh(b),
        ioSkipped == null ? n -> () -> IoTasks.joblib4jFresh(io, n, o.ioMillis()) : null,
        grid -> () -> grid.joblib4jFresh(backend, nJobs),
        ioSkipped);
  }

  /**
   * The plain loop that a speed-up divides by.
   *
   * @param id its {@link Measurement#implementation()}
   * @return the contender, CPU-bound only
   */
  static JavaContender loop(String id) {
    return new JavaContender(
        id,
        "Java plain loop in the caller thread (the Java speed-up's reference)",
        null,
        cpu -> cpu::sequential,
        null,
        grid -> grid::sequential,
        "the reference for the speed-ups only");
  }

  /**
   * The {@code ray} row, for {@link RayComparison}'s child JVM.
   *
   * @param o the settings
   * @return the contender
   */
  static JavaContender ray(ComparisonOptions o) {
    return fresh(
        "ray",
        " (embedded head on 127.0.0.1, a child JVM)",
        NoOpTasks.THREADS,
        o,
        "Ray's Java workers are processes");
  }

  private void multiprocessingReused(List<String> installed, String ioSkipped) {
    if (!installed.contains("multiprocessing")) {
      return;
    }
    // runs are interleaved with the other rows', so the default 1 s idle timeout would let the
    // workers exit between two runs: the reused row keeps them, as a try block in use would
    Parallel p =
        Parallel.builder()
            .backend("multiprocessing", Map.of("idle-worker-timeout", "600s"))
            .nJobs(NoOpTasks.THREADS)
            .build();
    open.add(p);
    contenders.add(
        new JavaContender(
            id("multiprocessing") + "-reused",
            label("multiprocessing")
                + ", nJobs "
                + NoOpTasks.THREADS
                + ", one `Parallel` reused (idle-worker-timeout 600 s)",
            n -> () -> NoOpTasks.joblib4jReused(p, n),
            cpu -> () -> cpu.joblib4jReused(p),
            null,
            grid -> () -> grid.joblib4jReused("multiprocessing, reused", p),
            ioSkipped));
  }

  /**
   * The grid search on one {@code Parallel} with {@code scatter=[X, y]} kept open across fits (one
   * per data size), as a {@code ParallelConfig} scope around several fits would hold it: X and y
   * travel once, not once per fit.
   */
  private void daskReused() {
    Map<GridSearchCase, Parallel> perCase = new ConcurrentHashMap<>();
    contenders.add(
        new JavaContender(
            id("dask") + "-reused",
            label("dask")
                + ", nJobs "
                + NoOpTasks.THREADS
                + " (private local cluster), one `Parallel` with scatter=[X, y] reused",
            null,
            null,
            null,
            grid -> {
              Parallel p =
                  perCase.computeIfAbsent(
                      grid,
                      g -> {
                        Parallel q = g.openScattered("dask", NoOpTasks.THREADS);
                        open.add(q);
                        return q;
                      });
              return () -> grid.joblib4jReused("dask, reused", p);
            },
            "the grid search only: this Parallel holds the grid's scattered X and y"));
  }

  /** Why the dask backend cannot run here, or {@code null} if it can. */
  private static String daskMissing(List<String> installed) {
    if (!installed.contains("dask")) {
      return "backend-dask-bridge is not on the class path";
    }
    try {
      Process p =
          new ProcessBuilder("/usr/bin/python3", "-c", "import distributed")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return null;
      }
      p.destroyForcibly();
      return "`/usr/bin/python3 -c 'import distributed'` fails (apt-get install python3-distributed)";
    } catch (IOException e) {
      return "no /usr/bin/python3";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  static String id(String backend) {
    return "joblib4j-" + backend;
  }

  static String label(String backend) {
    return "joblib4j `" + backend + "`";
  }

  List<JavaContender> all() {
    return contenders;
  }

  /**
   * Returns the backends that are not installed here or cannot run, and why.
   *
   * @return reasons by backend name
   */
  Map<String, String> notRun() {
    return notRun;
  }

  @Override
  public void close() {
    IllegalStateException failure = null;
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        if (failure == null) {
          failure = new IllegalStateException("closing a contender failed: " + e, e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
