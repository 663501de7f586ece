package org.joblib4j.core.engine;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.joblib4j.ProgressEvent;
import org.joblib4j.ProgressListener;
import org.joblib4j.TaskEvent;
import org.joblib4j.core.events.EngineEvents;
import org.joblib4j.spi.Batch;
import org.joblib4j.spi.BatchTaskException;
import org.joblib4j.spi.TaskFailure;

/**
 * joblib's progress output ({@code print_progress}, {@code _print}) and the {@link
 * ProgressListener} events of one call. Lines go to stderr below verbose 50 and to stdout from 50,
 * prefixed {@code [Parallel(n_jobs=N)]: } with the requested n_jobs.
 */
final class ProgressReporter {
  private final int verbose;
  private final String prefix;
  private final ProgressListener listener;
  private final String backendName;
  private final long startNanos = System.nanoTime();
  private final long preDispatchAmount;
  private final long knownTasks;
  private final int width;
  private int workers;
  private boolean finishedPrinted;
  private EngineEvents.Call events;

  ProgressReporter(
      int verbose,
      String parallel,
      ProgressListener listener,
      String backendName,
      long preDispatchAmount,
      long knownTasks) {
    this.verbose = verbose;
    this.knownTasks = knownTasks;
    // joblib right-aligns counters to the number of digits of the task count, 3 when unknown
    this.width = knownTasks > 0 ? (int) Math.floor(Math.log10(knownTasks)) + 1 : 3;
    this.prefix = "[" + parallel + "]: ";
    this.listener = listener;
    this.backendName = backendName;
    this.preDispatchAmount = preDispatchAmount;
  }

  /** joblib's "Using backend X with N concurrent workers." and the listener's start event. */
  void started(String backendClass, int workers, long totalTasks, boolean announce) {
    this.workers = workers;
    this.events = EngineEvents.call(backendName, workers, totalTasks);
    if (announce) {
      print("Using backend " + backendClass + " with " + workers + " concurrent workers.");
    }
    if (listener != null) {
      notify(
          () -> listener.onStart(event(new CallState(0, 0, 0, totalTasks, true, false), 0, null)));
    }
  }

  /** Whether {@link #batchSizeChanged} prints: only then is the backend's note worth taking. */
  boolean printsBatchSizeChanges() {
    return verbose >= 10;
  }

  /**
   * joblib's note on an auto batch size change ({@code Batch computation too fast (…s.) Setting
   * batch_size=N.}), printed at verbose 10 and above as joblib's {@code AutoBatchingMixin} does.
   *
   * @param note the backend's note, or {@code null} when there is none
   */
  void batchSizeChanged(String note) {
    if (note != null && verbose >= 10) {
      print(note);
    }
  }

  /**
   * A batch is dispatched: its events (JFR, observers) begin.
   *
   * @return the batch's events, to end
   */
  EngineEvents.Batch batchDispatched(long firstTask, int tasks) {
    return events.batch(firstTask, tasks);
  }

  /** After a batch completed: joblib's progress line when due, and the listener's event. */
  void batchCompleted(CallState state, int batchSize) {
    printProgress(state);
    if (listener != null) {
      notify(() -> listener.onBatchCompleted(event(state, batchSize, null)));
    }
  }

  /**
   * After a batch completed: the listener's event for each of its tasks.
   *
   * @param batch the batch (its own run times where it ran in this JVM)
   * @param results its results, {@link TaskFailure} for a collected failure
   * @param worker where it ran, as the backend said, or {@code null}
   */
  void tasksCompleted(Batch batch, List<Object> results, String worker) {
    if (listener == null) {
      return;
    }
    long[] nanos = batch.taskNanos();
    String where = worker != null ? worker : batch.ranOn();
    for (int i = 0; i < results.size(); i++) {
      Object r = results.get(i);
      Throwable error = r instanceof TaskFailure ? ((TaskFailure) r).failure() : null;
      TaskEvent e =
          new TaskEvent(
              backendName,
              batch.firstIndex() + i,
              nanos == null ? null : Duration.ofNanos(nanos[i]),
              error,
              where);
      notify(() -> listener.onTaskCompleted(e));
    }
  }

