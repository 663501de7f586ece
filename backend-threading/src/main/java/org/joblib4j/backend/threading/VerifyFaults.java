package org.joblib4j.backend.threading;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.joblib4j.WorkerTerminatedException;
import org.joblib4j.spi.BackendContext;
import org.joblib4j.spi.Batch;

/**
 * The faults {@code verify} injects, as worker JVMs and clusters have them: a random start delay
 * per batch (so batches finish out of input order) and batches whose "worker" dies.
 */
final class VerifyFaults {
  static final List<String> OPTIONS = List.of("delay", "worker-death-rate", "seed");

  private final Duration delay;
  private final double deathRate;
  private final Random random;

  private VerifyFaults(Duration delay, double deathRate, long seed) {
    this.delay = delay;
    this.deathRate = deathRate;
    this.random = new Random(seed);
  }

  static VerifyFaults from(BackendContext context) {
    context.rejectUnknown(OPTIONS);
    Duration delay = context.getDuration("delay", Duration.ZERO);
    double rate = context.getDouble("worker-death-rate", 0.0);
    if (!(rate >= 0.0 && rate <= 1.0)) {
      throw context.invalidValue("worker-death-rate", "a probability from 0 to 1");
    }
    return new VerifyFaults(delay, rate, context.getLong("seed", System.nanoTime()));
  }

  /** How long the batch waits before it runs: uniform in [0, delay). */
  synchronized long delayNanos() {
    long max = delay.toNanos();
    return max <= 0 ? 0 : (long) (random.nextDouble() * max);
  }

  /** The death of the batch's worker, or {@code null} when it lives. */
  synchronized WorkerTerminatedException death(Batch batch) {
    if (deathRate == 0.0 || random.nextDouble() >= deathRate) {
      return null;
    }
    return new WorkerTerminatedException(
        "A worker process managed by the executor was unexpectedly terminated (simulated by the verify backend,"
            + " worker-death-rate="
            + deathRate
            + ", while it ran tasks "
            + batch.firstIndex()
            + ".."
            + (batch.firstIndex() + batch.size() - 1)
            + ").");
  }
}
