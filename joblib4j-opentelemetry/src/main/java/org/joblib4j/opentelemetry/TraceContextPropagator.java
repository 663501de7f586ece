package org.joblib4j.opentelemetry;

import com.google.auto.service.AutoService;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.io.Serializable;
import java.util.HashMap;
import org.joblib4j.spi.ContextPropagator;

/**
 * Carries the caller's OpenTelemetry context (its trace and baggage, as W3C {@code traceparent},
 * {@code tracestate} and {@code baggage} headers) to every task, on pool threads, in worker JVMs
 * and on Dask and Ray workers: a task's spans and its logs' trace ids join the caller's trace.
 * Found with {@code ServiceLoader} where this jar is on the class path, in the caller and in the
 * workers alike.
 */
@AutoService(ContextPropagator.class)
public final class TraceContextPropagator implements ContextPropagator {
  /** W3C's formats: what any OpenTelemetry SDK, or none, reads back. */
  private static final TextMapPropagator W3C =
      TextMapPropagator.composite(
          W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());

  /** Reads the headers back (W3C's propagators look keys up; they never list them). */
  private static final TextMapGetter<HashMap<String, String>> GETTER =
      (carrier, key) -> carrier == null ? null : carrier.get(key);

  @Override
  public Serializable capture() {
    Context current = Context.current();
    HashMap<String, String> headers = new HashMap<>();
    W3C.inject(current, headers, HashMap::put);
    // nothing to carry outside a trace: tasks then cost nothing more
    return headers.isEmpty() && !Span.fromContext(current).getSpanContext().isValid()
        ? null
        : headers;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Restored restore(Serializable captured) {
    Context context = W3C.extract(Context.root(), (HashMap<String, String>) captured, GETTER);
    Scope scope = context.makeCurrent();
    return scope::close;
  }
}
