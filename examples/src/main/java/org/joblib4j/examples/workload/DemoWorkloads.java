package org.joblib4j.examples.workload;

import java.util.List;
import org.joblib4j.examples.gridsearch.GridSearchSize;

/** The demo's three workloads, at the default size or at {@code --small}. */
public final class DemoWorkloads {
  private DemoWorkloads() {}

  /**
   * Creates the workloads.
   *
   * @param small true for the small sizes
   * @param backend the backend the parallel runs use (the grid search scatters its data there)
   * @return the CPU-bound, the I/O-bound and the grid search workload
   */
  public static List<Workload<?>> create(boolean small, String backend) {
    if (small) {
      return List.of(
          new PrimeCounting(200_000, 16),
          new SimulatedRequests(16, 5, 15, 11L),
          new GridSearchWorkload(GridSearchSize.SMALL, backend));
    }
    return List.of(
        new PrimeCounting(5_000_000, 40),
        new SimulatedRequests(40, 20, 60, 11L),
        new GridSearchWorkload(GridSearchSize.DEMO, backend));
  }
}
