package org.joblib4j.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.joblib4j.spi.ContextPropagator;
import org.joblib4j.spi.TaskContext;
import org.junit.jupiter.api.Test;

/** The rules of the shared CPU budget, on a budget of a given size. */
class CpuBudgetTest {
  private final CpuBudget budget = new CpuBudget(() -> 8);

  @Test
  void aTopLevelCallKeepsItsWorkersAndHoldsEveryFreeCpuUntilItGivesThemBack() {
    CpuBudget.Grant grant = budget.take(2, 1);

    assertThat(grant.workers()).isEqualTo(2);
    assertThat(grant.cpus()).isEqualTo(8);
    assertThat(budget.heldCpus()).isEqualTo(8);
    grant.release();
    assertThat(budget.heldCpus()).isZero();
    grant.release();
    assertThat(budget.heldCpus()).as("a second release gives nothing back twice").isZero();
  }

  @Test
  void eachTaskGetsItsWorkersShareOrWithFewerTasksThanWorkersTheTasksShare() {
    CpuBudget.Grant grant = budget.take(2, 1);

    assertThat(grant.taskShare(2, 100)).isEqualTo(4);
    assertThat(grant.taskShare(2, -1)).as("an input of unknown size").isEqualTo(4);
    assertThat(grant.taskShare(2, 1)).as("one task may use every CPU").isEqualTo(8);
    assertThat(grant.taskShare(3, 100)).as("rounded down").isEqualTo(2);
    assertThat(grant.taskShare(16, 100)).as("never below one").isEqualTo(1);
    grant.release();
  }

  @Test
  void aSecondTopLevelCallGetsWhatTheFirstLeftButAtLeastOneCpuPerWorker() {
    CpuBudget.Grant first = budget.take(2, 1);
    CpuBudget.Grant second = budget.take(3, 1);

    assertThat(second.workers()).as("top-level n_jobs is the caller's, as in joblib").isEqualTo(3);
    assertThat(second.cpus()).isEqualTo(3);
    assertThat(second.taskShare(3, 100)).isEqualTo(1);
    assertThat(budget.heldCpus()).isEqualTo(11);
    first.release();
    CpuBudget.Grant third = budget.take(1, 1);
    assertThat(third.cpus()).as("what the second call does not hold").isEqualTo(5);
    second.release();
    third.release();
    assertThat(budget.heldCpus()).isZero();
  }

  @Test
  void anExplicitThreadLimitPerWorkerIsHeldInFull() {
    CpuBudget.Grant grant = budget.take(3, 4);

    assertThat(grant.cpus()).isEqualTo(12);
    grant.release();
    assertThat(budget.heldCpus()).isZero();
  }

  @Test
  void aCallInsideATaskGetsAtMostTheTasksShareAndHoldsNothingMore() {
    CpuBudget.Grant outer = budget.take(2, 1);
    try (CpuBudget.TaskScope task = CpuBudget.enterTask(outer.taskShare(2, 10))) {
      CpuBudget.Grant all = budget.take(8, 1);
      assertThat(all.workers()).as("n_jobs=-1 inside a task of share 4").isEqualTo(4);
      assertThat(all.cpus()).isEqualTo(4);
      assertThat(all.taskShare(4, 100)).isEqualTo(1);
      all.release();

      CpuBudget.Grant two = budget.take(2, 1);
      assertThat(two.workers()).isEqualTo(2);
      assertThat(two.taskShare(2, 100)).as("its tasks split the share again").isEqualTo(2);
      two.release();
      assertThat(budget.heldCpus()).as("nested calls draw on their task's share").isEqualTo(8);
    }
    outer.release();
    assertThat(budget.heldCpus()).isZero();
  }

  @Test
  void aShareOfOneLeavesANestedCallOneWorker() {
    try (CpuBudget.TaskScope task = CpuBudget.enterTask(1)) {
      assertThat(budget.take(8, 1).workers()).isEqualTo(1);
    }
  }

  @Test
  void aTaskScopePutsThePreviousShareBackAndNullLeavesTheThreadAlone() {
    try (CpuBudget.TaskScope outer = CpuBudget.enterTask(4)) {
      try (CpuBudget.TaskScope inner = CpuBudget.enterTask(2)) {
        assertThat(budget.take(8, 1).workers()).isEqualTo(2);
      }
      try (CpuBudget.TaskScope none = CpuBudget.enterTask(null)) {
        assertThat(budget.take(8, 1).workers()).isEqualTo(4);
      }
      assertThat(budget.take(8, 1).workers()).isEqualTo(4);
    }
    CpuBudget.Grant topLevel = budget.take(8, 1);
    assertThat(topLevel.cpus()).as("outside tasks again").isEqualTo(8);
    topLevel.release();
  }

  @Test
  void theShareTravelsWithTheCallersContextToAnotherThread() throws Exception {
    assertThat(new CpuShareCarrier().capture()).as("no budgeted call is starting").isNull();
    TaskContext context = CpuBudget.captureWithShare(3, TaskContext::capture);
    assertThat(new CpuShareCarrier().capture()).as("only while capturing").isNull();

    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<int[]> workers =
          pool.submit(
              () -> {
                int inside;
                try (ContextPropagator.Restored restored = context.restore()) {
                  inside = budget.take(8, 1).workers();
                }
                CpuBudget.Grant after = budget.take(8, 1);
                after.release();
                return new int[] {inside, after.workers(), after.cpus()};
              });
      assertThat(workers.get(10, TimeUnit.SECONDS)).containsExactly(3, 8, 8);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentCallsGiveBackExactlyWhatTheyHeld() throws Exception {
    int threads = 8;
    CyclicBarrier together = new CyclicBarrier(threads);
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        calls.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    together.await(10, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  for (int i = 0; i < 1_000; i++) {
                    budget.take(1 + i % 3, 1).release();
                  }
                },
                pool));
      }
      CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(budget.heldCpus()).isZero();
  }
}
