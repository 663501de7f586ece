package org.joblib4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScalingBenchmarkTest {
  @Test
  void processesAreToldApartByTheirProgramFirst() {
    // the raylet's own command line names the Java worker's main class
    assertThat(
            ScalingBenchmark.kind(
                "/v/ray/core/src/ray/raylet/raylet --java_worker_command=java"
                    + " io.ray.runtime.runner.worker.DefaultWorker"))
        .isEqualTo("raylet");
    assertThat(
            ScalingBenchmark.kind(
                "/usr/lib/jvm/java-17/bin/java -cp /v/ray/jars/* "
                    + "io.ray.runtime.runner.worker.DefaultWorker"))
        .isEqualTo("ray java workers");
    assertThat(ScalingBenchmark.kind("/v/ray/core/src/ray/gcs/gcs_server --log_dir=/tmp"))
        .isEqualTo("gcs");
    assertThat(ScalingBenchmark.kind("/usr/bin/python3 -c \"\"\"Starts joblib4j's Dask sidecar"))
        .isEqualTo("sidecar + scheduler");
    assertThat(
            ScalingBenchmark.kind(
                "/usr/bin/python3 -B -c from multiprocessing.spawn import spawn_main"))
        .isEqualTo("dask workers");
    assertThat(
            ScalingBenchmark.kind(
                "/usr/bin/java -Djoblib4j.dask.channel=13,16 org.joblib4j.backend.dask.ExecutorMain"))
        .isEqualTo("executor JVMs");
    assertThat(ScalingBenchmark.kind("/bin/sleep 1")).isEqualTo("other");
  }
}
