package org.joblib4j.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.joblib4j.observation.ObservedBatch;
import org.joblib4j.observation.ObservedCall;
import org.joblib4j.observation.ObservedCallEnd;
import org.joblib4j.observation.Observers;
import org.joblib4j.observation.ParallelObserver;

/**
 * A span per {@code Parallel} call ({@code joblib4j.call}, a child of the caller's current span)
 * and per batch ({@code joblib4j.batch}, a child of its call's span), from the observation SPI.
 * With {@link TraceContextPropagator} (in this jar), the tasks themselves run inside the caller's
 * context, in worker JVMs and on clusters too.
 *
 * <pre>{@code
 * try (JoblibTracing tracing = JoblibTracing.install(openTelemetry)) {
 *   ... every call of this JVM is traced ...
 * }
 * }</pre>
 */
public final class JoblibTracing implements AutoCloseable {
  static final String SCOPE = "org.joblib4j";
  static final AttributeKey<String> BACKEND = AttributeKey.stringKey("joblib4j.backend");
  static final AttributeKey<Long> WORKERS = AttributeKey.longKey("joblib4j.workers");
  static final AttributeKey<Long> TASKS = AttributeKey.longKey("joblib4j.tasks");
  static final AttributeKey<Long> COMPLETED = AttributeKey.longKey("joblib4j.tasks.completed");
  static final AttributeKey<Long> FAILED = AttributeKey.longKey("joblib4j.tasks.failed");
  static final AttributeKey<Long> FIRST_TASK = AttributeKey.longKey("joblib4j.batch.first_task");
  static final AttributeKey<Long> BYTES_SENT = AttributeKey.longKey("joblib4j.batch.bytes_sent");
  static final AttributeKey<Long> BYTES_RECEIVED =
      AttributeKey.longKey("joblib4j.batch.bytes_received");

  private final Observers.Registration registration;

  private JoblibTracing(Tracer tracer) {
    this.registration = Observers.register(new Spans(tracer));
  }

  /**
   * Traces every call of this JVM until closed.
   *
   * @param openTelemetry where the spans go
   * @return the installation, to close
   */
  public static JoblibTracing install(OpenTelemetry openTelemetry) {
    if (openTelemetry == null) {
      throw new NullPointerException("openTelemetry must not be null");
    }
    return new JoblibTracing(openTelemetry.getTracer(SCOPE));
  }

  /** Stops tracing; spans already open are ended as their calls end. */
  @Override
  public void close() {
    registration.close();
  }

  private static final class Spans implements ParallelObserver {
    private final Tracer tracer;
    private final Map<Long, Span> calls = new ConcurrentHashMap<>();
    private final Map<List<Long>, Span> batches = new ConcurrentHashMap<>();

    Spans(Tracer tracer) {
      this.tracer = tracer;
    }

    @Override
    public void callStarted(ObservedCall call) {
      // called in the caller's thread: its current span is the parent
      Span span =
          tracer
              .spanBuilder("joblib4j.call")
              .setAttribute(BACKEND, call.backend())
              .setAttribute(WORKERS, (long) call.workers())
              .setAttribute(TASKS, call.totalTasks())
              .startSpan();
      calls.put(call.id(), span);
    }

    @Override
    public void callFinished(ObservedCallEnd end) {
      Span span = calls.remove(end.call().id());
      if (span == null) {
        return;
      }
      span.setAttribute(COMPLETED, end.completedTasks());
      if (end.failure() != null) {
        span.recordException(end.failure());
        span.setStatus(StatusCode.ERROR, String.valueOf(end.failure().getMessage()));
      }
      span.end();
    }

    @Override
    public void batchDispatched(ObservedCall call, long firstTask, int tasks) {
      Span parent = calls.get(call.id());
      if (parent == null) {
        return;
      }
      Span span =
          tracer
              .spanBuilder("joblib4j.batch")
              .setParent(Context.root().with(parent))
              .setAttribute(BACKEND, call.backend())
              .setAttribute(FIRST_TASK, firstTask)
              .setAttribute(TASKS, (long) tasks)
              .startSpan();
      batches.put(List.of(call.id(), firstTask), span);
    }

    @Override
    public void batchCompleted(ObservedBatch batch) {
      ended(batch);
    }

    @Override
    public void batchFailed(ObservedBatch batch) {
      ended(batch);
    }

    private void ended(ObservedBatch batch) {
      Span span = batches.remove(List.of(batch.call().id(), batch.firstTask()));
      if (span == null) {
        return;
      }
      span.setAttribute(BYTES_SENT, batch.bytesSent());
      span.setAttribute(BYTES_RECEIVED, batch.bytesReceived());
      span.setAttribute(FAILED, (long) batch.failedTasks());
      if (batch.failure() != null && batch.failedTasks() > 0) {
        span.recordException(batch.failure());
        span.setStatus(StatusCode.ERROR, String.valueOf(batch.failure().getMessage()));
      }
      span.end();
    }
  }
}
