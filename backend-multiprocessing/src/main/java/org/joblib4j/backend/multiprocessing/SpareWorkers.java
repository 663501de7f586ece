package org.joblib4j.backend.multiprocessing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.joblib4j.process.WorkerLauncher;
import org.joblib4j.process.WorkerOptions;
import org.joblib4j.process.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opt-in warm spares of the multiprocessing backend ({@code spare-workers}): blank worker JVMs,
 * started after a call for the next one, that have booted and warmed their task path with
 * joblib4j's own tasks, but never joined a pool nor run a user task. A call's pool takes them
 * instead of starting JVMs (so it still gets fresh static state), and they are replaced in the
 * background at the end of the call. They exit with this JVM (as workers do: they watch their
 * parent, and a shutdown hook kills them), after {@code spare-idle-timeout} without a call, and on
 * {@link #shutdown()}. One set per JVM, for the worker options of the latest call.
 */
final class SpareWorkers {
  private static final Logger LOG = LoggerFactory.getLogger(SpareWorkers.class);
  private static final WorkerLauncher LAUNCHER = new WorkerLauncher();
  private static final ArrayDeque<Process> SPARES = new ArrayDeque<>();
  private static final ScheduledExecutorService BACKGROUND =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "joblib4j-multiprocessing-spares");
            t.setDaemon(true);
            return t;
          });
  private static WorkerOptions key;
  private static Path errorDir;
  private static ScheduledFuture<?> idleCheck;
  private static long generation;

  /** Spares a scheduled {@link #fill} has still to start. */
  private static int owed;

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(SpareWorkers::shutdown, "joblib4j-multiprocessing-spares-shutdown"));
  }

  private SpareWorkers() {}

  /**
   * What makes two worker JVMs interchangeable: everything on their command line and environment.
   */
  private static WorkerOptions keyOf(WorkerOptions options) {
    return new WorkerOptions(
        options.jvmArgs(),
        options.heap(),
        options.threadLimit(),
        options.threadLimitExplicit(),
        options.environment(),
        options.idleTimeout(),
        options.maxTasksPerWorker(),
        options.leakBytes(),
        0,
        null,
        options.startTimeout());
  }

  /**
   * Takes a live spare started with these options.
   *
   * @param options the worker options of the pool that wants it
   * @return the spare, or {@code null} when none fits
   */
  static synchronized Process take(WorkerOptions options) {
    if (!keyOf(options).equals(key)) {
      return null;
    }
    while (!SPARES.isEmpty()) {
      Process p = SPARES.poll();
      if (p.isAlive()) {
        return p;
      }
    }
    if (owed > 0) {
      // a call right after the last one: it starts its own JVM, in place of a spare not yet
      // started (back-to-back calls would otherwise boot twice as many JVMs at once)
      owed--;
    }
    return null;
  }

  /**
   * Brings the spares for these options up to {@code count} in the background (other options'
   * spares are killed: the latest call predicts the next), and restarts the idle timer.
   *
   * @param options the worker options of the call that just ended
   * @param count the number of spares to keep
   * @param idleTimeout how long they wait for a call before they are killed
   */
  static void replenish(WorkerOptions options, int count, Duration idleTimeout) {
    WorkerOptions wanted = keyOf(options);
    List<Process> stale = new ArrayList<>();
    long gen;
    synchronized (SpareWorkers.class) {
      gen = ++generation;
      if (idleCheck != null) {
        idleCheck.cancel(false);
      }
      idleCheck =
          BACKGROUND.schedule(() -> expire(gen), idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!wanted.equals(key)) {
        stale.addAll(SPARES);
        SPARES.clear();
        key = wanted;
      }
      SPARES.removeIf(p -> !p.isAlive());
      owed = Math.max(0, count - SPARES.size());
    }
    stale.forEach(SpareWorkers::kill);
    BACKGROUND.execute(
        () -> {
          try {
            fill(wanted);
          } catch (RuntimeException | Error e) {
            LOG.warn("Could not start spare worker JVMs", e);
          }
        });
  }

  /**
   * Starts the spares still owed, one at a time (a pool that found none cancels one: see {@link
   * #take}).
   */
  private static void fill(WorkerOptions wanted) {
    while (true) {
      synchronized (SpareWorkers.class) {
        if (!wanted.equals(key) || owed <= 0) {
          return;
        }
        owed--;
      }
      Process p;
      try {
        p = LAUNCHER.launchSpare(wanted, errorDir());
      } catch (IOException e) {
        LOG.debug("Could not start a spare worker JVM: {}", e.toString());
        return;
      }
      synchronized (SpareWorkers.class) {
        if (wanted.equals(key)) {
          SPARES.add(p);
          continue;
        }
      }
      kill(p);
    }
  }

  private static void expire(long gen) {
    synchronized (SpareWorkers.class) {
      if (gen != generation) {
        return;
      }
    }
    LOG.debug("No multiprocessing call within spare-idle-timeout: stopping the spare worker JVMs");
    killAll();
  }

  /** Kills every spare now; a later call with {@code spare-workers} starts new ones. */
  static void shutdown() {
    synchronized (SpareWorkers.class) {
      generation++;
      if (idleCheck != null) {
        idleCheck.cancel(false);
        idleCheck = null;
      }
    }
    killAll();
    Path dir;
    synchronized (SpareWorkers.class) {
      dir = errorDir;
      errorDir = null;
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // already gone
      }
    }
  }

  private static void killAll() {
    List<Process> all;
    synchronized (SpareWorkers.class) {
      all = new ArrayList<>(SPARES);
      SPARES.clear();
      key = null;
      owed = 0;
    }
    all.forEach(SpareWorkers::kill);
  }

  private static void kill(Process p) {
    p.destroyForcibly();
  }

  /**
   * How many spares are still to be started, for tests: with none owed and none alive, none comes.
   *
   * @return the count
   */
  static synchronized int owed() {
    return owed;
  }

  /**
   * Returns the pids of the live spares, for tests and diagnostics.
   *
   * @return the pids
   */
  static synchronized List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    for (Process p : SPARES) {
      if (p.isAlive()) {
        pids.add(p.pid());
      }
    }
    return pids;
  }

  /** Where a spare's crash report goes: a private folder of this JVM. */
  private static synchronized Path errorDir() throws IOException {
    if (errorDir == null) {
      errorDir = WorkerPool.privateDirectory();
    }
    return errorDir;
  }
}
