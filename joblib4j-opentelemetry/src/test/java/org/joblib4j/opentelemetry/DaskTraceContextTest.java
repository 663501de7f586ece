package org.joblib4j.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.joblib4j.Parallel.delayed;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The caller's trace inside the executor JVMs of a real (local) Dask cluster. */
@Timeout(120)
class DaskTraceContextTest {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
  private final JoblibTracing tracing = JoblibTracing.install(sdk);

  @AfterEach
  void close() {
    tracing.close();
    sdk.close();
  }

  @Test
  void tasksOnDaskWorkersRunInTheCallersTrace() {
    Span request = sdk.getTracer("test").spanBuilder("request").startSpan();
    List<String> seen;
    try (Scope ignored = request.makeCurrent()) {
      seen =
          Parallel.builder()
              .backend("dask", Map.of("scheduler", "local:2"))
              .nJobs(2)
              .build()
              .run(IntStream.range(0, 4).mapToObj(i -> delayed(JoblibTracingTest::seen, i)));
    } finally {
      request.end();
    }
    JoblibTracingTest.assertRanInTheTraceOf(seen, request);
    assertThat(exporter.getFinishedSpanItems())
        .filteredOn(s -> s.getName().equals("joblib4j.call"))
        .singleElement()
        .satisfies(s -> assertThat(s.getAttributes().get(JoblibTracing.BACKEND)).isEqualTo("dask"));
  }
}
