package org.joblib4j.tck.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import org.joblib4j.Parallel;
import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;
import org.joblib4j.Task;

/**
 * What a task sees of its CPUs where it runs, for the tests of the shared CPU budget ({@code
 * joblib4j.cpu-budget}): a static task, so worker JVMs load it from the test classpath.
 */
public final class CpuProbe {
  /** The n_jobs of the call {@link #look()} makes inside its task, above any worker's share. */
  public static final int NESTED_JOBS = 8;

  private CpuProbe() {}

  /**
   * A task: the CPUs of the JVM it runs in, its common pool, whether the budget is on there, and
   * the workers a threading call of {@link #NESTED_JOBS} jobs made inside it gets.
   *
   * @return the values by name
   */
  public static HashMap<String, String> look() {
    HashMap<String, String> seen = new HashMap<>();
    seen.put("pid", Long.toString(ProcessHandle.current().pid()));
    seen.put("cpuCount", Integer.toString(Parallel.cpuCount()));
    seen.put("commonPoolParallelism", Integer.toString(ForkJoinPool.getCommonPoolParallelism()));
    seen.put("budget", String.valueOf(System.getenv("JOBLIB4J_CPU_BUDGET")));
    seen.put(
        "nestedWorkers",
        Integer.toString(workersOf(Parallel.builder().backend("threading").nJobs(NESTED_JOBS))));
    return seen;
  }

  /**
   * Runs a call of two tasks where this runs and returns the workers it used, as its progress
   * listener saw them (1 when it ran in this thread).
   *
   * @param builder the call's settings
   * @return its workers
   */
  public static int workersOf(Parallel.Builder builder) {
    AtomicInteger workers = new AtomicInteger();
    builder
        .progress(
            new ProgressListener() {
              @Override
              public void onStart(ProgressEvent event) {
                workers.set(event.nJobs());
              }
            })
        .build()
        .run(List.<Task<Integer>>of(() -> 0, () -> 1));
    return workers.get();
  }

  /**
   * Checks that every worker JVM kept to a share of the CPUs: its CPU count and common pool are the
   * share, the budget is on in it and a nested call got no more workers than the share.
   *
   * @param seen what {@link #look()} returned in the workers
   * @param share each worker's share
   * @param parentPid the test JVM's pid (no task may have run there)
   */
  public static void assertKeptToShare(List<Map<String, String>> seen, int share, long parentPid) {
    String want = Integer.toString(share);
    assertThat(seen)
        .isNotEmpty()
        .allSatisfy(
            m -> {
              assertThat(m.get("pid")).isNotEqualTo(Long.toString(parentPid));
              assertThat(m.get("cpuCount")).as("Parallel.cpuCount()").isEqualTo(want);
              assertThat(m.get("commonPoolParallelism")).as("common pool").isEqualTo(want);
              assertThat(m.get("budget")).as("JOBLIB4J_CPU_BUDGET").isEqualTo("shared");
              assertThat(m.get("nestedWorkers"))
                  .as("workers of a nested call of n_jobs=%d", NESTED_JOBS)
                  .isEqualTo(Integer.toString(Math.min(share, NESTED_JOBS)));
            });
  }
}