  /**
   * The failure that stops the call: the listener's event for the task that threw, when a task did.
   *
   * @param batch its batch
   * @param failure what the backend failed the batch with
   * @param worker where it ran, as the backend said, or {@code null}
   */
  void taskFailed(Batch batch, Throwable failure, String worker) {
    if (listener == null || !(failure instanceof BatchTaskException)) {
      return;
    }
    BatchTaskException e = (BatchTaskException) failure;
    int i = (int) (e.taskIndex() - batch.firstIndex());
    long[] nanos = batch.taskNanos();
    Duration runTime =
        nanos == null || i < 0 || i >= nanos.length ? null : Duration.ofNanos(nanos[i]);
    TaskEvent event =
        new TaskEvent(
            backendName,
            e.taskIndex(),
            runTime,
            e.getCause() != null ? e.getCause() : e,
            worker != null ? worker : batch.ranOn());
    notify(() -> listener.onTaskCompleted(event));
  }

  /** At the end of the call: the "finished" line when not yet printed, and the listener's event. */
  void finished(CallState state, Throwable failure) {
    if (failure == null && state.completed() && !finishedPrinted) {
      printProgress(state);
    }
    if (events != null) {
      events.end(state.completedTasks(), failure);
    }
    if (listener != null) {
      notify(() -> listener.onFinish(event(state, 0, failure)));
    }
  }

  /** joblib's {@code print_progress}, line for line. */
  void printProgress(CallState s) {
    if (verbose == 0) {
      return;
    }
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    if (s.completed()) {
      finishedPrinted = true;
      print(
          String.format(
              Locale.ROOT,
              "Done %" + width + "d out of %" + width + "d | elapsed: %s finished",
              s.completedTasks(),
              s.completedTasks(),
              shortFormatTime(elapsed)));
    } else if (s.iterating()) {
      if (verbosityFilter(s.dispatchedBatches(), verbose)) {
        return;
      }
      if (knownTasks > 0) {
        print(
            String.format(
                Locale.ROOT,
                "Done %" + width + "d out of %" + width + "d | elapsed: %s",
                s.completedTasks(),
                knownTasks,
                shortFormatTime(elapsed)));
      } else {
        print(
            String.format(
                Locale.ROOT,
                "Done %3d tasks %s| elapsed: %s",
                s.completedTasks(),
                " ".repeat(7 + width - 5),
                shortFormatTime(elapsed)));
      }
    } else {
      long index = s.completedTasks();
      long total = s.dispatchedTasks();
      if (index == 0) {
        return;
      }
      long cursor = total - index + 1 - preDispatchAmount;
      long frequency = total / verbose + 1;
      boolean isLastItem = index + 1 == total;
      if (isLastItem || Math.floorMod(cursor, frequency) != 0) {
        return;
      }
      double remaining = elapsed / index * (total - index);
      print(
          String.format(
              Locale.ROOT,
              "Done %" + width + "d out of %" + width + "d | elapsed: %s remaining: %s",
              index,
              total,
              shortFormatTime(elapsed),
              shortFormatTime(remaining)));
    }
  }

  /** joblib's {@code _verbosity_filter}: true means "do not print". */
  static boolean verbosityFilter(long index, int verbose) {
    if (verbose == 0) {
      return true;
    }
    if (verbose > 10) {
      return false;
    }
    if (index == 0) {
      return false;
    }
    double v = .5 * (11 - verbose) * (11 - verbose);
    double scale = Math.sqrt(index / v);
    double nextScale = Math.sqrt((index + 1) / v);
    return (int) nextScale == (int) scale;
  }

  /** joblib's {@code short_format_time}. */
  static String shortFormatTime(double t) {
    if (t > 60) {
      return String.format(Locale.ROOT, "%4.1fmin", t / 60.0);
    }
    return String.format(Locale.ROOT, " %5.1fs", t);
  }

  void print(String message) {
    if (verbose == 0) {
      return;
    }
    PrintStream out = verbose < 50 ? System.err : System.out;
    out.print(prefix + message + System.lineSeparator());
    out.flush();
  }

  private ProgressEvent event(CallState s, int batchSize, Throwable failure) {
    return new ProgressEvent(
        backendName,
        workers,
        s.dispatchedTasks(),
        s.completedTasks(),
        s.totalTasks(),
        batchSize,
        Duration.ofNanos(System.nanoTime() - startNanos),
        failure);
  }

  private static void notify(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      Warnings.LOG.warn("A ProgressListener threw; its exception is ignored", e);
    }
  }
}
