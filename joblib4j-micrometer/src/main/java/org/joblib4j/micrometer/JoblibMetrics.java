package org.joblib4j.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.atomic.AtomicLong;
import org.joblib4j.observation.ObservedBatch;
import org.joblib4j.observation.ObservedCall;
import org.joblib4j.observation.ObservedCallEnd;
import org.joblib4j.observation.ObservedWorker;
import org.joblib4j.observation.ObservedWorkerBatch;
import org.joblib4j.observation.Observers;
import org.joblib4j.observation.ParallelObserver;

/**
 * joblib4j's meters, bound to a registry:
 *
 * <table>
 *   <caption>meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code joblib4j.calls}</td><td>timer</td><td>backend, outcome</td><td>calls and their duration</td></tr>
 *   <tr><td>{@code joblib4j.tasks.completed}</td><td>counter</td><td>backend</td><td>tasks that returned</td></tr>
 *   <tr><td>{@code joblib4j.tasks.failed}</td><td>counter</td><td>backend</td><td>tasks that failed</td></tr>
 *   <tr><td>{@code joblib4j.batches}</td><td>timer</td><td>backend, outcome (success, failure, cancelled)</td><td>batches, dispatch to results</td></tr>
 *   <tr><td>{@code joblib4j.batch.queue.wait}</td><td>timer</td><td></td><td>a worker JVM batch's wait for a worker</td></tr>
 *   <tr><td>{@code joblib4j.tasks.in.flight}</td><td>gauge</td><td></td><td>tasks dispatched and not yet done</td></tr>
 *   <tr><td>{@code joblib4j.workers.live}</td><td>gauge</td><td></td><td>worker JVMs up (loky, multiprocessing)</td></tr>
 *   <tr><td>{@code joblib4j.worker.starts}</td><td>counter</td><td></td><td>worker JVMs started</td></tr>
 *   <tr><td>{@code joblib4j.worker.exits}</td><td>counter</td><td>cause</td><td>worker JVMs ended: retired, killed, died, failed to start</td></tr>
 * </table>
 *
 * <pre>{@code
 * JoblibMetrics metrics = new JoblibMetrics();
 * metrics.bindTo(registry);   // from now on, every call of this JVM is measured
 * ...
 * metrics.close();            // stops measuring
 * }</pre>
 */
public final class JoblibMetrics implements MeterBinder, AutoCloseable {
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong liveWorkers = new AtomicLong();
  private Observers.Registration registration;

  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    if (registration != null) {
      throw new IllegalStateException(
          "JoblibMetrics is already bound to a registry: create one per registry");
    }
    Gauge.builder("joblib4j.tasks.in.flight", inFlight, AtomicLong::get)
        .description("Tasks dispatched to a backend and not yet done")
        .baseUnit("tasks")
        .register(registry);
    Gauge.builder("joblib4j.workers.live", liveWorkers, AtomicLong::get)
        .description("Worker JVMs up (loky, multiprocessing)")
        .baseUnit("workers")
        .register(registry);
    registration = Observers.register(new Meters(registry));
  }

  /** Stops measuring: the meters stay in the registry with their last values. */
  @Override
  public synchronized void close() {
    if (registration != null) {
      registration.close();
      registration = null;
    }
  }

  private final class Meters implements ParallelObserver {
    private final MeterRegistry registry;

    Meters(MeterRegistry registry) {
      this.registry = registry;
    }

    @Override
    public void callFinished(ObservedCallEnd end) {
      Timer.builder("joblib4j.calls")
          .description("Parallel calls, start to end")
          .tags(
              Tags.of(
                  "backend",
                  end.call().backend(),
                  "outcome",
                  end.succeeded() ? "success" : "failure"))
          .register(registry)
          .record(end.duration());
    }

    @Override
    public void batchDispatched(ObservedCall call, long firstTask, int tasks) {
      inFlight.addAndGet(tasks);
    }

    @Override
    public void batchCompleted(ObservedBatch batch) {
      ended(batch, "success");
    }

    @Override
    public void batchFailed(ObservedBatch batch) {
      // a batch stopped because its call had already failed has no failure of its own
      ended(batch, batch.failedTasks() > 0 ? "failure" : "cancelled");
    }

    private void ended(ObservedBatch batch, String outcome) {
      inFlight.addAndGet(-batch.tasks());
      String backend = batch.call().backend();
      Timer.builder("joblib4j.batches")
          .description("Batches, from their dispatch to their results")
          .tags(Tags.of("backend", backend, "outcome", outcome))
          .register(registry)
          .record(batch.duration());
      // a failed batch stops at its failing task: only that one is counted
      int completed = batch.failure() == null ? batch.tasks() - batch.failedTasks() : 0;
      if (completed > 0) {
        counter(
                "joblib4j.tasks.completed",
                "Tasks that returned a value",
                Tags.of("backend", backend))
            .increment(completed);
      }
      if (batch.failedTasks() > 0) {
        counter("joblib4j.tasks.failed", "Tasks that threw", Tags.of("backend", backend))
            .increment(batch.failedTasks());
      }
    }

    @Override
    public void workerBatch(ObservedWorkerBatch batch) {
      Timer.builder("joblib4j.batch.queue.wait")
          .description(
              "A worker JVM batch's wait, from its submission to the pool until a worker took it")
          .register(registry)
          .record(batch.queueWait());
    }

    @Override
    public void workerStarted(ObservedWorker worker) {
      liveWorkers.incrementAndGet();
      counter("joblib4j.worker.starts", "Worker JVMs started", Tags.empty()).increment();
    }

    @Override
    public void workerLost(ObservedWorker worker) {
      if (!"failed to start".equals(worker.cause())) {
        liveWorkers.updateAndGet(n -> Math.max(0, n - 1));
      }
      counter("joblib4j.worker.exits", "Worker JVMs that ended", Tags.of("cause", worker.cause()))
          .increment();
    }

    private Counter counter(String name, String description, Tags tags) {
      return Counter.builder(name)
          .description(description)
          .baseUnit(name.contains("worker") ? "workers" : "tasks")
          .tags(tags)
          .register(registry);
    }
  }
}
