package org.joblib4j.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Spans of real calls, and the trace context inside real worker JVMs, with the SDK's in-memory
 * exporter.
 */
class JoblibTracingTest {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
  private final JoblibTracing tracing = JoblibTracing.install(sdk);
  private final Tracer tracer = sdk.getTracer("test");

  @AfterEach
  void close() {
    tracing.close();
    sdk.close();
  }

  /** In the worker JVM: the trace and the parent span the task runs in, and the pid. */
  static String seen(Integer i) {
    var c = Span.current().getSpanContext();
    return c.getTraceId() + "/" + c.getSpanId() + "/" + ProcessHandle.current().pid();
  }

  static Integer failOn2(Integer i) {
    if (i == 2) {
      throw new IllegalStateException("task 2 failed");
    }
    return i;
  }

  /** Each line {@link #seen} wrote, in another JVM: the caller's trace, with its span as parent. */
  static void assertRanInTheTraceOf(List<String> seen, Span request) {
    long me = ProcessHandle.current().pid();
    assertThat(seen)
        .hasSize(4)
        .allSatisfy(
            line -> {
              String[] parts = line.split("/");
              assertThat(parts[0])
                  .as("the trace inside the worker JVM")
                  .isEqualTo(request.getSpanContext().getTraceId());
              assertThat(parts[1])
                  .as("the task's parent span")
                  .isEqualTo(request.getSpanContext().getSpanId());
              assertThat(Long.parseLong(parts[2])).as("ran in another JVM").isNotEqualTo(me);
            });
  }

  private List<SpanData> named(String name) {
    return exporter.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name))
        .collect(Collectors.toList());
  }

  @Test
  void tasksInWorkerJvmsRunInTheCallersTraceAndTheCallAndItsBatchesAreSpans() {
    Span request = tracer.spanBuilder("request").startSpan();
    List<String> seen;
    try (Scope ignored = request.makeCurrent()) {
      seen =
          Parallel.builder()
              .backend("multiprocessing")
              .nJobs(2)
              .batchSize(1)
              .build()
              .run(IntStream.range(0, 4).mapToObj(i -> delayed(JoblibTracingTest::seen, i)));
    } finally {
      request.end();
    }
    assertRanInTheTraceOf(seen, request);
    String trace = request.getSpanContext().getTraceId();

    SpanData call = named("joblib4j.call").get(0);
    assertThat(named("joblib4j.call")).hasSize(1);
    assertThat(call.getTraceId()).isEqualTo(trace);
    assertThat(call.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(call.getAttributes().get(JoblibTracing.BACKEND)).isEqualTo("multiprocessing");
    assertThat(call.getAttributes().get(JoblibTracing.COMPLETED)).isEqualTo(4L);
    List<SpanData> batches = named("joblib4j.batch");
    assertThat(batches)
        .hasSize(4)
        .allSatisfy(
            b -> {
              assertThat(b.getParentSpanId()).isEqualTo(call.getSpanId());
              assertThat(b.getAttributes().get(JoblibTracing.BYTES_SENT)).isPositive();
            });
    assertThat(batches)
        .extracting(b -> b.getAttributes().get(JoblibTracing.FIRST_TASK))
        .containsExactlyInAnyOrder(0L, 1L, 2L, 3L);
  }

  @Test
  void aFailedCallsSpanHasTheErrorAndItsException() {
    assertThatThrownBy(
            () ->
                Parallel.builder()
                    .backend("multiprocessing")
                    .nJobs(2)
                    .batchSize(1)
                    .build()
                    .run(
                        IntStream.range(0, 3)
                            .mapToObj(i -> delayed(JoblibTracingTest::failOn2, i))))
        .hasMessage("task 2 failed");
    SpanData call = named("joblib4j.call").get(0);
    assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(call.getStatus().getDescription()).isEqualTo("task 2 failed");
    assertThat(call.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
    assertThat(named("joblib4j.batch"))
        .filteredOn(b -> b.getAttributes().get(JoblibTracing.FIRST_TASK) == 2L)
        .singleElement()
        .satisfies(b -> assertThat(b.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
  }

  @Test
  void outsideATraceTasksCarryNoContext() {
    assertThat(new TraceContextPropagator().capture()).isNull();
    List<String> seen =
        Parallel.builder()
            .backend("multiprocessing")
            .nJobs(2)
            .build()
            .run(List.of(delayed(JoblibTracingTest::seen, 0)));
    assertThat(seen.get(0)).startsWith("00000000000000000000000000000000/0000000000000000/");
  }
}
